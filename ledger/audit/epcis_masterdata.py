"""Master data in the document's header: the sites and materials its events name.

Events carry only identifiers; the header says what they are, so a reader needs nothing else:

- each site (vocabulary ``urn:epcglobal:epcis:vtype:BusinessLocation``): ``fl:name``,
  ``fl:siteKind``, ``fl:communeInsee``, ``fl:country``, ``fl:organisation``;
- each material (vocabulary ``urn:epcglobal:epcis:vtype:EPCClass``): ``fl:name`` (French),
  ``fl:nameEn``, ``fl:filiere`` and ``fl:route`` (from the catalogue; no route: the material must
  be transformed before it leaves the chain).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from ledger.application.queries import Queries
from ledger.audit.epcis_facts import Fact
from ledger.audit.epcis_ids import Identifiers

LOCATION_VOCABULARY = "urn:epcglobal:epcis:vtype:BusinessLocation"
CLASS_VOCABULARY = "urn:epcglobal:epcis:vtype:EPCClass"


def named_sites(facts: Iterable[Fact]) -> set[UUID]:
    """Every site the facts name, as read point, location, source or destination."""
    found: set[UUID] = set()
    for fact in facts:
        found.add(fact.read_point)
        found.update(p.site_id for p in (fact.source, fact.destination) if p is not None)
        if fact.location is not None:
            found.add(fact.location)
    return found


def named_materials(facts: Iterable[Fact]) -> set[str]:
    """Every material the facts name."""
    return {lot.material for fact in facts for lot in (*fact.lots, *fact.outputs)}


def master_data(ledger: Queries, facts: list[Fact], ids: Identifiers) -> dict[str, Any]:
    """The ``epcisHeader`` describing the sites and materials the events name."""
    sites = [site_element(ledger, site_id, ids) for site_id in sorted(named_sites(facts))]
    materials = [material_element(ledger, code, ids) for code in sorted(named_materials(facts))]
    vocabularies = [
        {"type": LOCATION_VOCABULARY, "vocabularyElementList": sites},
        {"type": CLASS_VOCABULARY, "vocabularyElementList": materials},
    ]
    return {"epcisMasterData": {"vocabularyList": vocabularies}}


def site_element(ledger: Queries, site_id: UUID, ids: Identifiers) -> dict[str, Any]:
    site = ledger.site_json(site_id)
    values = {
        "fl:name": site["name"],
        "fl:siteKind": site["kind"],
        "fl:communeInsee": site["commune_insee"],
        "fl:country": site["country"],
        "fl:organisation": ids.organisation(UUID(site["organisation_id"])),
    }
    return {"id": ids.site(site_id), "attributes": attributes(values)}


def material_element(ledger: Queries, code: str, ids: Identifiers) -> dict[str, Any]:
    material = ledger.material(code)
    values = {
        "fl:name": material.name_fr or None,
        "fl:nameEn": material.name_en or None,
        "fl:filiere": material.filiere,
        "fl:route": material.route,
    }
    return {"id": ids.material(code), "attributes": attributes(values)}


def attributes(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": key, "attribute": value} for key, value in values.items() if value is not None]
