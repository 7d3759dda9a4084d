"""The API against its own OpenAPI description, with every check schemathesis has (``--checks
all``: no 5xx, responses and headers as declared, documented status codes, invalid requests
refused and valid ones accepted, methods and ``Allow``, authentication required…), over a real
server on SQLite and PostgreSQL, with a bounded budget of examples per operation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ledger.settings import Settings
from tests.web.live import LiveServer, free_port

CONFIG = Path(__file__).with_name("schemathesis.toml")
ADMIN_TOKEN = "admin-secret-for-tests"
EXAMPLES_PER_OPERATION = 5


def test_the_api_honours_its_own_schema_with_every_check(settings: Settings) -> None:
    port = free_port()
    # the run sends wrong tokens on purpose (is authentication required?): no limit on failures
    served = settings.with_overrides(failed_attempts_per_minute=1_000_000)
    with LiveServer(served, port) as server:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file", str(CONFIG),
                "run", f"{server.url}/openapi.json",
                "--checks", "all",
                "--max-examples", str(EXAMPLES_PER_OPERATION),
                "--seed", "2026",
                "--workers", "1",
                "--no-color",
                "-H", f"Authorization: Bearer {ADMIN_TOKEN}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )  # fmt: skip
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
    assert "Tested:" in summary
    assert " failures" not in summary
