"""The work-hours view: one row per work log, corrections applied."""

from __future__ import annotations

from typing import Any, ClassVar

from ledger.projections.base import Page, topic_name
from ledger.projections.db import ViewDatabase

COLUMNS = {"hours_centi", "contract", "activity", "worker_ref", "work_date"}
COLUMN_ORDER = (
    "work_log_id",
    "site_id",
    "organisation_id",
    "worker_ref",
    "contract",
    "activity",
    "hours_centi",
    "work_date",
)


class WorkView:
    """Hours by work log: site, organisation of the site, worker, contract, activity, date."""

    name: ClassVar[str] = "work"
    tables: ClassVar[tuple[str, ...]] = ("view_work_logs",)
    topics: ClassVar[frozenset[str]] = frozenset(("WorkLog.Logged", "WorkLog.Corrected"))

    def create(self, db: ViewDatabase) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS view_work_logs (work_log_id TEXT PRIMARY KEY, "
            "site_id TEXT, organisation_id TEXT, worker_ref TEXT, contract TEXT, "
            "activity TEXT, hours_centi INTEGER, work_date TEXT)"
        )
        db.execute(
            "CREATE INDEX IF NOT EXISTS view_work_logs_org_date "
            "ON view_work_logs (organisation_id, work_date)"
        )

    def apply(self, db: ViewDatabase, page: Page) -> None:
        logged: list[tuple[Any, ...]] = []
        for _, event in page:
            topic = topic_name(event)
            if topic == "WorkLog.Logged":
                logged.append(
                    (
                        str(event.originator_id),
                        str(event.site_id),
                        str(event.site_organisation_id),
                        event.worker_ref,
                        event.contract,
                        event.activity,
                        event.hours_centi,
                        event.work_date,
                    )
                )
            elif topic == "WorkLog.Corrected":
                self.flush(db, logged)
                logged = []
                for column, value in event.changes.items():
                    if column in COLUMNS:  # names come from the event class, never from users
                        db.execute(
                            f"UPDATE view_work_logs SET {column} = ? WHERE work_log_id = ?",
                            (value, str(event.originator_id)),
                        )
        self.flush(db, logged)

    @staticmethod
    def flush(db: ViewDatabase, rows: list[tuple[Any, ...]]) -> None:
        db.insert_many(
            "view_work_logs",
            COLUMN_ORDER,
            rows,
            "ON CONFLICT (work_log_id) DO NOTHING",
        )
