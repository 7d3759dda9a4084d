"""The demo territory: the Caux Vallée de Seine chains with three months of plausible activity.

``load_demo`` registers who and where (always the same ids), then simulates the 92 days before
``end`` working day by working day, with a seeded random generator: street containers emptied
weekly; truckloads weighed in at the insertion workshop's sorting centre; sortings into cream for
the shops, export bales for a buyer abroad, fraying bales for a mill in the Nord, wipers, fuel for a
boiler outside the territory and waste; logs and pallets chipped and burnt; flax straw scutched
into fibre and tow for a spinning mill and shives for a boiler. Some stock is left in place.

Each simulated day is written in one transaction. The demo is loaded once per ledger: loading it
again with the same seed and end writes nothing (and completes a load that was interrupted); with
another seed or end it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID

from ledger.application.commands import (
    Actor,
    Collect,
    DefineTerritory,
    Dispatch,
    LogWork,
    Outlet,
    Receive,
    RegisterOrganisation,
    RegisterSite,
    Transform,
    Valorise,
)
from ledger.application.core import PARIS, UnitOfWork
from ledger.application.ledger import Ledger
from ledger.demo.data import (
    CHIPPING_LOSS,
    COMMUNES,
    EMPLOYEES,
    EXPORT_BUYER,
    HAULIER,
    INSERTION_WORKERS,
    ORGANISATIONS,
    SCUTCHING_LOSS,
    SCUTCHING_SHARES,
    SITES,
    SORTING_LOSS,
    SORTING_SHARES,
    TERRITORY_NAME,
    Lot,
    Moves,
    SiteSpec,
    Step,
    Task,
    containers,
    demo_id,
    public_holidays,
)
from ledger.demo.labelling import DemoLabels
from ledger.demo.metabolism import load_metabolism
from ledger.demo.parties import (
    BY_COLLECTIVE,
    BY_EXPORT_HAULIER,
    BY_HAULIER,
    EXPORT_BUYER_DETAILS,
    ORGANISATION_DETAILS,
    PALLET_SUPPLIER,
    by_own_vehicles,
    farm_delivery,
    identity,
    site_address,
)
from ledger.domain.errors import Conflict, InvalidTime

DAYS = 92
Plan = list[tuple[time, Task]]


class DemoAlreadyLoaded(Conflict):
    """The ledger already holds the demo, loaded with another seed or end."""

    code = "demo_already_loaded"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo territory holds, and how many events this load wrote (0 if loaded before)."""

    start: date
    end: date
    organisations: int
    sites: int
    containers: int
    batches: int
    transformations: int
    work_logs: int
    events_written: int
    organisation_ids: dict[str, UUID]
    site_ids: dict[str, UUID]  # every site but the containers

    def __str__(self) -> str:
        """What a person reads after ``ledger demo``: the figures, then the ids worth knowing."""
        lines = [
            f"Activity from {self.start} to {self.end - timedelta(days=1)}: "
            f"{self.organisations} organisations, {self.sites} sites ({self.containers} "
            f"containers), {self.batches} batches, {self.transformations} transformations, "
            f"{self.work_logs} work logs; {self.events_written} events written.",
            *(f"  organisation {key}: {i}" for key, i in self.organisation_ids.items()),
            *(f"  site {key}: {i}" for key, i in self.site_ids.items()),
        ]
        return "\n".join(lines)


def demo_is_loaded(ledger: Ledger) -> bool:
    """Whether the demo is in the ledger (``ledger demo --if-empty`` skips it then)."""
    return UnitOfWork(ledger).exists(demo_id("organisation", "collective"))


def load_demo(ledger: Ledger, *, seed: int = 2026, end: date | None = None) -> DemoSummary:
    """Load the demo territory and its activity in the 92 days before ``end`` (default: today).

    The same seed and end always give the same events. Raises ``DemoAlreadyLoaded`` when the
    ledger holds the demo loaded with another seed or end.
    """
    today = ledger.today()
    end = end or today
    if end > today:
        raise InvalidTime(f"The demo happens in the past: its end {end} is after today {today}.")
    activity = Activity(seed, end)
    written = activity.write(ledger)
    years = sorted({activity.start.year, end.year})
    written += load_metabolism(ledger, demo_actor("agglo"), years)  # the estuary's statistics
    return DemoSummary(
        start=activity.start,
        end=end,
        organisations=len(ORGANISATIONS),
        sites=len(activity.specs),
        containers=len(activity.containers),
        batches=activity.counts["batch"],
        transformations=activity.counts["transformation"],
        work_logs=activity.counts["work_log"],
        events_written=written,
        organisation_ids={o.key: demo_id("organisation", o.key) for o in ORGANISATIONS},
        site_ids={s.key: demo_id("site", s.key) for s in SITES},
    )


def register_territory(ledger: Ledger, uow: UnitOfWork) -> None:
    """The territory, organisations and sites, each registered by itself (repeats write nothing)."""
    for organisation in ORGANISATIONS:
        organisation_id = demo_id("organisation", organisation.key)
        details = ORGANISATION_DETAILS.get(organisation.key, {})
        cmd = RegisterOrganisation(
            organisation.name, list(organisation.kinds), id=organisation_id, **details
        )
        ledger.register_organisation(demo_actor(organisation.key), cmd, uow=uow)
    for site in (*SITES, *containers()):
        ledger.register_site(demo_actor(site.owner), site_command(site), uow=uow)
    territory = DefineTerritory(TERRITORY_NAME, [commune.insee for commune in COMMUNES])
    ledger.define_territory(demo_actor("agglo"), territory, uow=uow)


def demo_actor(organisation: str) -> Actor:
    """The demo acts for each organisation with token id ``demo`` (DESIGN §7)."""
    return Actor(demo_id("organisation", organisation), "admin", "demo")


def site_command(site: SiteSpec) -> RegisterSite:
    position = site.position
    address = site_address(site)
    return RegisterSite(
        organisation_id=demo_id("organisation", site.owner),
        name=site.name,
        kind=site.kind,
        commune_insee=site.commune.insee if site.commune else None,
        country=site.country,
        latitude=None if position is None else Decimal(str(position[0])),
        longitude=None if position is None else Decimal(str(position[1])),
        id=demo_id("site", site.key),
        address=address["address"],
        postal_code=address["postal_code"],
        city=address["city"],
    )


def write_step(ledger: Ledger, step: Step, uow: UnitOfWork) -> None:
    """Run one command of the demo in the day's unit of work."""
    actor = demo_actor(step.organisation)
    match step.command:
        case Collect() as cmd:
            ledger.collect(actor, cmd, uow=uow)
        case Transform() as cmd:
            ledger.transform(actor, cmd, uow=uow)
        case LogWork() as cmd:
            ledger.log_work(actor, cmd, uow=uow)
        case Dispatch() as cmd:
            ledger.dispatch(actor, batch_of(step), cmd, uow=uow)
        case Receive() as cmd:
            ledger.receive(actor, batch_of(step), cmd, uow=uow)
        case Valorise() as cmd:
            ledger.valorise(actor, batch_of(step), cmd, uow=uow)


def batch_of(step: Step) -> UUID:
    assert step.batch_id is not None
    return step.batch_id


class Activity(Moves):
    """The territory's working days: what happens when, in the three filières and at work."""

    def __init__(self, seed: int, end: date) -> None:
        super().__init__(seed, end, DAYS)
        self.last_emptied = {c.key: self.start - timedelta(days=7) for c in self.containers}
        self.labels = DemoLabels(self.run_key, self.start, DAYS)

    def label_for(self, lot: Lot) -> str | None:
        return self.labels.next_code(self.specs[lot.site].owner, lot.shelf, lot.ready)

    def write(self, ledger: Ledger) -> int:
        """Write the days not in the ledger yet, one transaction each; returns the events written.

        The registry goes in the first day's transaction, so a registered demo always has a day.
        """
        uow = UnitOfWork(ledger)
        loaded_before = demo_is_loaded(ledger)
        register_territory(ledger, uow)
        for organisation, allocation in self.labels.allocations():
            ledger.allocate_labels(demo_actor(organisation), allocation, uow=uow)
        written, days = 0, self.working_days()
        for day in days:
            self.steps, self.created = [], []
            self.simulate(day)
            if ledger.event_log.existing(self.created[:1]):
                continue  # written by an earlier load
            if loaded_before and day == days[0]:
                raise DemoAlreadyLoaded(
                    "The demo is already loaded, with another seed or end: load it in a new ledger."
                )
            uow.prefetch_absent(self.created)
            for step in self.steps:
                write_step(ledger, step, uow)
            written += uow.commit()
        return written + uow.commit()  # sites added to the demo since an earlier load

    def working_days(self) -> list[date]:
        holidays = public_holidays(self.start.year) | public_holidays(self.end.year)
        days = [self.start + timedelta(days=n) for n in range(DAYS)]
        return [d for d in days if d.weekday() < 5 and d not in holidays]

    def simulate(self, day: date) -> None:
        plan = self.due(day) + self.textiles(day) + self.wood(day) + self.flax(day)
        for moment, task in sorted(plan, key=lambda planned: planned[0]):
            task(datetime.combine(day, moment, tzinfo=PARIS))
        self.log_work(day)

    # -- textiles --------------------------------------------------------------------------

    def textiles(self, day: date) -> Plan:
        weekday, even_week = day.weekday(), day.isocalendar().week % 2 == 0
        plan: Plan = [
            (time(8, 0), partial(self.empty_containers, weekday)),
            (time(13, 30), self.deliver_to_sorting_centre),
            (time(16, 0), self.sort),
        ]
        if weekday == 0:
            plan += [(time(10, 0), self.sell_wipers), (time(10, 30), self.dispose_of_waste)]
        if weekday == 1 and even_week:
            plan.append((time(8, 0), self.ship_fuel))
        if weekday == 2:
            plan.append((time(9, 0), self.ship_press_bales))
        if weekday == 3:
            plan.append((time(10, 0), self.sell_export_bales))
        if weekday == 4:
            plan += [(time(11, 0), self.bale_fraying), (time(14, 0), self.supply_shop)]
        return plan

    def empty_containers(self, tour: int, at: datetime) -> None:
        """The collective empties one round of containers (about 100 kg each a week)."""
        for index, container in enumerate(c for c in self.containers if c.tour == tour):
            weeks = (at.date() - self.last_emptied[container.key]).days / 7
            self.last_emptied[container.key] = at.date()
            mean = container.weekly_kg * weeks
            mass_kg = min(max(self.rng.gauss(mean, 0.22 * mean), 0.3 * mean), 2.5 * mean)
            when = at + timedelta(minutes=20 * index + self.rng.randint(0, 10))
            commune = container.commune.insee if container.commune else None
            grams = round(mass_kg * 10) * 100
            self.collect(container.key, "textile.collected", grams, when, "measured", None, commune)

    def deliver_to_sorting_centre(self, at: datetime) -> None:
        """The round's load goes to the sorting centre, which weighs it on arrival."""
        for index, container in enumerate(self.containers):
            for lot in self.take(container.key, "textile.collected", at):
                when = at + timedelta(minutes=index)
                self.dispatch(lot, "sorting_centre", when, transport=BY_COLLECTIVE)
                self.receive(lot, at + timedelta(minutes=45 + index), weigh=True)

    def sort(self, at: datetime) -> None:
        """The day's sorting run: what the line can take, oldest deliveries first."""
        inputs = self.take(
            "sorting_centre", "textile.collected", at, self.rng.randint(480, 680) * 1000
        )
        if not inputs:
            return
        kept = 1 - self.rng.uniform(*SORTING_LOSS)
        weights = {m: share * self.rng.uniform(0.9, 1.1) for m, share in SORTING_SHARES.items()}
        scale = kept * sum(lot.mass_g for lot in inputs) / sum(weights.values())
        units = {"textile.reuse.export": 50_000, "textile.reuse.cream": 25_000}  # bales, bags
        outputs: list[tuple[str, int]] = []
        for material, weight in weights.items():
            outputs += [(material, g) for g in self.split(int(weight * scale), units.get(material))]
        self.transform("sorting", "sorting_centre", at, inputs, outputs)

    def bale_fraying(self, at: datetime) -> None:
        """The week's fraying lots pressed into 500-600 kg bales for the mill."""
        lots = self.take("sorting_centre", "textile.recycling.fraying", at)
        if lots:
            total_g = sum(lot.mass_g for lot in lots)
            bales = [("textile.recycling.fraying", g) for g in self.split(total_g, 550_000)]
            self.transform("baling", "sorting_centre", at, lots, bales, shelf="press_bale")

    def ship_press_bales(self, at: datetime) -> None:
        """A lorry of at least four press bales to the fraying mill in the Nord."""
        bales = self.take("sorting_centre", "press_bale", at)
        if len(bales) < 4:
            self.put_back(bales)
            return
        for bale in bales:
            self.dispatch(bale, "fraying_site", at, carrier=HAULIER, transport=BY_HAULIER)
            self.later(at, 1, time(10, 0), partial(self.receive_then_valorise, bale, (2, 12)))

    def supply_shop(self, at: datetime) -> None:
        """The week's cream goes to one of the shops, where each bag sells within a month."""
        shop = "shop_lillebonne" if at.isocalendar().week % 2 else "shop_bolbec"
        for lot in self.take("sorting_centre", "textile.reuse.cream", at):
            self.dispatch(lot, shop, at, transport=by_own_vehicles("workshop"))
            self.receive(lot, at + timedelta(minutes=40), weigh=False)
            sale = time(self.rng.randint(10, 17), self.rng.choice((0, 15, 30, 45)))
            self.later(at, self.rng.randint(3, 28), sale, partial(self.valorise, lot))

    def sell_export_bales(self, at: datetime) -> None:
        """Export bales leave by the lorry-load, sold straight to a buyer abroad."""
        bales = self.take("sorting_centre", "textile.reuse.export", at)
        if sum(b.mass_g for b in bales) < 5_000_000:
            self.put_back(bales)
            return
        for bale in bales:
            buyer = Outlet(*EXPORT_BUYER, **EXPORT_BUYER_DETAILS)
            self.valorise(bale, at, buyer, f"CMR-{at:%Y%m%d}", transport=BY_EXPORT_HAULIER)

    def sell_wipers(self, at: datetime) -> None:
        for lot in self.take("sorting_centre", "textile.recycling.wipers", at):
            self.valorise(lot, at, outlet_site="wipers_workshop", transport=BY_HAULIER)

    def dispose_of_waste(self, at: datetime) -> None:
        for lot in self.take("sorting_centre", "textile.waste", at):
            self.valorise(lot, at, outlet_site="landfill", transport=BY_HAULIER)

    def ship_fuel(self, at: datetime) -> None:
        """Fuel lots go to the collective boiler outside the territory every other week."""
        fuel = self.take("sorting_centre", "textile.csr", at)
        fuel += self.take("sorting_centre", "textile.energy", at)
        for lot in fuel:
            self.dispatch(lot, "gonfreville_boiler", at, carrier=HAULIER, transport=BY_HAULIER)
            self.receive(lot, at + timedelta(minutes=50), weigh=True)
            self.later(at, self.rng.randint(1, 5), time(11, 0), partial(self.valorise, lot))

    def receive_then_valorise(self, lot: Lot, days: tuple[int, int], at: datetime) -> None:
        self.receive(lot, at, weigh=True)
        self.later(at, self.rng.randint(*days), time(15, 0), partial(self.valorise, lot))

    # -- wood ------------------------------------------------------------------------------

    def wood(self, day: date) -> Plan:
        weekday, odd_week = day.weekday(), day.isocalendar().week % 2 == 1
        plan: Plan = []
        if weekday in (0, 2, 4):
            plan.append((time(6, 30), self.ship_chips))
        if weekday in (0, 2):
            plan.append((time(7, 30), self.deliver_logs))
        if weekday == 4:
            plan.append((time(8, 0), self.deliver_pallets))
        if weekday == 3 and odd_week:
            plan.append((time(9, 0), self.chip))
        return plan

    def deliver_logs(self, at: datetime) -> None:
        """Logs from hedge and woodland upkeep in the territory, over the weighbridge."""
        commune = self.rng.choice(COMMUNES).insee
        mass_g = self.rng.randint(800, 2500) * 10_000
        moisture = Decimal(self.rng.randint(25, 38))
        hedges = identity("agglo", "Communauté Caux Vallée de Seine"), by_own_vehicles("agglo")
        site = "chipping_platform"
        self.collect(site, "wood.logs", mass_g, at, "weighbridge", moisture, commune, hedges)

    def deliver_pallets(self, at: datetime) -> None:
        """Broken pallets from the Port-Jérôme industrial zone."""
        mass_g = self.rng.randint(100, 400) * 10_000
        site, port_jerome = "chipping_platform", "76476"
        delivery = PALLET_SUPPLIER, BY_HAULIER
        moisture = Decimal(15)
        self.collect(
            site, "wood.pallets", mass_g, at, "weighbridge", moisture, port_jerome, delivery
        )

    def chip(self, at: datetime) -> None:
        """Logs and pallets chipped into piles of about a lorry-load, at 30 % moisture."""
        inputs = self.take("chipping_platform", "wood.logs", at)
        inputs += self.take("chipping_platform", "wood.pallets", at)
        if inputs:
            kept = 1 - self.rng.uniform(*CHIPPING_LOSS)
            total_g = int(kept * sum(lot.mass_g for lot in inputs))
            piles = [("wood.chips", g) for g in self.split(total_g, 22_000_000)]
            self.transform("chipping", "chipping_platform", at, inputs, piles, None, Decimal(30))

    def ship_chips(self, at: datetime) -> None:
        """One pile a trip, to the Lillebonne heating network or the boiler at Gonfreville."""
        piles = self.take("chipping_platform", "wood.chips", at)
        if piles:
            self.put_back(piles[1:])
            boiler = "lillebonne_boiler" if self.rng.random() < 0.6 else "gonfreville_boiler"
            self.dispatch(piles[0], boiler, at, carrier=HAULIER, transport=BY_HAULIER)
            self.receive(piles[0], at + timedelta(hours=1), weigh=True)
            burn = partial(self.valorise, piles[0])
            self.later(at, self.rng.randint(1, 3), time(12, 0), burn)

    # -- flax ------------------------------------------------------------------------------

    def flax(self, day: date) -> Plan:
        weekday = day.weekday()
        plan: Plan = []
        if weekday in (1, 3):
            plan.append((time(8, 0), self.deliver_straw))
        if weekday == 4:
            plan.append((time(7, 30), self.scutch))
        if weekday == 0:
            plan.append((time(8, 30), self.ship_shives))
        if weekday == 2 and day.isocalendar().week % 4 == 0:
            plan.append((time(8, 0), self.ship_fibre))
        return plan

    def deliver_straw(self, at: datetime) -> None:
        """A trailer of retted straw bales from a member's farm."""
        commune = self.rng.choice(COMMUNES).insee
        mass_g = self.rng.randint(500, 900) * 10_000
        delivery = farm_delivery(commune)
        site, moisture = "scutching_mill", Decimal(15)
        self.collect(site, "flax.straw", mass_g, at, "weighbridge", moisture, commune, delivery)

    def scutch(self, at: datetime) -> None:
        """The week's straw scutched into fibre and tow lots and a pile of shives."""
        inputs = self.take("scutching_mill", "flax.straw", at)
        if not inputs:
            return
        kept = 1 - self.rng.uniform(*SCUTCHING_LOSS)
        weights = {m: share * self.rng.uniform(0.95, 1.05) for m, share in SCUTCHING_SHARES.items()}
        scale = kept * sum(lot.mass_g for lot in inputs) / sum(weights.values())
        outputs: list[tuple[str, int]] = []
        for material, weight in weights.items():
            unit_g = None if material == "flax.shives" else 500_000
            outputs += [(material, g) for g in self.split(int(weight * scale), unit_g)]
        self.transform("scutching", "scutching_mill", at, inputs, outputs)

    def ship_shives(self, at: datetime) -> None:
        """Shives are burnt in the territory, at the Lillebonne heating network."""
        for pile in self.take("scutching_mill", "flax.shives", at):
            self.dispatch(
                pile, "lillebonne_boiler", at, transport=by_own_vehicles("flax_cooperative")
            )
            self.receive(pile, at + timedelta(minutes=45), weigh=True)
            self.later(at, self.rng.randint(1, 3), time(14, 0), partial(self.valorise, pile))

    def ship_fibre(self, at: datetime) -> None:
        """Fibre and tow leave by lorry for a spinning mill in Italy every four weeks."""
        lots = self.take("scutching_mill", "flax.fibre", at)
        lots += self.take("scutching_mill", "flax.tow", at)
        for lot in lots:
            self.dispatch(lot, "spinning_site", at, HAULIER, km=Decimal(1150), transport=BY_HAULIER)
            self.later(at, 3, time(9, 0), partial(self.receive_then_valorise, lot, (5, 15)))

    # -- people ----------------------------------------------------------------------------

    def log_work(self, day: date) -> None:
        """The workshop's day: 7 h mostly, some half days and absences."""
        for worker in INSERTION_WORKERS:
            draw = self.rng.random()
            if draw >= 0.06:
                hours = Decimal("3.5") if draw < 0.14 else Decimal(7)
                activity = "other" if self.rng.random() < 0.12 else "sorting"
                self.work(day, worker, "insertion", activity, hours)
        for worker, activity in EMPLOYEES:
            if self.rng.random() >= 0.04:
                self.work(day, worker, "employee", activity, Decimal(7))
