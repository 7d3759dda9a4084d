"""The territory's metabolism: tonnes and joules entering, leaving and staying (DESIGN §5).

SQL sums the period's flow facts in a few groups (kind, filière, route, whether each site is
inside); :mod:`ledger.indicators.accounts` applies the rules of §5 to those groups.
"""

from __future__ import annotations

from typing import Any

from ledger.domain.catalogue import FILIERES
from ledger.indicators.accounts import FiliereAccount, FlowGroup, account_for
from ledger.indicators.periods import Period
from ledger.indicators.sums import summary_of
from ledger.indicators.views import INSIDE_SITES, Filters, flows_of, inside, views_position
from ledger.projections.db import ViewDatabase

# An adjustment made while a batch travels to an outside site happens to a batch already
# exported: it is no loss of the territory. Adjustments on the road name the site the batch was
# going to (``other_site_id``), so this is decided row by row, by the territory as it is now.
FLOW_GROUPS_SQL = f"""
SELECT x.kind, x.filiere, x.route, x.process, {{site_inside}}, x.other_inside, x.has_other,
       x.external, x.on_the_way_out, SUM(x.mass_g), SUM(x.reference_g), SUM(x.energy_kj)
FROM (
  SELECT y.*, CASE WHEN y.kind = 'adjusted' AND y.has_other = 1 AND y.other_inside = 0
                   THEN 1 ELSE 0 END AS on_the_way_out
  FROM (
    SELECT f.kind, f.filiere, f.route, f.process, f.mass_g,
           COALESCE(f.reference_g, 0) AS reference_g, COALESCE(f.energy_kj, 0) AS energy_kj,
           CASE WHEN f.other_site_id IS NULL THEN 0
                WHEN {inside("f.other_site_id")} THEN 1 ELSE 0 END AS other_inside,
           CASE WHEN f.other_site_id IS NULL THEN 0 ELSE 1 END AS has_other,
           CASE WHEN f.outlet_country IS NULL THEN 0 ELSE 1 END AS external
    FROM {{flows}} f
    WHERE {{where}}
  ) y
) x
GROUP BY x.kind, x.filiere, x.route, x.process, x.other_inside, x.has_other, x.external,
         x.on_the_way_out
"""


# The facts that can count: those at an inside site (every rule), and valorisations at an
# inside outlet of batches held outside (imported then). Read as two queries that each start
# from the territory's sites, so a figure costs what the territory's sites hold, not the nation.
# Each with whether its site is inside, known from the condition (one membership test less
# per row: at a national scale these tests are most of the figure's time).
# The third part of each: what each part of the period's flows is read by (``flows_of``): the
# inside sites by the monthly sums' key and the facts' site and date index, the valorisations
# by the sums' kind index and the facts' partial index.
COUNTING = (
    (inside("f.site_id"), 1, inside("site_id")),
    (
        f"f.kind = 'valorised' AND {inside('f.other_site_id')} "
        f"AND f.site_id NOT IN ({INSIDE_SITES})",
        0,
        "kind = 'valorised'",
    ),
)


# The period, from the territory's summaries: the same groups, already summed.
SUMMARY_GROUPS_SQL = """
SELECT kind, NULLIF(filiere, ''), NULLIF(route, ''), NULLIF(process, ''), site_inside,
       other_inside, has_other, external,
       CASE WHEN kind = 'adjusted' AND has_other = 1 AND other_inside = 0 THEN 1 ELSE 0 END,
       SUM(mass_g), SUM(reference_g), SUM(energy_kj)
FROM {summary} s
WHERE (site_inside = 1 OR (kind = 'valorised' AND other_inside = 1)) {filiere}
GROUP BY kind, filiere, route, process, site_inside, other_inside, has_other, external
"""


def flow_groups(db: ViewDatabase, period: Period, filiere: str | None) -> list[FlowGroup]:
    """The period's flow facts summed by what the rules of §5 look at (no snapshot).

    From the territory's summaries when they follow the territory's sites of the caller's
    snapshot (whole months by month, partial ones by day), else from the inside sites' monthly
    sums and the facts of the days of partial months; figures as recorded at a time, from the
    facts."""
    summary = summary_of(db, period)
    if summary is not None:
        table, params = summary
        statement = SUMMARY_GROUPS_SQL.format(
            summary=table, filiere="AND filiere = ?" if filiere else ""
        )
        rows = db.query(statement, [*params, *([filiere] if filiere else [])])
        return [FlowGroup.from_row(row) for row in rows]
    return [
        group
        for condition, site_inside, part_where in COUNTING
        for group in counted(db, period, filiere, condition, site_inside,
                             flows_of(period, db=db, part_where=part_where))
    ]  # fmt: skip


def counted(
    db: ViewDatabase,
    period: Period,
    filiere: str | None,
    condition: str,
    site_inside: int,
    flows: str,
) -> list[FlowGroup]:
    """The groups of one part of ``COUNTING`` read from a table expression of flow facts."""
    filters = Filters(condition).add("f.occurred_date BETWEEN ? AND ?", *period.bounds)
    filters.equal("f.filiere", filiere).recorded(period, "f.recorded_at")
    statement = FLOW_GROUPS_SQL.format(flows=flows, where=filters.where, site_inside=site_inside)
    return [FlowGroup.from_row(row) for row in db.query(statement, filters.params)]


def accounts(
    db: ViewDatabase, period: Period, filiere: str | None = None
) -> dict[str, FiliereAccount]:
    """Each filière's account for the period (every known filière, or the one asked for)."""
    names = [filiere] if filiere is not None else list(FILIERES)
    return account_for(flow_groups(db, period, filiere), names)


def metabolism(db: ViewDatabase, period: Period, filiere: str | None = None) -> dict[str, Any]:
    """The metabolism representation of DESIGN §4.2."""
    with db.snapshot():
        found = accounts(db, period, filiere)
        position = views_position(db, "batches", "registry")
    return {
        "period": period.label,
        "as_of": period.as_of,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "filieres": {name: account.figures() for name, account in found.items()},
        "position": position,
    }
