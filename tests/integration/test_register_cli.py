"""``ledger export register`` writes the template and its report; ``ledger import`` takes a
dispatch's transport like the API does."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from ledger.application.commands import UpdateOrganisation
from ledger.application.ledger import Ledger
from ledger.audit.register_national_rows import PARIS
from ledger.cli.main import app
from ledger.domain.batch import Batch
from ledger.settings import Settings
from tests.territory import ADMIN, build_territory, collect, hours_ago
from tests.trackdechets.headers import read_import
from tests.trackdechets.refinements import check_row
from tests.trackdechets.templates import template

TRUCK = {"mode": "road", "receipt_number": "76-2019-0032"}


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", settings.database_schema)
    return CliRunner()


def test_the_outgoing_register_and_its_report_are_written_beside_each_other(
    cli: CliRunner, ledger: Ledger, tmp_path: Path
) -> None:
    world = build_territory(ledger)
    details = {"siret": "81276418100010", "address": "12 rue de la Gare", "postal_code": "76170"}
    ledger.update_organisation(ADMIN, world.collectors, UpdateOrganisation(details))
    bag = collect(ledger, world, "412.5", hours=30)
    transport = {**TRUCK, "carrier_organisation_id": str(world.collectors)}
    body = {"to_site_id": str(world.sorting_centre), "occurred_at": hours_ago(29).isoformat()}
    line = {"op": "dispatch", "client_event_id": "d-1", "batch_id": str(bag)}
    lines = tmp_path / "moves.jsonl"
    lines.write_text(json.dumps(line | {"body": body | {"transport": transport}}) + "\n")

    imported = cli.invoke(app, ["import", str(lines)])

    assert imported.exit_code == 0, imported.output
    dispatched = list(ledger.events.get(bag))[-1]
    assert isinstance(dispatched, Batch.Dispatched)
    assert dispatched.transport is not None
    assert dispatched.transport["carrier"]["siret"] == details["siret"]

    target = tmp_path / "sortant.csv"
    day = hours_ago(29).astimezone(PARIS).date().isoformat()  # the register's days are Paris's
    args = ["export", "register", "--site", str(world.container_lillebonne)]
    args += ["--direction", "outgoing", "--from", day, "--to", day, "--output", str(target)]
    result = cli.invoke(app, args)

    assert result.exit_code == 0, result.output
    assert "0 rows; 1 left out for lack of a value" in result.output
    text = target.read_bytes().decode("utf-8")
    assert read_import(text, template("outgoing")) == []  # the workshop has no SIRET yet
    report = json.loads((tmp_path / "sortant.report.json").read_text(encoding="utf-8"))
    [entry] = report["reported"]
    assert entry["batch_id"] == str(bag)
    columns = {problem["column"] for problem in entry["problems"]}
    assert "destinationCompanyOrgId" in columns
    assert "transporter1CompanyOrgId" not in columns

    workshop = {**details, "siret": "44981207200014", "city": "Bolbec", "postal_code": "76210"}
    ledger.update_organisation(ADMIN, world.workshop, UpdateOrganisation(workshop))
    ledger.update_organisation(ADMIN, world.collectors, UpdateOrganisation({"city": "Lillebonne"}))
    again = cli.invoke(app, args)
    [row] = read_import(target.read_bytes().decode("utf-8"), template("outgoing"))
    assert check_row(row, "outgoing") == []
    assert UUID(hex=row["publicId"].split(".")[0]) == bag
    assert "1 rows; 0 left out" in again.output


def test_a_bad_direction_or_site_is_refused(cli: CliRunner) -> None:
    dates = ["--from", "2026-08-01", "--to", "2026-08-31"]
    site = ["--site", "6a8b8c1e-4a44-4c6e-9a55-1f2b3c4d5e6f"]
    bad_direction = cli.invoke(app, ["export", "register", *site, "--direction", "in", *dates])
    bad_site = cli.invoke(
        app, ["export", "register", "--site", "x", "--direction", "incoming", *dates]
    )

    assert bad_direction.exit_code == 2
    assert "incoming or outgoing" in bad_direction.output
    assert bad_site.exit_code == 2
    assert "UUID" in bad_site.output
