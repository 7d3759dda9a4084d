"""The monthly sums of the flow facts: what the figures read, a row per site, month and kind.

A figure over whole months costs what its answer costs: it reads these sums, whose size grows with
sites × months × the kinds of movement there (a drop-off point emptied weekly makes two rows a
month, not one a collection), never with the number of events. The sums are kept by the batches
view in the transaction that writes the facts they sum, so they are exactly the facts' sums at
every view position. ``as_of`` (what was recorded by a time), a stretch of the log and the
auditors' lists read the facts themselves (``view_flows``).

The key keeps everything the figures group or filter on, with ``''`` for "none" so that it can be
a primary key: the site (first, so that a territory's figures read its inside sites' rows by
index), the month (``YYYY-MM`` of ``occurred_at`` in Europe/Paris), the kind, filière, route,
process, the other site, the organisation, and whether an outlet abroad was named. Inside or
outside the territory is never stored: readers decide it at query time from the sites' communes
and the territory as it is now. :mod:`ledger.indicators.sums` is the one way to read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from ledger.projections.db import ViewDatabase

MONTH_KEY = (
    "site_id",
    "month",
    "kind",
    "filiere",
    "route",
    "process",
    "other_site_id",
    "organisation_id",
    "external",
)
MONTH_COLUMNS = (*MONTH_KEY, "mass_g", "reference_g", "energy_kj", "facts")
# Where each part of the key is in a flow fact (``batches.FLOW_COLUMNS``): site, date (cut to
# its month below), kind, filière, route, process, other site, organisation; then the outlet.
FACT_KEY = itemgetter(6, 5, 3, 10, 11, 12, 7, 8)
TABLE = "view_flow_months"


def create_table(db: ViewDatabase) -> None:
    big = db.big_integer
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (site_id TEXT NOT NULL, month TEXT NOT NULL, "
        "kind TEXT NOT NULL, filiere TEXT NOT NULL, route TEXT NOT NULL, process TEXT NOT NULL, "
        "other_site_id TEXT NOT NULL, organisation_id TEXT NOT NULL, external INTEGER NOT NULL, "
        f"mass_g {big} NOT NULL, reference_g {big} NOT NULL, energy_kj {big} NOT NULL, "
        f"facts {big} NOT NULL, PRIMARY KEY ({', '.join(MONTH_KEY)}))"
    )
    # The figures that are not read by site (sortings, valorisations): by kind and month.
    db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_kind ON {TABLE} (kind, month)")


def month_sums(groups: Iterable[Sequence[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """A page's flow facts summed by ``MONTH_KEY``, as rows in ``MONTH_COLUMNS`` order.

    Facts are grouped on their own values cut to the month (NULLs kept, whether they name an
    outlet abroad), and only the groups a page makes have their NULLs turned to ''.
    """
    sums: dict[tuple[Any, ...], list[int]] = {}  # raw key → [mass, reference, energy, facts]
    for facts in groups:
        for fact in facts:
            # FACT_KEY, the date cut to its month: a few thousand groups a page, not one a day
            key = (
                fact[6],
                fact[5][:7],
                fact[3],
                fact[10],
                fact[11],
                fact[12],
                fact[7],
                fact[8],
                fact[17] is None,
            )
            found = sums.get(key)
            if found is None:
                sums[key] = [0 + fact[14], fact[15] or 0, fact[16] or 0, 1]
            else:
                found[0] += fact[14]
                found[1] += fact[15] or 0
                found[2] += fact[16] or 0
                found[3] += 1
    rows: dict[tuple[Any, ...], list[int]] = {}
    for (site, month, kind, filiere, route, process, other, org, inside), totals in sums.items():
        row_key = (
            site or "",
            month,
            kind or "",
            filiere or "",
            route or "",
            process or "",
            other or "",
            org or "",
            0 if inside else 1,
        )
        found = rows.get(row_key)
        if found is None:
            rows[row_key] = totals
        else:  # '' and NULL in the same column: one row
            found[0] += totals[0]
            found[1] += totals[1]
            found[2] += totals[2]
            found[3] += totals[3]
    return [(*key, *totals) for key, totals in sorted(rows.items())]


def add_month_sums(db: ViewDatabase, groups: Iterable[Sequence[tuple[Any, ...]]]) -> None:
    """Add a page's facts to the sums (in the page's transaction)."""
    added = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in MONTH_COLUMNS[9:])
    db.insert_many(
        TABLE,
        MONTH_COLUMNS,
        month_sums(groups),
        f"ON CONFLICT ({', '.join(MONTH_KEY)}) DO UPDATE SET {added}",
    )
