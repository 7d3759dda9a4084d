"""The work-hours view: signed facts per work log, so that corrections keep what was known.

A logged work log is one row; a correction appends the row as it was, with its hours negated,
and the row as it is now, both at the correction's position and recording time. Sums of hours
are then the corrected hours, and the sums over the rows recorded by a time are what the ledger
knew then.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ledger.projections.base import Page, topic_name, utc_text
from ledger.projections.db import ViewDatabase

COLUMN_ORDER = (
    "position",
    "work_log_id",
    "site_id",
    "organisation_id",
    "worker_ref",
    "contract",
    "activity",
    "hours_centi",
    "work_date",
    "recorded_at",
)
MONTH_COLUMNS = (
    "organisation_id",
    "month",
    "site_id",
    "contract",
    "activity",
    "hours_centi",
    "rows",
)
CORRECTABLE = {"hours_centi", "contract", "activity", "worker_ref", "work_date"}
Row = dict[str, Any]


class WorkView:
    """Hours by work log: site, organisation of the site, worker, contract, activity, date."""

    name: ClassVar[str] = "work"
    tables: ClassVar[tuple[str, ...]] = ("view_work_logs", "view_work_months")
    topics: ClassVar[frozenset[str]] = frozenset(("WorkLog.Logged", "WorkLog.Corrected"))
    # Read by the figures only (a correction finds its log by ``view_work_logs_log``): a
    # rebuild builds them at its end (``ProjectionRunner.rebuild``).
    deferred_indexes: ClassVar[tuple[str, ...]] = ("view_work_logs_org_date", "view_work_logs_date")

    def create(self, db: ViewDatabase) -> None:
        big = db.big_integer
        db.execute(
            f"CREATE TABLE IF NOT EXISTS view_work_logs (position {big}, work_log_id TEXT, "
            "site_id TEXT, organisation_id TEXT, worker_ref TEXT, contract TEXT, "
            "activity TEXT, hours_centi INTEGER, work_date TEXT, recorded_at TEXT)"
        )
        db.execute(
            "CREATE INDEX IF NOT EXISTS view_work_logs_org_date "
            "ON view_work_logs (organisation_id, work_date)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS view_work_logs_log ON view_work_logs (work_log_id)")
        db.execute("CREATE INDEX IF NOT EXISTS view_work_logs_date ON view_work_logs (work_date)")
        # The hours summed by organisation, month, site, contract and activity: what the jobs
        # figures read over whole months (ledger.indicators.sums), kept in the same transaction.
        db.execute(
            "CREATE TABLE IF NOT EXISTS view_work_months (organisation_id TEXT NOT NULL, "
            "month TEXT NOT NULL, site_id TEXT NOT NULL, contract TEXT NOT NULL, "
            f"activity TEXT NOT NULL, hours_centi {big} NOT NULL, rows {big} NOT NULL, "
            "PRIMARY KEY (organisation_id, month, site_id, contract, activity))"
        )

    def apply(self, db: ViewDatabase, page: Page) -> None:
        rows: list[tuple[Any, ...]] = []
        current: dict[str, Row] = {}  # the logs of this page as they are now
        for position, event in page:
            topic = topic_name(event)
            log_id = str(event.originator_id)
            if topic == "WorkLog.Logged":
                log = {
                    "position": position,
                    "work_log_id": log_id,
                    "site_id": str(event.site_id),
                    "organisation_id": str(event.site_organisation_id),
                    "worker_ref": event.worker_ref,
                    "contract": event.contract,
                    "activity": event.activity,
                    "hours_centi": event.hours_centi,
                    "work_date": event.work_date,
                    "recorded_at": utc_text(event.timestamp),
                }
                current[log_id] = log
                rows.append(tuple(log.values()))
            elif topic == "WorkLog.Corrected":
                was = current.get(log_id) or self.load(db, log_id)
                if was is None:  # a log this view never saw logged (cannot happen in order)
                    continue
                stamp = {"position": position, "recorded_at": utc_text(event.timestamp)}
                now = {**was, **stamp}
                now.update((k, v) for k, v in event.changes.items() if k in CORRECTABLE)
                undone = {**was, **stamp, "hours_centi": -was["hours_centi"]}
                rows += [tuple(undone.values()), tuple(now.values())]
                current[log_id] = now
        db.insert_many("view_work_logs", COLUMN_ORDER, rows)
        db.insert_many(
            "view_work_months",
            MONTH_COLUMNS,
            month_sums(rows),
            "ON CONFLICT (organisation_id, month, site_id, contract, activity) DO UPDATE SET "
            "hours_centi = view_work_months.hours_centi + excluded.hours_centi, "
            "rows = view_work_months.rows + excluded.rows",
        )

    @staticmethod
    def load(db: ViewDatabase, log_id: str) -> Row | None:
        """The log as it stands: its latest row with hours (corrections add two rows)."""
        found = db.query(
            f"SELECT {', '.join(COLUMN_ORDER)} FROM view_work_logs WHERE work_log_id = ? "
            "AND hours_centi > 0 ORDER BY position DESC LIMIT 1",
            (log_id,),
        )
        return dict(zip(COLUMN_ORDER, found[0], strict=True)) if found else None


def month_sums(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A page's rows (``COLUMN_ORDER``) summed by ``MONTH_COLUMNS``' key."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key = (row[3], str(row[8])[:7], row[2], row[5], row[6])
        found = sums.get(key)
        if found is None:
            found = sums[key] = [0, 0]
        found[0] += row[7]
        found[1] += 1
    return [(*key, *totals) for key, totals in sorted(sums.items())]
