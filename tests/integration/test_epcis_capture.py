"""EPCIS capture: a document exported by one ledger, captured by an empty one, rebuilds it.

The second ledger knows the same organisations and sites (registered with the same ids: master
data is not captured) and no batch. Capturing the August story's export there gives the same
batches (state, mass, site, holder, parents, labels) and the same figures; capturing it again
writes nothing. Events other systems send that the ledger cannot map are refused one by one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from ledger.application.commands import DefineTerritory, RegisterOrganisation, RegisterSite
from ledger.application.ledger import Ledger
from ledger.audit.epcis_capture import capture, event_list
from ledger.domain.errors import PayloadTooLarge
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.indicators import circularity, metabolism, parse_period, refashion_statement
from ledger.indicators.circularity import Scope
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database
from tests.conftest import make_settings
from tests.integration.test_epcis import August, events_of, export
from tests.integration.test_epcis_hash import richer_august
from tests.territory import ADMIN

AUGUST = parse_period("2026-08")


@pytest.fixture
def empty(backend: str, tmp_path: Path, settings: Settings) -> Iterator[Ledger]:
    """A second ledger on the same backend, with no registry and no batch."""
    other = make_settings(backend, tmp_path / "empty", public_base_url="https://other.test")
    (tmp_path / "empty").mkdir()
    prepare_database(other)
    ledger = Ledger(other)
    yield ledger
    ledger.close()
    if backend == "postgres":
        drop_schema(other)


def same_registry(source: Ledger, target: Ledger) -> None:
    """The organisations, sites and territory of ``source``, with their ids, in ``target``."""
    territory = source.territory_json()
    target.define_territory(ADMIN, DefineTerritory(territory["name"], territory["communes_insee"]))
    for organisation in source.organisations():
        if UUID(organisation["id"]) == SYSTEM_ORGANISATION_ID:
            continue
        cmd = RegisterOrganisation(
            name=organisation["name"],
            kinds=organisation["kinds"],
            siret=organisation.get("siret"),
            id=UUID(organisation["id"]),
        )
        target.register_organisation(ADMIN, cmd)
    for site in source.sites():
        register = RegisterSite(
            organisation_id=UUID(site["organisation_id"]),
            name=site["name"],
            kind=site["kind"],
            commune_insee=site["commune_insee"],
            country=None if site["commune_insee"] else site["country"],
            id=UUID(site["id"]),
        )
        target.register_site(ADMIN, register)


def batches_named(document: dict[str, Any]) -> set[UUID]:
    found = set()
    for event in events_of(document):
        for key in ("epcList", "inputEPCList", "outputEPCList"):
            found.update(UUID(uri.rsplit("/", 1)[1]) for uri in event.get(key, []))
    return found


def state(ledger: Ledger, batch: UUID) -> dict[str, Any]:
    return {k: v for k, v in ledger.batch(batch).items() if "recorded" not in k}


def figures(ledger: Ledger, workshop: UUID) -> dict[str, Any]:
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()
    views = ViewDatabase(ledger.settings)
    try:
        found = {
            "circularity": circularity(views, Scope(organisation_id=workshop), AUGUST),
            "metabolism": metabolism(views, AUGUST),
            "refashion": refashion_statement(views, workshop, "2026-08"),
        }
    finally:
        views.close()
    for figure in found.values():
        figure.pop("position", None)
        figure.pop("chain_head", None)
    return found


@pytest.fixture
def august(ledger: Ledger) -> August:
    return richer_august(ledger)


def test_an_exported_document_captured_by_an_empty_ledger_rebuilds_batches_and_figures(
    ledger: Ledger, empty: Ledger, august: August
) -> None:
    document = export(ledger)
    same_registry(ledger, empty)

    answers = capture(empty, ADMIN, document)

    refused = [a for a in answers if a["status"] != "accepted"]
    assert refused == []
    assert len(answers) == len(events_of(document)) == 30
    assert [a["eventID"] for a in answers] == [e["eventID"] for e in events_of(document)]
    batches = batches_named(document)
    assert len(batches) == 11  # 5 bags, 5 sorted outputs, 1 bale
    for batch in batches:
        assert state(empty, batch) == state(ledger, batch)
        assert len(empty.history(batch)) == len(ledger.history(batch))
    rebuilt = figures(empty, august.world.workshop)
    assert rebuilt == figures(ledger, august.world.workshop)
    assert rebuilt["circularity"]["sorted_input_kg"] == 558  # 410 + 88 + 60


def test_the_rebuilt_ledger_exports_the_same_events(
    ledger: Ledger, empty: Ledger, august: August
) -> None:
    document = export(ledger)
    same_registry(ledger, empty)
    capture(empty, ADMIN, document)
    again = export(empty)

    def content(event: dict[str, Any]) -> dict[str, Any]:
        skipped = ("eventID", "recordTime", "errorDeclaration", "fl:actor", "fl:correction")
        text = repr({k: v for k, v in event.items() if k not in skipped})
        return {"text": text.replace("https://other.test", "https://ledger.test")}

    assert [content(e) for e in events_of(again)] == [content(e) for e in events_of(document)]


def test_capturing_the_same_document_twice_writes_once(
    ledger: Ledger, empty: Ledger, august: August
) -> None:
    document = export(ledger)
    same_registry(ledger, empty)
    first = capture(empty, ADMIN, document)
    head = empty.event_log.max_position()

    second = capture(empty, ADMIN, copy.deepcopy(document))

    assert {a["status"] for a in second} == {"duplicate"}
    assert [a["wrote"]["id"] for a in second] == [a["wrote"]["id"] for a in first]
    assert empty.event_log.max_position() == head


def test_the_same_event_id_with_other_content_is_refused(
    ledger: Ledger, empty: Ledger, august: August
) -> None:
    document = export(ledger)
    same_registry(ledger, empty)
    collection = copy.deepcopy(events_of(document)[0])
    capture(empty, ADMIN, {**document, "epcisBody": {"eventList": [collection]}})
    collection["quantityList"][0]["quantity"] = 400
    head = empty.event_log.max_position()

    [answer] = capture(empty, ADMIN, {**document, "epcisBody": {"eventList": [collection]}})

    assert (answer["status"], answer["error"]["code"]) == ("refused", "idempotency_key_reused")
    assert empty.event_log.max_position() == head


def test_each_event_is_answered_and_a_refusal_does_not_stop_the_others(
    ledger: Ledger, empty: Ledger, august: August
) -> None:
    document = export(ledger)
    same_registry(ledger, empty)
    events = events_of(document)
    collection, shipping = events[0], events[2]
    aggregation = {
        "type": "AggregationEvent",
        "eventTime": "2026-08-12T09:00:00+02:00",
        "eventTimeZoneOffset": "+02:00",
        "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": [collection["epcList"][0]],
        "action": "ADD",
        "bizStep": "packing",
    }
    gs1_bag = {**collection, "eventID": "urn:uuid:5b0c1d2e-0000-4000-8000-000000000001"}
    gs1_bag["epcList"] = ["urn:epc:id:sgtin:0614141.107346.2017"]
    valorisation = next(e for e in events if "fl:route" in e)
    no_route = {k: v for k, v in valorisation.items() if k != "fl:route"}
    no_route["eventID"] = "urn:uuid:5b0c1d2e-0000-4000-8000-000000000002"
    wrong_time = {**collection, "eventTime": "le 12 août", "eventID": "urn:uuid:x"}
    malformed = {**collection, "epcList": "a bag", "eventID": "urn:uuid:y"}
    nested: Any = "deep"
    for _ in range(200):
        nested = {"fl:note": [nested]}
    too_deep = {**collection, "fl:note": nested}
    sent = [aggregation, gs1_bag, collection, no_route, wrong_time, malformed, shipping, "x"]
    sent.append(too_deep)

    answers = capture(empty, ADMIN, {**document, "epcisBody": {"eventList": sent}})

    outcome = [(a["status"], a.get("error", {}).get("code")) for a in answers]
    assert outcome == [
        ("refused", "epcis_event_not_mapped"),
        ("refused", "epcis_identifier_not_mapped"),
        ("accepted", None),
        ("refused", "epcis_event_not_mapped"),
        ("refused", "invalid_time"),
        ("refused", "epcis_event_invalid"),
        ("accepted", None),
        ("refused", "epcis_event_invalid"),
        ("refused", "epcis_event_invalid"),
    ]
    assert "AggregationEvent" in answers[0]["error"]["message"]
    assert "epcList" in answers[5]["error"]["message"]
    assert answers[2]["wrote"]["id"] == collection["epcList"][0].rsplit("/", 1)[1]
    assert empty.batch(UUID(answers[2]["wrote"]["id"]))["state"] == "in_transit"


def test_the_ledgers_rules_and_roles_hold_for_captured_events(
    ledger: Ledger, empty: Ledger, august: August
) -> None:
    document = export(ledger)
    same_registry(ledger, empty)
    events = events_of(document)
    mill = august.world.actor("mill")  # an outlet: it may not collect
    head = empty.event_log.max_position()

    answers = capture(empty, mill, {**document, "epcisBody": {"eventList": events[:1]}})
    receipt_first = capture(empty, ADMIN, {**document, "epcisBody": {"eventList": events[3:4]}})

    assert answers[0]["error"]["code"] == "role_not_allowed"
    assert receipt_first[0]["error"]["code"] == "batch_not_found"
    assert empty.event_log.max_position() == head


def test_a_document_over_the_capture_limit_is_refused_whole() -> None:
    document = {"type": "EPCISDocument", "epcisBody": {"eventList": [{}] * 501}}

    with pytest.raises(PayloadTooLarge):
        event_list(document)
