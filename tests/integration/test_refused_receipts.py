"""A refused receipt through every reader that replays the log: the EPCIS export and capture, the
hash chain, stock as recorded at a time, and the evidence bundle's standalone verifier.

The Lillebonne collector sends a 412.5 kg bale to the fraying mill by mistake; the mill refuses
it ("sorting first, at Bolbec"), the collector sends it on to the workshop, which sorts it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from ledger.application.commands import (
    Dispatch,
    Receive,
    RefuseReceipt,
    Transform,
    TransformInput,
    TransformOutput,
)
from ledger.application.ledger import Ledger
from ledger.audit.bundle import build_bundle
from ledger.audit.epcis import epcis_document
from ledger.audit.epcis_capture import capture
from ledger.indicators.periods import parse_dates
from ledger.indicators.stock_then import stock_as_recorded
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from ledger.storage.database import drop_schema, prepare_database
from tests.chain import chain_and_verify
from tests.conftest import make_settings
from tests.integration.test_epcis import assert_valid_epcis, events_of
from tests.integration.test_epcis_capture import same_registry
from tests.integration.test_evidence_bundle import period_of, verify
from tests.territory import ADMIN, Territory, build_territory, collect, hours_ago

REASON = "Sorting first, at Bolbec"


def sent_to_the_mill_by_mistake(ledger: Ledger, world: Territory) -> UUID:
    bale = collect(ledger, world, "412.5", hours=50)
    collector = world.actor("collector")
    ledger.dispatch(collector, bale, Dispatch(world.mill_site, hours_ago(49)))
    ledger.refuse_receipt(world.actor("mill"), bale, RefuseReceipt(REASON, hours_ago(48)))
    ledger.dispatch(collector, bale, Dispatch(world.sorting_centre, hours_ago(47)))
    ledger.receive(world.actor("sorter"), bale, Receive(hours_ago(46)))
    return bale


def sort(ledger: Ledger, world: Territory, bale: UUID) -> None:
    outputs = [
        ("textile.reuse.export", "150"), ("textile.recycling.fraying", "250.5"),
        ("textile.waste", "12"),
    ]  # fmt: skip
    cmd = Transform(
        "sorting", world.sorting_centre, hours_ago(30), [TransformInput(bale)],
        [TransformOutput(m, Decimal(kg)) for m, kg in outputs],
    )  # fmt: skip
    ledger.transform(world.actor("sorter"), cmd)


def today_exported(ledger: Ledger) -> dict[str, Any]:
    start, end = hours_ago(24 * 4).date(), ledger.today()
    return epcis_document(ledger, parse_dates(str(start), str(end)))


@pytest.fixture
def empty(backend: str, tmp_path: Path) -> Iterator[Ledger]:
    other = make_settings(backend, tmp_path / "empty", public_base_url="https://other.test")
    (tmp_path / "empty").mkdir()
    prepare_database(other)
    ledger = Ledger(other)
    yield ledger
    ledger.close()
    if backend == "postgres":
        drop_schema(other)


def test_a_refused_receipt_is_an_arriving_event_with_disposition_returned(ledger: Ledger) -> None:
    world = build_territory(ledger)
    bale = sent_to_the_mill_by_mistake(ledger, world)

    document = today_exported(ledger)

    assert_valid_epcis(document)
    steps = [(e["bizStep"], e.get("disposition")) for e in events_of(document)]
    assert steps == [
        ("collecting", "active"),
        ("shipping", "in_transit"),
        ("arriving", "returned"),
        ("shipping", "in_transit"),
        ("receiving", "active"),
    ]
    refused = events_of(document)[2]
    assert refused["fl:reason"] == REASON
    assert refused["readPoint"]["id"].endswith(str(world.mill_site))
    assert refused["bizLocation"]["id"].endswith(str(world.container_lillebonne))
    assert refused["epcList"] == [f"https://ledger.test/batches/{bale}"]


def test_a_captured_refusal_rebuilds_the_same_batch(ledger: Ledger, empty: Ledger) -> None:
    world = build_territory(ledger)
    bale = sent_to_the_mill_by_mistake(ledger, world)
    same_registry(ledger, empty)

    answers = capture(empty, ADMIN, today_exported(ledger))

    assert [a["status"] for a in answers] == ["accepted"] * 5
    rebuilt, original = empty.batch(bale), ledger.batch(bale)
    for field in ("state", "site_id", "holder_id", "mass_kg", "version"):
        assert rebuilt[field] == original[field]
    assert [e["type"] for e in empty.history(bale)] == [e["type"] for e in ledger.history(bale)]


def test_the_chain_holds_the_refusal(ledger: Ledger) -> None:
    world = build_territory(ledger)
    sent_to_the_mill_by_mistake(ledger, world)
    chain_and_verify(ledger)


def test_stock_as_recorded_before_and_after_the_refusal(ledger: Ledger) -> None:
    world = build_territory(ledger)
    bale = collect(ledger, world, "412.5", hours=50)
    ledger.dispatch(world.actor("collector"), bale, Dispatch(world.mill_site, hours_ago(49)))
    between = ledger.now()
    ledger.refuse_receipt(world.actor("mill"), bale, RefuseReceipt(REASON, hours_ago(48)))
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()
    views = ViewDatabase(ledger.settings)
    try:
        then = stock_as_recorded(views, between)["data"]
        now = stock_as_recorded(views, ledger.now())["data"]
    finally:
        views.close()

    assert [(r["state"], r["destination_site_id"]) for r in then] == [
        ("in_transit", str(world.mill_site))
    ]
    assert [(r["state"], r["site_id"], r["mass_kg"]) for r in now] == [
        ("held", str(world.container_lillebonne), 412.5)
    ]


def test_the_bundle_of_a_sorting_of_a_refused_bale_verifies(
    ledger: Ledger, settings: Settings, tmp_path: Path
) -> None:
    world = build_territory(ledger)
    sort(ledger, world, sent_to_the_mill_by_mistake(ledger, world))
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    period = period_of(ledger.today())
    content, statement = build_bundle(ledger, runner.db, str(world.workshop), period)
    runner.close()
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)

    result = verify(folder)

    assert result.returncode == 0, result.stdout + result.stderr
    assert statement["tonnes"]["recycling"] == 0.2505
    assert "ReceiptRefused" in (folder / "events.jsonl").read_text()
