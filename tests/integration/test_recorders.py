"""Large transactions in the event store, on SQLite (the library's recorder) and PostgreSQL (ours).

A transaction's events come back in order with consecutive positions; a conflicting event fails
the whole transaction and writes nothing; the positions the library hands out are those of the
stored rows. The same tests pass with the library's stock recorders on both databases.
"""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger.application.ledger import Ledger
from ledger.storage.recorders import FastPostgresApplicationRecorder, SQLiteLedgerRecorder


class Thing(Aggregate):
    """A test aggregate: created with a payload, then renamed now and then."""

    def __init__(self, payload: str) -> None:
        self.payload = payload

    @event("Renamed")
    def rename(self, payload: str) -> None:
        self.payload = payload


def things(count: int) -> list[Thing]:
    return [Thing(f"thing {i} " + "x" * (i % 50)) for i in range(count)]


def stored_keys(ledger: Ledger, start: int) -> list[tuple[int, UUID, int]]:
    """(position, originator_id, version) of every event stored after ``start``."""
    notifications = ledger.recorder.select_notifications(
        start, limit=100_000, inclusive_of_start=False
    )
    return [(n.id, UUID(str(n.originator_id)), n.originator_version) for n in notifications]


def test_the_ledger_uses_its_own_recorders(ledger: Ledger) -> None:
    expected = {"sqlite": SQLiteLedgerRecorder, "postgres": FastPostgresApplicationRecorder}
    assert type(ledger.recorder) is expected[ledger.settings.backend]
    assert isinstance(ledger.recorder, SQLiteApplicationRecorder | PostgresApplicationRecorder)


def test_a_large_transaction_comes_back_in_order_with_consecutive_positions(
    ledger: Ledger,
) -> None:
    before = ledger.event_log.max_position()
    batch = things(3000)
    for thing in batch[::100]:  # some aggregates with several events in the same transaction
        thing.rename("renamed")
        thing.rename("renamed again")
    recordings = ledger.save(*batch)
    events = [r.domain_event for r in recordings]
    ids = [r.notification.id for r in recordings]

    assert len(recordings) == 3000 + 2 * 30
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert ids[0] > before
    # The positions the library was told are those of the stored rows, event by event.
    assert stored_keys(ledger, before) == [
        (i, e.originator_id, e.originator_version) for i, e in zip(ids, events, strict=True)
    ]
    assert ledger.event_log.max_position() == ids[-1]
    for thing in batch[::97]:
        copy: Thing = ledger.repository.get(thing.id)
        assert (copy.version, copy.payload) == (thing.version, thing.payload)


def test_transactions_follow_each_other(ledger: Ledger) -> None:
    first = ledger.save(*things(10))
    second = ledger.save(*things(1))
    third = ledger.save(*things(7))
    ids = [r.notification.id for r in first + second + third]
    assert ids == list(range(ids[0], ids[0] + 18))


def test_a_conflicting_event_fails_the_whole_transaction_and_writes_nothing(
    ledger: Ledger,
) -> None:
    stored = things(1)[0]
    ledger.save(stored)
    before = ledger.event_log.max_position()

    rival: Thing = ledger.repository.get(stored.id)  # another writer read the same version
    stored.rename("mine")
    ledger.save(stored)
    after_winner = ledger.event_log.max_position()

    batch = things(500)
    rival.rename("theirs")  # same aggregate, same version: a concurrency conflict
    with pytest.raises(IntegrityError):
        ledger.save(*batch[:250], rival, *batch[250:])

    assert ledger.event_log.max_position() == after_winner > before
    assert ledger.event_log.existing([t.id for t in batch]) == set()
    assert ledger.repository.get(stored.id).payload == "mine"
    # The store still works afterwards, and orders the next transaction after the others.
    recordings = ledger.save(*things(5))
    ids = [r.notification.id for r in recordings]
    assert ids == list(range(ids[0], ids[0] + 5))
    assert ids[0] > after_winner


def test_a_duplicate_within_one_transaction_writes_nothing(ledger: Ledger) -> None:
    before = ledger.event_log.max_position()
    batch = things(100)
    events = [e for t in batch for e in t.collect_events()]
    stored = [ledger.mapper.to_stored_event(e) for e in events]
    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events([*stored, stored[42]])
    assert ledger.event_log.max_position() == before
    assert ledger.event_log.existing([t.id for t in batch]) == set()


def test_nothing_to_insert_writes_nothing(ledger: Ledger) -> None:
    before = ledger.event_log.max_position()
    assert not ledger.recorder.insert_events([])
    assert ledger.event_log.max_position() == before


class FakeCursor:
    def __init__(self, rows: list[tuple[Any, int, int]]) -> None:
        self.rows = rows

    def fetchall(self) -> list[tuple[Any, int, int]]:
        return self.rows


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_postgres_matches_ids_by_key_whatever_the_order_of_rows(ledger: Ledger) -> None:
    recorder = ledger.recorder
    assert isinstance(recorder, FastPostgresApplicationRecorder)
    events = [StoredEvent(uuid4(), v, "t", b"") for v in (1, 2, 3, 4)]
    rows = [(e.originator_id, e.originator_version, 100 + n) for n, e in enumerate(events)]
    random.Random(3).shuffle(rows)
    cursor: Any = FakeCursor(rows)
    assert recorder._fetch_ids_after_insert_events(cursor, events) == [100, 101, 102, 103]


def test_idempotency_keys_are_each_found_by_the_primary_key(ledger: Ledger) -> None:
    """An import's keys share one scope: looking up 500 of them among many must seek each one,
    never read the scope's range and filter (which grows with the ledger)."""
    log = ledger.event_log
    scope = "00000000-0000-0000-0000-000000000000"
    rows = [(scope, f"c{n}", "d" * 64, 201, "{}") for n in range(20_000)]
    with log.datastore.transaction(commit=True) as cursor:
        marks = ", ".join([log.mark] * 5)
        cursor.executemany(f"INSERT INTO {log.keys_table} VALUES ({marks})", rows)
    keys = [f"c{n}" for n in random.Random(7).sample(range(30_000), 500)]
    sql, params = log._keys_query(("scope", "key"), scope, keys)
    with log.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            ("EXPLAIN " if ledger.settings.backend == "postgres" else "EXPLAIN QUERY PLAN ") + sql,
            params,
        )
        plan = " ".join(str(value) for row in cursor.fetchall() for value in dict(row).values())
    if ledger.settings.backend == "postgres":
        assert "Index Cond: ((scope = " in plan, plan
        assert "AND (key = " in plan, plan
        assert "Filter" not in plan, plan
    else:
        assert "(scope=? AND key=?)" in plan, plan
    found = log.key_records([(scope, key) for key in keys])
    assert set(found) == {(scope, key) for key in keys if int(key[1:]) < 20_000}
