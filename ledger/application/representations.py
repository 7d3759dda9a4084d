"""Plain JSON shapes of aggregates and events, shared by the API, the CLI and exports.

Internal units become the API's: ``*_g`` grams → ``*_kg``, ``moisture_bp`` → ``moisture_pct``,
``hours_centi`` → ``hours``, ``distance_m`` → ``distance_km``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.domain.batch import Batch
from ledger.domain.catalogue import Catalogue
from ledger.domain.registry import Organisation, Site
from ledger.domain.transformation import Transformation
from ledger.domain.worklog import WorkLog

HIDDEN_EVENT_FIELDS = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "organisation_id",
    "token_id",
    "request_digest",
}


UNITS = (
    ("_g", "_kg", 1000),
    ("moisture_bp", "moisture_pct", 100),
    ("hours_centi", "hours", 100),
    ("distance_m", "distance_km", 1000),
    ("_e6", "", 1_000_000),
)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def plain(value: Any) -> Any:
    """UUIDs, datetimes and decimals as JSON values; internal units as the API's."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return dict(convert_unit(k, v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def convert_unit(name: str, value: Any) -> tuple[str, Any]:
    """One field renamed and converted to the API's unit."""
    for suffix, replacement, divisor in UNITS:
        if name.endswith(suffix) and (value is None or type(value) is int):
            renamed = name[: -len(suffix)] + replacement
            return renamed, None if value is None else value / divisor
    return name, plain(value)


def event_payload(event: Any) -> dict[str, Any]:
    """An event's own fields, in API units."""
    fields = {k: v for k, v in vars(event).items() if k not in HIDDEN_EVENT_FIELDS}
    return dict(convert_unit(k, v) for k, v in fields.items())


def batch_json(batch: Batch, catalogue: Catalogue) -> dict[str, Any]:
    """The batch representation of DESIGN §4.2."""
    filiere = catalogue.get(batch.material).filiere if batch.material in catalogue else None
    return {
        "id": str(batch.id),
        "label_code": batch.label_code,
        "material": batch.material,
        "filiere": filiere,
        "mass_kg": batch.mass_g / 1000,
        "site_id": plain(batch.site_id),
        "holder_id": plain(batch.holder_id),
        "destination_site_id": plain(batch.destination_site_id),
        "state": batch.state.value,
        "version": batch.version,
        "parents": [str(p) for p in batch.parents],
        "moisture_pct": None if batch.moisture_bp is None else batch.moisture_bp / 100,
        "route": batch.valorised_route,
        "consumed_by": plain(batch.consumed_by),
        "occurred_at": iso(batch.collected_at),
        "recorded_at": iso(batch.created_on),
        "last_occurred_at": iso(batch.last_occurred_at),
        "last_recorded_at": iso(batch.modified_on),
    }


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": str(organisation.id),
        "name": organisation.name,
        "siret": organisation.siret,
        "kinds": list(organisation.kinds),
        "vat_number": organisation.vat_number,
        "address": organisation.address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
        "country": organisation.country,
        "version": organisation.version,
        "recorded_at": iso(organisation.created_on),
    }


def site_json(site: Site, communes: frozenset[str]) -> dict[str, Any]:
    return {
        "id": str(site.id),
        "organisation_id": str(site.owner_id),
        "name": site.name,
        "kind": site.kind,
        "commune_insee": site.commune_insee,
        "country": site.country,
        "latitude": None if site.latitude_e6 is None else site.latitude_e6 / 1_000_000,
        "longitude": None if site.longitude_e6 is None else site.longitude_e6 / 1_000_000,
        "inside_territory": site.inside(communes),
        "address": site.address,
        "postal_code": site.postal_code,
        "city": site.city,
        "accepts_filieres": list(site.accepts_filieres),
        "version": site.version,
        "recorded_at": iso(site.created_on),
    }


def transformation_json(transformation: Transformation) -> dict[str, Any]:
    return {
        "id": str(transformation.id),
        "process": transformation.process,
        "site_id": str(transformation.site_id),
        "holder_id": str(transformation.holder_id),
        "occurred_at": iso(transformation.occurred_at),
        "recorded_at": iso(transformation.created_on),
        "inputs": plain(transformation.inputs),
        "outputs": plain(transformation.outputs),
        "inputs_kg": sum(i["mass_g"] for i in transformation.inputs) / 1000,
        "outputs_kg": sum(o["mass_g"] for o in transformation.outputs) / 1000,
        "declared_loss_kg": plain_kg(transformation.declared_loss_g),
        "loss_kg": transformation.loss_g / 1000,
    }


def work_log_json(work_log: WorkLog) -> dict[str, Any]:
    return {
        "id": str(work_log.id),
        "site_id": str(work_log.site_id),
        "organisation_id": str(work_log.site_organisation_id),
        "worker_ref": work_log.worker_ref,
        "contract": work_log.contract,
        "activity": work_log.activity,
        "hours": work_log.hours_centi / 100,
        "date": work_log.work_date,
        "version": work_log.version,
        "recorded_at": iso(work_log.created_on),
    }


def plain_kg(grams: int | None) -> float | None:
    return None if grams is None else grams / 1000
