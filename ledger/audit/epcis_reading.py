"""Reading the fields of a captured EPCIS event: identifiers, times, kilograms, ledger terms.

Each reader checks what it reads and raises the ledger's own errors, naming the field:

- batches, sites, materials and transformations are the ledger's URIs
  (``…/batches/{uuid}``, ``…/sites/{uuid}``, ``…/materials/{code}``,
  ``…/transformations/{uuid}``) under any address, so that a document exported by one ledger
  can be captured by another; anything else (an EPC URN, a GS1 Digital Link) is refused with
  ``epcis_identifier_not_mapped``;
- masses are quantities in kilograms (``uom`` ``KGM``), read as decimals from their JSON text;
- the ledger's terms are read under whatever prefix the document's ``@context`` binds to the
  ledger's namespace (``fl`` in the ledger's own documents), or to the per-deployment namespaces
  of documents written before it was fixed (``https://…/ns/epcis#``).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from ledger.audit.epcis_context import EXTENSION_PREFIX, LEDGER_NAMESPACE, expanded_term
from ledger.audit.epcis_ids import parse_ledger_uri
from ledger.domain.errors import (
    EpcisEventNotMapped,
    EpcisIdentifierNotMapped,
    InvalidInput,
    InvalidTime,
)

LABELLING = "fl:labelling"
EARLIER_NAMESPACE = re.compile(r"^https?://\S+/ns/epcis#$")
MAX_NUMBER_TEXT = 20
MAX_TEXT = 500


def ledger_prefixes(prefixes: dict[str, str]) -> frozenset[str]:
    """The prefixes a document binds to the ledger's namespace (``fl`` if it binds none)."""
    found = {
        prefix
        for prefix, iri in prefixes.items()
        if iri == LEDGER_NAMESPACE or EARLIER_NAMESPACE.match(iri)
    }
    return frozenset(found or {EXTENSION_PREFIX})


class Terms:
    """The ledger's terms of one JSON object of an event, by local name (``route``)."""

    def __init__(self, source: Any, prefixes: frozenset[str], where: str) -> None:
        self.where = where
        self.prefixes = prefixes
        self.values: dict[str, Any] = {}
        if isinstance(source, dict):
            for key, value in source.items():
                prefix, _, name = str(key).partition(":")
                if name and prefix in prefixes:
                    self.values[name] = value
                elif key.startswith(LEDGER_NAMESPACE):
                    self.values[key.removeprefix(LEDGER_NAMESPACE)] = value

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) is not None

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT:
            raise InvalidInput(f"{self.field(name)} is a text of 1 to {MAX_TEXT} characters.")
        return value

    def decimal(self, name: str) -> Decimal | None:
        value = self.values.get(name)
        return None if value is None else decimal_of(value, self.field(name))

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**9:
            raise InvalidInput(f"{self.field(name)} is a positive whole number.")
        return int(value)

    def moment(self, name: str) -> datetime | None:
        value = self.values.get(name)
        return None if value is None else moment_of(value, self.field(name))

    def nested(self, name: str) -> Terms:
        return Terms(self.values.get(name), self.prefixes, self.field(name))

    def entries(self, name: str) -> list[Terms]:
        value = self.values.get(name) or []
        if not isinstance(value, list):
            raise InvalidInput(f"{self.field(name)} is a list.")
        return [Terms(item, self.prefixes, self.field(name)) for item in value]

    def field(self, name: str) -> str:
        return f"{self.where}fl:{name}"


def decimal_of(value: Any, field: str) -> Decimal:
    """A JSON number as a decimal, read from its text (at most 20 characters)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{field} is a number.", field=field)
    text = repr(value)
    if len(text) > MAX_NUMBER_TEXT:
        raise InvalidInput(f"{field} is written in at most {MAX_NUMBER_TEXT} characters.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{field} is a number.", field=field) from None
    if not number.is_finite():
        raise InvalidInput(f"{field} is a finite number.", field=field)
    return number


def moment_of(value: Any, field: str) -> datetime:
    """An RFC 3339 time with its offset."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidTime(f"{field} is an RFC 3339 time with an offset.", field=field)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidTime(f"{field} is an RFC 3339 time with an offset.", field=field) from None
    if moment.tzinfo is None:
        raise InvalidTime(f"{field} has no offset: say which time zone.", field=field)
    return moment


def identifier(value: Any, kind: str, field: str) -> str:
    """The key of a ledger URI of that kind (``batches``, ``sites``…)."""
    parsed = parse_ledger_uri(value)
    if parsed is None or parsed[0] != kind:
        shown = value if isinstance(value, str) and len(value) <= 200 else "this value"
        raise EpcisIdentifierNotMapped(
            f"{field}: {shown!r} is not a ledger identifier (…/{kind}/<id>).", field=field
        )
    return parsed[1]


def uuid_of(value: Any, kind: str, field: str) -> UUID:
    key = identifier(value, kind, field)
    try:
        return UUID(key)
    except ValueError:
        raise EpcisIdentifierNotMapped(f"{field}: {key!r} is not a UUID.", field=field) from None


def batch_id(value: Any, field: str) -> UUID:
    return uuid_of(value, "batches", field)


def site_id(value: Any, field: str) -> UUID:
    return uuid_of(value, "sites", field)


def material(value: Any, field: str) -> str:
    return identifier(value, "materials", field)


def the_one(event: dict[str, Any], key: str) -> Any:
    """The single entry of a list field (the ledger records one batch per event)."""
    entries = event.get(key)
    if not isinstance(entries, list) or len(entries) != 1:
        raise EpcisEventNotMapped(f"{key} names exactly one batch for this event.", field=key)
    return entries[0]


def kilograms(entry: Any, field: str) -> tuple[str, Decimal]:
    """A quantity element's material and mass in kilograms."""
    if not isinstance(entry, dict) or entry.get("uom") != "KGM":
        raise EpcisEventNotMapped(f"{field} is a mass in kilograms (uom KGM).", field=field)
    return material(entry.get("epcClass"), f"{field}.epcClass"), decimal_of(
        entry.get("quantity"), f"{field}.quantity"
    )


def place(event: dict[str, Any], key: str) -> UUID:
    """The site of ``bizLocation`` or ``readPoint``."""
    where = event.get(key)
    if not isinstance(where, dict) or "id" not in where:
        raise EpcisEventNotMapped(f"The event needs a {key} (the ledger's site).", field=key)
    return site_id(where["id"], f"{key}.id")


def listed_location(event: dict[str, Any], key: str, role: str) -> UUID | None:
    """The ``location`` entry of a source or destination list, if there is one."""
    entries = event.get(key) or []
    found = [
        e
        for e in entries
        if isinstance(e, dict)
        and e.get("type") in ("location", "https://ref.gs1.org/cbv/SDT-location")
    ]
    if len(found) > 1:
        raise EpcisEventNotMapped(f"{key} names more than one location.", field=key)
    return None if not found else site_id(found[0].get(role), f"{key}.{role}")


def business_step(value: Any) -> str:
    """A business step as a bare CBV word (``shipping``), or ``fl:labelling``, however written."""
    step = str(value or "")
    for prefix in ("https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:"):
        step = step.removeprefix(prefix)
    return LABELLING if step == expanded_term("labelling") else step
