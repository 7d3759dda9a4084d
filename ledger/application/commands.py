"""Commands the application accepts: plain typed values, the same for the API, the CLI and imports.

The API's pydantic schemas carry the same field names, so a validated request body turns into a
command with ``Collect(**body.model_dump())``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.domain.registry import SYSTEM_ORGANISATION_ID


def added(default: Any = None) -> Any:
    """A field added to a command after ledgers were recording it: it counts in the request's
    digest only when set, so a request repeated across an upgrade stays the same request."""
    if isinstance(default, list):
        return field(default_factory=list, metadata={"added": True})
    return field(default=default, metadata={"added": True})


def _at_added_default(spec: Any, value: Any) -> bool:
    if not spec.metadata.get("added"):
        return False
    default = [] if spec.default_factory is list else spec.default
    return bool(value == default)


INTERNAL_TOKEN_IDS = frozenset({"bootstrap", "cli", "demo", "import", "system"})
"""Token ids the ledger itself writes in events when it acts without an issued token (DESIGN
§7): never the 12 hexadecimal digits of an issued token's public id."""


@dataclass(frozen=True)
class Actor:
    """Who acts: an organisation, a role, and the (public) id of the token used.

    An ``admin`` of the ledger's own (system) organisation, or the ledger acting for itself
    (imports, the demo, the command line), administers everything; an ``admin`` token of another
    organisation administers that organisation only: its details, sites, tokens and labels.
    """

    organisation_id: UUID
    role: str
    token_id: str

    @property
    def is_admin(self) -> bool:
        """An administrator of the whole ledger."""
        return self.role == "admin" and (
            self.organisation_id == SYSTEM_ORGANISATION_ID or self.token_id in INTERNAL_TOKEN_IDS
        )

    @property
    def is_organisation_admin(self) -> bool:
        """An administrator of its own organisation only."""
        return self.role == "admin" and not self.is_admin

    def administers(self, organisation_id: UUID) -> bool:
        """Whether this actor may manage that organisation's details, sites and tokens."""
        return self.is_admin or (
            self.is_organisation_admin and organisation_id == self.organisation_id
        )


@dataclass(frozen=True)
class Idempotency:
    """An idempotency key (or client event id), scoped to the caller's organisation.

    ``legacy_scope``: where a key of this request was scoped before, if elsewhere (import lines
    used to be scoped to the batch's holder of the moment); still read, never written.
    """

    key: str
    scope: UUID
    legacy_scope: UUID | None = None

    @property
    def scope_text(self) -> str:
        return uuid_text(self.scope)


@functools.lru_cache(maxsize=4096)
def uuid_text(value: UUID) -> str:
    """``str(value)`` for the few ids written again and again (scopes, sites)."""
    return str(value)


@dataclass(frozen=True)
class RegisterOrganisation:
    name: str
    kinds: list[str]
    siret: str | None = None
    vat_number: str | None = added()
    address: str | None = added()
    postal_code: str | None = added()
    city: str | None = added()
    country: str = added("FR")
    id: UUID | None = None


@dataclass(frozen=True)
class UpdateOrganisation:
    """Only the fields given change (``siret=None`` given clears it)."""

    changes: dict[str, Any]


@dataclass(frozen=True)
class RegisterSite:
    organisation_id: UUID
    name: str
    kind: str
    commune_insee: str | None = None
    country: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str | None = added()
    postal_code: str | None = added()
    city: str | None = added()
    accepts_filieres: list[str] = added([])
    id: UUID | None = None


@dataclass(frozen=True)
class UpdateSite:
    """Only the fields given change: name, address, position, the filières accepted."""

    changes: dict[str, Any]


@dataclass(frozen=True)
class DefineTerritory:
    name: str
    communes_insee: list[str]


@dataclass(frozen=True)
class IssueToken:
    organisation_id: UUID
    role: str
    label: str = added("")


@dataclass(frozen=True)
class Collect:
    material: str
    mass_kg: Decimal
    site_id: UUID
    occurred_at: datetime
    label_code: str | None = None
    weight_method: str = "measured"
    moisture_pct: Decimal | None = None
    source_commune_insee: str | None = None
    id: UUID | None = None
    supplier: dict[str, Any] | None = added()  # who handed it over (ledger.domain.transport)
    transport: dict[str, Any] | None = added()  # how it came


@dataclass(frozen=True)
class Weigh:
    mass_kg: Decimal
    occurred_at: datetime
    weight_method: str = "measured"
    ticket_ref: str | None = None


@dataclass(frozen=True)
class Label:
    label_code: str
    occurred_at: datetime


@dataclass(frozen=True)
class Dispatch:
    to_site_id: UUID
    occurred_at: datetime
    carrier: str | None = None
    distance_km: Decimal | None = None
    transport: dict[str, Any] | None = added()  # mode, carrier, receipt (ledger.domain.transport)


@dataclass(frozen=True)
class Receive:
    occurred_at: datetime
    mass_kg: Decimal | None = None
    site_id: UUID | None = None


@dataclass(frozen=True)
class RefuseReceipt:
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class Outlet:
    name: str
    country: str
    siret: str | None = added()
    vat_number: str | None = added()
    address: str | None = added()
    postal_code: str | None = added()
    city: str | None = added()


@dataclass(frozen=True)
class Valorise:
    route: str
    occurred_at: datetime
    mass_kg: Decimal | None = None
    outlet_site_id: UUID | None = None
    outlet: Outlet | None = None
    certificate_ref: str | None = None
    transport: dict[str, Any] | None = added()  # how it got to an outlet elsewhere


@dataclass(frozen=True)
class Correct:
    corrects_version: int
    reason: str
    mass_kg: Decimal | None = None
    material: str | None = None
    occurred_at: datetime | None = None
    transport: dict[str, Any] | None = added()  # how a movement travelled, as corrected


@dataclass(frozen=True)
class TransformInput:
    batch_id: UUID


@dataclass(frozen=True)
class TransformOutput:
    material: str
    mass_kg: Decimal
    label_code: str | None = None
    batch_id: UUID | None = None
    moisture_pct: Decimal | None = None


@dataclass(frozen=True)
class Transform:
    process: str
    site_id: UUID
    occurred_at: datetime
    inputs: list[TransformInput]
    outputs: list[TransformOutput]
    loss_kg: Decimal | None = None
    id: UUID | None = None


@dataclass(frozen=True)
class LogWork:
    site_id: UUID
    worker_ref: str
    contract: str
    activity: str
    hours: Decimal
    date: date
    id: UUID | None = None


@dataclass(frozen=True)
class CorrectWorkLog:
    reason: str
    hours: Decimal | None = None
    contract: str | None = None
    activity: str | None = None
    worker_ref: str | None = None
    date: date | None = None


@dataclass(frozen=True)
class DefineMaterial:
    code: str
    filiere: str
    route: str | None
    lhv_dry_mj_per_kg: Decimal
    default_moisture_pct: Decimal
    name_fr: str = ""
    name_en: str = ""
    waste_code: str | None = added()
    pop: bool = added(False)
    ewmfa_category: str | None = added()
    origin: str | None = added()


@dataclass(frozen=True)
class ReviseMaterial:
    """Only the fields given change (names, route, filière, defaults); the code stays."""

    code: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class Subscribe:
    """Push the events of these kinds to a URL, signed with a shared secret."""

    url: str
    kinds: list[str]
    secret: str


@dataclass(frozen=True)
class Ref:
    """What a command wrote: enough to render the same response again."""

    kind: str
    id: str
    version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Declare:
    """Declare an organisation's statement of a period (its figures come with it)."""

    declarant_id: UUID
    period: str


@dataclass(frozen=True)
class DeclaredFigures:
    """A statement's figures as read from the views at ``through_position``: not part of the
    request (a retry made after new events is the same request)."""

    period_start: str
    period_end: str
    through_position: int
    chain_head: str | None
    figures: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """The result of a command: what it wrote, and whether it was a repeat."""

    ref: Ref
    status: int = 201
    duplicate: bool = False
    position: int | None = None  # where the command's last event landed in the log


_AS_IS = frozenset({str, int, bool, type(None), float})
_CANONICAL = json.JSONEncoder(sort_keys=True).encode  # json.dumps(…, sort_keys=True), made once


_ADDED: dict[type[Any], dict[str, Any]] = {}  # a command class → its added fields' defaults


def _added_defaults(specs: dict[str, Any]) -> dict[str, Any]:
    """The defaults of a dataclass's ``added`` fields (``_at_added_default``, made once)."""
    return {
        name: [] if spec.default_factory is list else spec.default
        for name, spec in specs.items()
        if spec.metadata.get("added")
    }


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:  # most values: checked first, by exact type (subclasses fall through)
        return value
    if kind is UUID:
        return str(value)
    added_defaults = _ADDED.get(kind)
    if added_defaults is None and hasattr(value, "__dataclass_fields__"):
        added_defaults = _ADDED[kind] = _added_defaults(value.__dataclass_fields__)
    if added_defaults is not None:
        return {
            k: _plain_field(v)
            for k, v in vars(value).items()
            if k not in added_defaults or not bool(v == added_defaults[k])
        }
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _plain_field(value: Any) -> Any:
    """``_plain`` of a command's field, the common kinds without a call."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is UUID:
        return str(value)
    if kind is Decimal:
        return str(value.normalize())
    if kind is datetime:
        return value.isoformat()
    return _plain(value)


def digest(op: str, command: Any, target: UUID | None = None) -> str:
    """A stable digest of a command's content, to tell a repeat from a different request.

    The text digested is ``json.dumps([op, target, _plain(command)], sort_keys=True)``; a
    command of plain fields is written straight to that text (:func:`_canonical_fields`), the
    same characters without the intermediate dict and the encoder's walk over it.
    """
    body = _canonical_fields(command)
    if body is None:
        body = _CANONICAL(_plain(command))
    head = '", "' + str(target) + '", ' if target else '", null, '
    text = "[" + _ascii(op)[:-1] + head + body + "]"
    return hashlib.sha256(text.encode()).hexdigest()


_ascii = json.encoder.encode_basestring_ascii  # json.dumps's text of a str (ensure_ascii)
_FIELDS: dict[type[Any], tuple[tuple[str, str, bool, Any], ...]] = {}


def _fields_of(kind: type[Any], value: Any) -> tuple[tuple[str, str, bool, Any], ...]:
    """A command class's fields in sorted order: name, key text, whether added, its default."""
    found = _FIELDS.get(kind)
    if found is None:
        added = _ADDED.get(kind)
        if added is None:
            added = _ADDED[kind] = _added_defaults(value.__dataclass_fields__)
        found = _FIELDS[kind] = tuple(
            (name, _ascii(name) + ": ", name in added, added.get(name))
            for name in sorted(vars(value))
        )
    return found


def _canonical_fields(command: Any) -> str | None:
    """``_CANONICAL(_plain(command))`` for a dataclass command, or None for anything else."""
    kind = type(command)
    if not hasattr(kind, "__dataclass_fields__"):
        return None
    state = vars(command)
    fields = _fields_of(kind, command)
    if len(fields) != len(state):
        return None
    parts = []
    for name, key, added, default in fields:
        value = state[name]
        if added and bool(value == default):
            continue
        kind = type(value)
        if kind is str:
            parts.append(key + _ascii(value))
        elif value is None:
            parts.append(key + "null")
        elif kind is UUID:
            parts.append(key + '"' + str(value) + '"')
        elif kind is Decimal:
            parts.append(key + _ascii(str(value.normalize())))
        elif kind is datetime or kind is date:
            parts.append(key + _ascii(value.isoformat()))
        elif kind is int:
            parts.append(key + int.__repr__(value))
        elif kind is bool:
            parts.append(key + ("true" if value else "false"))
        else:
            parts.append(key + _CANONICAL(_plain_field(value)))
    return "{" + ", ".join(parts) + "}"
