"""Event ids are CBV 2.0 event hashes, equal to what GS1's reference implementations compute.

The reference is ``epcis-event-hash-generator`` (PyPI), run here on the exported documents
themselves. GS1's other implementation, ``epcis2.js`` (npm, installed in ``tests/node`` by
``.ci/run``), disagrees with it on some events; ``test_epcis2js_differs_only_where_it_reads_the_
standard_otherwise`` records where, and why.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from epcis_event_hash_generator import hash_generator, json_to_py

from ledger.application.commands import (
    Collect,
    Correct,
    Transform,
    TransformInput,
    TransformOutput,
)
from ledger.application.ledger import Ledger
from ledger.audit import epcis_prehash
from ledger.audit.epcis_context import CONTEXT
from ledger.audit.epcis_hash import LEDGER_PREFIXES, event_id
from ledger.audit.epcis_prehash import pre_hash
from tests.codes import CODES
from tests.integration.test_epcis import (
    August,
    at,
    august_in_the_chain,
    events_of,
    export,
    moved,
)

NODE_TESTS = Path(__file__).resolve().parents[1] / "node"
# the reference implementation opens its copy of GS1's context with a deprecated importlib call
REFERENCE_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def reference_ids(document: dict[str, Any]) -> list[str]:
    """The ids ``epcis-event-hash-generator`` computes for a document's events (it drops an event
    it cannot read: the lengths then differ)."""
    events = json_to_py.event_list_from_epcis_document_json(json.loads(json.dumps(document)))
    ids: list[str] = hash_generator.epcis_hashes_from_events(events)
    return ids


def reference_pre_hashes(document: dict[str, Any]) -> list[str]:
    events = json_to_py.event_list_from_epcis_document_json(json.loads(json.dumps(document)))
    texts: list[str] = hash_generator.derive_prehashes_from_events(events)
    return texts


def document_of(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-09-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }


def richer_august(ledger: Ledger) -> August:
    """The August story, plus a corrected mass and a baling of moist bags into a labelled bale."""
    august = august_in_the_chain(ledger)
    world = august.world
    collector, sorter = world.actor("collector"), world.actor("sorter")
    fix = Correct(corrects_version=1, reason="Lu 87,5 au lieu de 86,5", mass_kg=Decimal("86.5"))
    ledger.correct(sorter, august.bolbec_bag, fix)
    bags = []
    for kg, when in (("40", "2026-08-21 07:00"), ("35.125", "2026-08-21 07:20")):
        cmd = Collect(
            material="textile.collected",
            mass_kg=Decimal(kg),
            site_id=world.container_bolbec,
            occurred_at=at(when),
            moisture_pct=Decimal("12.5"),
        )
        bag = UUID(ledger.collect(collector, cmd).ref.id)
        times = ("2026-08-21 08:00", "2026-08-21 08:30")
        moved(ledger, bag, (collector, sorter), world.sorting_centre, times)
        bags.append(bag)
    bale = TransformOutput("textile.collected", Decimal(75), CODES[5], moisture_pct=Decimal(9))
    baling = Transform(
        process="baling",
        site_id=world.sorting_centre,
        occurred_at=at("2026-08-21 10:00"),
        inputs=[TransformInput(batch_id=b) for b in bags],
        outputs=[bale],
        loss_kg=Decimal("0.125"),
    )
    ledger.transform(sorter, baling)
    return august


@pytest.fixture
def document(ledger: Ledger) -> dict[str, Any]:
    richer_august(ledger)
    return export(ledger)


# -- the reference: epcis-event-hash-generator -----------------------------------------------


@REFERENCE_WARNINGS
def test_every_event_id_is_the_hash_the_reference_implementation_computes(
    document: dict[str, Any],
) -> None:
    events = events_of(document)
    kinds = {(e["type"], e["bizStep"]) for e in events}

    assert [e["eventID"] for e in events] == reference_ids(document)
    assert all(e["eventID"].endswith("?ver=CBV2.0") for e in events)
    assert (len(events), len(kinds)) == (30, 9)
    # what the story covers: sources and destinations, quantities, ILMD, nested extensions
    assert sum("sourceList" in e and "destinationList" in e for e in events) >= 10
    assert any("ilmd" in e for e in events)
    assert any("fl:correction" in e and "errorDeclaration" not in e for e in events)
    assert any(isinstance(e.get("fl:outputLabels"), list) for e in events)
    assert any(e.get("fl:discrepancyFlagged") is False for e in events)


@REFERENCE_WARNINGS
def test_the_pre_hash_strings_are_the_reference_ones_with_the_ledger_namespace(
    document: dict[str, Any],
) -> None:
    ours = [pre_hash(e, LEDGER_PREFIXES) for e in events_of(document)]
    collection = ours[0]

    assert ours == reference_pre_hashes(document)
    assert collection.startswith("eventType=ObjectEventeventTime=2026-08-12T05:00:00.000Z")
    assert "bizStep=https://ref.gs1.org/cbv/BizStep-collecting" in collection
    assert "{urn:filiere-ledger:epcis:}actor=https://ledger.test/organisations/" in collection


@REFERENCE_WARNINGS
@pytest.mark.parametrize(
    "extension",
    [
        {"fl:ticketRef": "0123"},  # read as a number by the reference: 123
        {"fl:ticketRef": "  PB 12  "},  # trimmed
        {"fl:reason": "Pesée « corrigée » — 1,5 t\u00a0!"},
        {"fl:flagged": True, "fl:count": 3, "fl:kg": 0.5},
        {"fl:outputLabels": [{"fl:labelCode": "B2", "fl:batch": "x"}, {"fl:labelCode": "A1"}]},
        {"fl:carrier": {"fl:name": "Transports du Caux", "fl:plates": ["AB-123-CD", "EF-4"]}},
        {"fl:note": "nan"},
        {"fl:note": "1e5"},
        {"other": "no prefix"},
    ],
)
def test_extension_values_are_hashed_as_the_reference_does(extension: dict[str, Any]) -> None:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-08-12T07:00:00.1239+02:00",
        "eventTimeZoneOffset": "+02:00",
        "epcList": ["https://ledger.test/batches/b", "https://ledger.test/batches/a"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "https://ledger.test/sites/s"},
        "sourceList": [
            {"type": "owning_party", "source": "https://ledger.test/organisations/o"},
            {"type": "location", "source": "https://ledger.test/sites/s"},
        ],
        "destinationList": [{"type": "location", "destination": "https://ledger.test/sites/t"}],
        **extension,
    }

    assert [event_id(event)] == reference_ids(document_of(event))


@REFERENCE_WARNINGS
def test_the_id_ignores_how_an_event_is_written_but_not_what_it_states(
    document: dict[str, Any],
) -> None:
    collection = copy.deepcopy(events_of(document)[0])
    shuffled = dict(reversed(list(collection.items())))
    in_utc = {**collection, "eventTime": "2026-08-12T05:00:00Z"}
    as_iri = {**collection, "bizStep": "https://ref.gs1.org/cbv/BizStep-collecting"}
    as_urn = {**collection, "disposition": "urn:epcglobal:cbv:disp:active"}
    heavier = copy.deepcopy(collection)
    heavier["quantityList"][0]["quantity"] = 412.6

    for same in (shuffled, in_utc, as_iri, as_urn):
        assert event_id(same) == collection["eventID"]
    assert event_id(heavier) != collection["eventID"]
    assert reference_ids(document_of(shuffled, in_utc, as_iri, as_urn, heavier)) == [
        *[collection["eventID"]] * 4,
        event_id(heavier),
    ]


# -- GS1's other implementation: epcis2.js -----------------------------------------------------


def epcis2js_ids(document: dict[str, Any]) -> list[str]:
    """The ids epcis2.js computes (Node, with the package ``.ci/run`` installs in tests/node)."""
    node = shutil.which("node")
    if node is None or not (NODE_TESTS / "node_modules" / "epcis2.js").is_dir():
        pytest.fail("Node and epcis2.js are needed: run `npm ci --prefix tests/node` (.ci/run).")
    result = subprocess.run(
        [node, str(NODE_TESTS / "hash.cjs")],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def read_otherwise_by_epcis2js(event: dict[str, Any]) -> list[str]:
    """What epcis2.js 2.7.3 reads otherwise than the reference in an event, from its code:

    - ``sourceList`` and ``destinationList`` are hashed at their place in the property order
      (after ``bizLocation``: source, then destination); the reference reaches neither through
      its order and hashes them with the extensions, sorted: destination before source;
    - a boolean is written ``false`` (JavaScript) instead of ``False`` (Python);
    - a list of objects in an extension is hashed as an object keyed ``0``, ``1``…;
    - a value written as a compact IRI (``fl:labelling``) is not expanded to its full IRI.
    """
    found = []
    if "sourceList" in event and "destinationList" in event:
        found.append("source and destination order")
    values = list(walk(event))
    if any(isinstance(v, bool) for v in values):
        found.append("boolean")
    extensions = [v for k, v in event.items() if k.startswith("fl:")]
    if any(isinstance(v, list) and any(isinstance(i, dict) for i in v) for v in extensions):
        found.append("list of objects")
    if any(isinstance(v, str) and v.startswith("fl:") for v in values):
        found.append("compact IRI value")
    return found


def walk(value: Any) -> Any:
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


def in_property_order(event: dict[str, Any]) -> str:
    """The pre-hash string with source and destination lists at their place in the property
    order, and booleans as JavaScript writes them: what epcis2.js hashes."""
    js_event = json.loads(json.dumps(event), object_hook=lambda o: {k: js(v) for k, v in o.items()})
    namespaces = {prefix: "{" + iri + "}" for prefix, iri in LEDGER_PREFIXES.items()}
    root = epcis_prehash.corrected(
        epcis_prehash.to_node(epcis_prehash.with_cbv_iris(js_event), namespaces)
    )
    children = root[2]
    head = "eventType=" + root[0] + epcis_prehash.ordered(children, epcis_prehash.PROPERTY_ORDER)
    lists = [c for name in ("sourceList", "destinationList") for c in children if c[0] == name]
    rest = [c for c in children if c not in lists]
    listed = "".join(epcis_prehash.generic([c]) for c in lists)
    return head + listed + epcis_prehash.remaining(rest)


def js(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value


def test_epcis2js_differs_only_where_it_reads_the_standard_otherwise(
    document: dict[str, Any],
) -> None:
    events = events_of(document)
    theirs = epcis2js_ids(document)
    reasons = [read_otherwise_by_epcis2js(e) for e in events]
    moved_lists = [
        (e, js_id)
        for e, js_id, why in zip(events, theirs, reasons, strict=True)
        if why and set(why) <= {"source and destination order", "boolean"}
    ]

    for event, js_id, why in zip(events, theirs, reasons, strict=True):
        assert (js_id == event["eventID"]) == (not why), (why, event)
    assert sum(not why for why in reasons) >= 12  # the two agree on every other event
    assert len(moved_lists) >= 10
    for event, js_id in moved_lists:  # and on the rest, it is the order of the lists
        digest = hashlib.sha256(in_property_order(event).encode("utf-8")).hexdigest()
        assert js_id == f"ni:///sha-256;{digest}?ver=CBV2.0"
    flagged = {reason for why in reasons for reason in why}
    assert flagged == {
        "source and destination order",
        "boolean",
        "list of objects",
        "compact IRI value",
    }
