"""The chronological waste register of a site, from the August story of ``test_epcis``.

Every row below was read off the story by hand: what came in and went out of each site, in
order, the exact masses, measured or estimated, the commune the waste was collected in, where it
went and the R/D code of the operation.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from ledger.application.commands import Correct
from ledger.application.ledger import Ledger
from ledger.audit.register import site_register
from ledger.audit.register_codes import site_operation, valorisation_operation
from ledger.audit.register_csv import COLUMNS, register_csv
from ledger.domain.errors import UnknownSite
from ledger.indicators.periods import parse_dates
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from tests.integration.test_epcis import NEIGHBOUR_COMMUNE, August, august_in_the_chain
from tests.territory import BOLBEC, LILLEBONNE

# what each test compares: the register's rows, a few columns at a time
SHOWN = (
    "date",
    "direction",
    "movement",
    "material",
    "mass_kg",
    "quantity_basis",
    "origin_commune_insee",
    "destination_site_name",
    "operation_code",
    "route",
)


@pytest.fixture
def views(ledger: Ledger) -> Iterator[ViewDatabase]:
    db = ViewDatabase(ledger.settings)
    yield db
    db.close()


@pytest.fixture
def august(ledger: Ledger) -> August:
    story = august_in_the_chain(ledger)
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()
    return story


def register(
    ledger: Ledger,
    views: ViewDatabase,
    site: UUID,
    start: str = "2026-08-01",
    end: str = "2026-08-31",
) -> list[dict[str, str]]:
    """The register as the CSV says it, row by row."""
    text = register_csv(ledger, site_register(ledger, views, site, parse_dates(start, end)))
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def shown(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [tuple(row[column] for column in SHOWN) for row in rows]


def test_the_workshop_register_has_its_receipts_then_what_left_in_order(
    ledger: Ledger, views: ViewDatabase, august: August
) -> None:
    rows = register(ledger, views, august.world.sorting_centre)

    mill, boiler = "Usine d'effilochage", "Chaufferie de Gonfreville"
    assert shown(rows) == [
        ("2026-08-12", "incoming", "received", "textile.collected", "410,000", "measured",
         NEIGHBOUR_COMMUNE, "Atelier de tri de Bolbec", "R12", ""),
        ("2026-08-12", "incoming", "received", "textile.collected", "87,500", "estimated",
         BOLBEC, "Atelier de tri de Bolbec", "R12", ""),
        ("2026-08-13", "incoming", "received", "textile.collected", "60,000", "measured",
         LILLEBONNE, "Atelier de tri de Bolbec", "R12", ""),
        ("2026-08-14", "outgoing", "dispatched", "textile.recycling.fraying", "230,000",
         "measured", BOLBEC, mill, "R3", "recycling"),
        ("2026-08-14", "outgoing", "valorised", "textile.reuse.cream", "150,000", "measured",
         BOLBEC, "Friperie solidaire du Caux", "", "reuse"),
        ("2026-08-18", "outgoing", "dispatched", "textile.energy", "35,000", "measured",
         BOLBEC, boiler, "R1", "energy"),
        ("2026-08-18", "outgoing", "valorised", "textile.csr", "100,000", "measured",
         BOLBEC, boiler, "R1", "csr"),
        ("2026-08-20", "outgoing", "valorised", "textile.waste", "24,000", "measured",
         BOLBEC, "Installation de stockage", "D5", "disposal"),
    ]  # fmt: skip
    first = rows[0]
    assert first["occurred_at"] == "2026-08-12T08:40:00+02:00"
    assert (first["origin_site_name"], first["origin_organisation"]) == (
        "Conteneur Lillebonne",
        "Collectif des collecteurs",
    )
    assert (first["mass_t"], first["weight_method"], first["carrier"]) == (
        "0,410000",
        "measured",
        "Collectif des collecteurs",
    )
    assert first["batch_id"] == str(august.lillebonne_bag)
    assert rows[4]["destination_country"] == "FR"
    assert rows[6]["certificate_ref"] == "CSR-2026-118"


def test_the_container_register_has_collections_from_their_communes(
    ledger: Ledger, views: ViewDatabase, august: August
) -> None:
    rows = register(ledger, views, august.world.container_lillebonne)

    workshop = "Atelier de tri de Bolbec"
    assert shown(rows) == [
        ("2026-08-12", "incoming", "collected", "textile.collected", "412,500", "measured",
         NEIGHBOUR_COMMUNE, "Conteneur Lillebonne", "R13", ""),
        ("2026-08-12", "outgoing", "dispatched", "textile.collected", "412,500", "measured",
         NEIGHBOUR_COMMUNE, workshop, "R12", ""),
        ("2026-08-13", "incoming", "collected", "textile.collected", "60,000", "measured",
         LILLEBONNE, "Conteneur Lillebonne", "R13", ""),
        ("2026-08-13", "outgoing", "dispatched", "textile.collected", "60,000", "measured",
         LILLEBONNE, workshop, "R12", ""),
    ]  # fmt: skip
    assert rows[0]["label_code"] != ""
    assert rows[1]["destination_organisation"] == "Atelier d'insertion du tri"


def test_the_boiler_registers_what_it_received_and_burnt(
    ledger: Ledger, views: ViewDatabase, august: August
) -> None:
    rows = register(ledger, views, august.world.boiler_site)

    boiler = "Chaufferie de Gonfreville"
    assert [row[1:3] + row[3:5] + row[8:] for row in shown(rows)] == [
        ("incoming", "valorised", "textile.csr", "100,000", "R1", "csr"),  # sold straight to it
        ("incoming", "received", "textile.energy", "35,000", "R1", "energy"),
        ("outgoing", "valorised", "textile.energy", "35,000", "R1", "energy"),  # burnt there
    ]
    assert [row["origin_site_name"] for row in rows] == ["Atelier de tri de Bolbec"] * 2 + [boiler]
    assert [row["destination_site_name"] for row in rows] == [boiler] * 3


def test_a_corrected_collection_mass_is_the_mass_in_the_register(
    ledger: Ledger, views: ViewDatabase, august: August
) -> None:
    fix = Correct(corrects_version=1, reason="Pesée relue", mass_kg=Decimal("86.5"))
    ledger.correct(august.world.actor("sorter"), august.bolbec_bag, fix)

    rows = register(ledger, views, august.world.container_bolbec)

    assert [(row["movement"], row["mass_kg"], row["quantity_basis"]) for row in rows] == [
        ("collected", "86,500", "estimated"),
        ("dispatched", "87,500", "estimated"),  # the mass the dispatch recorded
    ]


def test_the_register_keeps_to_its_period(
    ledger: Ledger, views: ViewDatabase, august: August
) -> None:
    workshop = august.world.sorting_centre

    assert register(ledger, views, workshop, "2026-09-01", "2026-09-30") == []
    one_day = register(ledger, views, workshop, "2026-08-18", "2026-08-18")
    assert [row["material"] for row in one_day] == ["textile.energy", "textile.csr"]


def test_the_register_of_an_unregistered_site_is_refused(
    ledger: Ledger, views: ViewDatabase
) -> None:
    with pytest.raises(UnknownSite):
        site_register(ledger, views, uuid4(), parse_dates("2026-08-01", "2026-08-31"))


@pytest.mark.parametrize(
    ("route", "outlet_kind", "code"),
    [
        ("reuse", None, ""),
        ("recycling", "recycler", "R3"),
        ("csr", "boiler", "R1"),
        ("energy", None, "R1"),
        ("disposal", "landfill", "D5"),
        ("disposal", "boiler", "D10"),
        ("disposal", None, "D10"),
    ],
)
def test_valorisations_map_to_operation_codes(
    route: str, outlet_kind: str | None, code: str
) -> None:
    assert valorisation_operation(route, outlet_kind) == code


def test_sites_that_receive_waste_map_to_operation_codes() -> None:
    kinds = ("collection_point", "sorting_centre", "recycler", "boiler", "shop", "landfill")
    assert [site_operation(kind) for kind in kinds] == ["R13", "R12", "R3", "R1", "", "D5"]
