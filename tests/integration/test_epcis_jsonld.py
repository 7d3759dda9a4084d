"""The export is JSON-LD that keeps everything it says when expanded with GS1's context.

PyLD expands the documents offline, with the copy of GS1's EPCIS 2.0.0 context the ledger ships
(``ledger/audit/standards/epcis/epcis-context.jsonld``): no term of the ledger (extensions,
master data) may be dropped, and every extension term lands in the ledger's fixed namespace.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pyld import jsonld

from ledger.application.ledger import Ledger
from ledger.audit.epcis_context import (
    GS1_CONTEXT,
    GS1_CONTEXT_FILE,
    LEDGER_NAMESPACE,
    context_document,
)
from tests.integration.test_epcis import BASE, August, august_in_the_chain, events_of, export

EPCIS = "https://ref.gs1.org/epcis/"
FL = LEDGER_NAMESPACE
Loader = Callable[..., dict[str, Any]]


def offline_loader(documents: dict[str, Any]) -> Loader:
    """A document loader that knows only these documents (GS1's context among them)."""

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url not in documents:
            pytest.fail(f"JSON-LD expansion tried to load {url}")
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": documents[url],
        }

    return load


GS1_ONLY = {GS1_CONTEXT: json.loads(GS1_CONTEXT_FILE.read_text("utf-8"))}


def expand(document: dict[str, Any], documents: dict[str, Any] = GS1_ONLY) -> dict[str, Any]:
    expanded = jsonld.expand(document, {"documentLoader": offline_loader(documents)})
    assert len(expanded) == 1
    node: dict[str, Any] = expanded[0]
    return node


def values(node: dict[str, Any], iri: str) -> list[Any]:
    found: list[Any] = node.get(iri, [])
    return found


def master_data(expanded: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Vocabulary type → element id → attribute IRI → value, as read from the expanded form."""
    header = values(expanded, EPCIS + "epcisHeader")[0]
    vocabularies = values(values(header, EPCIS + "masterData")[0], EPCIS + "vocabularyList")
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for vocabulary in vocabularies:
        elements = found.setdefault(vocabulary["@type"][0], {})
        for element in values(vocabulary, FL + "vocabularyElementList"):
            elements[element["@id"]] = {
                attribute["@id"]: values(attribute, FL + "attributeValue")[0]["@value"]
                for attribute in values(element, FL + "attributes")
            }
    return found


@pytest.fixture
def august(ledger: Ledger) -> August:
    return august_in_the_chain(ledger)


def test_expansion_keeps_the_master_data_of_sites_and_materials(
    ledger: Ledger, august: August
) -> None:
    data = master_data(expand(export(ledger)))
    sites = data["urn:epcglobal:epcis:vtype:BusinessLocation"]
    materials = data["urn:epcglobal:epcis:vtype:EPCClass"]
    workshop = sites[f"{BASE}/sites/{august.world.sorting_centre}"]

    assert workshop == {
        FL + "name": "Atelier de tri de Bolbec",
        FL + "siteKind": "sorting_centre",
        FL + "communeInsee": "76114",
        FL + "country": "FR",
        FL + "organisation": f"{BASE}/organisations/{august.world.workshop}",
    }
    assert len(sites) == 6
    fraying = materials[f"{BASE}/materials/textile.recycling.fraying"]
    assert (fraying[FL + "filiere"], fraying[FL + "route"]) == ("textile", "recycling")


def test_without_the_ledgers_terms_expansion_drops_the_master_data(
    ledger: Ledger, august: August
) -> None:
    document = export(ledger)
    document["@context"] = [GS1_CONTEXT, {"fl": LEDGER_NAMESPACE}]
    header = values(expand(document), EPCIS + "epcisHeader")

    assert header == [] or values(header[0], EPCIS + "masterData") == []


def test_every_extension_of_every_event_is_kept_in_the_ledgers_namespace(
    ledger: Ledger, august: August
) -> None:
    document = export(ledger)
    expanded = values(values(expand(document), EPCIS + "epcisBody")[0], EPCIS + "eventList")
    compact = events_of(document)

    assert len(expanded) == len(compact)
    for event, node in zip(compact, expanded, strict=True):
        terms = {key.removeprefix("fl:") for key in event if key.startswith("fl:")}
        kept = {key.removeprefix(FL) for key in node if key.startswith(FL)}
        assert kept == terms
        assert node["@id"] == event["eventID"]  # the event is the node its id names
    labelling = next(
        n
        for n in expanded
        if FL + "labelCode" in n
        and EPCIS + "bizStep" in n
        and values(n, EPCIS + "bizStep")[0]["@id"].startswith(FL)
    )
    assert values(labelling, EPCIS + "bizStep")[0]["@id"] == FL + "labelling"
    collection = expanded[0]
    ilmd = values(collection, EPCIS + "ilmd")[0]
    assert values(ilmd, FL + "sourceCommuneInsee")[0]["@value"] == "76476"


def test_the_ledgers_context_document_expands_as_the_inline_context(
    ledger: Ledger, august: August
) -> None:
    document = export(ledger)
    served = "https://ledger.test/api/v1/epcis/context.jsonld"
    by_url = {**document, "@context": [GS1_CONTEXT, served]}
    documents = {**GS1_ONLY, served: context_document()}

    assert expand(by_url, documents) == expand(document)
