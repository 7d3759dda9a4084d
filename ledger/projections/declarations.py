"""The declarations view: which statements were declared, when, and how far the log was read."""

from __future__ import annotations

import json
from typing import ClassVar

from ledger.projections.base import Page, utc_text
from ledger.projections.db import ViewDatabase

COLUMNS = (
    "declaration_id",
    "scheme",
    "organisation_id",
    "period",
    "period_start",
    "period_end",
    "through_position",
    "chain_head",
    "figures",
    "declared_at",
    "position",
)


class DeclarationsView:
    """One row per declared statement."""

    name: ClassVar[str] = "declarations"
    tables: ClassVar[tuple[str, ...]] = ("view_declarations",)
    topics: ClassVar[frozenset[str]] = frozenset(("Declaration.Declared",))

    def create(self, db: ViewDatabase) -> None:
        big = db.big_integer
        db.execute(
            "CREATE TABLE IF NOT EXISTS view_declarations (declaration_id TEXT PRIMARY KEY, "
            "scheme TEXT, organisation_id TEXT, period TEXT, period_start TEXT, "
            f"period_end TEXT, through_position {big}, chain_head TEXT, figures TEXT, "
            f"declared_at TEXT, position {big})"
        )

    def apply(self, db: ViewDatabase, page: Page) -> None:
        rows = [
            (
                str(event.originator_id),
                event.scheme,
                str(event.declarant_id),
                event.period,
                event.period_start,
                event.period_end,
                event.through_position,
                event.chain_head,
                json.dumps(event.figures, sort_keys=True),
                utc_text(event.timestamp),
                position,
            )
            for position, event in page
        ]
        db.insert_many(
            "view_declarations", COLUMNS, rows, "ON CONFLICT (declaration_id) DO NOTHING"
        )
