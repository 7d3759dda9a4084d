"""Every kind of correction, then the statement, the auditor's page and ``verify.py`` agree.

One rule for corrections (``ledger.projections.batches.Replay``): correcting the mass a batch
holds now, while it is held or in transit, is an adjustment counted in losses when it is made;
any other correction (a mass since consumed or sold, a material, a time, hours) restates the
events it changes. For each kind, the statement says what the rule gives, the report page's
figures are the sums of its listed events with a ✓ each, and the bundle's ``verify.py``, run
as an auditor runs it (a separate Python with the standard library only), recomputes the same.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from ledger.api import create_app
from ledger.application.commands import (
    Collect,
    Correct,
    CorrectWorkLog,
    Dispatch,
    LogWork,
    Receive,
    RefuseReceipt,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
    Weigh,
)
from ledger.application.ledger import Ledger
from tests.territory import ADMIN, Territory, build_territory

ROUTES = ("reuse", "recycling", "csr", "energy", "disposal")
Q3, Q4 = "2026-Q3", "2026-Q4"


def at(text: str) -> datetime:
    """An aware time from its ISO text (Paris offsets: +02:00 in summer, +01:00 after)."""
    return datetime.fromisoformat(text)


@dataclass
class Workshop:
    """The sorting workshop's quarter: one bag sorted in August, and its work logs."""

    ledger: Ledger
    world: Territory
    bag: UUID = field(init=False)
    outputs: dict[str, UUID] = field(default_factory=dict)  # by material
    logs: dict[str, UUID] = field(default_factory=dict)  # by worker

    def __post_init__(self) -> None:
        self.bag = self.delivered("412.5", "2026-08-03", received_kg="409.5")
        self.outputs = self.sorted(
            [self.bag],
            "2026-08-04T15:00:00+02:00",
            [("textile.reuse.cream", "120"), ("textile.recycling.fraying", "240"),
             ("textile.csr", "40"), ("textile.energy", "5"), ("textile.waste", "2")],
            "2.5",
        )  # fmt: skip
        for worker, contract, hours in (("W-07", "insertion", "3"), ("E-03", "employee", "9")):
            self.logs[worker] = self.worked(worker, contract, hours, date(2026, 8, 4))

    def actor(self, name: str) -> Any:
        return self.world.actor(name)

    def collected(self, kg: str, day: str) -> UUID:
        where, when = self.world.container_lillebonne, at(f"{day}T08:00:00+02:00")
        cmd = Collect("textile.collected", Decimal(kg), where, when)
        return UUID(self.ledger.collect(self.actor("collector"), cmd).ref.id)

    def dispatched(self, bag: UUID, day: str) -> None:
        cmd = Dispatch(self.world.sorting_centre, at(f"{day}T09:00:00+02:00"))
        self.ledger.dispatch(self.actor("collector"), bag, cmd)

    def refused_by_the_mill(self, bag: UUID, day: str) -> None:
        """Sent to the mill by mistake at 08:30, refused there, held at the container again."""
        cmd = Dispatch(self.world.mill_site, at(f"{day}T08:30:00+02:00"))
        self.ledger.dispatch(self.actor("collector"), bag, cmd)
        refusal = RefuseReceipt("Not sorted yet", at(f"{day}T08:45:00+02:00"))
        self.ledger.refuse_receipt(self.actor("mill"), bag, refusal)

    def received(self, bag: UUID, day: str, kg: str | None = None) -> None:
        cmd = Receive(at(f"{day}T11:00:00+02:00"), None if kg is None else Decimal(kg))
        self.ledger.receive(self.actor("sorter"), bag, cmd)

    def delivered(self, kg: str, day: str, received_kg: str | None = None) -> UUID:
        bag = self.collected(kg, day)
        self.dispatched(bag, day)
        self.received(bag, day, received_kg)
        return bag

    def sorted(
        self, bags: list[UUID], when: str, outputs: list[tuple[str, str]], loss_kg: str
    ) -> dict[str, UUID]:
        cmd = Transform(
            "sorting", self.world.sorting_centre, at(when), [TransformInput(b) for b in bags],
            [TransformOutput(m, Decimal(kg)) for m, kg in outputs], loss_kg=Decimal(loss_kg),
        )  # fmt: skip
        made = self.ledger.transformation_json(
            UUID(self.ledger.transform(self.actor("sorter"), cmd).ref.id)
        )
        return {o["material"]: UUID(o["batch_id"]) for o in made["outputs"]}

    def worked(self, worker: str, contract: str, hours: str, day: date) -> UUID:
        cmd = LogWork(self.world.sorting_centre, worker, contract, "sorting", Decimal(hours), day)
        return UUID(self.ledger.log_work(self.actor("supervisor"), cmd).ref.id)

    def version(self, batch: UUID, kind: str) -> int:
        """The version of a batch's (last) event of a kind."""
        return max(e["seq"] for e in self.ledger.history(batch) if e["type"] == kind)

    def corrected(self, batch: UUID, kind: str, **fields: Any) -> None:
        cmd = Correct(self.version(batch, kind), "found later", **fields)
        self.ledger.correct(ADMIN, batch, cmd)

    def corrected_log(self, worker: str, **fields: Any) -> None:
        cmd = CorrectWorkLog("found later", **fields)
        self.ledger.correct_work_log(self.actor("supervisor"), self.logs[worker], cmd)


# The August sorting as recorded, in grams and hundredths of hours.
BASE = {
    "sorted_input": 409_500,
    "reuse": 120_000, "recycling": 240_000, "csr": 40_000, "energy": 5_000, "disposal": 2_000,
    "insertion_centi": 300, "sorting_centi": 1200,
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One kind of correction, and the figures of each period the rule gives after it."""

    name: str
    make: Callable[[Workshop], None]
    figures: dict[str, dict[str, int]]  # by period: changes to BASE (Q3) or all figures (Q4)


def held(w: Workshop) -> None:
    """A bag held at the workshop, found 10 kg lighter, then sorted: it goes in at 290 kg."""
    bag = w.delivered("300", "2026-09-01")
    w.corrected(bag, "Received", mass_kg=Decimal("290"))
    w.sorted([bag], "2026-09-02T10:00:00+02:00", [("textile.recycling.fraying", "288")], "2")


def in_transit(w: Workshop) -> None:
    """A bag corrected on the road (4 kg lighter), received at that mass, then sorted."""
    bag = w.collected("300", "2026-09-01")
    w.dispatched(bag, "2026-09-01")
    w.corrected(bag, "Collected", mass_kg=Decimal("296"))
    w.received(bag, "2026-09-01")
    w.sorted([bag], "2026-09-02T10:00:00+02:00", [("textile.recycling.fraying", "294")], "2")


def refused_in_transit(w: Workshop) -> None:
    """A bag corrected on its way to the wrong site, refused there, sent on and sorted."""
    bag = w.collected("300", "2026-09-01")
    cmd = Dispatch(w.world.mill_site, at("2026-09-01T08:30:00+02:00"))
    w.ledger.dispatch(w.actor("collector"), bag, cmd)
    w.corrected(bag, "Collected", mass_kg=Decimal("296"))
    w.ledger.refuse_receipt(
        w.actor("mill"), bag, RefuseReceipt("Not sorted yet", at("2026-09-01T08:45:00+02:00"))
    )
    w.dispatched(bag, "2026-09-01")
    w.received(bag, "2026-09-01")
    w.sorted([bag], "2026-09-02T10:00:00+02:00", [("textile.recycling.fraying", "294")], "2")


def refused_then_corrected(w: Workshop) -> None:
    """A bag refused by the mill, found 10 kg lighter back at the container, then sent on,
    sorted, and the wrong dispatch's time corrected: it goes in at 290 kg."""
    bag = w.collected("300", "2026-09-01")
    w.refused_by_the_mill(bag, "2026-09-01")
    w.corrected(bag, "Collected", mass_kg=Decimal("290"))
    w.dispatched(bag, "2026-09-01")
    w.received(bag, "2026-09-01")
    w.sorted([bag], "2026-09-02T10:00:00+02:00", [("textile.recycling.fraying", "288")], "2")
    w.corrected(bag, "Dispatched", occurred_at=at("2026-09-01T08:35:00+02:00"))


def sorted_output(w: Workshop) -> None:
    """A sorted lot still at the workshop weighs 118.2 kg, not 120: a loss found now."""
    w.corrected(w.outputs["textile.reuse.cream"], "Produced", mass_kg=Decimal("118.2"))


def sorted_output_twice(w: Workshop) -> None:
    lot = w.outputs["textile.reuse.cream"]
    w.corrected(lot, "Produced", mass_kg=Decimal("118.2"))
    w.corrected(lot, "Produced", mass_kg=Decimal("119"))


def sorted_output_in_transit(w: Workshop) -> None:
    """A sorted lot on its way to the mill is corrected: an adjustment on the road."""
    lot = w.outputs["textile.recycling.fraying"]
    cmd = Dispatch(w.world.mill_site, at("2026-08-05T09:00:00+02:00"))
    w.ledger.dispatch(w.actor("sorter"), lot, cmd)
    w.corrected(lot, "Produced", mass_kg=Decimal("238"))


def sorted_output_reweighed(w: Workshop) -> None:
    """A sorted lot weighed again, then its sorting mass corrected: the mass it holds now is
    the weighing's, so the correction restates the sorting's output."""
    lot = w.outputs["textile.reuse.cream"]
    w.ledger.weigh(w.actor("sorter"), lot, Weigh(Decimal("119"), at("2026-08-05T09:00:00+02:00")))
    w.corrected(lot, "Produced", mass_kg=Decimal("118.2"))


def sorted_input(w: Workshop) -> None:
    """The sorted bag's receipt was 408 kg, not 409.5: the sorting consumed 408 kg."""
    w.corrected(w.bag, "Received", mass_kg=Decimal("408"))


def held_then_sorted_input(w: Workshop) -> None:
    """A bag found lighter while held (an adjustment), sorted, then its receipt restated: it
    went into the sorting at the mass it held then."""
    bag = w.delivered("300", "2026-09-01")
    w.corrected(bag, "Received", mass_kg=Decimal("290"))
    w.sorted([bag], "2026-09-02T10:00:00+02:00", [("textile.recycling.fraying", "288")], "2")
    w.corrected(bag, "Received", mass_kg=Decimal("295"))


def valorised(w: Workshop) -> None:
    """A sorted lot sold for reuse, then its sorting mass corrected: the output is restated."""
    lot = w.outputs["textile.reuse.cream"]
    cmd = Valorise("reuse", at("2026-08-06T10:00:00+02:00"))
    w.ledger.valorise(w.actor("sorter"), lot, cmd)
    w.corrected(lot, "Produced", mass_kg=Decimal("118.2"))


def valorisation_mass(w: Workshop) -> None:
    """The mass of a sale is corrected: the sale changes, the sorting's output does not."""
    lot = w.outputs["textile.reuse.cream"]
    w.ledger.valorise(w.actor("sorter"), lot, Valorise("reuse", at("2026-08-06T10:00:00+02:00")))
    w.corrected(lot, "Valorised", mass_kg=Decimal("117"))


def material_of_a_collection(w: Workshop) -> None:
    w.corrected(w.bag, "Collected", material="textile.reuse.export")


def material_of_an_output(w: Workshop) -> None:
    """The csr bale was fraying feedstock: its 40 kg move from csr to recycling."""
    w.corrected(w.outputs["textile.csr"], "Produced", material="textile.recycling.fraying")


def time_out_of_the_period(w: Workshop) -> None:
    """The energy lot was made on 1 October: it leaves the third quarter for the fourth."""
    when = at("2026-10-01T09:30:00+02:00")
    w.corrected(w.outputs["textile.energy"], "Produced", occurred_at=when)


def time_into_the_period(w: Workshop) -> None:
    """A bag sorted on 1 October was in fact consumed on 30 September (the outputs stay)."""
    bag = w.delivered("300", "2026-09-30")
    w.sorted([bag], "2026-10-01T10:00:00+02:00", [("textile.recycling.fraying", "298")], "2")
    w.corrected(bag, "Consumed", occurred_at=at("2026-09-30T23:30:00+02:00"))


def hours(w: Workshop) -> None:
    w.corrected_log("W-07", hours=Decimal("4"))


def work_date(w: Workshop) -> None:
    """The employee's day was 1 October: its hours leave the quarter."""
    w.corrected_log("E-03", date=date(2026, 10, 1))


def work_activity_and_contract(w: Workshop) -> None:
    w.corrected_log("E-03", activity="transport")
    w.corrected_log("W-07", contract="employee")


NONE: dict[str, int] = {}
CASES = [
    Case("held", held, {Q3: {"sorted_input": 699_500, "recycling": 528_000}}),
    Case("in_transit", in_transit, {Q3: {"sorted_input": 705_500, "recycling": 534_000}}),
    Case(
        "refused_in_transit",
        refused_in_transit,
        {Q3: {"sorted_input": 705_500, "recycling": 534_000}},
    ),
    Case(
        "refused_then_corrected",
        refused_then_corrected,
        {Q3: {"sorted_input": 699_500, "recycling": 528_000}},
    ),
    Case("sorted_output", sorted_output, {Q3: NONE}),
    Case("sorted_output_twice", sorted_output_twice, {Q3: NONE}),
    Case("sorted_output_in_transit", sorted_output_in_transit, {Q3: NONE}),
    Case("sorted_output_reweighed", sorted_output_reweighed, {Q3: {"reuse": 118_200}}),
    Case("sorted_input", sorted_input, {Q3: {"sorted_input": 408_000}}),
    Case(
        "held_then_sorted_input",
        held_then_sorted_input,
        {Q3: {"sorted_input": 699_500, "recycling": 528_000}},
    ),
    Case("valorised", valorised, {Q3: {"reuse": 118_200}}),
    Case("valorisation_mass", valorisation_mass, {Q3: NONE}),
    Case("material_of_a_collection", material_of_a_collection, {Q3: NONE}),
    Case("material_of_an_output", material_of_an_output, {Q3: {"csr": 0, "recycling": 280_000}}),
    Case(
        "time_out_of_the_period",
        time_out_of_the_period,
        {Q3: {"energy": 0}, Q4: {"energy": 5_000}},
    ),
    Case(
        "time_into_the_period",
        time_into_the_period,
        {Q3: {"sorted_input": 709_500}, Q4: {"recycling": 298_000}},
    ),
    Case("hours", hours, {Q3: {"insertion_centi": 400, "sorting_centi": 1300}}),
    Case(
        "work_date",
        work_date,
        {Q3: {"sorting_centi": 300}, Q4: {"sorting_centi": 900}},
    ),
    Case(
        "work_activity_and_contract",
        work_activity_and_contract,
        {Q3: {"insertion_centi": 0, "sorting_centi": 300}},
    ),
]


def expected(period: str, changes: dict[str, int]) -> dict[str, int]:
    start = BASE if period == Q3 else dict.fromkeys(BASE, 0)
    return {**start, **changes}


@dataclass
class FigureRow:
    """A row of the page's table of figures: name, the statement's figure, what the events
    give, and the mark beside it (``ok`` for ✓, ``ko`` for ✗, None for none)."""

    cells: list[str] = field(default_factory=list)
    mark: str | None = None


class ReportPage(HTMLParser):
    """What the report page shows: its table of figures, the sums its lists of events carry,
    its support lines and shares, and every ✓ or ✗ on it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.figures: list[FigureRow] = []
        self.marks: list[str] = []
        self.sums: dict[str, int] = {}
        self.support: dict[str, int] = {}
        self.shares: dict[str, str] = {}
        self.tables = 0  # tables of figures met so far; the first is the figures'
        self.cell = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        in_figures = self.tables == 1
        if tag == "table" and "figures" in found.get("class", "").split():
            self.tables += 1
        elif tag == "tr" and in_figures:
            self.figures.append(FigureRow())
        elif tag in ("th", "td") and in_figures:
            self.figures[-1].cells.append("")
            self.cell = True
        elif tag == "span" and found.get("class") in ("ok", "ko"):
            self.marks.append(found["class"])
            if in_figures:
                self.figures[-1].mark = found["class"]
        elif tag == "details" and "data-g" in found:
            self.sums[found["data-figure"]] = int(found["data-g"])
        elif tag == "details" and "data-centi" in found:
            self.sums["sorting_centi"] = int(found["data-centi"])
            self.sums["insertion_centi"] = int(found["data-insertion-centi"])
        if tag == "tr" and "data-line" in found:
            self.support[found["data-line"]] = int(found["data-cents"])
        if "data-share" in found:
            self.shares[found["id"]] = found["data-share"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self.cell = False
        elif tag == "table" and self.tables == 1:
            self.tables = 2

    def handle_data(self, data: str) -> None:
        if self.cell:
            self.figures[-1].cells[-1] += data.strip()

    def checked_figures(self) -> list[FigureRow]:
        """The rows that compare a figure of the statement with its events."""
        return [row for row in self.figures if row.cells[0] and row.cells[1] != "hors relevé"]


@dataclass
class Reader:
    """The ledger's API and pages, as an auditor reads them."""

    ledger: Ledger
    app: Any
    client: TestClient


@pytest.fixture
def reader(ledger: Ledger) -> Iterator[Reader]:
    app = create_app(ledger.settings, ledger=ledger)
    with TestClient(app) as client:
        yield Reader(ledger, app, client)


def read_all(
    reader: Reader, workshop: UUID, period: str
) -> tuple[dict[str, Any], ReportPage, bytes]:
    """The statement, the report page and the evidence bundle, once the views hold the log."""
    ledger, client = reader.ledger, reader.client
    assert reader.app.state.views.wait_for(ledger.event_log.max_position(), timeout=30)
    headers = {"Authorization": f"Bearer {ledger.settings.bootstrap_admin_token}"}
    query = {"organisation_id": str(workshop), "period": period}
    statement = client.get("/api/v1/reports/refashion", params=query, headers=headers)
    assert statement.status_code == 200, statement.text
    page = client.get("/audit/report", params=query, headers=headers)
    assert page.status_code == 200, page.text
    bundle = client.get(
        "/api/v1/reports/refashion", params={**query, "format": "bundle"}, headers=headers
    )
    assert bundle.status_code == 200, bundle.text
    return statement.json(), ReportPage(page.text), bundle.content


def verified(bundle: bytes, folder: Path) -> subprocess.CompletedProcess[str]:
    """``verify.py`` as an auditor runs it: copied out of the zip, on the zip, isolated."""
    folder.mkdir()
    archive = folder / "evidence.zip"
    archive.write_bytes(bundle)
    script = folder / "verify.py"
    script.write_bytes(zipfile.ZipFile(archive).read("verify.py"))
    return subprocess.run(
        [sys.executable, "-I", "-S", str(script), str(archive)],
        capture_output=True, text=True, timeout=60, check=False, cwd=folder,
    )  # fmt: skip


def grams(tonnes: float) -> int:
    return round(tonnes * 1_000_000)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_statement_the_report_page_and_verify_py_agree_on_every_correction(
    case: Case, ledger: Ledger, reader: Reader, tmp_path: Path
) -> None:
    world = build_territory(ledger)
    workshop = Workshop(ledger, world)
    case.make(workshop)
    for period, changes in case.figures.items():
        figures = expected(period, changes)
        statement, page, bundle = read_all(reader, world.workshop, period)

        # The statement gives what the rule says.
        stated = {"sorted_input": grams(statement["sorted_input_tonnes"])}
        stated |= {route: grams(statement["tonnes"][route]) for route in ROUTES}
        assert stated == {k: v for k, v in figures.items() if not k.endswith("_centi")}
        sorting_centi = figures["sorting_centi"]
        share = round(figures["insertion_centi"] / sorting_centi, 4) if sorting_centi else None
        assert statement["insertion_share"] == share

        # The report page: each list sums to the statement's figure, each figure has its ✓.
        assert {k: page.sums[k] for k in figures} == figures
        assert page.support == statement["support_cents"]
        assert page.shares["recycling"] == str(statement["recycling_rate"])
        assert page.shares["insertion"] == str(statement["insertion_share"])
        assert page.marks
        assert set(page.marks) == {"ok"}, page.marks
        checked = page.checked_figures()
        assert len(checked) == 9  # sorted input, five routes, recycling, support, insertion
        for row in checked:
            name, said, found, _ = row.cells
            assert (said, row.mark) == (found.removesuffix("✓"), "ok"), name

        # verify.py recomputes every figure from the chained records, and agrees.
        result = verified(bundle, tmp_path / f"{case.name}-{period}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("OK"), result.stdout
