"""Facts written as EPCIS 2.0 JSON-LD events, each with its content-hash ``eventID``.

Each batch appears twice in an event: as an instance in the EPC list (``epcList``, or
``inputEPCList`` / ``outputEPCList``) and, with its material and mass, as one entry of the
matching quantity list, in the same order: ``{"epcClass": "{base}/materials/{code}",
"quantity": <kg>, "uom": "KGM"}`` (one entry per batch, never summed). An event that states no
mass (a labelling) has no quantity list.

Times: ``eventTime`` is ``occurred_at`` on the Europe/Paris wall clock with its offset, and
``eventTimeZoneOffset`` that offset (the territory's time zone, for every site: phones may send
UTC); ``recordTime`` is ``recorded_at`` in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ledger.audit.epcis_facts import TRANSFORMATION_EVENT, Fact, Lot, Place, kg_number
from ledger.audit.epcis_hash import event_id
from ledger.audit.epcis_ids import Identifiers

PARIS = ZoneInfo("Europe/Paris")


def render(fact: Fact, ids: Identifiers) -> dict[str, Any]:
    """The EPCIS event a fact states, ``eventID`` included."""
    event: dict[str, Any] = {"type": fact.event_type, **times(fact)}
    if fact.event_type == TRANSFORMATION_EVENT:
        event.update(transformed(fact, ids))
    else:
        event["action"] = fact.action
        event.update(lots("epcList", "quantityList", fact.lots, ids))
    event.update(circumstances(fact, ids))
    if fact.ilmd:
        event["ilmd"] = fact.ilmd
    event["fl:version"] = fact.version
    event["fl:actor"] = ids.organisation(fact.actor_id)
    event.update(fact.details)
    return {"type": fact.event_type, "eventID": event_id(event), **event}


def times(fact: Fact) -> dict[str, str]:
    local = fact.occurred_at.astimezone(PARIS)
    return {
        "eventTime": local.isoformat(),
        "eventTimeZoneOffset": local.isoformat()[-6:],
        "recordTime": utc_text(fact.recorded_at),
    }


def utc_text(moment: datetime) -> str:
    """A time in UTC, ISO 8601 with ``Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def lots(
    epc_key: str, quantity_key: str, batches: tuple[Lot, ...], ids: Identifiers
) -> dict[str, Any]:
    """The batches as instances, and their masses as quantities of their materials."""
    listed: dict[str, Any] = {epc_key: [ids.batch(lot.batch_id) for lot in batches]}
    quantities = [
        {"epcClass": ids.material(lot.material), "quantity": kg_number(lot.mass_g), "uom": "KGM"}
        for lot in batches
        if lot.mass_g is not None
    ]
    if quantities:
        listed[quantity_key] = quantities
    return listed


def transformed(fact: Fact, ids: Identifiers) -> dict[str, Any]:
    return {
        "transformationID": ids.transformation(fact.aggregate_id),
        **lots("inputEPCList", "inputQuantityList", fact.lots, ids),
        **lots("outputEPCList", "outputQuantityList", fact.outputs, ids),
    }


def circumstances(fact: Fact, ids: Identifiers) -> dict[str, Any]:
    """Why (business step, disposition) and where (read point, location, from, to)."""
    found: dict[str, Any] = {"bizStep": fact.biz_step}
    if fact.disposition is not None:
        found["disposition"] = fact.disposition
    found["readPoint"] = {"id": ids.site(fact.read_point)}
    if fact.location is not None:
        found["bizLocation"] = {"id": ids.site(fact.location)}
    if fact.source is not None:
        found["sourceList"] = parties("source", fact.source, ids)
    if fact.destination is not None:
        found["destinationList"] = parties("destination", fact.destination, ids)
    return found


def parties(key: str, place: Place, ids: Identifiers) -> list[dict[str, str]]:
    """The owning organisation and the site, as a source or destination list."""
    return [
        {"type": "owning_party", key: ids.organisation(place.organisation_id)},
        {"type": "location", key: ids.site(place.site_id)},
    ]
