"""``ledger flows import``, ``ledger import`` op ``flow`` and ``ledger communes import``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ledger.application.ledger import Ledger
from ledger.application.territory_commands import DescribeTerritory
from ledger.cli.main import app
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from ledger.territory.communes import commune_table
from tests.territory import ADMIN

FLOWS_CSV = """year;direction;category;mass_t;energy_gj;partner;output_to;source;quality;note
2026;import;MF4;12000,5;;rest_of_france;;Observatoire de l'énergie;estimated;fioul
2026;extraction;MF3;50000;;;;UNICEM;estimated;carrières
2026;extraction;MF3;50000;;;;UNICEM;estimated;carrières
2026;output;MF4;36000;;;air;Inventaire des émissions;modelled;
2026;import;MF9;1;;;;Douanes;measured;
"""


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", settings.database_schema)
    return CliRunner()


@pytest.fixture
def cvs(ledger: Ledger) -> Ledger:
    territory = DescribeTerritory(
        "cvs", "Caux Vallée de Seine", ["76384", "76114"], population={"2026": 77000}
    )
    ledger.describe_territory(ADMIN, territory)
    return ledger


def declared_masses(ledger: Ledger) -> list[int]:
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()
    db = ViewDatabase(ledger.settings)
    try:
        rows = db.query("SELECT mass_g FROM view_declared_flows WHERE territory = 'cvs'")
    finally:
        db.close()
    return sorted(int(row[0]) for row in rows)


def test_flows_import_reads_a_csv_once_and_reports_each_row(
    runner: CliRunner, cvs: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "flux-2026.csv"
    path.write_text(FLOWS_CSV, encoding="utf-8")
    first = runner.invoke(app, ["flows", "import", str(path), "--territory", "cvs"])
    assert first.exit_code == 1  # one row is refused
    assert "4 ok, 0 duplicate, 1 error" in first.output
    results = [
        json.loads(line) for line in path.with_suffix(".results.jsonl").read_text().splitlines()
    ]
    assert results[-1]["code"] == "unknown_category"
    again = runner.invoke(app, ["flows", "import", str(path), "--territory", "cvs"])
    assert "0 ok, 4 duplicate, 1 error" in again.output
    # 12,000.5 t read with its decimal comma; the two identical quarry rows stay two flows.
    assert declared_masses(cvs) == [
        12_000_500_000, 36_000_000_000, 50_000_000_000, 50_000_000_000,
    ]  # fmt: skip


def test_import_takes_flow_lines_naming_their_territory(
    runner: CliRunner, cvs: Ledger, tmp_path: Path
) -> None:
    body = {"year": 2026, "direction": "export", "category": "MF5", "mass_t": 3000,
            "partner": "DE", "source": "Douanes", "quality": "measured"}  # fmt: skip
    lines = [
        json.dumps({"op": "flow", "territory": "cvs", "client_event_id": "f-1", "body": body}),
        json.dumps({"op": "flow", "client_event_id": "f-2", "body": body}),
        json.dumps({"op": "flow", "territory": "nowhere", "client_event_id": "f-3", "body": body}),
    ]
    path = tmp_path / "flows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    outcome = [
        json.loads(line) for line in path.with_suffix(".results.jsonl").read_text().splitlines()
    ]
    assert [r["status"] for r in outcome] == ["ok", "error", "error"]
    assert [r.get("code") for r in outcome] == [None, "invalid_input", "territory_not_found"]
    assert declared_masses(cvs) == [3_000_000_000]


def test_communes_import_replaces_the_shipped_populations_from_its_year(
    runner: CliRunner, ledger: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "populations-2024.csv"
    path.write_text(
        "COM;Commune;PMUN\n76384;Lillebonne;8 600\n76114;Bolbec;11 650\n", encoding="utf-8"
    )
    command = ["communes", "import", str(path), "--year", "2024", "--source", "INSEE 2024"]
    assert runner.invoke(app, command).exit_code == 0
    assert "0 departments changed" in runner.invoke(app, command).output  # the same again
    runner_of_views = ProjectionRunner(ledger)
    runner_of_views.catch_up()
    runner_of_views.close()
    db = ViewDatabase(ledger.settings)
    try:
        table_2026, table_2023 = commune_table(db, 2026), commune_table(db, 2023)
    finally:
        db.close()
    assert (table_2026.population_year, table_2026.source) == (2024, "INSEE 2024")
    assert table_2026.communes["76384"].population == 8600
    assert table_2026.communes["76351"].population == 166687  # not in the table: shipped
    assert table_2023.communes["76384"].population == 8541  # the shipped legal populations
