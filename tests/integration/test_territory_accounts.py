"""The territory's EW-MFA accounts, worked out by hand for a child inside its parent (DESIGN §8).

The Seine estuary (``estuaire``: Lillebonne, Bolbec, Gonfreville-l'Orcher, Le Havre) holds two
children: Caux Vallée de Seine (``main``: Lillebonne and Bolbec) and Le Havre (``lehavre``: Le
Havre and Gonfreville-l'Orcher). The ledger traces 2026's batches; statistics declare the rest.

Traced (batches, 2026):
  a. 2,000 kg of logs collected at the Bolbec wood platform: wood felled, DE of MF1.3 for both.
  b. those logs dispatched to the Gonfreville boiler and burnt: an export of ``main``, internal to
     the estuary (whose account sees the energy recovered inside, MF1: no production of its own).
  c. 1,000 kg of collected textiles sent to a fraying mill near Lille: EXP of MF6 for both.
  d. 500 kg collected at Bolbec, sorted at the Bolbec workshop into 490 kg of waste (10 kg loss),
     the waste landfilled there: DPO of MF6, 0.490 t, for both.

Declared (2026), on ``main`` (which traces MF6):
  D1 extraction MF3 50,000 t · D2 import MF4 12,000 t from rest_of_france, 500,000 GJ declared ·
  D3 export MF5 3,000 t to lehavre · D4 import MF6 800 t from BE · D5 output MF4 to air 36,000 t ·
  D6 balancing_input MF4 26,000 t · D7 balancing_output MF4 3,000 t.
on ``estuaire`` (which traces MF1):
  E1 import MF4 9,000,000 t from NO · E2 export MF4 6,000,000 t to rest_of_france ·
  E3 extraction MF3 10,000 t · E4 extraction MF1.1 300,000 t (shown, but MF1 is traced here).
on ``lehavre``: L1 import MF5 3,000 t from main (D3's mirror) · L2 export MF6 200 t to DE.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from ledger.application.commands import (
    Actor,
    Collect,
    Dispatch,
    Outlet,
    Receive,
    RegisterSite,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
)
from ledger.application.ledger import Ledger
from ledger.application.territory_commands import CorrectFlow, DeclareFlow, DescribeTerritory
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.territory.collection import collection_by_commune
from ledger.territory.report import accounts, read
from tests.territory import ADMIN, BOLBEC, GONFREVILLE, LILLEBONNE, Territory, build_territory

PARIS = ZoneInfo("Europe/Paris")
LE_HAVRE = "76351"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.fixture
def views(ledger: Ledger) -> Iterator[ViewDatabase]:
    db = ViewDatabase(ledger.settings)
    yield db
    db.close()


def catch_up(ledger: Ledger) -> None:
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()


def describe(ledger: Ledger, code: str, communes: list[str], **fields: Any) -> None:
    ledger.describe_territory(ADMIN, DescribeTerritory(code, code.title(), communes, **fields))


def declare(ledger: Ledger, code: str, **fields: Any) -> UUID:
    body: dict[str, Any] = {"year": 2026, "source": "Observatoire régional", "quality": "estimated"}
    body.update(fields)
    body["mass_t"] = Decimal(str(body["mass_t"]))
    if "energy_gj" in body:
        body["energy_gj"] = Decimal(str(body["energy_gj"]))
    return UUID(ledger.declare_flow(ADMIN, code, DeclareFlow(**body)).ref.id)


def estuary(ledger: Ledger) -> None:
    describe(
        ledger, "estuaire", [LILLEBONNE, BOLBEC, GONFREVILLE, LE_HAVRE],
        population={"2026": 400_000}, gdp_eur={"2026": 16_000_000_000},
        traced_categories=["MF1"],
    )  # fmt: skip
    describe(
        ledger, "main", [LILLEBONNE, BOLBEC], parent="estuaire",
        population={"2026": 77_000}, gdp_eur={"2026": 2_500_000_000}, traced_categories=["MF6"],
    )  # fmt: skip
    describe(
        ledger, "lehavre", [LE_HAVRE, GONFREVILLE], parent="estuaire",
        population={"2026": 230_000},
    )  # fmt: skip


def traced_year(ledger: Ledger, world: Territory) -> dict[str, UUID]:
    """The batches of a. to d. above."""
    owner = world.boiler_company
    platform = UUID(
        ledger.register_site(
            ADMIN, RegisterSite(owner, "Plateforme bois de Bolbec", "processing", BOLBEC)
        ).ref.id
    )
    wood = Actor(owner, "collector", "tok-wood")
    logs = collect(ledger, wood, platform, "wood.logs", "2000", "2026-03-02 08:00")
    ledger.dispatch(wood, logs, Dispatch(world.boiler_site, at("2026-03-03 08:00")))
    ledger.receive(world.actor("boiler"), logs, Receive(at("2026-03-03 09:00")))
    ledger.valorise(world.actor("boiler"), logs, Valorise("energy", at("2026-03-04 10:00")))
    collector = world.actor("collector")
    bag = collect(ledger, collector, world.container_lillebonne, "textile.collected", "1000",
                  "2026-04-01 07:00")  # fmt: skip
    ledger.dispatch(collector, bag, Dispatch(world.mill_site, at("2026-04-01 09:00")))
    sorted_bag = collect(ledger, collector, world.container_bolbec, "textile.collected", "500",
                         "2026-05-04 07:00")  # fmt: skip
    ledger.dispatch(collector, sorted_bag, Dispatch(world.sorting_centre, at("2026-05-04 08:00")))
    ledger.receive(world.actor("sorter"), sorted_bag, Receive(at("2026-05-04 08:30")))
    waste = uuid4()
    ledger.transform(
        world.actor("sorter"),
        Transform(
            "sorting", world.sorting_centre, at("2026-05-04 14:00"),
            [TransformInput(sorted_bag)],
            [TransformOutput("textile.waste", Decimal(490), batch_id=waste)],
        ),
    )  # fmt: skip
    ledger.valorise(world.actor("sorter"), waste, Valorise("disposal", at("2026-05-05 10:00")))
    return {"logs": logs, "platform": platform}


def collect(ledger: Ledger, actor: Actor, site: UUID, material: str, kg: str, when: str) -> UUID:
    cmd = Collect(material=material, mass_kg=Decimal(kg), site_id=site, occurred_at=at(when))
    return UUID(ledger.collect(actor, cmd).ref.id)


def declared_year(ledger: Ledger) -> dict[str, UUID]:
    flows = {
        "D1": declare(ledger, "main", direction="extraction", category="MF3", mass_t=50_000),
        "D2": declare(ledger, "main", direction="import", category="MF4", mass_t=12_000,
                      partner="rest_of_france", energy_gj=500_000, quality="measured"),
        "D3": declare(ledger, "main", direction="export", category="MF5", mass_t=3_000,
                      partner="lehavre"),
        "D4": declare(ledger, "main", direction="import", category="MF6", mass_t=800,
                      partner="BE"),
        "D5": declare(ledger, "main", direction="output", category="MF4", mass_t=36_000,
                      output_to="air", quality="modelled"),
        "D6": declare(ledger, "main", direction="balancing_input", category="MF4",
                      mass_t=26_000, quality="modelled"),
        "D7": declare(ledger, "main", direction="balancing_output", category="MF4",
                      mass_t=3_000, quality="modelled"),
        "E1": declare(ledger, "estuaire", direction="import", category="MF4",
                      mass_t=9_000_000, partner="NO", source="Douanes"),
        "E2": declare(ledger, "estuaire", direction="export", category="MF4",
                      mass_t=6_000_000, partner="rest_of_france"),
        "E3": declare(ledger, "estuaire", direction="extraction", category="MF3", mass_t=10_000),
        "E4": declare(ledger, "estuaire", direction="extraction", category="MF1.1",
                      mass_t=300_000, source="Agreste"),
        "L1": declare(ledger, "lehavre", direction="import", category="MF5", mass_t=3_000,
                      partner="main"),
        "L2": declare(ledger, "lehavre", direction="export", category="MF6", mass_t=200,
                      partner="DE"),
    }  # fmt: skip
    return flows


@dataclass
class Year:
    world: Territory
    flows: dict[str, UUID]
    platform: UUID


@pytest.fixture
def year(ledger: Ledger) -> Year:
    world = build_territory(ledger)
    estuary(ledger)
    traced = traced_year(ledger, world)
    flows = declared_year(ledger)
    catch_up(ledger)
    return Year(world, flows, traced["platform"])


def account_of(ledger: Ledger, views: ViewDatabase, code: str, **kwargs: Any) -> dict[str, Any]:
    return accounts(read(views, ledger.catalogue(), code, 2026, **kwargs))


def figures(category: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: category[name] for name in names}


FLOWS = ("de_t", "imp_t", "exp_t", "dpo_t", "bi_t", "bo_t")
DERIVED = ("dmi_t", "dmc_t", "ptb_t", "nas_t")


def test_the_child_counts_its_own_flows_and_traces_its_waste(
    ledger: Ledger, views: ViewDatabase, year: Year
) -> None:
    cvs = account_of(ledger, views, "main")
    mf = cvs["categories"]
    # MF1 is not traced in main: the declared figures are used (none); the ledger's logs show.
    assert figures(mf["MF1"], *FLOWS) == dict.fromkeys(FLOWS, 0.0)
    assert mf["MF1"]["traced"] == {**dict.fromkeys(FLOWS, 0.0), "de_t": 2.0, "exp_t": 2.0}
    assert mf["MF1"]["used"] == "declared"
    # MF3: D1 = 50,000 t extracted.
    assert figures(mf["MF3"], "de_t", "dmi_t", "dmc_t", "nas_t") == {
        "de_t": 50_000.0, "dmi_t": 50_000.0, "dmc_t": 50_000.0, "nas_t": 50_000.0,
    }  # fmt: skip
    # MF4: IMP 12,000 (D2), DPO 36,000 (D5), BI 26,000 (D6), BO 3,000 (D7);
    # NAS = 12,000 + 26,000 − 36,000 − 0 − 3,000 = −1,000.
    assert figures(mf["MF4"], *FLOWS, *DERIVED) == {
        "de_t": 0.0, "imp_t": 12_000.0, "exp_t": 0.0, "dpo_t": 36_000.0, "bi_t": 26_000.0,
        "bo_t": 3_000.0, "dmi_t": 12_000.0, "dmc_t": 12_000.0, "ptb_t": 12_000.0,
        "nas_t": -1_000.0,
    }  # fmt: skip
    assert mf["MF4"]["imp_gj"] == 500_000.0  # declared with the flow
    assert mf["MF4"]["dpo_gj"] == 0.0  # emissions have no heating value to default to
    # MF5: EXP 3,000 to the sibling (D3): DMC = 0 − 3,000.
    assert figures(mf["MF5"], "exp_t", "dmc_t", "ptb_t", "nas_t") == {
        "exp_t": 3_000.0, "dmc_t": -3_000.0, "ptb_t": -3_000.0, "nas_t": -3_000.0,
    }  # fmt: skip
    # MF6 is traced: EXP 1.000 t (c.), DPO 0.490 t (d.); NAS = 0 − 0.490 − 1.000 = −1.490.
    # The declared import of 800 t (D4) is shown beside it, not used.
    assert figures(mf["MF6"], *FLOWS, "nas_t") == {
        **dict.fromkeys(FLOWS, 0.0), "exp_t": 1.0, "dpo_t": 0.49, "nas_t": -1.49,
    }  # fmt: skip
    assert mf["MF6"]["declared"]["imp_t"] == 800.0
    assert mf["MF6"]["used"] == "traced"
    # Joules of the traced textiles at their catalogue LHV and default moisture:
    # collected 17.0 × 0.90 − 2.443 × 0.10 = 15.0557 MJ/kg × 1,000 kg = 15.056 GJ exported;
    # waste 15.0 × 0.85 − 2.443 × 0.15 = 12.38355 MJ/kg × 490 kg = 6.068 GJ landfilled.
    assert (mf["MF6"]["exp_gj"], mf["MF6"]["dpo_gj"]) == (15.056, 6.068)


def test_the_childs_totals_intensity_and_energy(
    ledger: Ledger, views: ViewDatabase, year: Year
) -> None:
    cvs = account_of(ledger, views, "main")
    # DE 50,000; IMP 12,000; EXP 3,000 + 1 = 3,001; DPO 36,000 + 0.49; BI 26,000; BO 3,000.
    # DMI 62,000; DMC 58,999; PTB 8,999;
    # NAS = 62,000 + 26,000 − 36,000.49 − 3,001 − 3,000 = 45,998.51.
    assert figures(cvs["totals"], *FLOWS, *DERIVED) == {
        "de_t": 50_000.0, "imp_t": 12_000.0, "exp_t": 3_001.0, "dpo_t": 36_000.49,
        "bi_t": 26_000.0, "bo_t": 3_000.0, "dmi_t": 62_000.0, "dmc_t": 58_999.0,
        "ptb_t": 8_999.0, "nas_t": 45_998.51,
    }  # fmt: skip
    # Per inhabitant (77,000): 62,000 / 77,000 = 0.80519…; 58,999 / 77,000 = 0.76622…;
    # 36,000.49 / 77,000 = 0.46754…
    assert cvs["per_capita"] == {"dmi_t": 0.8052, "dmc_t": 0.7662, "dpo_t": 0.4675}
    # 58,999,000 kg / 2.5 billion € = 0.0235996 kg/€; 2.5 billion / 58,999,000 = 42.3736 €/kg.
    assert cvs["dmc_kg_per_eur"] == 0.0236
    assert cvs["resource_productivity_eur_per_kg"] == 42.37
    # Energy carriers: D2's 500,000 GJ imported; the logs burnt outside are no production here.
    assert cvs["energy"]["production_gj"] == 0.0
    assert cvs["energy"]["imports_gj"] == 500_000.0
    assert cvs["energy"]["gross_inland_gj"] == 500_000.0
    assert cvs["energy"]["dependence"] == 1.0
    assert cvs["parent"] == "estuaire"
    assert cvs["warnings"] == []


def test_the_parent_takes_its_childrens_flows_but_not_those_between_them(
    ledger: Ledger, views: ViewDatabase, year: Year
) -> None:
    estuary = account_of(ledger, views, "estuaire")
    mf = estuary["categories"]
    # MF1 is traced here: DE 2.000 t of logs (a.), their transfer to Gonfreville is internal (b.);
    # the declared 300,000 t of crops (E4) are shown, not used.
    assert figures(mf["MF1"], "de_t", "exp_t", "dmc_t", "nas_t") == {
        "de_t": 2.0, "exp_t": 0.0, "dmc_t": 2.0, "nas_t": 2.0,
    }  # fmt: skip
    assert mf["MF1"]["declared"]["de_t"] == 300_000.0
    # MF3: D1 (child) + E3 (parent) = 60,000 t extracted.
    assert mf["MF3"]["de_t"] == 60_000.0
    # MF4: IMP 9,000,000 (E1) + 12,000 (D2, from the rest of France); EXP 6,000,000 (E2);
    # NAS = 9,012,000 + 26,000 − 36,000 − 6,000,000 − 3,000 = 2,999,000.
    assert figures(mf["MF4"], "imp_t", "exp_t", "dpo_t", "bi_t", "bo_t", "nas_t") == {
        "imp_t": 9_012_000.0, "exp_t": 6_000_000.0, "dpo_t": 36_000.0, "bi_t": 26_000.0,
        "bo_t": 3_000.0, "nas_t": 2_999_000.0,
    }  # fmt: skip
    # MF5: main → lehavre (D3) and its mirror (L1) are internal: nothing.
    assert figures(mf["MF5"], *FLOWS) == dict.fromkeys(FLOWS, 0.0)
    # MF6 is declared here: IMP 800 (D4, from Belgium), EXP 200 (L2, to Germany); the traced
    # 1 t to Lille and 0.49 t landfilled are shown beside.
    assert figures(mf["MF6"], "imp_t", "exp_t", "dpo_t", "nas_t") == {
        "imp_t": 800.0, "exp_t": 200.0, "dpo_t": 0.0, "nas_t": 600.0,
    }  # fmt: skip
    assert (mf["MF6"]["traced"]["exp_t"], mf["MF6"]["traced"]["dpo_t"]) == (1.0, 0.49)
    # Totals: DE 60,002; IMP 9,012,800; EXP 6,000,200; DMI 9,072,802; DMC 3,072,602;
    # NAS = 9,072,802 + 26,000 − 36,000 − 6,000,200 − 3,000 = 3,059,602.
    assert figures(estuary["totals"], "de_t", "imp_t", "exp_t", "dmi_t", "dmc_t", "nas_t") == {
        "de_t": 60_002.0, "imp_t": 9_012_800.0, "exp_t": 6_000_200.0, "dmi_t": 9_072_802.0,
        "dmc_t": 3_072_602.0, "nas_t": 3_059_602.0,
    }  # fmt: skip
    # 9,072,802 / 400,000 = 22.682005; 3,072,602 / 400,000 = 7.681505; 36,000 / 400,000 = 0.09.
    assert estuary["per_capita"] == {"dmi_t": 22.682, "dmc_t": 7.6815, "dpo_t": 0.09}
    assert sorted(estuary["children"]) == ["lehavre", "main"]
    assert [w["category"] for w in estuary["warnings"]] == ["MF3", "MF4"]


def test_the_parents_energy_account(ledger: Ledger, views: ViewDatabase, year: Year) -> None:
    energy = account_of(ledger, views, "estuaire")["energy"]
    # Production: the traced logs, energy carriers: 19.0 × 0.75 − 2.443 × 0.25 = 13.63925 MJ/kg
    # × 2,000 kg = 27.2785 GJ. Imports: 9,000,000 t × 42.3 GJ/t (crude oil, no figure declared)
    # = 380,700,000 GJ + D2's 500,000 = 381,200,000; exports 6,000,000 × 42.3 = 253,800,000.
    assert energy["production_gj"] == 27.279
    assert energy["imports_gj"] == 381_200_000.0
    assert energy["exports_gj"] == 253_800_000.0
    # Gross inland = 27.2785 + 381,200,000 − 253,800,000 = 127,400,027.2785 GJ; dependence =
    # 127,400,000 / 127,400,027.2785 = 0.99999979 → 1.0.
    assert energy["gross_inland_gj"] == 127_400_027.279
    assert energy["dependence"] == 1.0
    # The logs burnt at Gonfreville are recovered inside the estuary, but they were counted at
    # their extraction: no second time in production.
    assert energy["recovered_inside_gj"] == 0.0
    assert energy["recovered_by_category_gj"] == {"MF1": 27.279}


@pytest.mark.parametrize("code", ["main", "estuaire", "lehavre"])
def test_net_additions_to_stock_balance_on_every_category(
    ledger: Ledger, views: ViewDatabase, year: Year, code: str
) -> None:
    found = account_of(ledger, views, code)
    for name, c in [*found["categories"].items(), ("total", found["totals"])]:
        nas = c["dmi_t"] + c["bi_t"] - c["dpo_t"] - c["exp_t"] - c["bo_t"]
        assert c["nas_t"] == pytest.approx(nas, abs=1e-6), name
        assert c["dmi_t"] == pytest.approx(c["de_t"] + c["imp_t"], abs=1e-6), name
        assert c["dmc_t"] == pytest.approx(c["dmi_t"] - c["exp_t"], abs=1e-6), name


def test_corrections_change_the_figures_and_as_of_shows_them_before(
    ledger: Ledger, views: ViewDatabase, year: Year
) -> None:
    d3 = str(year.flows["D3"])
    before = datetime.now(UTC)
    time.sleep(0.01)
    correction = CorrectFlow(1, "Customs figure revised", {"mass_t": Decimal(2_500)})
    ledger.correct_flow(ADMIN, "main", UUID(d3), correction)
    late_logs = Collect("wood.logs", Decimal(1_000), year.platform, at("2026-06-01 08:00"))
    ledger.collect(Actor(year.world.boiler_company, "collector", "tok-wood"), late_logs)
    catch_up(ledger)
    now = account_of(ledger, views, "main")
    then = account_of(ledger, views, "main", as_of=before)
    assert now["categories"]["MF5"]["exp_t"] == 2_500.0
    assert then["categories"]["MF5"]["exp_t"] == 3_000.0
    assert now["categories"]["MF1"]["traced"]["de_t"] == 3.0
    assert then["categories"]["MF1"]["traced"]["de_t"] == 2.0
    # The original stays: both versions are in the view, each with its recording time.
    versions = views.query(
        "SELECT version, mass_g FROM view_declared_flows WHERE flow_id = ? ORDER BY version", (d3,)
    )
    assert [(int(v), int(g)) for v, g in versions] == [(1, 3_000_000_000), (2, 2_500_000_000)]


def test_an_export_abroad_by_valorisation_counts_for_both_levels(
    ledger: Ledger, views: ViewDatabase, year: Year
) -> None:
    """Export bales sold from the Bolbec workshop straight to a buyer in Poland."""
    world, sorter = year.world, year.world.actor("sorter")
    bag = collect(
        ledger, world.actor("collector"), world.container_bolbec, "textile.collected", "100",
        "2026-07-01 07:00",
    )  # fmt: skip
    delivery = Dispatch(world.sorting_centre, at("2026-07-01 08:00"))
    ledger.dispatch(world.actor("collector"), bag, delivery)
    ledger.receive(sorter, bag, Receive(at("2026-07-01 09:00")))
    bales = uuid4()
    output = TransformOutput("textile.reuse.export", Decimal(100), batch_id=bales)
    sorting = Transform(
        "sorting", world.sorting_centre, at("2026-07-01 15:00"), [TransformInput(bag)], [output]
    )
    ledger.transform(sorter, sorting)
    sale = Valorise("reuse", at("2026-07-02 10:00"), outlet=Outlet("Grossiste de Łódź", "PL"))
    ledger.valorise(sorter, bales, sale)
    catch_up(ledger)
    for code in ("main", "estuaire"):
        assert account_of(ledger, views, code)["categories"]["MF5"]["traced"]["exp_t"] == 0.1


def comparable(found: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in found.items() if k not in ("as_of", "position")}


@pytest.mark.parametrize("code", ["main", "estuaire", "lehavre"])
def test_the_running_sums_and_the_facts_give_the_same_accounts(
    ledger: Ledger, views: ViewDatabase, year: Year, code: str
) -> None:
    # Now: the batches view's day sums (and the facts only where materials differ) and the
    # declared flows' running sums; as recorded at a time: the facts and the flows' versions.
    now = account_of(ledger, views, code)
    recorded = account_of(ledger, views, code, as_of=datetime.now(UTC))
    assert comparable(now) == comparable(recorded)
    logs = now["categories"]["MF1"]["traced"]["de_t"]  # read from the facts (logs ≠ pallets)
    assert logs == (0.0 if code == "lehavre" else 2.0)


def test_a_collection_counts_in_the_commune_it_came_from(
    ledger: Ledger, views: ViewDatabase, year: Year
) -> None:
    """A bag from Bolbec dropped at the Lillebonne container counts for Bolbec."""
    world = year.world
    for kg, source in (("40", "76114"), ("25", None)):
        cmd = Collect(
            material="textile.collected",
            mass_kg=Decimal(kg),
            site_id=world.container_lillebonne,
            occurred_at=at("2026-08-03 09:00"),
            source_commune_insee=source,
        )
        ledger.collect(world.actor("collector"), cmd)
    catch_up(ledger)
    catalogue = ledger.catalogue()
    for as_of in (None, datetime.now(UTC)):
        found = collection_by_commune(views, catalogue, "main", 2026, "textile", as_of)
        rows = {row["commune_insee"]: row["collected_kg"] for row in found["rows"]}
        # Lillebonne: 1,000 kg (c.) + 25 kg; Bolbec: 500 kg (d.) + 40 kg.
        assert rows == {"76384": 1025.0, "76114": 540.0}, as_of
