"""Request and response bodies of API v1 (DESIGN §4). Requests are not events.

Request field names match the application's commands, so ``Collect(**body.model_dump())`` turns a
validated body into a command. Value rules (mass limits, 3 decimals, timezone) are checked by the
domain, which answers with specific error codes (``invalid_mass``, ``invalid_time``…).
"""

from __future__ import annotations

from datetime import date as CalendarDate
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ledger.domain.quantities import MAX_NUMBER_CHARACTERS
from ledger.domain.text import forbidden_character

T = TypeVar("T")
Kg = Decimal
Code = str


MULTILINE_FIELDS = frozenset({"reason", "note", "message", "comment"})


class Body(BaseModel):
    """Requests refuse unknown fields (a typo must not be silently ignored), text holding
    control or invisible characters, and numbers written with more than 20 characters — before
    anything is computed from them (DESIGN §4.4: whatever is accepted can be projected)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def within_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if temporal_field(cls, name) and not isinstance(value, str | datetime | CalendarDate):
            raise PydanticCustomError("invalid_time", "a time is written in ISO 8601", {})
        check_raw(value, name in MULTILINE_FIELDS, numeric_field(cls, name))
        return value


def temporal_field(model: type[BaseModel], name: str) -> bool:
    """Whether a field holds a time or a date (written in ISO 8601, never as a number)."""
    field = model.model_fields.get(name)
    annotation = str(field.annotation) if field is not None else ""
    return "datetime" in annotation or "date" in annotation


def iso_time_only(value: Any) -> Any:
    """A time given in a query: ISO 8601 text only (a bare number is not a time)."""
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value[:4].isdigit() or "-" not in value:
        raise PydanticCustomError(
            "invalid_time", "a time is written in ISO 8601, e.g. 2026-10-05T14:30:00+02:00", {}
        )
    return value


IsoTime = Annotated[datetime, BeforeValidator(iso_time_only)]


def numeric_field(model: type[BaseModel], name: str) -> bool:
    """Whether a field holds a number (its text is then read from at most 20 characters)."""
    field = model.model_fields.get(name)
    annotation = str(field.annotation) if field is not None else ""
    return any(kind in annotation for kind in ("Decimal", "int", "float"))


def check_raw(value: Any, multiline: bool, numeric: bool) -> None:
    """Refuse text the ledger does not store and over-long numbers, wherever they are nested."""
    if numeric and isinstance(value, bool):
        raise PydanticCustomError("invalid_number", "a number, not true or false, is expected", {})
    if isinstance(value, str):
        bad = forbidden_character(value, multiline)
        if bad is not None:
            raise PydanticCustomError(
                "invalid_text",
                "text holds a control or invisible character (U+{code})",
                {"code": f"{ord(bad):04X}"},
            )
        if numeric and len(value) > MAX_NUMBER_CHARACTERS:
            raise PydanticCustomError(
                "invalid_number", "a number is written with more than 20 characters", {}
            )
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if len(str(value)) > MAX_NUMBER_CHARACTERS:
            raise PydanticCustomError(
                "invalid_number", "a number is written with more than 20 characters", {}
            )
    elif isinstance(value, list | tuple):
        for item in value:
            check_raw(item, multiline, numeric)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_raw(key, False, False)
            check_raw(item, multiline, False)


# -- errors ----------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable snake_case code, e.g. mass_balance_violation.")
    message: str = Field(description="A sentence for a person.")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorDetail


# -- registry --------------------------------------------------------------------------------


class OrganisationDetails(Body):
    """What an organisation's admins may change (every field optional in an update)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kinds: list[str] | None = Field(
        default=None, max_length=8, description="collector, sorter, transporter, recycler, …"
    )
    siret: str | None = Field(
        default=None, max_length=20, description="14 digits, checked by their Luhn digit"
    )
    vat_number: str | None = Field(
        default=None, max_length=20, description="Intra-EU VAT number (companies abroad)"
    )
    address: str | None = Field(default=None, max_length=300, description="Street and number")
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2, description="ISO 3166 alpha-2")


class OrganisationCreate(OrganisationDetails):
    name: str = Field(min_length=1, max_length=200)
    kinds: list[str] = Field(
        max_length=8, description="collector, sorter, transporter, recycler, energy, …"
    )
    country: str = Field(default="FR", max_length=2, description="ISO 3166 alpha-2")
    id: UUID | None = Field(default=None, description="Client-chosen id (offline, imports).")


class OrganisationPublic(BaseModel):
    id: UUID
    name: str
    siret: str | None
    kinds: list[str]
    vat_number: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = "FR"
    version: int = 1
    recorded_at: datetime | None = None


class SiteDetails(Body):
    """What a site's admins may change; its kind, commune and owner stay."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    latitude: Decimal | None = Field(default=None, description="WGS 84 degrees")
    longitude: Decimal | None = Field(default=None, description="WGS 84 degrees")
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=100)
    accepts_filieres: list[str] | None = Field(
        default=None,
        max_length=16,
        description="Filières the site takes (textile, wood, flax…); empty: every filière",
    )


class SiteCreate(SiteDetails):
    organisation_id: UUID
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="collection_point, sorting_centre, warehouse, recycler, …")
    commune_insee: str | None = Field(default=None, description="INSEE code, e.g. 76384")
    country: str | None = Field(default=None, description="ISO 3166 alpha-2; FR by default")
    accepts_filieres: list[str] = Field(
        default_factory=list,
        max_length=16,
        description="Filières the site takes (textile, wood, flax…); empty: every filière",
    )
    id: UUID | None = None


class SitePublic(BaseModel):
    id: UUID
    organisation_id: UUID
    name: str
    kind: str
    commune_insee: str | None
    country: str
    latitude: float | None
    longitude: float | None
    inside_territory: bool
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    accepts_filieres: list[str] = Field(default_factory=list)
    version: int = 1
    recorded_at: datetime | None = None


class TerritoryUpdate(Body):
    name: str = Field(min_length=1, max_length=200)
    communes_insee: list[str] = Field(min_length=1, max_length=5000)


class TerritoryPublic(BaseModel):
    name: str | None
    communes_insee: list[str]
    version: int
    recorded_at: datetime | None = None


class TokenCreate(Body):
    organisation_id: UUID
    role: str = Field(
        description="admin, collector, sorter, transporter, outlet, supervisor, auditor"
    )
    label: str = Field(
        default="", max_length=100, description="Whose it is, e.g. 'Lillebonne team phone'"
    )


class TokenPublic(BaseModel):
    id: UUID
    token: str = Field(description="The secret, shown only once.")
    token_id: str = Field(description="The token's public id, written in the events it signs.")
    organisation_id: UUID
    role: str
    label: str = ""


class TokenRecord(BaseModel):
    """A token as administrators list it: never its secret nor its hash."""

    id: UUID
    token_id: str
    organisation_id: UUID
    role: str
    label: str
    issued_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class MaterialCreate(Body):
    code: str = Field(description="e.g. textile.reuse.shoes", max_length=64)
    filiere: str = Field(max_length=32)
    route: str | None = None
    lhv_dry_mj_per_kg: Decimal
    default_moisture_pct: Decimal
    name_fr: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    waste_code: str | None = Field(
        default=None, max_length=12, description="European waste code, e.g. 20 01 10"
    )
    pop: bool = Field(default=False, description="Holds persistent organic pollutants")
    ewmfa_category: str | None = Field(
        default=None, max_length=16, description="EW-MFA category, e.g. MF1.3 (default by filière)"
    )
    origin: str | None = Field(
        default=None, description="extraction (taken from the territory's nature) or economy"
    )


class MaterialRevision(Body):
    """What changes in a material (the fields sent; its code stays). A material already used
    by batches keeps its filière, route, heating value, moisture, category and origin."""

    filiere: str | None = Field(default=None, max_length=32)
    route: str | None = Field(default=None, description="reuse, recycling, csr, energy, disposal")
    lhv_dry_mj_per_kg: Decimal | None = None
    default_moisture_pct: Decimal | None = None
    name_fr: str | None = Field(default=None, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    waste_code: str | None = Field(default=None, max_length=12)
    pop: bool | None = None
    ewmfa_category: str | None = Field(default=None, max_length=16)
    origin: str | None = None


class MaterialPublic(BaseModel):
    code: str
    filiere: str
    route: str | None
    lhv_dry_mj_per_kg: float
    default_moisture_pct: float
    name_fr: str
    name_en: str
    waste_code: str | None = None
    pop: bool = False
    ewmfa_category: str = "MF5"
    origin: str = "economy"


# -- batches ---------------------------------------------------------------------------------


class CompanyBody(Body):
    """A company a movement names without it being registered: a supplier, a carrier."""

    name: str | None = Field(default=None, max_length=200)
    siret: str | None = Field(default=None, max_length=20, description="French establishments")
    vat_number: str | None = Field(default=None, max_length=20, description="Companies abroad")
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2, description="ISO 3166 alpha-2")


class TransportBody(Body):
    """How a batch travelled, as the waste registers ask: mode, carrier, carrier's receipt."""

    mode: str | None = Field(default=None, description="road, rail, river, sea or air")
    direct: bool = Field(default=False, description="Conveyor or pipe: no carrier")
    carrier_organisation_id: UUID | None = Field(
        default=None, description="A carrier registered in the ledger (its details are copied)"
    )
    carrier: CompanyBody | None = None
    receipt_number: str | None = Field(
        default=None, max_length=50, description="Récépissé de déclaration de transport"
    )
    receipt_exempt: bool = Field(default=False, description="Exempted from the receipt")


class CollectionCreate(Body):
    material: str = Field(max_length=64)
    mass_kg: Kg = Field(description="More than 0, at most 40,000, at most 3 decimals.")
    site_id: UUID
    occurred_at: datetime = Field(description="Field time with its timezone.")
    label_code: Code | None = Field(default=None, max_length=64)
    weight_method: str = Field(default="measured", description="measured, estimated, …")
    moisture_pct: Decimal | None = None
    source_commune_insee: str | None = None
    id: UUID | None = None
    supplier: CompanyBody | None = Field(default=None, description="Who handed it over")
    transport: TransportBody | None = Field(default=None, description="How it came")


class WeighingCreate(Body):
    mass_kg: Kg
    occurred_at: datetime
    weight_method: str = "measured"
    ticket_ref: str | None = Field(default=None, max_length=100)


class LabellingCreate(Body):
    label_code: Code = Field(max_length=64)
    occurred_at: datetime


class DispatchCreate(Body):
    to_site_id: UUID
    occurred_at: datetime
    carrier: str | None = Field(default=None, max_length=200, description="The carrier's name")
    distance_km: Decimal | None = None
    transport: TransportBody | None = None


class ReceiptCreate(Body):
    occurred_at: datetime
    mass_kg: Kg | None = None
    site_id: UUID | None = Field(default=None, description="Where it is received (checked).")


class RefusalCreate(Body):
    reason: str = Field(min_length=1, max_length=1000, description="Why the receipt is refused")
    occurred_at: datetime


class OutletBody(Body):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(description="ISO 3166 alpha-2")
    siret: str | None = Field(default=None, max_length=20, description="French establishments")
    vat_number: str | None = Field(default=None, max_length=20, description="Companies abroad")
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=100)


class ValorisationCreate(Body):
    route: str = Field(description="reuse, recycling, csr, energy or disposal")
    occurred_at: datetime
    mass_kg: Kg | None = None
    outlet_site_id: UUID | None = None
    outlet: OutletBody | None = None
    certificate_ref: str | None = Field(default=None, max_length=200)
    transport: TransportBody | None = Field(default=None, description="To an outlet elsewhere")


class CorrectionCreate(Body):
    corrects_version: int = Field(ge=1, le=1_000_000)
    reason: str = Field(min_length=1, max_length=1000)
    mass_kg: Kg | None = None
    material: str | None = Field(default=None, max_length=64)
    occurred_at: datetime | None = None
    transport: TransportBody | None = Field(
        default=None, description="How a collected, dispatched or valorised batch travelled"
    )


class BatchPublic(BaseModel):
    id: UUID
    label_code: str | None
    material: str
    filiere: str | None
    mass_kg: float
    site_id: UUID | None
    holder_id: UUID | None
    destination_site_id: UUID | None
    state: str
    version: int
    parents: list[UUID]
    moisture_pct: float | None
    route: str | None
    consumed_by: UUID | None
    occurred_at: datetime | None
    recorded_at: datetime | None
    last_occurred_at: datetime | None
    last_recorded_at: datetime | None


class HistoryEntry(BaseModel):
    seq: int
    position: int | None
    type: str
    occurred_at: datetime | None
    recorded_at: datetime
    organisation: str
    token_id: str | None
    payload: dict[str, Any]
    corrected_by: list[int]


class LineageEdge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: UUID = Field(alias="from")
    to: UUID
    transformation_id: UUID
    process: str


class LineagePublic(BaseModel):
    batch_id: UUID
    ancestors: list[UUID]
    descendants: list[UUID]
    batches: list[BatchPublic]
    edges: list[LineageEdge]
    truncated: bool


class LabelPublic(BaseModel):
    code: str
    batch_id: UUID | None


# -- transformations and work ----------------------------------------------------------------


class InputRef(Body):
    batch_id: UUID


class OutputCreate(Body):
    material: str = Field(max_length=64)
    mass_kg: Kg
    label_code: Code | None = Field(default=None, max_length=64)
    batch_id: UUID | None = None
    moisture_pct: Decimal | None = None


class TransformationCreate(Body):
    process: str = Field(description="sorting, baling, splitting, chipping, scutching, drying")
    site_id: UUID
    occurred_at: datetime
    inputs: list[InputRef] = Field(max_length=500)
    outputs: list[OutputCreate] = Field(max_length=500)
    loss_kg: Kg | None = None
    id: UUID | None = None


class TransformationLine(BaseModel):
    batch_id: UUID
    material: str
    mass_kg: float
    label_code: str | None = None
    moisture_pct: float | None = None


class TransformationPublic(BaseModel):
    id: UUID
    process: str
    site_id: UUID
    holder_id: UUID
    occurred_at: datetime
    recorded_at: datetime
    inputs: list[TransformationLine]
    outputs: list[TransformationLine]
    inputs_kg: float
    outputs_kg: float
    declared_loss_kg: float | None
    loss_kg: float


class WorkLogCreate(Body):
    site_id: UUID
    worker_ref: str = Field(
        description="A pseudonym such as W-0042 or ICIAD-17, never a name: 1-32 upper-case letters,"
        " digits, - or _, with at least one digit and no word longer than 5 letters."
    )
    contract: str = Field(description="insertion, employee, volunteer or trainee")
    activity: str = Field(description="collection, sorting, transport, processing or other")
    hours: Decimal = Field(description="More than 0, at most 24, in steps of 0.25")
    date: CalendarDate
    id: UUID | None = None


class WorkLogCorrection(Body):
    reason: str = Field(min_length=1, max_length=1000)
    hours: Decimal | None = None
    contract: str | None = None
    activity: str | None = None
    worker_ref: str | None = None
    date: CalendarDate | None = None


class WorkLogPublic(BaseModel):
    id: UUID
    site_id: UUID
    organisation_id: UUID
    worker_ref: str
    contract: str
    activity: str
    hours: float
    date: CalendarDate
    version: int
    recorded_at: datetime | None


# -- lists, feed, health ---------------------------------------------------------------------


class ListOf(BaseModel, Generic[T]):
    """Lists answer ``{data: [...], count}``."""

    data: list[T]
    count: int


class FeedEvent(BaseModel):
    position: int
    aggregate_id: UUID
    version: int
    type: str
    occurred_at: datetime | None
    recorded_at: datetime
    organisation: str | None
    payload: dict[str, Any]


class ViewFailure(BaseModel):
    position: int = Field(description="The event the view cannot apply: it stopped before it.")
    error: str
    since: str


class EventFeed(ListOf[FeedEvent]):
    """A page of the feed: the events the caller may read, and where the next page starts."""

    next_after: int = Field(description="The position read up to: pass it as `after` next.")


class Health(BaseModel):
    status: str
    backend: str
    event_position: int
    views: dict[str, int]
    failing: dict[str, ViewFailure] = Field(
        default_factory=dict, description="Views stopped before an event they cannot apply."
    )
