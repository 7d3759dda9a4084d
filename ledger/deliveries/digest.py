"""The daily figures digest a subscription may ask for (kind ``figures.daily``).

Once a day in Europe/Paris has ended, the subscriber's organisation receives that day's
circularity and jobs figures, as the views held them when the digest was sent (with their
positions, so a figure can be traced back to the log). Hours appear only as sums, as in every
indicator: a digest is readable by any token of the organisation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from ledger.indicators.circularity import Scope, circularity
from ledger.indicators.jobs import jobs
from ledger.indicators.periods import Period
from ledger.projections.db import ViewDatabase

PARIS = ZoneInfo("Europe/Paris")
DIGEST_TYPE = "FiguresDigest"


def today(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def first_digest_day(now: datetime) -> str:
    """A new subscription's first digest is for the day it was made: 'already sent' is the
    day before."""
    return (today(now) - timedelta(days=1)).isoformat()


def next_digest_day(last_sent: str | None, now: datetime) -> date | None:
    """The day whose digest is due (the one after the last sent, once it has ended), or None."""
    ended = today(now) - timedelta(days=1)
    last = date.fromisoformat(last_sent) if last_sent else ended - timedelta(days=1)
    following = last + timedelta(days=1)
    return following if following <= ended else None


def figures_digest(db: ViewDatabase, organisation_id: UUID, day: date) -> dict[str, Any]:
    """One day's figures of an organisation."""
    period = Period(day, day, day.isoformat())
    return {
        "type": DIGEST_TYPE,
        "date": day.isoformat(),
        "organisation_id": str(organisation_id),
        "circularity": circularity(db, Scope(organisation_id), period),
        "jobs": jobs(db, organisation_id, period),
    }
