"""Importing is idempotent by line: a file imported twice, or again after a crash, counts once.

A line's ``client_event_id`` is a key of the import's own scope, whoever holds the line's batch
by the time it is imported again (a dispatched bag is held by the sorting centre after its
receipt: its dispatch line must still be a duplicate).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from bench.national import Shape, write_year
from ledger.application.core import UnitOfWork
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.settings import Settings
from ledger.storage.idempotency import KeyRecord


def year_file(tmp_path: Path) -> Path:
    path = tmp_path / "year.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write_year(Shape(0.0003, days=40, workers_per_centre=2), out)
    return path


def stored_events(ledger: Ledger) -> Counter[str]:
    notifications = ledger.recorder.select_notifications(1, limit=1_000_000)
    return Counter(n.topic.split(":")[-1] for n in notifications)


def test_a_file_imported_twice_writes_nothing_the_second_time(
    ledger: Ledger, tmp_path: Path
) -> None:
    lines = year_file(tmp_path).read_text(encoding="utf-8").splitlines()
    first = list(Importer(ledger, chunk_size=97).run(lines))
    assert Counter(r.status for r in first) == {"ok": len(lines)}
    after_first = stored_events(ledger)
    assert not any("IdempotencyRecord" in topic for topic in after_first)  # keys are rows
    again = Importer(ledger, chunk_size=53)
    second = list(again.run(lines))
    assert [r.status for r in second] == ["duplicate"] * len(lines)
    assert [r.id for r in second] == [r.id for r in first]
    assert again.events_written == 0
    assert stored_events(ledger) == after_first


def test_the_same_key_committed_twice_at_once_commits_once(ledger: Ledger) -> None:
    key = KeyRecord("scope", f"k-{uuid4()}", "digest", 201, {"kind": "batch", "id": "x"})
    first, second = UnitOfWork(ledger), UnitOfWork(ledger)
    assert first.key_record("scope", key.key) is None
    assert second.key_record("scope", key.key) is None
    first.add_key(key)
    second.add_key(key)
    first.commit()
    with pytest.raises(IntegrityError):
        second.commit()
    assert UnitOfWork(ledger).key_record("scope", key.key) == key


def run_import(settings: Settings, path: Path, chunk: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": settings.database_url,
        "LEDGER_DATABASE_SCHEMA": settings.database_schema,
    }
    command = [sys.executable, "-m", "ledger.cli.main", "import", str(path), "--chunk", str(chunk)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_an_import_killed_at_a_random_line_completes_when_run_again(
    ledger: Ledger, settings: Settings, tmp_path: Path
) -> None:
    path = year_file(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    results = path.with_suffix(".results.jsonl")
    seed = random.randrange(1_000_000)
    kill_after = random.Random(seed).randrange(50, len(lines) - 200)
    killed = run_import(settings, path, chunk=40)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and killed.poll() is None:
        written = results.read_bytes().count(b"\n") if results.exists() else 0
        if written >= kill_after:
            break
        time.sleep(0.002)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL, f"seed {seed}: the import ended before the kill"
    partly = stored_events(ledger)
    again = run_import(settings, path, chunk=40)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, f"seed {seed}: {out.decode()} {err.decode()}"
    statuses = Counter(
        line.split('"status": "')[1].split('"')[0]
        for line in results.read_text(encoding="utf-8").splitlines()
    )
    assert statuses["error"] == 0, (seed, statuses)
    assert statuses["duplicate"] > 0, (seed, statuses)
    assert statuses["ok"] + statuses["duplicate"] == len(lines)
    complete = stored_events(ledger)
    assert complete["Batch.Collected"] == sum('"op":"collect"' in line for line in lines)
    assert complete["Batch.Received"] == sum('"op":"receive"' in line for line in lines)
    assert complete["Batch.Valorised"] == sum('"op":"valorise"' in line for line in lines)
    assert complete["WorkLog.Logged"] == sum('"op":"work"' in line for line in lines)
    assert all(complete[topic] >= count for topic, count in partly.items())


def test_a_bulk_import_keeps_the_planner_s_statistics_of_the_store(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the statistics of the events and keys tables are taken again as an import
    outgrows them (whatever the server's autovacuum does), so that a batch's events are read by
    the store's key, not by a scan planned for an empty table."""
    monkeypatch.setattr("ledger.cli.importer.ANALYZE_FROM", 200)
    lines = year_file(tmp_path).read_text(encoding="utf-8").splitlines()
    importer = Importer(ledger, chunk_size=97)
    analysed: list[int] = []
    analyze = ledger.event_log.analyze
    monkeypatch.setattr(
        ledger.event_log, "analyze", lambda: (analysed.append(importer.events_written), analyze())
    )
    assert Counter(r.status for r in importer.run(lines)) == {"ok": len(lines)}
    if ledger.event_log.backend == "sqlite":
        assert analysed == []
        return
    assert len(analysed) >= 2  # when the import outgrew them, then at its end
    assert analysed == sorted(analysed)
    assert analysed[-1] == importer.events_written
    # a table this small is read whole by ANALYZE: its count is exact
    assert ledger.event_log.planner_rows() == sum(stored_events(ledger).values())
