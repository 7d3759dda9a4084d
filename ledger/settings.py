"""One typed settings object, read once from the environment and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///./var/ledger.db"
LEDGER_FILE = Path("var") / "ledger.db"


def default_database_url(cwd: Path | None = None) -> str:
    """The ledger a command opens when ``LEDGER_DATABASE_URL`` is unset: the nearest
    ``var/ledger.db`` in this folder or a parent; else the checkout's own ``var/ledger.db`` when
    the ledger runs from its source tree (``make run`` and ``make install`` set it up so); else
    ``./var/ledger.db``. The command line says which one it opened."""
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / LEDGER_FILE).is_file():
            return f"sqlite:///{folder / LEDGER_FILE}"
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "ledger" / "settings.py").is_file():
        return f"sqlite:///{checkout / LEDGER_FILE}"
    return DEFAULT_DATABASE_URL


@dataclass(frozen=True)
class Settings:
    """How this ledger is configured (DESIGN §4.1)."""

    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str = "public"
    bootstrap_admin_token: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    secret_key: str = ""
    projections: str = "embedded"  # or "external": `ledger project` runs them (PostgreSQL)
    subscription_targets: str = "public"  # or "private": deliveries may go to loopback/LAN
    failed_attempts_per_minute: int = 10  # per client address, before 429 (DESIGN §4.4)
    map_tile_url: str = ""  # a tile server for the map's background (none: no tiles are drawn)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the ``LEDGER_*`` variables; anything unset keeps its default."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("LEDGER_DATABASE_URL") or default_database_url(),
            database_schema=env.get("LEDGER_DATABASE_SCHEMA", "public"),
            bootstrap_admin_token=env.get("LEDGER_BOOTSTRAP_ADMIN_TOKEN") or None,
            public_base_url=env.get("LEDGER_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
            secret_key=env.get("LEDGER_SECRET_KEY", ""),
            projections=env.get("LEDGER_PROJECTIONS", "embedded"),
            subscription_targets=env.get("LEDGER_SUBSCRIPTION_TARGETS", "public"),
            failed_attempts_per_minute=int(env.get("LEDGER_FAILED_ATTEMPTS_PER_MINUTE", "10")),
            map_tile_url=env.get("LEDGER_MAP_TILE_URL", ""),
        )

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgres``."""
        scheme = urlparse(self.database_url).scheme
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres"):
            return "postgres"
        raise ValueError(
            f"LEDGER_DATABASE_URL must start with sqlite:// or postgresql://, not {scheme}"
        )

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file: ``sqlite:///./var/ledger.db`` is relative, ``sqlite:////x`` absolute."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment the eventsourcing library reads, built explicitly from these settings.

        The application recorders are ``ledger.storage.recorders``' subclasses of the library's:
        they also write idempotency keys in the events' transaction, and on PostgreSQL insert a
        transaction's events several times faster (bench/RESULTS.md, "Ingestion").
        """
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
                "APPLICATION_RECORDER_TOPIC": "ledger.storage.recorders:SQLiteLedgerRecorder",
            }
        url = urlparse(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": (
                "ledger.storage.recorders:FastPostgresApplicationRecorder"
            ),
            "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),  # trust auth: no password
            "POSTGRES_SCHEMA": self.database_schema,
            "POSTGRES_POOL_SIZE": "10",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_LOCK_TIMEOUT": "5",
        }

    def describe_database(self) -> str:
        """Where this ledger lives, for a person reading a command's output (no password)."""
        if self.backend == "sqlite":
            return f"SQLite file {self.sqlite_path.resolve()}"
        env = self.eventsourcing_env()
        return (
            f"PostgreSQL {env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
            f", schema {self.database_schema}"
        )

    def signing_key(self) -> bytes:
        """The key for label signatures, sessions and form tokens (``ledger.storage.keys``
        settles it when a ledger opens: configured, or the SQLite ledger's own key file)."""
        if not self.secret_key:
            raise RuntimeError("No signing key: LEDGER_SECRET_KEY is not set for this ledger.")
        return self.secret_key.encode()

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests, CLI options)."""
        from dataclasses import replace

        return replace(self, **changes)
