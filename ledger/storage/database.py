"""Preparing the database a ledger lives in: the SQLite folder or the PostgreSQL schema."""

from __future__ import annotations

import psycopg
from psycopg import sql

from ledger.settings import Settings


def prepare_database(settings: Settings) -> None:
    """Create what the event store needs before the library creates its tables."""
    if settings.backend == "sqlite":
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                sql.Identifier(settings.database_schema)
            )
        )


def drop_schema(settings: Settings) -> None:
    """Remove a PostgreSQL schema and everything in it (tests, benchmarks)."""
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(settings.database_schema)
            )
        )


def postgres_conninfo(settings: Settings) -> str:
    env = settings.eventsourcing_env()
    return (
        f"dbname={env['POSTGRES_DBNAME']} host={env['POSTGRES_HOST']} "
        f"port={env['POSTGRES_PORT']} user={env['POSTGRES_USER']} "
        f"password={env['POSTGRES_PASSWORD']}"
    )
