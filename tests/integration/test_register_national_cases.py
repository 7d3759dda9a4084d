"""What the national register does with incomplete or unusual movements, on a small territory:
a missing SIRET is reported (then declared once it is registered), a valorisation names no
destination it does not have, a direct transfer has no carrier, an estimated weight cannot go to a
boiler, households' drop-offs and reuse grades are not declared, and why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from ledger.application.commands import (
    Actor,
    Collect,
    Correct,
    Dispatch,
    Outlet,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
    UpdateOrganisation,
    Valorise,
    Weigh,
)
from ledger.application.ledger import Ledger
from ledger.audit.register import site_register
from ledger.audit.register_national import NationalRegister, national_register
from ledger.domain.errors import NothingToCorrect
from ledger.indicators.periods import parse_dates
from ledger.projections.runner import ProjectionRunner
from tests.territory import ADMIN, Territory, build_territory
from tests.trackdechets.headers import read_import
from tests.trackdechets.refinements import check_row
from tests.trackdechets.templates import template

START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
COLLECTIVE = {"siret": "81276418100010", "address": "12 rue de la Gare", "postal_code": "76170"}
WORKSHOP = {"siret": "44981207200014", "address": "Zone du Val aux Grès", "postal_code": "76210"}
BY_COLLECTIVE_TRUCK = {"mode": "road", "receipt_number": "76-2019-0032"}


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


@pytest.fixture
def runner(ledger: Ledger) -> Iterator[ProjectionRunner]:
    runner = ProjectionRunner(ledger)
    yield runner
    runner.close()


@pytest.fixture
def world(ledger: Ledger) -> Territory:
    return build_territory(ledger)


def register(
    ledger: Ledger, runner: ProjectionRunner, site: UUID, direction: str
) -> NationalRegister:
    runner.catch_up()
    period = parse_dates(START.date().isoformat(), datetime.now(UTC).date().isoformat())
    found = national_register(ledger, runner.db, site, direction, period)
    rows = read_import(found.csv(), template(direction))
    assert [check_row(row, direction) for row in rows] == [[]] * len(rows)
    return found


def columns(reported: dict[str, Any]) -> set[str]:
    return {problem["column"] for problem in reported["problems"]}


def delivered(ledger: Ledger, world: Territory, kg: str, transport: dict[str, Any]) -> UUID:
    """A bag collected at the Lillebonne container, carried to the sorting centre, received."""
    collector, sorter = world.actor("collector"), world.actor("sorter")
    collect = Collect("textile.collected", Decimal(kg), world.container_lillebonne, at(0))
    bag = UUID(ledger.collect(collector, collect).ref.id)
    ledger.dispatch(collector, bag, Dispatch(world.sorting_centre, at(1), transport=transport))
    ledger.receive(sorter, bag, Receive(at(2), Decimal(kg)))
    return bag


def truck(world: Territory) -> dict[str, Any]:
    """The collective's own truck, under its carrier's receipt."""
    return {**BY_COLLECTIVE_TRUCK, "carrier_organisation_id": world.collectors}


def sort_into(ledger: Ledger, world: Territory, bag: UUID, material: str) -> UUID:
    """The bag sorted into one lot of a material (98 of its 100 kg)."""
    lot = uuid4()
    outputs = [TransformOutput(material, Decimal("98"), batch_id=lot)]
    inputs = [TransformInput(bag)]
    sorting = Transform("sorting", world.sorting_centre, at(3), inputs, outputs, Decimal(2))
    ledger.transform(world.actor("sorter"), sorting)
    return lot


def give_sirets(ledger: Ledger, world: Territory) -> None:
    for organisation, details in ((world.collectors, COLLECTIVE), (world.workshop, WORKSHOP)):
        changes = {**details, "city": "Lillebonne"}
        ledger.update_organisation(ADMIN, organisation, UpdateOrganisation(changes))


def test_a_row_without_sirets_is_reported_then_declared_once_they_are_registered(
    ledger: Ledger, runner: ProjectionRunner, world: Territory
) -> None:
    bag = delivered(ledger, world, "412.5", truck(world))

    before = register(ledger, runner, world.sorting_centre, "incoming")

    assert before.rows == []
    [reported] = before.reported
    assert (reported["batch_id"], reported["movement"]) == (str(bag), "received")
    assert {"reportForCompanySiret", "emitterCompanyOrgId", "transporter1CompanyOrgId"} <= (
        columns(reported)
    )
    headers = {problem["header"] for problem in reported["problems"]}
    assert "SIRET du destinataire" in headers
    assert before.report()["reported"] == before.reported

    give_sirets(ledger, world)
    after = register(ledger, runner, world.sorting_centre, "incoming")

    assert after.reported == []
    [row] = after.rows
    assert row["publicId"] == f"{bag.hex}.3"
    assert (row["reportForCompanySiret"], row["emitterCompanyOrgId"]) == (
        WORKSHOP["siret"],
        COLLECTIVE["siret"],
    )
    assert row["transporter1CompanyOrgId"] == COLLECTIVE["siret"]  # registered since
    assert (row["weightValue"], row["weightIsEstimate"]) == ("0,413", "REEL")  # half up
    assert (row["operationCode"], row["nextOperationCode"]) == ("R 12", "R 3")
    assert row["initialEmitterMunicipalitiesInseeCodes"] == "76384"


def test_a_valorisation_where_the_batch_is_names_no_destination_it_does_not_have(
    ledger: Ledger, runner: ProjectionRunner, world: Territory
) -> None:
    give_sirets(ledger, world)
    bag = delivered(ledger, world, "100", truck(world))
    sorter = world.actor("sorter")
    wipers = sort_into(ledger, world, bag, "textile.recycling.wipers")
    ledger.valorise(sorter, wipers, Valorise("recycling", at(4)))

    outgoing = register(ledger, runner, world.sorting_centre, "outgoing")

    assert outgoing.rows == []
    [reported] = outgoing.reported
    assert "destinationCompanyOrgId" in columns(reported)
    period = parse_dates(START.date().isoformat(), datetime.now(UTC).date().isoformat())
    rows = site_register(ledger, runner.db, world.sorting_centre, period)
    [sold] = [row for row in rows if row.movement == "valorised"]
    assert (sold.destination_site_id, sold.on_site) == (None, True)  # not the centre itself


def test_a_direct_transfer_has_no_carrier_and_an_estimate_cannot_be_burnt(
    ledger: Ledger, runner: ProjectionRunner, world: Territory
) -> None:
    give_sirets(ledger, world)
    details = {"siret": "50862374100016", "address": "Rue de la Chaufferie", "city": "Gonfreville"}
    changes = {**details, "postal_code": "76700"}
    ledger.update_organisation(ADMIN, world.boiler_company, UpdateOrganisation(changes))
    bag = delivered(ledger, world, "100", truck(world))
    fuel = sort_into(ledger, world, bag, "textile.csr")
    sorter, boiler = world.actor("sorter"), world.actor("boiler")
    ledger.dispatch(sorter, fuel, Dispatch(world.boiler_site, at(5), transport={"direct": True}))
    ledger.receive(boiler, fuel, Receive(at(6)))

    outgoing = register(ledger, runner, world.sorting_centre, "outgoing")
    incoming = register(ledger, runner, world.boiler_site, "incoming")

    [row] = outgoing.rows
    assert row["isDirectSupply"] == "OUI"
    assert not any(key.startswith("transporter") for key in row)
    assert (row["operationCode"], row["operationMode"]) == ("R 1", "VALORISATION_ENERGETIQUE")
    [burnt] = incoming.rows
    assert (burnt["operationCode"], burnt["weightIsEstimate"]) == ("R 1", "REEL")


def test_an_estimated_weight_cannot_be_declared_for_a_boiler(
    ledger: Ledger, runner: ProjectionRunner, world: Territory
) -> None:
    give_sirets(ledger, world)
    bag = delivered(ledger, world, "100", truck(world))
    fuel = sort_into(ledger, world, bag, "textile.csr")
    sorter = world.actor("sorter")
    ledger.weigh(sorter, fuel, Weigh(Decimal("97"), at(4), weight_method="estimated"))
    ledger.dispatch(sorter, fuel, Dispatch(world.boiler_site, at(5), transport={"direct": True}))

    outgoing = register(ledger, runner, world.sorting_centre, "outgoing")

    [reported] = outgoing.reported
    assert columns(reported) == {
        "weightIsEstimate",
        "destinationCompanyOrgId",
        "destinationCompanyAddress",
        "destinationCompanyPostalCode",
        "destinationCompanyCity",
    }


def test_households_drop_offs_and_reuse_grades_are_not_declared_and_say_why(
    ledger: Ledger, runner: ProjectionRunner, world: Territory
) -> None:
    give_sirets(ledger, world)
    bag = delivered(ledger, world, "100", truck(world))
    cream = sort_into(ledger, world, bag, "textile.reuse.cream")
    sorter = world.actor("sorter")
    shop = {"name": "Friperie de Łódź", "country": "PL", "vat_number": "PL7251846034"}
    ledger.valorise(sorter, cream, Valorise("reuse", at(4), outlet=Outlet(**shop)))
    walk_in = Collect("textile.collected", Decimal("20"), world.sorting_centre, at(5))
    ledger.collect(Actor(world.workshop, "collector", "tok-workshop"), walk_in)

    container = register(ledger, runner, world.container_lillebonne, "incoming")
    sent = register(ledger, runner, world.sorting_centre, "outgoing")
    received = register(ledger, runner, world.sorting_centre, "incoming")

    assert [entry["reason"] for entry in container.not_declared] == ["dropped_off_by_households"]
    [sale] = sent.reported  # the buyer abroad has no address, and no carrier is known
    assert {"destinationCompanyAddress", "transporter1TransportMode"} <= columns(sale)
    assert "destinationCompanyOrgId" not in columns(sale)  # its VAT number is known
    [unknown] = received.reported  # collected at the centre: who brought it is not known
    assert "emitterCompanyOrgId" in columns(unknown)
    assert len(received.rows) == 1


def test_a_dispatch_named_by_its_carrier_alone_is_completed_by_a_correction(
    ledger: Ledger, runner: ProjectionRunner, world: Territory
) -> None:
    give_sirets(ledger, world)
    collector = world.actor("collector")
    collect = Collect("textile.collected", Decimal("50"), world.container_lillebonne, at(0))
    bag = UUID(ledger.collect(collector, collect).ref.id)
    ledger.dispatch(collector, bag, Dispatch(world.sorting_centre, at(1), carrier="Collectif"))
    sorter = world.actor("sorter")
    ledger.receive(sorter, bag, Receive(at(2)))  # as the phones send them

    before = register(ledger, runner, world.sorting_centre, "incoming")
    [reported] = before.reported
    assert {"transporter1CompanyOrgId", "transporter1TransportMode"} <= columns(reported)

    with pytest.raises(NothingToCorrect):  # a receipt has no transport of its own
        ledger.correct(sorter, bag, Correct(3, "Bon de livraison", transport=truck(world)))
    fix = Correct(2, "Bon de livraison retrouvé", transport=truck(world))
    ledger.correct(sorter, bag, fix)
    after = register(ledger, runner, world.sorting_centre, "incoming")

    [row] = after.rows
    assert row["transporter1CompanyOrgId"] == COLLECTIVE["siret"]
    assert row["transporter1RecepisseNumber"] == "76-2019-0032"
    assert ledger.batch(bag)["mass_kg"] == 50  # nothing else changed
