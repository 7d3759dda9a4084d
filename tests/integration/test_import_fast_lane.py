"""The import's fast lane stores exactly what the general path stores.

The same file is imported into two fresh ledgers on the same clock, once with the fast lane
(``ledger.cli.fastlane``) and once with every line read through the API's schemas: the stored
events (ids, versions, topics, bytes), the idempotency rows and the per-line results are the
same, errors included (unknown site, label used twice, a time in the future, a worker named,
a filière the site does not take), and lines of a less plain form take the general path.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import eventsourcing.domain
import pytest

from bench.national import Shape, uid, write_year
from ledger.application.ledger import Ledger
from ledger.cli.fastlane import fast_command
from ledger.cli.importer import Importer
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database
from tests.conftest import make_settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def year_lines() -> list[str]:
    out = io.StringIO()
    write_year(Shape(0.0003, days=20, workers_per_centre=2), out)
    return out.getvalue().splitlines()


def variants(lines: list[str]) -> list[str]:
    """Lines of the four common ops in every form the fast lane reads or passes on."""
    collect = next(json.loads(t) for t in lines if '"op":"collect"' in t)
    work = next(json.loads(t) for t in lines if '"op":"work"' in t)
    centre = next(json.loads(t) for t in lines if '"sorting_centre"' in t)["body"]["id"]
    site = collect["body"]["site_id"]

    def line(op: str, key: str, body: dict[str, Any], batch: int | None = None) -> str:
        data: dict[str, Any] = {"op": op, "client_event_id": key, "body": body}
        if batch is not None:
            data["batch_id"] = uid("bag", batch)
        return json.dumps(data)

    base = {"material": "textile.collected", "site_id": site, "occurred_at": "2025-02-01T08:00:00Z"}
    return [
        # collections: label, moisture, commune, method, an offset; then refusals
        line(
            "collect",
            "x1",
            {
                **base,
                "id": uid("bag", 90_001),
                "mass_kg": 12.5,
                "label_code": "FL-0001-A",
                "weight_method": "estimated",
                "moisture_pct": 3,
                "source_commune_insee": "76001",
            },
        ),
        line(
            "collect",
            "x2",
            {
                **base,
                "id": uid("bag", 90_002),
                "mass_kg": 7,
                "occurred_at": "2025-02-01T09:00:00+02:00",
            },
        ),
        line(
            "collect",
            "x3",
            {**base, "id": uid("bag", 90_003), "mass_kg": 1, "label_code": "FL-0001-A"},
        ),
        line(
            "collect",
            "x4",
            {**base, "id": uid("bag", 90_004), "mass_kg": 2, "site_id": uid("site", 999_999)},
        ),
        line(
            "collect",
            "x5",
            {
                **base,
                "id": uid("bag", 90_005),
                "mass_kg": 2,
                "occurred_at": "2027-01-01T00:00:00Z",
            },
        ),
        line("collect", "x6", {**base, "id": uid("bag", 90_006), "mass_kg": -2}),
        line(
            "collect",
            "x7",
            {**base, "id": uid("bag", 90_007), "mass_kg": 2, "material": "wood.pallets"},
        ),
        line("collect", "x8", {**base, "id": uid("bag", 90_008), "mass_kg": 2.0001}),
        # not plain: the general path (upper-case id, a string number, an unknown field)
        line("collect", "x9", {**base, "id": uid("bag", 90_009).upper(), "mass_kg": 3}),
        line("collect", "x10", {**base, "id": uid("bag", 90_010), "mass_kg": "4.5"}),
        line("collect", "x11", {**base, "id": uid("bag", 90_011), "mass_kg": 4, "colour": "red"}),
        # dispatches and receipts: carrier and distance, a receipt checked against its site
        line(
            "dispatch",
            "y1",
            {
                "to_site_id": centre,
                "occurred_at": "2025-02-01T10:00:00Z",
                "carrier": "Transports Martin",
                "distance_km": 42.5,
            },
            90_001,
        ),
        line(
            "receive",
            "y2",
            {"occurred_at": "2025-02-01T11:00:00Z", "mass_kg": 12.4, "site_id": centre},
            90_001,
        ),
        line(
            "dispatch",
            "y3",
            {"to_site_id": centre, "occurred_at": "2025-02-01T10:00:00Z", "distance_km": 30_000},
            90_002,
        ),
        line("receive", "y4", {"occurred_at": "2025-02-01T11:00:00Z"}, 90_002),
        line("receive", "y5", {"occurred_at": "2025-02-01T11:00:00Z"}, 90_002),
        line(
            "dispatch", "y6", {"to_site_id": centre, "occurred_at": "2025-02-01T10:00:00Z"}, 95_000
        ),
        # work logs: a pseudonym, then a name, hours off the quarter, a future date
        line("work", "z1", {**work["body"], "id": uid("work", 90_001), "worker_ref": "ICIAD-17"}),
        line("work", "z2", {**work["body"], "id": uid("work", 90_002), "worker_ref": "MARTIN"}),
        line("work", "z3", {**work["body"], "id": uid("work", 90_003), "hours": 7.1}),
        line("work", "z4", {**work["body"], "id": uid("work", 90_004), "date": "2026-06-01"}),
        line("work", "z5", {**work["body"], "id": uid("work", 90_005), "hours": True}),
        # a key used again for another request, and the same request again
        line("work", "z1", {**work["body"], "id": uid("work", 90_006)}),
        line("work", "z1", {**work["body"], "id": uid("work", 90_001), "worker_ref": "ICIAD-17"}),
    ]


def second_settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    folder = tmp_path / "general"
    folder.mkdir()
    settings = make_settings(backend, folder, secret_key="test-secret-key")
    prepare_database(settings)
    yield settings
    if backend == "postgres":
        drop_schema(settings)


@pytest.fixture
def general_settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    yield from second_settings(backend, tmp_path)


EVENT_COLUMNS = ("originator_id", "originator_version", "topic", "state")
KEY_COLUMNS = ("scope", "key", "request_digest", "status", "result")


def stored(ledger: Ledger, after: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The events stored after a position, and every idempotency row."""
    log = ledger.event_log
    position = "notification_id" if ledger.settings.backend == "postgres" else "rowid"
    with log.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM {log.table} "
            f"WHERE {position} > {int(after)} ORDER BY {position}"
        )
        events = [tuple(plain(row[c]) for c in EVENT_COLUMNS) for row in cursor.fetchall()]
        cursor.execute(f"SELECT {', '.join(KEY_COLUMNS)} FROM {log.keys_table} ORDER BY scope, key")
        keys = [tuple(row[c] for c in KEY_COLUMNS) for row in cursor.fetchall()]
    return events, keys


def plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def test_the_fast_lane_stores_what_the_general_path_stores(
    settings: Settings, general_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the library's own timestamps (index events) on the ledger's clock too
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", lambda: NOW)
    lines = year_lines()
    lines += variants(lines)
    plain = [
        line
        for line in map(json.loads, lines)
        if fast_command(line["op"], line["body"]) is not None
    ]
    common = [t for t in lines if json.loads(t)["op"] in ("collect", "dispatch", "receive", "work")]
    assert len(plain) == len(common) - 4  # the common lines take the fast lane
    assert {line["client_event_id"] for line in plain} >= {"x1", "x2", "x6", "y1", "z2"}
    assert not {line["client_event_id"] for line in plain} & {"x9", "x10", "x11", "z5"}

    fast_ledger = Ledger(settings, clock=lambda: NOW)
    general_ledger = Ledger(general_settings, clock=lambda: NOW)
    try:
        starts = [fast_ledger.event_log.max_position(), general_ledger.event_log.max_position()]
        fast = [r.to_json() for r in Importer(fast_ledger, chunk_size=37).run(lines)]
        general = [
            r.to_json() for r in Importer(general_ledger, chunk_size=37, fast_lane=False).run(lines)
        ]
        assert fast == general
        statuses = [json.loads(r)["status"] for r in fast]
        assert statuses.count("error") >= 10
        assert statuses.count("duplicate") == 1
        fast_events, fast_keys = stored(fast_ledger, starts[0])
        general_events, general_keys = stored(general_ledger, starts[1])
        assert len(fast_events) > len(lines)
        assert fast_events == general_events
        assert len(fast_keys) == statuses.count("ok")
        assert fast_keys == general_keys
        # imported again through the fast lane: every line as the first time, nothing written
        again = [json.loads(r.to_json()) for r in Importer(fast_ledger, chunk_size=41).run(lines)]
        first = [json.loads(r) for r in fast]
        assert [r["status"] for r in again] == [
            "duplicate" if r["status"] in ("ok", "duplicate") else "error" for r in first
        ]
        assert stored(fast_ledger, starts[0]) == (fast_events, fast_keys)
    finally:
        fast_ledger.close()
        general_ledger.close()
