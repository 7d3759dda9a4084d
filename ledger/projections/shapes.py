"""The shape of each view's tables, so that a ledger upgraded to views of another shape rebuilds
those views instead of writing into tables that no longer fit.

A view's shape is the digest of the statements its ``create`` runs. It is kept in
``view_shapes``; when it differs from the code's (or is missing: a ledger from before shapes
were kept), the view's tables are dropped and created again and its position set back to zero,
in the transaction that sets the views up, so the runner replays the log into them.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from ledger.projections.base import View
from ledger.projections.db import ViewDatabase


class StatementRecorder:
    """Stands in for the views' database while a view's ``create`` says what it would run."""

    def __init__(self, db: ViewDatabase) -> None:
        self.backend = db.backend
        self.big_integer = db.big_integer
        self.statements: list[str] = []

    def execute(self, statement: str, params: Any = ()) -> None:
        self.statements.append(" ".join(statement.split()))


def shape_of(view: View, db: ViewDatabase) -> str:
    """The digest of the statements that create the view's tables on this database."""
    recorder = StatementRecorder(db)
    view.create(cast(ViewDatabase, recorder))
    return hashlib.sha256("\n".join(recorder.statements).encode()).hexdigest()[:16]


def settle_shapes(db: ViewDatabase, views: list[View]) -> list[str]:
    """Drop the tables of views whose shape changed and set them back to zero; in the caller's
    transaction, before the views' tables are created. Returns the names of those views."""
    db.execute("CREATE TABLE IF NOT EXISTS view_shapes (name TEXT PRIMARY KEY, shape TEXT)")
    stored = {
        str(name): str(shape) for name, shape in db.query("SELECT name, shape FROM view_shapes")
    }
    changed = []
    for view in views:
        shape = shape_of(view, db)
        if stored.get(view.name) == shape:
            continue
        for table in view.tables:
            db.execute(f"DROP TABLE IF EXISTS {table}")  # names are code, never user input
        db.execute("UPDATE view_positions SET position = 0 WHERE name = ?", (view.name,))
        db.execute(
            "INSERT INTO view_shapes VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET shape = ?",
            (view.name, shape, shape),
        )
        if view.name in stored:
            changed.append(view.name)
    return changed
