"""Views are exact and exactly-once: built incrementally in random pages with the runner stopped
and restarted at random points, they equal the views rebuilt from zero, and equal a plain
recomputation from the commands the test made (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application.commands import (
    Collect,
    Correct,
    CorrectWorkLog,
    Dispatch,
    LogWork,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
    Weigh,
)
from ledger.application.ledger import Ledger
from ledger.domain.errors import LedgerError
from ledger.indicators import stock as stock_now
from ledger.indicators.stock_then import stock_as_recorded
from ledger.projections.runner import ProjectionRunner
from ledger.storage.database import drop_schema, prepare_database
from tests.conftest import make_settings
from tests.territory import Territory, build_territory

START = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
TABLES = {
    "view_batches": "batch_id",
    "view_flows": "position, kind",
    "view_flow_months": "site_id, month, kind",
    "view_lineage": "parent_id, child_id",
    "view_work_logs": "position, work_log_id",
    "view_sites": "site_id",
    "view_communes": "commune_insee",
}

actions = st.lists(
    st.one_of(
        st.tuples(st.just("collect"), st.integers(0, 1), st.integers(1, 900_000)),
        st.tuples(st.just("dispatch"), st.integers(0, 50), st.integers(0, 2)),
        st.tuples(st.just("receive"), st.integers(0, 50), st.just(0)),
        st.tuples(st.just("sort"), st.integers(1, 4), st.integers(0, 2)),
        st.tuples(st.just("valorise"), st.integers(0, 50), st.integers(0, 4)),
        st.tuples(st.just("weigh"), st.integers(0, 50), st.integers(1, 900_000)),
        st.tuples(st.just("work"), st.integers(1, 40), st.integers(0, 1)),
        st.tuples(st.just("correct"), st.integers(0, 50), st.integers(1, 900_000)),
        st.tuples(st.just("correct_work"), st.integers(0, 50), st.integers(1, 96)),
    ),
    min_size=5,
    max_size=40,
)
ROUTES = ["reuse", "recycling", "csr", "energy", "disposal"]


@dataclass
class Model:
    """What the test itself knows of the batches it made: the plain recomputation."""

    batches: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    hours_centi: int = 0
    logs: dict[uuid.UUID, int] = field(default_factory=dict)  # hours_centi by work log
    collected_g: int = 0
    valorised_g: Counter[str] = field(default_factory=Counter)

    def stock(self) -> dict[tuple[str, str, str], tuple[int, int]]:
        totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for batch in self.batches.values():
            if batch["state"] in ("held", "in_transit"):
                key = (str(batch["site"]), batch["material"], batch["state"])
                totals[key][0] += batch["mass_g"]
                totals[key][1] += 1
        return {k: (v[0], v[1]) for k, v in totals.items()}


class Story:
    """Applies generated actions to a ledger, keeping the model in step with what succeeded."""

    def __init__(self, ledger: Ledger, world: Territory) -> None:
        self.ledger, self.world, self.model = ledger, world, Model()
        self.clock = START
        self.sites = [world.container_lillebonne, world.sorting_centre, world.mill_site]

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=7)
        return self.clock

    def pick(self, index: int, state: str, site: uuid.UUID | None = None) -> uuid.UUID | None:
        found = [
            i for i, b in self.model.batches.items()
            if b["state"] == state and (site is None or b["site"] == site)
        ]  # fmt: skip
        return found[index % len(found)] if found else None

    def run(self, action: tuple[str, int, int]) -> None:
        with suppress(LedgerError):  # a refused command writes nothing, nor changes the model
            getattr(self, action[0])(action[1], action[2])

    def collect(self, container: int, grams: int) -> None:
        site = [self.world.container_lillebonne, self.world.container_bolbec][container]
        cmd = Collect("textile.collected", Decimal(grams) / 1000, site, self.tick())
        outcome = self.ledger.collect(self.world.actor("collector"), cmd)
        self.model.batches[uuid.UUID(outcome.ref.id)] = {
            "site": site, "material": "textile.collected", "mass_g": grams, "state": "held",
            "collected_g": grams, "mass_set_at_collection": True,
        }  # fmt: skip
        self.model.collected_g += grams

    def dispatch(self, index: int, to: int) -> None:
        batch_id = self.pick(index, "held")
        if batch_id is None:
            return
        batch = self.model.batches[batch_id]
        actor = "collector" if batch["site"] != self.world.sorting_centre else "sorter"
        cmd = Dispatch(self.sites[to], self.tick())
        self.ledger.dispatch(self.world.actor(actor), batch_id, cmd)
        batch.update(state="in_transit", destination=self.sites[to])

    def receive(self, index: int, _: int) -> None:
        batch_id = self.pick(index, "in_transit")
        if batch_id is None:
            return
        batch = self.model.batches[batch_id]
        actor = {self.world.sorting_centre: "sorter", self.world.mill_site: "mill"}.get(
            batch["destination"], "collector"
        )
        self.ledger.receive(self.world.actor(actor), batch_id, Receive(self.tick()))
        batch.update(state="held", site=batch.pop("destination"), mass_set_at_collection=False)

    def sort(self, count: int, split: int) -> None:
        inputs = [
            i for i, b in self.model.batches.items()
            if b["state"] == "held" and b["site"] == self.world.sorting_centre
        ][:count]  # fmt: skip
        if not inputs:
            return
        total = sum(self.model.batches[i]["mass_g"] for i in inputs)
        shares = [
            (("textile.reuse.export", 60), ("textile.csr", 38)),
            (("textile.waste", 97),),
            (("textile.recycling.fraying", 50), ("textile.energy", 49)),
        ][split]
        outputs = [(m, total * pct // 100) for m, pct in shares if total * pct // 100 > 0]
        loss = total - sum(g for _, g in outputs)
        cmd = Transform(
            "sorting", self.world.sorting_centre, self.tick(),
            [TransformInput(i) for i in inputs],
            [TransformOutput(m, Decimal(g) / 1000) for m, g in outputs],
            loss_kg=Decimal(loss) / 1000,
        )  # fmt: skip
        outcome = self.ledger.transform(self.world.actor("sorter"), cmd)
        for i in inputs:
            self.model.batches[i]["state"] = "consumed"
        made = self.ledger.transformation_json(uuid.UUID(outcome.ref.id))["outputs"]
        for output in made:
            self.model.batches[uuid.UUID(output["batch_id"])] = {
                "site": self.world.sorting_centre, "material": output["material"],
                "mass_g": round(output["mass_kg"] * 1000), "state": "held",
            }  # fmt: skip

    def valorise(self, index: int, route: int) -> None:
        batch_id = self.pick(index, "held", self.world.sorting_centre)
        if batch_id is None:
            return
        self.ledger.valorise(
            self.world.actor("sorter"), batch_id, Valorise(ROUTES[route], self.tick())
        )
        batch = self.model.batches[batch_id]
        batch["state"] = "valorised"
        self.model.valorised_g[ROUTES[route]] += batch["mass_g"]

    def weigh(self, index: int, grams: int) -> None:
        batch_id = self.pick(index, "held", self.world.container_lillebonne)
        if batch_id is None:
            return
        cmd = Weigh(Decimal(grams) / 1000, self.tick())
        self.ledger.weigh(self.world.actor("collector"), batch_id, cmd)
        self.model.batches[batch_id].update(mass_g=grams, mass_set_at_collection=False)

    def correct(self, index: int, grams: int) -> None:
        """Correct a collection's mass, whatever became of the batch since."""
        collected = [i for i, b in self.model.batches.items() if "collected_g" in b]
        if not collected:
            return
        batch_id = collected[index % len(collected)]
        batch = self.model.batches[batch_id]
        cmd = Correct(1, "balance mis-read", mass_kg=Decimal(grams) / 1000)
        owner = {self.world.sorting_centre: "sorter", self.world.mill_site: "mill"}
        self.ledger.correct(self.world.actor(owner.get(batch["site"], "collector")), batch_id, cmd)
        if batch["mass_set_at_collection"] and batch["state"] in ("held", "in_transit"):
            batch["mass_g"] = grams  # the mass it holds: an adjustment, collection unchanged
        else:  # the collection is restated
            self.model.collected_g += grams - batch["collected_g"]
            batch["collected_g"] = grams
            if batch["mass_set_at_collection"]:
                batch["mass_g"] = grams

    def work(self, quarters: int, contract: int) -> None:
        cmd = LogWork(
            self.world.sorting_centre, "W-07", ["insertion", "employee"][contract], "sorting",
            Decimal(quarters) / 4, date(2026, 9, 1),
        )  # fmt: skip
        outcome = self.ledger.log_work(self.world.actor("supervisor"), cmd)
        self.model.logs[uuid.UUID(outcome.ref.id)] = quarters * 25
        self.model.hours_centi += quarters * 25

    def correct_work(self, index: int, quarters: int) -> None:
        if not self.model.logs:
            return
        log_id = list(self.model.logs)[index % len(self.model.logs)]
        cmd = CorrectWorkLog("typed the wrong day's hours", hours=Decimal(quarters) / 4)
        self.ledger.correct_work_log(self.world.actor("supervisor"), log_id, cmd)
        self.model.hours_centi += quarters * 25 - self.model.logs[log_id]
        self.model.logs[log_id] = quarters * 25


def snapshot(runner: ProjectionRunner) -> dict[str, list[tuple[Any, ...]]]:
    # Rows that tie on the order (a correction's facts share its position) in a fixed order.
    return {
        t: sorted(runner.db.query(f"SELECT * FROM {t} ORDER BY {o}"), key=repr)
        for t, o in TABLES.items()
    }


@pytest.fixture
def fresh_ledger(backend: str, tmp_path: Path) -> Any:
    """A context manager giving a fresh ledger per hypothesis example, closed and dropped after."""

    @contextmanager
    def make() -> Iterator[Ledger]:
        folder = tmp_path / uuid.uuid4().hex
        folder.mkdir()
        settings = make_settings(backend, folder)
        prepare_database(settings)
        ledger = Ledger(settings)
        try:
            yield ledger
        finally:
            ledger.close()
            if backend == "postgres":
                drop_schema(settings)

    return make


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@given(
    story=actions, page_sizes=st.lists(st.integers(1, 60), min_size=1, max_size=6), data=st.data()
)
def test_incremental_views_equal_a_rebuild_and_a_plain_recomputation(
    fresh_ledger: Any, story: list[tuple[str, int, int]], page_sizes: list[int], data: Any
) -> None:
    with fresh_ledger() as ledger:
        check_views(ledger, story, page_sizes, data)


def check_views(
    ledger: Ledger, story: list[tuple[str, int, int]], page_sizes: list[int], data: Any
) -> None:
    world = build_territory(ledger)
    teller = Story(ledger, world)
    cut = data.draw(st.integers(0, len(story)))
    for action in story[:cut]:
        teller.run(action)
    # The runner is stopped after a random number of pages and restarted with other page sizes,
    # as if killed: nothing but the committed views and positions survives.
    for size in page_sizes:
        runner = ProjectionRunner(ledger, page_size=size)
        runner.catch_up(max_pages=data.draw(st.integers(0, 3)))
        runner.close()
    for action in story[cut:]:
        teller.run(action)
    runner = ProjectionRunner(ledger, page_size=data.draw(st.integers(1, 500)))
    runner.catch_up()
    assert set(runner.positions().values()) == {ledger.event_log.max_position()}
    incremental = snapshot(runner)

    runner.rebuild()
    assert snapshot(runner) == incremental

    stock = {
        (site, material, state): (int(mass), int(count))
        for site, material, state, mass, count in runner.db.query(
            "SELECT site_id, material, state, SUM(mass_g), COUNT(*) FROM view_batches "
            "WHERE state IN ('held', 'in_transit') GROUP BY site_id, material, state"
        )
    }
    assert stock == {(str(k[0]), k[1], k[2]): v for k, v in teller.model.stock().items()}
    collected = runner.db.scalar("SELECT SUM(mass_g) FROM view_flows WHERE kind = 'collected'")
    assert int(collected or 0) == teller.model.collected_g
    valorised = dict(
        runner.db.query(
            "SELECT route, SUM(mass_g) FROM view_flows WHERE kind = 'valorised' GROUP BY route"
        )
    )
    assert {r: int(g) for r, g in valorised.items()} == dict(teller.model.valorised_g)
    hours = runner.db.scalar("SELECT SUM(hours_centi) FROM view_work_logs")
    assert int(hours or 0) == teller.model.hours_centi
    # The stock folded from the facts recorded by now is the batches view's.
    folded = stock_as_recorded(runner.db, datetime(2999, 1, 1, tzinfo=UTC))
    assert folded["data"] == stock_now(runner.db)["data"]
    runner.close()


def test_two_runners_at_once_never_double_count(ledger: Ledger) -> None:
    world = build_territory(ledger)
    teller = Story(ledger, world)
    for grams in range(1000, 61000, 1000):
        teller.collect(0, grams)
    first, second = ProjectionRunner(ledger, page_size=7), ProjectionRunner(ledger, page_size=11)
    while first.run_page() + second.run_page():
        pass
    total = first.db.scalar("SELECT SUM(mass_g) FROM view_flows WHERE kind = 'collected'")
    assert int(total) == sum(range(1000, 61000, 1000))
    first.close()
    second.close()


def test_a_view_whose_tables_changed_shape_is_rebuilt(ledger: Ledger) -> None:
    """A ledger whose views were made by another version: tables of an older shape (or with no
    shape kept) are dropped and replayed; views of the same shape are left as they are."""
    world = build_territory(ledger)
    Story(ledger, world).collect(0, 12_000)
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    expected = snapshot(runner)
    with runner.db.transaction():  # as an older version left them
        runner.db.execute("DROP TABLE view_flows")
        runner.db.execute("CREATE TABLE view_flows (position INTEGER, batch_id TEXT)")
        runner.db.execute("INSERT INTO view_flows VALUES (1, 'left over')")
        runner.db.execute("UPDATE view_shapes SET shape = 'older' WHERE name = 'batches'")
        runner.db.execute("INSERT INTO view_work_logs (work_log_id) VALUES ('kept')")
    runner.close()

    upgraded = ProjectionRunner(ledger)
    assert upgraded.positions()["batches"] == 0
    assert upgraded.positions()["work"] == ledger.event_log.max_position()
    upgraded.catch_up()
    after = snapshot(upgraded)
    assert after["view_flows"] == expected["view_flows"]
    assert ("kept",) in upgraded.db.query("SELECT work_log_id FROM view_work_logs")
    upgraded.close()
