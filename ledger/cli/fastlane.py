"""The import's fast lane: the commonest lines turned into commands without pydantic.

A national year is mostly four kinds of lines written by the same programs: collections at
drop-off points, dispatches, receipts and work logs, each with a handful of plain fields. For
those, validating the body through the API's pydantic schema (a validator call per field) and
dumping it again cost a fifth of the import. :func:`fast_command` reads such a body directly
into the command the schema would have produced — the same field values, so the same request
digest, the same events and the same idempotency rows — and then the line goes through the
same handler as any other (authorisation, sites, filières, labels, time bounds, masses).

Only bodies of the plainest form are taken: known fields only, canonical UUIDs, times written
``YYYY-MM-DDTHH:MM:SS`` with ``Z`` or an offset, numbers as JSON numbers of at most 20
characters, text without control or invisible characters and within the schema's lengths.
Anything else returns None and the line takes the general path, whose answer (including its
error message for a bad body) is then the only one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.application.commands import Collect, Dispatch, LogWork, Receive
from ledger.domain.quantities import MAX_NUMBER_CHARACTERS
from ledger.domain.text import forbidden_character

_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)\Z", re.ASCII)
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z", re.ASCII)


class NotPlain(Exception):
    """The body is not of the plainest form: the general path reads it."""


def _uuid(value: Any) -> UUID:
    if type(value) is not str or len(value) != 36:
        raise NotPlain
    try:
        found = UUID(value)
    except ValueError:
        raise NotPlain from None
    if str(found) != value:  # upper case, braces, …: pydantic's business
        raise NotPlain
    return found


def _optional_uuid(value: Any) -> UUID | None:
    return None if value is None else _uuid(value)


def _time(value: Any) -> datetime:
    if type(value) is not str or not _TIME.match(value):
        raise NotPlain
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise NotPlain from None


def _date(value: Any) -> date:
    if type(value) is not str or not _DATE.match(value):
        raise NotPlain
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NotPlain from None


def _number(value: Any) -> Decimal:
    kind = type(value)
    if kind is int or kind is float:
        text = repr(value)
        if len(text) <= MAX_NUMBER_CHARACTERS and "e" not in text and "n" not in text:
            return Decimal(text)  # as pydantic reads a JSON number into a Decimal
    raise NotPlain


def _optional_number(value: Any) -> Decimal | None:
    return None if value is None else _number(value)


def _text(value: Any, max_length: int | None = None) -> str:
    if type(value) is not str or forbidden_character(value) is not None:
        raise NotPlain
    if max_length is not None and len(value) > max_length:
        raise NotPlain
    return value


def _optional_text(value: Any, max_length: int | None = None) -> str | None:
    return None if value is None else _text(value, max_length)


def _collect(body: dict[str, Any]) -> Collect:
    return Collect(
        material=_text(body["material"], 64),
        mass_kg=_number(body["mass_kg"]),
        site_id=_uuid(body["site_id"]),
        occurred_at=_time(body["occurred_at"]),
        label_code=_optional_text(body.get("label_code"), 64),
        weight_method=_text(body.get("weight_method", "measured")),
        moisture_pct=_optional_number(body.get("moisture_pct")),
        source_commune_insee=_optional_text(body.get("source_commune_insee")),
        id=_optional_uuid(body.get("id")),
    )


def _dispatch(body: dict[str, Any]) -> Dispatch:
    return Dispatch(
        to_site_id=_uuid(body["to_site_id"]),
        occurred_at=_time(body["occurred_at"]),
        carrier=_optional_text(body.get("carrier"), 200),
        distance_km=_optional_number(body.get("distance_km")),
    )


def _receive(body: dict[str, Any]) -> Receive:
    return Receive(
        occurred_at=_time(body["occurred_at"]),
        mass_kg=_optional_number(body.get("mass_kg")),
        site_id=_optional_uuid(body.get("site_id")),
    )


def _work(body: dict[str, Any]) -> LogWork:
    return LogWork(
        site_id=_uuid(body["site_id"]),
        worker_ref=_text(body["worker_ref"]),
        contract=_text(body["contract"]),
        activity=_text(body["activity"]),
        hours=_number(body["hours"]),
        date=_date(body["date"]),
        id=_optional_uuid(body.get("id")),
    )


# op → (the fields a plain body may hold, those it must hold, how it becomes a command)
PLAIN: dict[str, tuple[frozenset[str], frozenset[str], Callable[[dict[str, Any]], Any]]] = {
    "collect": (
        frozenset(
            (
                "material",
                "mass_kg",
                "site_id",
                "occurred_at",
                "label_code",
                "weight_method",
                "moisture_pct",
                "source_commune_insee",
                "id",
            )
        ),
        frozenset(("material", "mass_kg", "site_id", "occurred_at")),
        _collect,
    ),
    "dispatch": (
        frozenset(("to_site_id", "occurred_at", "carrier", "distance_km")),
        frozenset(("to_site_id", "occurred_at")),
        _dispatch,
    ),
    "receive": (
        frozenset(("occurred_at", "mass_kg", "site_id")),
        frozenset(("occurred_at",)),
        _receive,
    ),
    "work": (
        frozenset(("site_id", "worker_ref", "contract", "activity", "hours", "date", "id")),
        frozenset(("site_id", "worker_ref", "contract", "activity", "hours", "date")),
        _work,
    ),
}


def fast_command(op: str, body: dict[str, Any]) -> Any | None:
    """The command the API's schema would make of this body, if the body is plain; else None."""
    found = PLAIN.get(op)
    if found is None:
        return None
    allowed, required, make = found
    keys = body.keys()
    if not keys <= allowed or not required <= keys:
        return None
    try:
        return make(body)
    except NotPlain:
        return None
