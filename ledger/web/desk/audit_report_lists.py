"""The lists of events under the figures of the auditor's report page, each with its sum, as
rows for ``desk/audit_report_lists.html``; and how the page writes its numbers.

Each list's template element carries the exact sum in grams or hundredths of hours in ``data-``
attributes, and each batch links to its audit page at the version of the event counted. Sortings
are numbered in the order of the page (their ids stay in the links only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.audit.report_sources import Evidence, Fact, WorkEntry, centi, grams
from ledger.indicators.sankey import ROUTE_COLOURS
from ledger.web.desk import formats
from ledger.web.desk.names import Names


@dataclass(frozen=True)
class FactRow:
    batch_id: str
    version: int
    position: int
    title: str  # the label code, or words saying the batch has none
    day: str
    site: str
    material: str
    sorting_id: str
    sorting: str  # "n° 2"
    mass: str
    mass_g: int
    correction: bool


@dataclass(frozen=True)
class FactList:
    figure: str
    name: str
    colour: str
    total_g: int
    count: str
    total_kg: str
    total_t: str
    rows: list[FactRow]


@dataclass(frozen=True)
class SortingRow:
    transformation_id: str
    number: str
    day: str
    site: str
    inputs: str
    outputs: str
    loss: str
    loss_g: int


@dataclass(frozen=True)
class WorkRow:
    position: int
    day: str
    site: str
    worker_ref: str
    contract_code: str
    contract: str
    hours: str
    hours_centi: int
    correction: bool


class Numbers:
    """The page's numbers in the reader's language: tonnes to the gram, kg to 3 decimals, hours
    to 2, euros to the cent."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def exact_tonnes(self, mass_g: int) -> str:
        """Tonnes to the gram, without trailing zeros past the kilogram: 0,4095; 12,000001."""
        decimals = 6
        while decimals > 3 and mass_g % 10 ** (7 - decimals) == 0:
            decimals -= 1
        return formats.number(Decimal(mass_g) / 1_000_000, decimals, self.lang)

    def kilograms(self, mass_g: int) -> str:
        return formats.number(Decimal(mass_g) / 1000, 3, self.lang)

    def hours(self, centi_hours: int) -> str:
        return formats.number(Decimal(centi_hours) / 100, 2, self.lang)

    def euros(self, cents: int) -> str:
        figure = formats.number(Decimal(cents) / 100, 2, self.lang)
        return f"{figure}\u00a0€" if self.lang == "fr" else f"€{figure}"

    def percent(self, share: float | None, decimals: int = 2) -> str:
        return formats.percent(share, self.lang, decimals)

    def day(self, text: str) -> str:
        """A date of a list: 04/08/2026 in French, 2026-08-04 in English (no ambiguity)."""
        found = date.fromisoformat(text)
        return found.strftime("%d/%m/%Y") if self.lang == "fr" else found.isoformat()


def sorting_numbers(evidence: Evidence) -> dict[str, int]:
    """Each sorting's number on the page, in the order of the list of sortings."""
    return {b.transformation_id: n for n, b in enumerate(evidence.sortings(), start=1)}


def fact_list(
    figure: str, name: str, facts: list[Fact], numbers: dict[str, int], names: Names
) -> FactList:
    """One figure's flow facts, with their sum."""
    say, n = names.t, Numbers(names.lang)
    total = grams(facts)
    rows = [
        FactRow(
            batch_id=fact.batch_id,
            version=fact.version,
            position=fact.position,
            title=fact.label_code or say("audit.batch.no_label"),
            day=n.day(fact.occurred_date),
            site=fact.site,
            material=names.material(fact.material),
            sorting_id=fact.transformation_id,
            sorting=say("audit.report.sorting_number", n=numbers.get(fact.transformation_id, 0)),
            mass=n.kilograms(fact.mass_g),
            mass_g=fact.mass_g,
            correction=fact.correction,
        )
        for fact in facts
    ]
    return FactList(
        figure,
        name,
        ROUTE_COLOURS.get(figure, "none"),
        total,
        count("audit.report.events", len(facts), names),
        n.kilograms(total),
        n.exact_tonnes(total),
        rows,
    )


def sorting_rows(evidence: Evidence, names: Names) -> list[SortingRow]:
    """One row per sorting: its inputs, its outputs, its loss."""
    n = Numbers(names.lang)
    return [
        SortingRow(
            block.transformation_id,
            names.t("audit.report.sorting_number", n=number),
            n.day(block.occurred_date),
            block.site,
            n.kilograms(grams(block.inputs)),
            n.kilograms(grams(block.outputs)),
            n.kilograms(block.loss_g),
            block.loss_g,
        )
        for number, block in enumerate(evidence.sortings(), start=1)
    ]


def work_rows(evidence: Evidence, names: Names) -> list[WorkRow]:
    """The work logs of sorting hours: as logged, or a correction's row (undone, then redone)."""
    n = Numbers(names.lang)
    return [work_row(entry, names, n) for entry in evidence.work]


def work_row(entry: WorkEntry, names: Names, n: Numbers) -> WorkRow:
    return WorkRow(
        entry.position,
        n.day(entry.work_date),
        entry.site,
        entry.worker_ref,
        entry.contract,
        names.contract(entry.contract),
        n.hours(entry.hours_centi),
        entry.hours_centi,
        entry.correction,
    )


def work_sums(evidence: Evidence) -> tuple[int, int]:
    """Hundredths of hours of sorting, and of those in insertion."""
    return centi(evidence.work), centi(evidence.insertion)


def count(key: str, number: int, names: Names) -> str:
    """ "1 événement", "3 événements" (``<key>.one`` / ``<key>.many``; French counts 0 as one)."""
    one = number <= 1 if names.lang == "fr" else number == 1
    return names.t(f"{key}.{'one' if one else 'many'}", n=number)
