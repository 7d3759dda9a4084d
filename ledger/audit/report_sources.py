"""The events behind each figure of a Refashion statement, for the auditor's report page.

The flow facts and work logs are read with the very conditions the figures are computed with
(``sorting_masses`` in ``ledger.indicators.circularity``, ``work_hours`` in
``ledger.indicators.jobs``), so each list sums to its figure. The views restate what a correction
changes as further rows at the correction's position: the fact as it was, negated, and the fact
as it is now. Those rows are listed beside the row they correct and flagged as corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.audit.chain import chain_head
from ledger.domain.errors import InvalidInput
from ledger.indicators.numbers import share, tonnes
from ledger.indicators.periods import Period, parse_period
from ledger.indicators.refashion import refashion_statement
from ledger.indicators.views import ROUTES, Filters
from ledger.projections.db import ViewDatabase

FACT_COLUMNS = (
    "position",
    "batch_id",
    "version",
    "kind",
    "occurred_date",
    "site_id",
    "material",
    "route",
    "transformation_id",
    "mass_g",
)
FACTS_SQL = """
SELECT {outer}, b.label_code, s.name AS site_name
FROM (SELECT {inner} FROM view_flows WHERE {where}) f
LEFT JOIN view_batches b ON b.batch_id = f.batch_id
LEFT JOIN view_sites s ON s.site_id = f.site_id
ORDER BY f.occurred_date, f.transformation_id, f.kind, f.batch_id, f.version, f.position
"""
WORK_SQL = """
SELECT w.position, w.work_log_id, w.work_date, w.worker_ref, w.contract, w.hours_centi,
       COALESCE(s.name, w.site_id),
       (SELECT MIN(o.position) FROM view_work_logs o WHERE o.work_log_id = w.work_log_id)
FROM (SELECT position, work_log_id, work_date, worker_ref, contract, hours_centi, site_id
      FROM view_work_logs WHERE {where}) w
LEFT JOIN view_sites s ON s.site_id = w.site_id
ORDER BY w.work_date, w.worker_ref, w.work_log_id, w.position
"""
ATTEMPTS = 3  # reads of the statement and its events, until both saw the same views


@dataclass(frozen=True)
class Fact:
    """A row of the flow facts: a batch consumed or produced by a sorting."""

    position: int
    batch_id: str
    version: int
    kind: str
    occurred_date: str
    site: str
    material: str
    route: str | None
    transformation_id: str
    mass_g: int
    label_code: str | None
    correction: bool  # negative, or after a row of the same batch, version and kind


@dataclass(frozen=True)
class WorkEntry:
    """A row of sorting hours: a work log as logged, or a correction's row (undone or redone)."""

    position: int
    work_log_id: str
    work_date: str
    worker_ref: str
    contract: str
    hours_centi: int
    site: str
    correction: bool  # at a position after the log's own


@dataclass
class SortingBlock:
    """One sorting: what it consumed and what it produced."""

    transformation_id: str
    occurred_date: str
    site: str
    inputs: list[Fact] = field(default_factory=list)
    outputs: list[Fact] = field(default_factory=list)

    @property
    def loss_g(self) -> int:
        return grams(self.inputs) - grams(self.outputs)


@dataclass(frozen=True)
class Evidence:
    """The facts and work logs behind a statement, as one snapshot of the views saw them."""

    facts: list[Fact]
    work: list[WorkEntry]

    @property
    def inputs(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == "consumed"]

    def outputs(self, route: str | None) -> list[Fact]:
        """The outputs of a route; ``None``: those whose material has no route."""
        produced = self.outputs_all
        if route is None:
            return [fact for fact in produced if fact.route not in ROUTES]
        return [fact for fact in produced if fact.route == route]

    @property
    def outputs_all(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == "produced"]

    @property
    def outputs_g(self) -> dict[str, int]:
        return {route: grams(self.outputs(route)) for route in ROUTES}

    @property
    def insertion(self) -> list[WorkEntry]:
        return [entry for entry in self.work if entry.contract == "insertion"]

    def sortings(self) -> list[SortingBlock]:
        blocks: dict[str, SortingBlock] = {}
        for fact in self.facts:
            block = blocks.setdefault(
                fact.transformation_id,
                SortingBlock(fact.transformation_id, fact.occurred_date, fact.site),
            )
            (block.inputs if fact.kind == "consumed" else block.outputs).append(fact)
        return list(blocks.values())


@dataclass(frozen=True)
class Report:
    """A statement, its evidence, and whether the two agree figure by figure."""

    statement: dict[str, Any]
    evidence: Evidence
    period: Period
    chain_head: str | None
    agrees: bool


def grams(facts: list[Fact]) -> int:
    return sum(fact.mass_g for fact in facts)


def centi(entries: list[WorkEntry]) -> int:
    return sum(entry.hours_centi for entry in entries)


def read_report(
    db: ViewDatabase, organisation_text: str, period_text: str, as_of: datetime | None = None
) -> Report:
    """The statement and its evidence (as recorded now, or at ``as_of``), read again when the
    views moved between the two reads."""
    organisation_id = parsed_organisation(organisation_text)
    for _ in range(ATTEMPTS):
        statement = refashion_statement(db, organisation_id, period_text, as_of)
        period = parse_period(period_text).recorded_by(as_of)
        evidence = read_evidence(db, organisation_id, period)
        if agrees(statement, evidence):
            break
    return Report(statement, evidence, period, chain_head(db), agrees(statement, evidence))


def parsed_organisation(text: str) -> str:
    try:
        return str(UUID(text.strip()))
    except ValueError:
        raise InvalidInput("organisation_id is a UUID.", organisation_id=text) from None


def agrees(statement: dict[str, Any], evidence: Evidence) -> bool:
    """Each figure of the statement is what its events sum to."""
    routes = evidence.outputs_g
    return (
        statement["sorted_input_tonnes"] == tonnes(grams(evidence.inputs))
        and all(statement["tonnes"][route] == tonnes(routes[route]) for route in ROUTES)
        and statement["insertion_share"] == share(centi(evidence.insertion), centi(evidence.work))
    )


def read_evidence(db: ViewDatabase, organisation_id: str, period: Period) -> Evidence:
    """The sorting facts and sorting hours of an organisation and period, in one snapshot."""
    with db.snapshot():
        facts = sorting_facts(db, organisation_id, period)
        work = sorting_work(db, organisation_id, period)
    return Evidence(facts, work)


def sorting_facts(db: ViewDatabase, organisation_id: str, period: Period) -> list[Fact]:
    """The rows ``sorting_masses`` sums for one organisation (same conditions), in order."""
    filters = Filters("process = 'sorting'", "kind IN ('consumed', 'produced')")
    filters.add("occurred_date BETWEEN ? AND ?", *period.bounds).recorded(period)
    filters.equal("organisation_id", organisation_id)
    statement = FACTS_SQL.format(
        outer=", ".join(f"f.{column}" for column in FACT_COLUMNS),
        inner=", ".join(FACT_COLUMNS),
        where=filters.where,
    )
    names = (*FACT_COLUMNS, "label_code", "site_name")
    rows = [dict(zip(names, row, strict=True)) for row in db.query(statement, filters.params)]
    first: dict[tuple[Any, ...], int] = {}
    for row in rows:  # the first row of a batch, version and kind is the fact; later ones fix it
        key = (row["batch_id"], row["version"], row["kind"])
        first[key] = min(first.get(key, row["position"]), row["position"])
    return [fact_of(row, first[(row["batch_id"], row["version"], row["kind"])]) for row in rows]


def fact_of(row: dict[str, Any], first_position: int) -> Fact:
    return Fact(
        position=int(row["position"]),
        batch_id=str(row["batch_id"]),
        version=int(row["version"]),
        kind=str(row["kind"]),
        occurred_date=str(row["occurred_date"]),
        site=str(row["site_name"] or row["site_id"]),
        material=str(row["material"]),
        route=row["route"],
        transformation_id=str(row["transformation_id"]),
        mass_g=int(row["mass_g"]),
        label_code=row["label_code"],
        correction=int(row["mass_g"]) < 0 or int(row["position"]) != first_position,
    )


def sorting_work(db: ViewDatabase, organisation_id: str, period: Period) -> list[WorkEntry]:
    """The rows ``work_hours`` sums for one organisation (same conditions), sorting only."""
    filters = Filters("activity = 'sorting'").add("work_date BETWEEN ? AND ?", *period.bounds)
    filters.recorded(period).equal("organisation_id", organisation_id)
    rows = db.query(WORK_SQL.format(where=filters.where), filters.params)
    return [
        WorkEntry(int(position), str(log_id), str(day), str(worker), str(contract), int(hours),
                  str(site), int(position) != int(logged))
        for position, log_id, day, worker, contract, hours, site, logged in rows
    ]  # fmt: skip


def sorting_organisations(db: ViewDatabase) -> list[tuple[str, str]]:
    """(id, name) of the organisations that sort, for choosing whose statement to audit."""
    rows = db.query("SELECT organisation_id, name, kinds FROM view_organisations ORDER BY name")
    return [(str(org), str(name)) for org, name, kinds in rows if "sorter" in str(kinds).split(",")]


def current_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
