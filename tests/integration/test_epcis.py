"""The EPCIS 2.0 export of an August in the textile chain, checked against GS1's own schema.

A story runs through the chain: bags collected at the Lillebonne and Bolbec containers, driven to
the insertion workshop, sorted into cream, fraying feedstock and CSR; a small bag sorted into
energy and waste; then every route: reuse, recycling, csr, energy and disposal. The export must
validate against the EPCIS 2.0 JSON Schema (``ledger/audit/standards/epcis``)
and state exactly the ledger's masses, with ids that only change when the content does.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft7Validator, FormatChecker

from ledger.application.commands import (
    Actor,
    Collect,
    Correct,
    Dispatch,
    Label,
    Outlet,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
    Weigh,
)
from ledger.application.ledger import Ledger
from ledger.audit.epcis import epcis_document
from ledger.audit.epcis_hash import event_id
from ledger.indicators.periods import parse_dates
from tests.codes import CODES
from tests.territory import GONFREVILLE, Territory, build_territory, register, site

PARIS = ZoneInfo("Europe/Paris")
BASE = "https://ledger.test"  # the tests' public_base_url
NEIGHBOUR_COMMUNE = "76476"  # where the Lillebonne bag's textiles were given
EPCIS_STANDARD = Path(__file__).resolve().parents[2] / "ledger" / "audit" / "standards" / "epcis"


# -- the schema ----------------------------------------------------------------------------

URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]+$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker(formats=())  # jsonschema checks "uri" only with optional packages


@FORMATS.checks("uri")
def is_uri(value: object) -> bool:
    return not isinstance(value, str) or URI.match(value) is not None


@FORMATS.checks("date-time")
def is_date_time(value: object) -> bool:
    return not isinstance(value, str) or RFC3339.match(value) is not None


@functools.cache
def epcis_validator() -> Draft7Validator:
    """GS1's EPCIS 2.0 JSON Schema (draft-07), with URIs and times checked strictly."""
    path = EPCIS_STANDARD / "EPCIS-JSON-Schema.json"
    if not path.is_file():
        pytest.fail(
            f"The EPCIS 2.0 JSON Schema is missing at {path}: the shared/ folder with "
            "standards/epcis/ must sit beside the repository's root."
        )
    schema = json.loads(path.read_text("utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=FORMATS)


def assert_valid_epcis(document: dict[str, Any]) -> None:
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in epcis_validator().iter_errors(document)
    ]
    assert not errors, "\n".join(errors[:20])


# -- the story -----------------------------------------------------------------------------


def at(text: str) -> datetime:
    """A field time on the Paris wall clock: ``at("2026-08-12 09:30")``."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@dataclass
class August:
    """What happened in the chain in August 2026, and the ids of what it made."""

    world: Territory
    landfill: UUID
    lillebonne_bag: UUID
    bolbec_bag: UUID
    small_bag: UUID
    outputs: dict[str, UUID]  # material → the batch a sorting made of it


def collected(ledger: Ledger, actor: Actor, cmd: Collect) -> UUID:
    return UUID(ledger.collect(actor, cmd).ref.id)


def moved(
    ledger: Ledger, batch: UUID, who: tuple[Actor, Actor], to: UUID, when: tuple[str, str]
) -> None:
    ledger.dispatch(who[0], batch, Dispatch(to_site_id=to, occurred_at=at(when[0])))
    ledger.receive(who[1], batch, Receive(occurred_at=at(when[1])))


def sorted_into(
    ledger: Ledger, world: Territory, inputs: list[UUID], outputs: dict[str, str], when: str
) -> dict[str, UUID]:
    ids = {material: uuid4() for material in outputs}
    outputs_kg = sum(Decimal(kg) for kg in outputs.values())
    cmd = Transform(
        process="sorting",
        site_id=world.sorting_centre,
        occurred_at=at(when),
        inputs=[TransformInput(batch_id=i) for i in inputs],
        outputs=[TransformOutput(m, Decimal(kg), batch_id=ids[m]) for m, kg in outputs.items()],
        loss_kg=inputs_kg(ledger, inputs) - outputs_kg,
    )
    ledger.transform(world.actor("sorter"), cmd)
    return ids


def inputs_kg(ledger: Ledger, inputs: list[UUID]) -> Decimal:
    return sum((Decimal(str(ledger.batch(i)["mass_kg"])) for i in inputs), Decimal(0))


def august_in_the_chain(ledger: Ledger) -> August:
    """Collections, transfers, a weighing, a labelling, two sortings and every route."""
    world = build_territory(ledger)
    authority = register(ledger, "Syndicat d'élimination", ["authority"])
    landfill = site(ledger, authority, "Installation de stockage", "landfill", GONFREVILLE)
    collector, sorter = world.actor("collector"), world.actor("sorter")
    lillebonne_bag = collected(
        ledger,
        collector,
        Collect(
            material="textile.collected",
            mass_kg=Decimal("412.5"),
            site_id=world.container_lillebonne,
            occurred_at=at("2026-08-12 07:00"),
            label_code=CODES[0],
            source_commune_insee=NEIGHBOUR_COMMUNE,
        ),
    )
    bolbec_bag = collected(
        ledger,
        collector,
        Collect(
            material="textile.collected",
            mass_kg=Decimal("87.5"),
            site_id=world.container_bolbec,
            occurred_at=at("2026-08-12 07:30"),
            weight_method="estimated",
        ),
    )
    ledger.dispatch(
        collector,
        lillebonne_bag,
        Dispatch(
            to_site_id=world.sorting_centre,
            occurred_at=at("2026-08-12 08:00"),
            carrier="Collectif des collecteurs",
            distance_km=Decimal("12.4"),
        ),
    )
    receipt = Receive(occurred_at=at("2026-08-12 08:40"), mass_kg=Decimal("410"))
    ledger.receive(sorter, lillebonne_bag, receipt)
    to_workshop = (collector, sorter)
    moved(
        ledger,
        bolbec_bag,
        to_workshop,
        world.sorting_centre,
        ("2026-08-12 08:10", "2026-08-12 08:45"),
    )
    weighing = Weigh(
        mass_kg=Decimal("88"),
        occurred_at=at("2026-08-12 09:00"),
        weight_method="weighbridge",
        ticket_ref="PB-0812-07",
    )
    ledger.weigh(sorter, bolbec_bag, weighing)
    ledger.label(sorter, bolbec_bag, Label(label_code=CODES[1], occurred_at=at("2026-08-12 09:05")))
    outputs = sorted_into(
        ledger,
        world,
        [lillebonne_bag, bolbec_bag],
        {"textile.reuse.cream": "150", "textile.recycling.fraying": "230", "textile.csr": "100"},
        "2026-08-12 14:00",
    )
    small_bag = collected(
        ledger,
        collector,
        Collect(
            material="textile.collected",
            mass_kg=Decimal("60"),
            site_id=world.container_lillebonne,
            occurred_at=at("2026-08-13 07:00"),
        ),
    )
    moved(
        ledger,
        small_bag,
        to_workshop,
        world.sorting_centre,
        ("2026-08-13 08:00", "2026-08-13 08:40"),
    )
    outputs |= sorted_into(
        ledger,
        world,
        [small_bag],
        {"textile.energy": "35", "textile.waste": "24"},
        "2026-08-13 15:00",
    )
    every_route(ledger, world, outputs, landfill)
    return August(world, landfill, lillebonne_bag, bolbec_bag, small_bag, outputs)


def every_route(ledger: Ledger, world: Territory, outputs: dict[str, UUID], landfill: UUID) -> None:
    """Cream sold for reuse, fraying recycled at the mill, csr and energy burnt, waste buried."""
    sorter, mill, boiler = world.actor("sorter"), world.actor("mill"), world.actor("boiler")
    fraying, energy = outputs["textile.recycling.fraying"], outputs["textile.energy"]
    moved(
        ledger, fraying, (sorter, mill), world.mill_site, ("2026-08-14 08:00", "2026-08-15 09:00")
    )
    ledger.valorise(mill, fraying, Valorise(route="recycling", occurred_at=at("2026-08-17 11:00")))
    shop = Outlet(name="Friperie solidaire du Caux", country="FR")
    reuse = Valorise(route="reuse", occurred_at=at("2026-08-14 10:00"), outlet=shop)
    ledger.valorise(sorter, outputs["textile.reuse.cream"], reuse)
    moved(
        ledger,
        energy,
        (sorter, boiler),
        world.boiler_site,
        ("2026-08-18 08:00", "2026-08-18 10:00"),
    )
    csr = Valorise(
        route="csr",
        occurred_at=at("2026-08-18 09:00"),
        outlet_site_id=world.boiler_site,
        certificate_ref="CSR-2026-118",
    )
    ledger.valorise(sorter, outputs["textile.csr"], csr)
    ledger.valorise(boiler, energy, Valorise(route="energy", occurred_at=at("2026-08-19 06:00")))
    disposal = Valorise(
        route="disposal", occurred_at=at("2026-08-20 16:00"), outlet_site_id=landfill
    )
    ledger.valorise(sorter, outputs["textile.waste"], disposal)


def export(ledger: Ledger, start: str = "2026-08-01", end: str = "2026-08-31") -> dict[str, Any]:
    return epcis_document(ledger, parse_dates(start, end))


def events_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = document["epcisBody"]["eventList"]
    return events


def about(document: dict[str, Any], batch: UUID, step: str) -> dict[str, Any]:
    """The one event of a business step that names a batch."""
    uri = f"{BASE}/batches/{batch}"
    found = [
        e
        for e in events_of(document)
        if e["bizStep"] == step and uri in e.get("epcList", []) + e.get("outputEPCList", [])
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def august(ledger: Ledger) -> August:
    return august_in_the_chain(ledger)


# -- the document --------------------------------------------------------------------------


def test_the_validator_accepts_gs1_examples_and_refuses_a_made_up_step() -> None:
    for example in sorted(EPCIS_STANDARD.glob("example-*.json")):
        assert_valid_epcis(json.loads(example.read_text("utf-8")))
    wrong = json.loads((EPCIS_STANDARD / "example-ObjectEvent.json").read_text("utf-8"))
    for field, value in (
        ("bizStep", "sorting"),  # neither a CBV step nor a URI
        ("epcList", ["bale 12"]),  # not a URI
        ("eventTime", "2026-08-12 07:00"),  # not RFC 3339
    ):
        assert list(epcis_validator().iter_errors({**wrong, field: value})), field


def test_an_august_of_the_chain_exports_as_a_valid_epcis_document(
    ledger: Ledger, august: August
) -> None:
    document = export(ledger)

    assert_valid_epcis(document)
    assert document["@context"] == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {
            "fl": "urn:filiere-ledger:epcis:",
            "epcisMasterData": "epcis:masterData",
            "vocabularyElementList": "fl:vocabularyElementList",
            "attributes": "fl:attributes",
            "attribute": "fl:attributeValue",
        },
    ]
    assert (document["type"], document["schemaVersion"]) == ("EPCISDocument", "2.0")
    assert (document["fl:periodFrom"], document["fl:periodTo"]) == ("2026-08-01", "2026-08-31")
    steps = Counter((e["type"], e["bizStep"]) for e in events_of(document))
    assert steps == {
        ("ObjectEvent", "collecting"): 3,
        ("ObjectEvent", "shipping"): 5,
        ("ObjectEvent", "receiving"): 5,
        ("ObjectEvent", "inspecting"): 1,
        ("ObjectEvent", "fl:labelling"): 1,
        ("TransformationEvent", "commissioning"): 2,
        ("ObjectEvent", "retail_selling"): 1,
        ("ObjectEvent", "decommissioning"): 2,
        ("ObjectEvent", "destroying"): 2,
    }
    ids = [e["eventID"] for e in events_of(document)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0", i) for i in ids)


def test_the_header_describes_the_sites_and_materials_the_events_name(
    ledger: Ledger, august: August
) -> None:
    vocabularies = export(ledger)["epcisHeader"]["epcisMasterData"]["vocabularyList"]
    sites, materials = (
        {
            e["id"]: {a["id"]: a["attribute"] for a in e["attributes"]}
            for e in v["vocabularyElementList"]
        }
        for v in vocabularies
    )
    workshop = sites[f"{BASE}/sites/{august.world.sorting_centre}"]
    assert (workshop["fl:name"], workshop["fl:communeInsee"]) == (
        "Atelier de tri de Bolbec",
        "76114",
    )
    assert workshop["fl:organisation"] == f"{BASE}/organisations/{august.world.workshop}"
    assert f"{BASE}/sites/{august.landfill}" in sites
    fraying = materials[f"{BASE}/materials/textile.recycling.fraying"]
    assert (fraying["fl:filiere"], fraying["fl:route"]) == ("textile", "recycling")
    assert "fl:route" not in materials[f"{BASE}/materials/textile.collected"]


def test_a_collection_adds_the_bag_with_where_its_textiles_came_from(
    ledger: Ledger, august: August
) -> None:
    collection = about(export(ledger), august.lillebonne_bag, "collecting")

    assert (collection["action"], collection["disposition"]) == ("ADD", "active")
    assert collection["eventTime"] == "2026-08-12T07:00:00+02:00"
    assert collection["eventTimeZoneOffset"] == "+02:00"
    assert collection["quantityList"] == [
        {"epcClass": f"{BASE}/materials/textile.collected", "quantity": 412.5, "uom": "KGM"}
    ]
    assert collection["bizLocation"] == {"id": f"{BASE}/sites/{august.world.container_lillebonne}"}
    assert collection["ilmd"] == {
        "fl:sourceCommuneInsee": NEIGHBOUR_COMMUNE,
        "fl:labelCode": CODES[0],
    }
    assert (collection["fl:version"], collection["fl:weightMethod"]) == (1, "measured")
    assert collection["fl:actor"] == f"{BASE}/organisations/{august.world.collectors}"


def test_a_transfer_names_the_owner_and_the_place_on_each_side(
    ledger: Ledger, august: August
) -> None:
    document = export(ledger)
    world, bag = august.world, august.lillebonne_bag
    shipping = about(document, bag, "shipping")
    receiving = about(document, bag, "receiving")

    assert (shipping["disposition"], "bizLocation" in shipping) == ("in_transit", False)
    assert shipping["sourceList"] == [
        {"type": "owning_party", "source": f"{BASE}/organisations/{world.collectors}"},
        {"type": "location", "source": f"{BASE}/sites/{world.container_lillebonne}"},
    ]
    assert shipping["destinationList"] == [
        {"type": "owning_party", "destination": f"{BASE}/organisations/{world.workshop}"},
        {"type": "location", "destination": f"{BASE}/sites/{world.sorting_centre}"},
    ]
    assert (shipping["fl:carrier"], shipping["fl:distanceKm"]) == (
        "Collectif des collecteurs",
        12.4,
    )
    assert receiving["sourceList"] == shipping["sourceList"]
    assert receiving["destinationList"] == shipping["destinationList"]
    assert receiving["bizLocation"] == {"id": f"{BASE}/sites/{world.sorting_centre}"}
    assert receiving["quantityList"][0]["quantity"] == 410
    assert (receiving["fl:dispatchedMassKg"], receiving["fl:discrepancyFlagged"]) == (412.5, False)


def test_the_sorting_is_a_transformation_event_in_kilograms(ledger: Ledger, august: August) -> None:
    cream = august.outputs["textile.reuse.cream"]
    sorting = about(export(ledger), cream, "commissioning")
    batches = [august.lillebonne_bag, august.bolbec_bag]
    outputs = [august.outputs[m] for m in ("textile.reuse.cream", "textile.recycling.fraying")]
    outputs.append(august.outputs["textile.csr"])

    assert sorting["type"] == "TransformationEvent"
    assert sorting["fl:process"] == "sorting"
    assert sorting["inputEPCList"] == [f"{BASE}/batches/{b}" for b in batches]
    assert [(q["epcClass"], q["quantity"], q["uom"]) for q in sorting["inputQuantityList"]] == [
        (f"{BASE}/materials/textile.collected", 410, "KGM"),
        (f"{BASE}/materials/textile.collected", 88, "KGM"),
    ]
    assert sorting["outputEPCList"] == [f"{BASE}/batches/{b}" for b in outputs]
    assert [(q["epcClass"], q["quantity"]) for q in sorting["outputQuantityList"]] == [
        (f"{BASE}/materials/textile.reuse.cream", 150),
        (f"{BASE}/materials/textile.recycling.fraying", 230),
        (f"{BASE}/materials/textile.csr", 100),
    ]
    assert (sorting["fl:lossKg"], sorting["fl:declaredLossKg"]) == (18, 18)
    assert sorting["transformationID"].startswith(f"{BASE}/transformations/")


def test_each_valorisation_states_its_route_disposition_and_operation(
    ledger: Ledger, august: August
) -> None:
    document, world = export(ledger), august.world
    expected = {
        "textile.reuse.cream": ("retail_selling", "retail_sold", "reuse", None, None),
        "textile.recycling.fraying": (
            "decommissioning",
            "disposed",
            "recycling",
            "R3",
            world.mill_site,
        ),
        "textile.csr": ("destroying", "destroyed", "csr", "R1", world.boiler_site),
        "textile.energy": ("destroying", "destroyed", "energy", "R1", world.boiler_site),
        "textile.waste": ("decommissioning", "disposed", "disposal", "D5", august.landfill),
    }
    for material, (step, disposition, route, code, where) in expected.items():
        valorisation = about(document, august.outputs[material], step)
        assert valorisation["action"] == "DELETE"
        assert (valorisation["disposition"], valorisation["fl:route"]) == (disposition, route)
        assert valorisation.get("fl:operationCode") == code
        location = valorisation.get("bizLocation", {}).get("id")
        assert location == (None if where is None else f"{BASE}/sites/{where}")
    reuse = about(document, august.outputs["textile.reuse.cream"], "retail_selling")
    assert (reuse["fl:outletName"], reuse["fl:outletCountry"]) == (
        "Friperie solidaire du Caux",
        "FR",
    )
    csr = about(document, august.outputs["textile.csr"], "destroying")
    assert (
        csr["destinationList"][0]["destination"] == f"{BASE}/organisations/{world.boiler_company}"
    )
    assert csr["fl:certificateRef"] == "CSR-2026-118"


def test_every_quantity_is_the_mass_the_ledger_recorded(ledger: Ledger, august: August) -> None:
    checked = 0
    for event in events_of(export(ledger)):
        if event["type"] == "TransformationEvent":
            recorded = ledger.transformation_json(UUID(event["transformationID"].rsplit("/", 1)[1]))
            pairs = [*zip(event["inputQuantityList"], recorded["inputs"], strict=True)]
            pairs += zip(event["outputQuantityList"], recorded["outputs"], strict=True)
        elif "quantityList" in event:
            batch = UUID(event["epcList"][0].rsplit("/", 1)[1])
            entry = ledger.history(batch)[event["fl:version"] - 1]
            material = {"material": ledger.batch(batch)["material"]}
            pairs = [(event["quantityList"][0], {**entry["payload"], **material})]
        else:
            continue
        for quantity, recorded_entry in pairs:
            assert quantity["quantity"] == recorded_entry["mass_kg"]
            assert quantity["epcClass"] == f"{BASE}/materials/{recorded_entry['material']}"
            assert quantity["uom"] == "KGM"
            checked += 1
    assert checked == 3 + 5 + 5 + 1 + 5 + (2 + 3) + (1 + 2)


# -- ids -----------------------------------------------------------------------------------


def test_event_ids_are_the_same_in_every_export(ledger: Ledger, august: August) -> None:
    first, second = export(ledger), export(ledger)

    assert first["creationDate"] != second["creationDate"]
    assert [e["eventID"] for e in events_of(first)] == [e["eventID"] for e in events_of(second)]
    for event in events_of(first):
        assert event["eventID"] == event_id(event)  # a hash of the event's own content


def test_an_event_id_changes_with_the_mass_and_not_with_how_time_is_written(
    ledger: Ledger, august: August
) -> None:
    collection = about(export(ledger), august.lillebonne_bag, "collecting")
    heavier = copy.deepcopy(collection)
    heavier["quantityList"][0]["quantity"] = 412.6
    in_utc = copy.deepcopy(collection)
    in_utc["eventTime"] = "2026-08-12T05:00:00.000Z"
    recorded_later = copy.deepcopy(collection)
    recorded_later["recordTime"] = "2026-11-30T00:00:00Z"

    assert event_id(heavier) != collection["eventID"]
    assert event_id(in_utc) == collection["eventID"]
    assert event_id(recorded_later) == collection["eventID"]


def test_a_corrected_mass_is_declared_an_error_and_stated_again(
    ledger: Ledger, august: August
) -> None:
    before = about(export(ledger), august.bolbec_bag, "collecting")
    fix = Correct(corrects_version=1, reason="Lu 87,5 au lieu de 86,5", mass_kg=Decimal("86.5"))
    ledger.correct(august.world.actor("sorter"), august.bolbec_bag, fix)
    document = export(ledger)
    assert_valid_epcis(document)
    bag = f"{BASE}/batches/{august.bolbec_bag}"
    original, corrective = [
        e for e in events_of(document) if e["bizStep"] == "collecting" and bag in e["epcList"]
    ]

    assert original["eventID"] == before["eventID"]
    assert original["quantityList"][0]["quantity"] == 87.5
    declaration = original["errorDeclaration"]
    assert (declaration["reason"], declaration["fl:reason"]) == ("incorrect_data", fix.reason)
    assert declaration["correctiveEventIDs"] == [corrective["eventID"]]
    assert corrective["eventID"] != original["eventID"]
    assert corrective["quantityList"][0]["quantity"] == 86.5
    assert corrective["fl:correction"] == {
        "fl:batch": bag,
        "fl:version": ledger.history(august.bolbec_bag)[-1]["seq"],
        "fl:correctsVersion": 1,
        "fl:reason": fix.reason,
        "fl:massKg": 86.5,
    }


# -- the period ----------------------------------------------------------------------------


def test_the_period_is_a_range_of_dates_on_the_paris_clock(ledger: Ledger) -> None:
    world = build_territory(ledger)
    collector = world.actor("collector")
    bags = [
        collected(
            ledger,
            collector,
            Collect(
                material="textile.collected",
                mass_kg=Decimal(kg),
                site_id=world.container_bolbec,
                occurred_at=at(when),
            ),
        )
        for kg, when in (("30", "2026-08-31 23:30"), ("40", "2026-09-01 00:30"))
    ]  # both on 31 August in UTC

    def exported(start: str, end: str) -> list[str]:
        return [e["epcList"][0] for e in events_of(export(ledger, start, end))]

    assert exported("2026-08-01", "2026-08-31") == [f"{BASE}/batches/{bags[0]}"]
    assert exported("2026-09-01", "2026-09-30") == [f"{BASE}/batches/{bags[1]}"]
    assert exported("2026-08-31", "2026-09-01") == [f"{BASE}/batches/{b}" for b in bags]
    assert exported("2026-10-01", "2026-10-31") == []
