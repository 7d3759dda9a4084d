"""The demo territory's data: who and where, the figures its activity follows, and its moves.

Commune codes are INSEE codes, checked against published tables of INSEE's urban unit of Bolbec and
urban area of Lillebonne (all 15 belong to Caux Seine agglo); outside are Gonfreville-l'Orcher (Le
Havre Seine Métropole) and Roubaix (Nord). Coordinates are approximate town centres.
Organisation and site names are invented: the demo shows the ledger, not real companies.

``Moves`` keeps the simulated stock and turns each move of a lot into the ledger command that
records it (a ``Step``); ``ledger.demo.loader`` tells the story and writes the steps.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from ledger.application.commands import (
    Collect,
    Dispatch,
    LogWork,
    Outlet,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
)
from ledger.domain.catalogue import default_materials

DEMO_NAMESPACE = uuid5(NAMESPACE_URL, "https://filiere-ledger.example/demo/caux-vallee-de-seine")
TERRITORY_NAME = "Caux Vallée de Seine"


def demo_id(*parts: object) -> UUID:
    """A deterministic id: the same demo gets the same ids, so loading it again is a repeat."""
    return uuid5(DEMO_NAMESPACE, "/".join(str(part) for part in parts))


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    latitude: float
    longitude: float


LILLEBONNE = Commune("76384", "Lillebonne", 49.5203, 0.5375)
BOLBEC = Commune("76114", "Bolbec", 49.5729, 0.4727)
PORT_JEROME = Commune("76476", "Port-Jérôme-sur-Seine", 49.4894, 0.5719)
GRUCHET = Commune("76329", "Gruchet-le-Valasse", 49.5517, 0.4942)
NOINTOT = Commune("76468", "Nointot", 49.6000, 0.4753)
SAINT_NICOLAS = Commune("76626", "Saint-Nicolas-de-la-Haie", 49.5620, 0.6258)
COMMUNES = (
    LILLEBONNE,
    BOLBEC,
    PORT_JEROME,
    GRUCHET,
    Commune("76281", "La Frénaye", 49.5256, 0.5706),
    Commune("76471", "Norville", 49.4811, 0.6389),
    Commune("76499", "Petiville", 49.4608, 0.5897),
    Commune("76622", "Saint-Maurice-d'Ételan", 49.4633, 0.6242),
    Commune("76626", "Saint-Nicolas-de-la-Haie", 49.5620, 0.6258),
    Commune("76318", "Grand-Camp", 49.5344, 0.6094),
    Commune("76712", "La Trinité-du-Mont", 49.5372, 0.5564),
    Commune("76022", "Anquetierville", 49.5233, 0.6367),
    Commune("76421", "Mélamare", 49.5375, 0.4417),
    NOINTOT,
    Commune("76576", "Saint-Eustache-la-Forêt", 49.5525, 0.4517),
)
# Outside the territory.
GONFREVILLE = Commune("76305", "Gonfreville-l'Orcher", 49.5050, 0.2347)
ROUBAIX = Commune("59512", "Roubaix", 50.6901, 3.1817)


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    kinds: tuple[str, ...]


ORGANISATIONS = (
    OrganisationSpec("agglo", "Communauté Caux Vallée de Seine", ("authority",)),
    OrganisationSpec(
        "collective", "Collectif des collecteurs textiles du Caux", ("collector", "transporter")
    ),
    OrganisationSpec("workshop", "Atelier chantier d'insertion Tri'Caux", ("sorter",)),
    OrganisationSpec("shops", "Boutiques solidaires du Caux", ("reuse",)),
    OrganisationSpec("flax_cooperative", "Coopérative linière du plateau de Caux", ("processor",)),
    OrganisationSpec("wood_energy", "Caux Bois Énergie", ("energy",)),
    OrganisationSpec("fraying_mill", "Effilochage du Nord", ("recycler",)),
    OrganisationSpec("estuary_energy", "Énergies de l'Estuaire", ("energy",)),
    OrganisationSpec("spinning_mill", "Filature européenne du lin", ("recycler",)),
    OrganisationSpec("wipers", "Essuyage industriel de l'Estuaire", ("recycler",)),
)


@dataclass(frozen=True)
class SiteSpec:
    key: str
    owner: str
    name: str
    kind: str
    commune: Commune | None
    country: str = "FR"
    weekly_kg: int = 0  # containers only: what people drop in a week, on average
    tour: int = 0  # containers only: the weekday (0 = Monday) of the emptying round
    latitude: float | None = None
    longitude: float | None = None

    @property
    def position(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.commune is not None:
            return self.commune.latitude, self.commune.longitude
        return None


SITES = (
    SiteSpec(
        "sorting_centre", "workshop", "Centre de tri textile de Bolbec", "sorting_centre", BOLBEC
    ),
    SiteSpec("shop_lillebonne", "shops", "Boutique solidaire de Lillebonne", "shop", LILLEBONNE),
    SiteSpec("shop_bolbec", "shops", "Boutique solidaire de Bolbec", "shop", BOLBEC),
    SiteSpec("scutching_mill", "flax_cooperative", "Teillage de Nointot", "processing", NOINTOT),
    SiteSpec(
        "chipping_platform",
        "wood_energy",
        "Plateforme bois-énergie de Gruchet",
        "processing",
        GRUCHET,
    ),
    SiteSpec(
        "lillebonne_boiler", "wood_energy", "Chaufferie bois de Lillebonne", "boiler", LILLEBONNE
    ),
    SiteSpec(
        "gonfreville_boiler",
        "estuary_energy",
        "Chaufferie collective de Gonfreville",
        "boiler",
        GONFREVILLE,
    ),
    SiteSpec("fraying_site", "fraying_mill", "Usine d'effilochage de Roubaix", "recycler", ROUBAIX),
    SiteSpec(
        "spinning_site", "spinning_mill", "Filature de lin (Lombardie)", "recycler", None, "IT"
    ),
    SiteSpec(
        "wipers_workshop",
        "wipers",
        "Atelier de coupe de chiffons de Port-Jérôme",
        "recycler",
        PORT_JEROME,
    ),
    SiteSpec(
        "landfill",
        "agglo",
        "Installation de stockage de déchets non dangereux du Mesnil",
        "landfill",
        SAINT_NICOLAS,
    ),
)

# Emptying rounds, Monday to Friday: six containers each, grouped by neighbourhood.
ROUNDS = (
    ("76114",) * 6,
    ("76384",) * 6,
    ("76476",) * 4 + ("76499", "76471"),
    ("76329", "76329", "76576", "76421", "76468", "76712"),
    ("76281", "76281", "76626", "76318", "76022", "76622"),
)
TOWNS = ("76114", "76384", "76476")  # people drop more in the three towns


def containers() -> list[SiteSpec]:
    """The collective's 30 street containers, with a fixed layout (the same for every seed)."""
    by_code = {commune.insee: commune for commune in COMMUNES}
    layout = random.Random(76)  # fixed: the registry must not depend on the activity's seed
    found: list[SiteSpec] = []
    for tour, codes in enumerate(ROUNDS):
        for code in codes:
            commune = by_code[code]
            number = sum(1 for c in found if c.commune == commune) + 1
            found.append(
                SiteSpec(
                    key=f"container_{len(found) + 1:02d}",
                    owner="collective",
                    name=f"Conteneur textile {commune.name} n°{number}",
                    kind="collection_point",
                    commune=commune,
                    weekly_kg=130 if code in TOWNS else 85,
                    tour=tour,
                    latitude=round(commune.latitude + layout.uniform(-0.004, 0.004), 5),
                    longitude=round(commune.longitude + layout.uniform(-0.006, 0.006), 5),
                )
            )
    return found


# Shares of a sorting's input by output material (the rest is loss, about 2 %): ~55 % reuse,
# ~32 % recycling, 7 % solid recovered fuel, 2 % other energy, 2 % waste.
SORTING_SHARES = {
    "textile.reuse.cream": 0.10,
    "textile.reuse.export": 0.45,
    "textile.recycling.fraying": 0.235,
    "textile.recycling.wipers": 0.085,
    "textile.csr": 0.07,
    "textile.energy": 0.02,
    "textile.waste": 0.02,
}
SORTING_LOSS = (0.015, 0.025)
# Scutching flax straw: long fibre, tow and shives; dust and seeds are the loss (about 9 %).
SCUTCHING_SHARES = {"flax.fibre": 0.22, "flax.tow": 0.14, "flax.shives": 0.55}
SCUTCHING_LOSS = (0.08, 0.10)
CHIPPING_LOSS = (0.02, 0.04)

EXPORT_BUYER = ("Grossiste en fripe de Łódź", "PL")
HAULIER = "Transports de l'Estuaire"

# The workshop's staff, pseudonymous (never a name): 12 people in insertion, 4 employees.
INSERTION_WORKERS = tuple(f"W-INS-{n:02d}" for n in range(1, 13))
EMPLOYEES = (
    ("W-EMP-01", "sorting"),  # supervisors of the sorting line
    ("W-EMP-02", "sorting"),
    ("W-EMP-03", "transport"),  # driver and forklift
    ("W-EMP-04", "other"),  # social and professional support
)


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus of Meeus, Jones and Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> set[date]:
    """French public holidays: nobody collects, sorts or delivers on them."""
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    sunday = easter(year)
    moving = [sunday + timedelta(days=n) for n in (1, 39, 50)]
    return {date(year, m, d) for m, d in fixed} | set(moving)


def kg(grams: int) -> Decimal:
    """Integer grams as the kilograms a command takes (3 decimals at most)."""
    return Decimal(grams).scaleb(-3)


def road_km(a: SiteSpec, b: SiteSpec) -> Decimal | None:
    """Great-circle distance times 1.3, a usual road detour factor."""
    if a.position is None or b.position is None:
        return None
    lat1, lon1, lat2, lon2 = (math.radians(x) for x in (*a.position, *b.position))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return Decimal(str(round(1.3 * 2 * 6371 * math.asin(math.sqrt(h)), 1)))


Command = Collect | Dispatch | Receive | Transform | Valorise | LogWork
Task = Callable[[datetime], None]


@dataclass(frozen=True)
class Step:
    """One command of the demo, acting for the organisation that owns the site concerned."""

    organisation: str
    command: Command
    batch_id: UUID | None = None


@dataclass
class Lot:
    """A simulated batch: where it is, and when its last event occurred."""

    id: UUID
    material: str
    mass_g: int
    site: str
    shelf: str  # where it waits at its site: its material, or a finer pile (press bales)
    ready: datetime
    destination: str | None = None


class Moves:
    """The simulated stock, and the commands that record each move of a lot."""

    def __init__(self, seed: int, end: date, days: int) -> None:
        self.rng = random.Random(seed)
        self.run_key = f"{seed}/{end.isoformat()}"
        self.start = end - timedelta(days=days)
        self.end = end
        self.containers = containers()
        self.specs = {site.key: site for site in (*SITES, *self.containers)}
        self.materials = default_materials()
        self.shelves: dict[tuple[str, str], list[Lot]] = {}
        self.agenda: dict[date, list[tuple[time, Task]]] = {}
        self.counts = {"batch": 0, "transformation": 0, "work_log": 0}
        self.steps: list[Step] = []
        self.created: list[UUID] = []

    def later(self, at: datetime, days: int, moment: time, task: Task) -> None:
        """Plan a task some days later (a weekend or holiday pushes it to the next working day)."""
        self.agenda.setdefault(at.date() + timedelta(days=days), []).append((moment, task))

    def due(self, day: date) -> list[tuple[time, Task]]:
        """The tasks planned for this day or for days nobody worked since."""
        days = sorted(d for d in self.agenda if d <= day)
        return [task for when in days for task in self.agenda.pop(when)]

    # -- moves -----------------------------------------------------------------------------

    def collect(
        self,
        site: str,
        material: str,
        mass_g: int,
        at: datetime,
        weight_method: str = "measured",
        moisture_pct: Decimal | None = None,
        source_commune_insee: str | None = None,
        delivery: tuple[dict[str, Any], dict[str, Any]] | None = None,  # supplier, transport
    ) -> None:
        lot = Lot(self.new_id("batch"), material, mass_g, site, material, at)
        cmd = Collect(
            label_code=self.label_for(lot),
            material=material,
            mass_kg=kg(mass_g),
            site_id=demo_id("site", site),
            occurred_at=at,
            weight_method=weight_method,
            moisture_pct=moisture_pct,
            source_commune_insee=source_commune_insee,
            id=lot.id,
            supplier=delivery[0] if delivery else None,
            transport=delivery[1] if delivery else None,
        )
        self.record(site, cmd)
        self.put(lot)

    def dispatch(
        self,
        lot: Lot,
        to: str,
        at: datetime,
        carrier: str | None = None,
        km: Decimal | None = None,
        transport: dict[str, Any] | None = None,
    ) -> None:
        self.check_order(lot, at)
        distance = km or road_km(self.specs[lot.site], self.specs[to])
        cmd = Dispatch(demo_id("site", to), at, carrier, distance, transport=transport)
        self.record(lot.site, cmd, lot)
        lot.destination = to

    def receive(self, lot: Lot, at: datetime, weigh: bool) -> None:
        """Receipt at the destination; a weighing there differs a little from the departure's."""
        self.check_order(lot, at)
        assert lot.destination is not None
        if weigh:
            gap = min(max(self.rng.gauss(0, 0.006), -0.018), 0.018)
            if self.rng.random() < 0.03:  # a wet load or a badly tared scale: flagged
                gap = self.rng.choice((-1, 1)) * self.rng.uniform(0.022, 0.035)
            lot.mass_g = round(lot.mass_g * (1 + gap) / 100) * 100
        self.record(lot.destination, Receive(at, kg(lot.mass_g) if weigh else None), lot)
        lot.site, lot.destination = lot.destination, None
        self.put(lot)

    def transform(
        self,
        process: str,
        site: str,
        at: datetime,
        inputs: list[Lot],
        outputs: list[tuple[str, int]],
        shelf: str | None = None,
        moisture: Decimal | None = None,
    ) -> None:
        """A transformation whose declared loss is exactly inputs minus outputs."""
        for lot in inputs:
            self.check_order(lot, at)
        transformation_id = self.new_id("transformation")
        produced = [Lot(self.new_id("batch"), m, g, site, shelf or m, at) for m, g in outputs]
        loss_g = sum(lot.mass_g for lot in inputs) - sum(g for _, g in outputs)
        cmd = Transform(
            process=process,
            site_id=demo_id("site", site),
            occurred_at=at,
            inputs=[TransformInput(lot.id) for lot in inputs],
            outputs=[
                TransformOutput(
                    lot.material,
                    kg(lot.mass_g),
                    label_code=self.label_for(lot),
                    batch_id=lot.id,
                    moisture_pct=moisture,
                )
                for lot in produced
            ],
            loss_kg=kg(loss_g),
            id=transformation_id,
        )
        self.record(site, cmd)
        for lot in produced:
            self.put(lot)

    def valorise(
        self,
        lot: Lot,
        at: datetime,
        outlet: Outlet | None = None,
        certificate: str | None = None,
        outlet_site: str | None = None,
        transport: dict[str, Any] | None = None,
    ) -> None:
        """The lot leaves the chain by its material's route (at an outlet, if named)."""
        self.check_order(lot, at)
        shelf = self.shelves.get((lot.site, lot.shelf), [])
        if lot in shelf:
            shelf.remove(lot)
        route = self.materials[lot.material].route
        assert route is not None, f"{lot.material} must be transformed first"
        cmd = Valorise(
            route,
            at,
            outlet=outlet,
            certificate_ref=certificate,
            outlet_site_id=demo_id("site", outlet_site) if outlet_site else None,
            transport=transport,
        )
        self.record(lot.site, cmd, lot)

    def work(self, day: date, worker: str, contract: str, activity: str, hours: Decimal) -> None:
        site_id = demo_id("site", "sorting_centre")
        work_log_id = self.new_id("work_log")
        cmd = LogWork(site_id, worker, contract, activity, hours, day, work_log_id)
        self.record("sorting_centre", cmd)

    # -- bookkeeping -----------------------------------------------------------------------

    def label_for(self, lot: Lot) -> str | None:
        """The label code stuck on a new lot: none, unless the story labels lots."""
        return None

    def new_id(self, kind: str) -> UUID:
        self.counts[kind] += 1
        new = demo_id("activity", self.run_key, kind, self.counts[kind])
        self.created.append(new)
        return new

    def record(self, site: str, command: Command, lot: Lot | None = None) -> None:
        self.steps.append(Step(self.specs[site].owner, command, lot.id if lot else None))

    def put(self, lot: Lot) -> None:
        self.shelves.setdefault((lot.site, lot.shelf), []).append(lot)

    def put_back(self, lots: list[Lot]) -> None:
        for lot in reversed(lots):
            self.shelves[(lot.site, lot.shelf)].insert(0, lot)

    def take(self, site: str, shelf: str, at: datetime, limit_g: int | None = None) -> list[Lot]:
        """Lots on a shelf since before ``at``, oldest first, up to about ``limit_g``."""
        lots = self.shelves.get((site, shelf), [])
        taken: list[Lot] = []
        for lot in [lot for lot in lots if lot.ready <= at]:
            if limit_g is not None and sum(t.mass_g for t in taken) >= limit_g:
                break
            lots.remove(lot)
            taken.append(lot)
        return taken

    def check_order(self, lot: Lot, at: datetime) -> None:
        """The ledger refuses an event before the batch's previous one: the story must not."""
        assert at >= lot.ready, f"{lot.id} moved at {at}, before {lot.ready}"
        lot.ready = at

    def split(self, total_g: int, unit_g: int | None) -> list[int]:
        """A mass cut into lots of about ``unit_g`` (± 10 %), to the 100 g, summing exactly."""
        count = 1 if unit_g is None else max(1, round(total_g / unit_g))
        weights = [self.rng.uniform(0.9, 1.1) for _ in range(count)]
        parts = [round(total_g * w / sum(weights) / 100) * 100 for w in weights[:-1]]
        return [*parts, total_g - sum(parts)]
