"""Fixtures shared by every test: a ledger on SQLite and on PostgreSQL, and a small territory.

PostgreSQL is not optional: a test that needs it fails when it is not there. Each test gets a fresh
schema in the ``test`` database (``LEDGER_TEST_POSTGRES_URL`` overrides), dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger.application.ledger import Ledger
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database

POSTGRES_URL = os.environ.get(
    "LEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgres"]


def make_settings(backend: str, tmp_path: Path, **overrides: Any) -> Settings:
    if backend == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'ledger.db'}")
    else:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        settings = Settings(database_url=POSTGRES_URL, database_schema=schema)
    return settings.with_overrides(**overrides) if overrides else settings


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    settings = make_settings(
        backend,
        tmp_path,
        bootstrap_admin_token="admin-secret-for-tests",
        secret_key="test-secret-key",
        public_base_url="https://ledger.test",
    )
    prepare_database(settings)
    yield settings
    if backend == "postgres":
        drop_schema(settings)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(settings)
    yield app
    app.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many tests ran on PostgreSQL, so CI output shows it did."""
    passed = terminalreporter.stats.get("passed", [])
    on_postgres = [r for r in passed if "[postgres" in r.nodeid or "postgres]" in r.nodeid]
    terminalreporter.write_line(f"PostgreSQL: {len(on_postgres)} tests passed on {POSTGRES_URL}")
