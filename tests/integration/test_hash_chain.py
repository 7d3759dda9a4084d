"""A rewritten history is detected and located: edited, deleted, swapped or truncated records
(SQLite and PostgreSQL), by recomputing the hash chain from the stored records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ledger.application.ledger import Ledger
from ledger.audit.chain import HashChain
from ledger.projections.db import ViewDatabase
from tests.territory import build_territory, collect


@pytest.fixture
def chained(ledger: Ledger) -> Iterator[tuple[Ledger, HashChain]]:
    world = build_territory(ledger)
    for kg in ("412.5", "18.4", "97", "230.25", "55"):
        collect(ledger, world, kg)
    chain = HashChain(ledger)
    assert chain.catch_up() == ledger.event_log.max_position()
    yield ledger, chain
    chain.close()


def events_table(ledger: Ledger) -> tuple[str, str]:
    log = ledger.event_log
    return log.table, log.position_column


def tamper(ledger: Ledger, change: Callable[[ViewDatabase, str, str], None]) -> None:
    db = ViewDatabase(ledger.settings)
    table, position = events_table(ledger)
    with db.transaction():
        change(db, table, position)
    db.close()


def test_an_untouched_log_verifies(chained: tuple[Ledger, HashChain]) -> None:
    ledger, chain = chained
    result = chain.verify()
    assert result.ok
    assert result.checked == ledger.event_log.max_position()
    assert result.head == chain.head()[1].hex()


def test_new_events_extend_the_chain_and_still_verify(chained: tuple[Ledger, HashChain]) -> None:
    ledger, chain = chained
    before = chain.head()[1]
    world = build_territory(ledger)
    collect(ledger, world, "12")
    assert chain.verify().ok  # records not chained yet are not a fault
    chain.catch_up()
    assert chain.head()[1] != before
    assert chain.verify().checked == ledger.event_log.max_position()


def test_an_edited_event_is_detected_at_its_position(chained: tuple[Ledger, HashChain]) -> None:
    ledger, chain = chained
    target = ledger.event_log.max_position() - 2

    def edit(db: ViewDatabase, table: str, position: str) -> None:
        state = db.scalar(f"SELECT state FROM {table} WHERE {position} = ?", (target,))
        forged = bytes(state).replace(b"412500", b"512500")
        if forged == bytes(state):
            forged = bytes(state) + b" "
        db.execute(f"UPDATE {table} SET state = ? WHERE {position} = ?", (forged, target))

    tamper(ledger, edit)
    result = chain.verify()
    assert (result.ok, result.first_bad) == (False, target)
    assert "differs" in (result.problem or "")


def test_a_deleted_event_is_detected_at_its_position(chained: tuple[Ledger, HashChain]) -> None:
    ledger, chain = chained
    target = 7
    tamper(ledger, lambda db, t, p: db.execute(f"DELETE FROM {t} WHERE {p} = ?", (target,)))
    result = chain.verify()
    assert (result.ok, result.first_bad) == (False, target)


def test_two_swapped_events_are_detected_at_the_first(chained: tuple[Ledger, HashChain]) -> None:
    ledger, chain = chained
    first, second = 4, 9

    def swap(db: ViewDatabase, table: str, position: str) -> None:
        rows: dict[int, Any] = {
            int(r[0]): r[1:]
            for r in db.query(
                f"SELECT {position}, topic, state FROM {table} WHERE {position} IN (?, ?)",
                (first, second),
            )
        }
        for here, there in ((first, second), (second, first)):
            db.execute(
                f"UPDATE {table} SET topic = ?, state = ? WHERE {position} = ?",
                (rows[there][0], rows[there][1], here),
            )

    tamper(ledger, swap)
    result = chain.verify()
    assert (result.ok, result.first_bad) == (False, first)


def test_a_truncated_tail_is_detected_where_it_starts(chained: tuple[Ledger, HashChain]) -> None:
    ledger, chain = chained
    cut = ledger.event_log.max_position() - 3
    tamper(ledger, lambda db, t, p: db.execute(f"DELETE FROM {t} WHERE {p} >= ?", (cut,)))
    result = chain.verify()
    assert (result.ok, result.first_bad) == (False, cut)
    assert result.checked == cut - 1


def test_the_api_and_the_cli_report_a_rewritten_event(
    chained: tuple[Ledger, HashChain], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from ledger.api import create_app
    from ledger.cli.main import app as cli

    ledger, _ = chained
    monkeypatch.setenv("LEDGER_DATABASE_URL", ledger.settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", ledger.settings.database_schema)
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
    tamper(ledger, lambda db, t, p: db.execute(f"UPDATE {t} SET state = ? WHERE {p} = 3", (b"{}",)))
    outcome = CliRunner().invoke(cli, ["audit", "verify"])
    assert outcome.exit_code == 1
    assert '"first_bad": 3' in outcome.output
    app = create_app(ledger.settings, ledger=ledger)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {ledger.settings.bootstrap_admin_token}"}
        body = client.get("/api/v1/audit/verify", headers=headers).json()
    assert (body["ok"], body["first_bad"]) == (False, 3)
