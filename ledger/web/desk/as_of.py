"""The "as recorded at" field of the dashboard and the report page: a Paris wall-clock time.

A ``datetime-local`` field sends ``2026-10-05T14:30`` with no zone: on these pages it is the time
in Paris, where the territory lies. A time with its zone (a link copied from the API) keeps it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ledger.domain.errors import InvalidTime

PARIS = ZoneInfo("Europe/Paris")


def recording_time(text: str | None) -> datetime | None:
    """The time of recording asked for (None: as recorded now); ``invalid_time`` if unreadable."""
    if not text or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidTime("as_of is a date and time: 2026-10-05T14:30.", as_of=text) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=PARIS)


def wall_clock(moment: datetime | None) -> str:
    """The value of a ``datetime-local`` field: the time in Paris, to the minute."""
    return "" if moment is None else moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
