"""The `ledger` command: import with a result file per line, export, tokens, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from bench.workload import registry, uid
from ledger.application.ledger import Ledger
from ledger.cli.main import app
from ledger.projections.registry import token_records
from ledger.settings import Settings
from tests.codes import CODES


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", settings.database_schema)
    return CliRunner()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def collection_line(key: str, batch: str, kg: float) -> str:
    body = {
        "id": uid("bag", batch),
        "material": "textile.collected",
        "mass_kg": kg,
        "site_id": uid("container", 0),
        "occurred_at": "2026-09-14T08:30:00+02:00",
        "label_code": CODES[int(batch)],
    }
    return json.dumps({"op": "collect", "client_event_id": key, "body": body})


def test_import_reports_each_line_and_is_idempotent(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    lines = [
        *registry(containers=2),
        collection_line("c-1", "1", 412.5),
        collection_line("c-2", "2", 99.999),
        collection_line("c-3", "3", 40000.5),  # over 40 t: refused
        "{not json",
        json.dumps(
            {
                "op": "dispatch",
                "client_event_id": "d-1",
                "batch_id": uid("bag", "1"),
                "body": {"to_site_id": uid("centre"), "occurred_at": "2026-09-14T09:00:00+02:00"},
            }
        ),
        collection_line("c-4", "4", 10),
        collection_line("c-5", "5", 11).replace(CODES[5], CODES[1]),  # label already bound
    ]
    source = write_lines(tmp_path / "week-37.jsonl", lines)
    results = tmp_path / "week-37.results.jsonl"

    first = runner.invoke(app, ["import", str(source), "--results", str(results), "--chunk", "3"])
    assert first.exit_code == 1, first.output  # some lines were refused
    outcome = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(outcome) == len(lines)
    by_line = {r["number"]: r for r in outcome}
    assert [by_line[n]["status"] for n in range(7, 14)] == [
        "ok", "ok", "error", "error", "ok", "ok", "error",
    ]  # fmt: skip
    assert by_line[9]["code"] == "invalid_mass"
    assert by_line[10]["code"] == "invalid_input"
    assert by_line[13]["code"] == "label_already_bound"

    ledger = Ledger(settings)
    position = ledger.event_log.max_position()
    assert ledger.batch(UUID(uid("bag", "1")))["state"] == "in_transit"
    ledger.close()

    again = runner.invoke(app, ["import", str(source), "--results", str(results)])
    statuses = [json.loads(line)["status"] for line in results.read_text().splitlines()]
    assert statuses.count("ok") == 0, again.output
    assert statuses.count("duplicate") == len(lines) - 3
    ledger = Ledger(settings)
    assert ledger.event_log.max_position() == position  # the repeat wrote nothing
    ledger.close()


def test_export_events_writes_the_whole_log_in_order(
    runner: CliRunner, settings: Settings, tmp_path: Path
) -> None:
    source = write_lines(tmp_path / "registry.jsonl", list(registry(containers=3)))
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    out = tmp_path / "events.jsonl"
    result = runner.invoke(app, ["export", "events", "--output", str(out)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["position"] for e in events] == list(range(1, len(events) + 1))
    assert sum(e["type"] == "Site.Registered" for e in events) == 4


def test_token_create_prints_a_token_that_authenticates(
    runner: CliRunner, settings: Settings
) -> None:
    ledger = Ledger(settings)
    from ledger.domain.registry import SYSTEM_ORGANISATION_ID

    result = runner.invoke(
        app, ["token", "create", "--org", str(SYSTEM_ORGANISATION_ID), "--role", "auditor"]
    )
    assert result.exit_code == 0, result.output
    actor = ledger.authenticate(result.stdout.strip())
    assert f"Ledger: {settings.describe_database()}" in result.stderr
    assert (actor.role, actor.organisation_id) == ("auditor", SYSTEM_ORGANISATION_ID)
    refused = runner.invoke(
        app, ["token", "create", "--org", str(SYSTEM_ORGANISATION_ID), "--role", "king"]
    )
    assert refused.exit_code == 1
    ledger.close()


def test_token_create_keeps_its_label_in_the_token_list(
    runner: CliRunner, settings: Settings
) -> None:
    from ledger.domain.registry import SYSTEM_ORGANISATION_ID

    ledger = Ledger(settings)
    args = ["token", "create", "--org", str(SYSTEM_ORGANISATION_ID), "--role", "auditor"]
    result = runner.invoke(app, [*args, "--label", "Cabinet d'audit · tablette"])
    assert result.exit_code == 0, result.output
    try:
        from ledger.projections.runner import ProjectionRunner

        views = ProjectionRunner(ledger)
        views.catch_up()
        listed = token_records(views.db, SYSTEM_ORGANISATION_ID, {})
        views.close()
    finally:
        ledger.close()
    assert "Cabinet d'audit · tablette" in [token["label"] for token in listed]


def test_a_command_that_reads_does_not_start_an_empty_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "elsewhere" / "var" / "ledger.db"
    monkeypatch.setenv("LEDGER_DATABASE_URL", f"sqlite:///{missing}")
    runner = CliRunner()
    for args in (["export", "events"], ["audit", "verify"], ["project", "--once"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"No ledger at {missing}" in result.stderr
        assert not missing.exists()
        assert not missing.parent.exists()
    started = runner.invoke(app, ["demo", "--if-empty"])  # a command that fills one may start it
    assert started.exit_code == 0, started.output
    assert f"Ledger: a new SQLite file {missing}" in started.stderr
    assert missing.is_file()


def test_the_default_ledger_is_the_nearest_var_ledger_db_else_the_checkouts(
    tmp_path: Path,
) -> None:
    from ledger.settings import default_database_url

    project = tmp_path / "centre"
    (project / "var").mkdir(parents=True)
    (project / "var" / "ledger.db").touch()
    (project / "imports" / "2026").mkdir(parents=True)
    found = default_database_url(project / "imports" / "2026")
    assert found == f"sqlite:///{project / 'var' / 'ledger.db'}"
    checkout = Path(__file__).resolve().parents[2]
    nothing_near = default_database_url(tmp_path)
    assert nothing_near == f"sqlite:///{checkout / 'var' / 'ledger.db'}"


def test_serve_keeps_the_admin_token_in_a_file_and_reuses_it(
    settings: Settings, tmp_path: Path
) -> None:
    import stat

    from ledger.cli.main import kept_admin_token

    kept = tmp_path / "var" / "admin.token"
    ledger = Ledger(settings)
    try:
        first = kept_admin_token(ledger, kept)
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert ledger.authenticate(first).role == "admin"
        position = ledger.event_log.max_position()
        assert kept_admin_token(ledger, kept) == first  # a restart: no new token
        assert ledger.event_log.max_position() == position
        kept.write_text("not-a-token\n")
        replaced = kept_admin_token(ledger, kept)
        assert replaced != first
        assert ledger.authenticate(replaced).role == "admin"
    finally:
        ledger.close()


def test_demo_if_empty_loads_once(runner: CliRunner, settings: Settings) -> None:
    first = runner.invoke(app, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo territory loaded" in first.output
    ledger = Ledger(settings)
    position = ledger.event_log.max_position()
    assert position > 1000
    second = runner.invoke(app, ["demo", "--if-empty"])
    assert "already holds data" in second.output
    assert ledger.event_log.max_position() == position
    ledger.close()


def test_import_refuses_what_it_cannot_read_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    source = write_lines(tmp_path / "registry.jsonl", list(registry(containers=1)))
    refusals = [
        (["import", str(tmp_path)], "Cannot read"),  # a directory
        (["import", str(tmp_path / "missing.jsonl")], "Cannot read"),
        (["import", str(source), "--chunk", "0"], "--chunk must be at least 1"),
        (["import", str(source), "--chunk", "-5"], "--chunk must be at least 1"),
    ]
    for args, says in refusals:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.strip().splitlines() == [result.output.strip()], result.output
        assert says in result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        )


def test_token_create_refuses_a_bad_organisation_id_in_plain_words(runner: CliRunner) -> None:
    result = runner.invoke(app, ["token", "create", "--org", "acme", "--role", "auditor"])
    assert result.exit_code == 2
    assert "--org must be an organisation's id, a UUID" in result.output
    assert "'acme'" in result.output
    assert "Traceback" not in result.output


def test_the_command_line_imports_nothing_heavy_to_start() -> None:
    """``ledger --help`` stays fast: the application, the API and the stores load on use."""
    probe = (
        "import sys, ledger.cli.main; "
        "print(sorted(m for m in ('fastapi', 'eventsourcing', 'psycopg', 'pydantic', "
        "'ledger.application.ledger', 'labels') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
