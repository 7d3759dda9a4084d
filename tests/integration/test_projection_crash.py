"""Kill `ledger project` with SIGKILL in the middle of a large catch-up, restart it, and the
views equal a rebuild from zero: nothing lost, nothing counted twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from bench.workload import workload
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from tests.integration.test_projections import snapshot

ROUNDS = 40  # ~25,000 events: long enough to be caught half-way


def project_process(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": settings.database_url,
        "LEDGER_DATABASE_SCHEMA": settings.database_schema,
    }
    command = [sys.executable, "-m", "ledger.cli.main", "project", "--page-size", "250", "--once"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_killed_projector_resumes_without_loss_or_double_count(
    ledger: Ledger, settings: Settings, tmp_path: Path
) -> None:
    results = list(Importer(ledger).run(workload(ROUNDS)))
    assert {r.status for r in results} == {"ok"}
    head = ledger.event_log.max_position()
    with closing(ProjectionRunner(ledger)) as watcher:  # creates the views' tables first
        process = project_process(settings)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            reached = watcher.positions()["batches"]
            if reached > head // 4:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        killed_at = watcher.positions()["batches"]
        assert 0 < killed_at < head, "the projector must be killed in the middle of its catch-up"

        restarted = project_process(settings)
        _, err = restarted.communicate(timeout=300)
        assert restarted.returncode == 0, err.decode()
        assert set(watcher.positions().values()) == {head}
        resumed = snapshot(watcher)

        watcher.rebuild()
        assert snapshot(watcher) == resumed
        collected = watcher.db.scalar("SELECT COUNT(*) FROM view_flows WHERE kind = 'collected'")
        assert collected == ROUNDS * 30
