"""Who reads which event (DESIGN §4.4), in the feed and the export: work logs for their
organisation's supervisors and admins, auditors and the ledger's admins; token records for
admins; a token's hash for nobody."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from ledger.application.commands import Actor, CorrectWorkLog, IssueToken, LogWork
from ledger.application.ledger import Ledger
from ledger.cli.main import app
from ledger.settings import Settings
from tests.territory import ADMIN, Territory, build_territory, collect


def work(ledger: Ledger, supervisor: Actor, site: UUID, worker_ref: str) -> UUID:
    cmd = LogWork(site, worker_ref, "insertion", "sorting", Decimal("6.5"), date.today())
    return UUID(ledger.log_work(supervisor, cmd).ref.id)


@pytest.fixture
def world(ledger: Ledger) -> Territory:
    """The workshop logs a day of its insertion sorter (then corrects it), the collectors log a
    day at their container; a token is issued for each."""
    world = build_territory(ledger)
    workshop_log = work(ledger, world.actor("supervisor"), world.sorting_centre, "ICIAD-17")
    ledger.correct_work_log(
        world.actor("supervisor"),
        workshop_log,
        CorrectWorkLog(reason="7 h, not 6.5", hours=Decimal("7")),
    )
    collectors_supervisor = Actor(world.collectors, "supervisor", "tok-c-supervisor")
    work(ledger, collectors_supervisor, world.container_lillebonne, "W-0042")
    ledger.issue_token(ADMIN, IssueToken(world.workshop, "sorter"))
    ledger.issue_token(ADMIN, IssueToken(world.collectors, "collector"))
    collect(ledger, world, "412.5")
    return world


def whole_feed(ledger: Ledger, reader: Actor, limit: int = 1000) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    for _ in range(1000):  # bounded: the log is small
        page, next_after = ledger.feed(reader, after, limit)
        events += page
        if next_after == after:
            return events
        after = next_after
    raise AssertionError("the feed never ended")


def work_refs(events: list[dict[str, Any]]) -> list[str]:
    return [e["payload"]["worker_ref"] for e in events if e["type"] == "WorkLog.Logged"]


def types(events: list[dict[str, Any]]) -> set[str]:
    return {e["type"] for e in events}


def test_a_collector_of_another_organisation_reads_no_work_log_and_no_token(
    ledger: Ledger, world: Territory
) -> None:
    events = whole_feed(ledger, world.actor("collector"))
    assert not {t for t in types(events) if t.startswith(("WorkLog", "Token"))}
    assert "Batch.Collected" in types(events)
    assert "Site.Registered" in types(events)
    assert "worker_ref" not in json.dumps(events)


def test_a_supervisor_reads_its_own_organisations_work_logs_only(
    ledger: Ledger, world: Territory
) -> None:
    events = whole_feed(ledger, world.actor("supervisor"))
    assert work_refs(events) == ["ICIAD-17"]
    assert "WorkLog.Corrected" in types(events)  # its organisation's correction too
    assert not types(events) & {"Token.Issued"}
    organisation_admin = Actor(world.workshop, "admin", "tok-workshop-admin")
    admin_events = whole_feed(ledger, organisation_admin)
    assert work_refs(admin_events) == ["ICIAD-17"]
    tokens = [e for e in admin_events if e["type"] == "Token.Issued"]
    assert [t["payload"]["owner_id"] for t in tokens] == [str(world.workshop)]


def test_auditors_and_the_ledgers_admins_read_every_work_log(
    ledger: Ledger, world: Territory
) -> None:
    auditor = Actor(world.fraying_mill, "auditor", "tok-auditor")
    assert work_refs(whole_feed(ledger, auditor)) == ["ICIAD-17", "W-0042"]
    assert work_refs(whole_feed(ledger, ADMIN)) == ["ICIAD-17", "W-0042"]
    assert "Token.Issued" not in types(whole_feed(ledger, auditor))
    assert len([e for e in whole_feed(ledger, ADMIN) if e["type"] == "Token.Issued"]) == 2


def test_nobody_reads_a_tokens_hash(ledger: Ledger, world: Territory) -> None:
    issued = [e for e in whole_feed(ledger, ADMIN) if e["type"] == "Token.Issued"]
    hashes: list[str] = [ledger.repository.get(UUID(e["aggregate_id"])).token_hash for e in issued]
    assert len(hashes) == 2
    readers = [ADMIN, Actor(world.workshop, "admin", "t"), *world.actors.values()]
    for reader in readers:
        text = json.dumps(whole_feed(ledger, reader))
        assert "token_hash" not in text
        assert not any(h in text for h in hashes)


def test_a_short_page_still_says_where_the_next_one_starts(
    ledger: Ledger, world: Territory
) -> None:
    collector = world.actor("collector")
    every = whole_feed(ledger, collector)
    paged = whole_feed(ledger, collector, limit=3)
    assert [e["position"] for e in paged] == [e["position"] for e in every]
    last = ledger.event_log.max_position()
    assert ledger.feed(collector, last, 10) == ([], last)


def test_the_export_holds_every_event_but_no_hash(
    settings: Settings, ledger: Ledger, world: Territory, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", settings.database_schema)
    out = tmp_path / "events.jsonl"
    result = CliRunner().invoke(app, ["export", "events", "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == ledger.event_log.max_position()  # the operator exports everything
    assert "token_hash" not in out.read_text(encoding="utf-8")
    assert sum('"Token.Issued"' in line for line in lines) == 2
