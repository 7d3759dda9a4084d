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

The territory's summaries sum the facts once more, by day (``view_flow_inside_days``) and by
month (``view_flow_inside_months``), and by what the accounts' rules look at (kind, filière,
route, process, whether the site and the other site are inside, whether there is another site,
whether an outlet abroad was named): a few dozen rows a day and a few hundred a year, whatever
the number of sites, so that metabolism, the Sankey and the dashboard of any period, from a date
to a date included, cost a few milliseconds (whole months by month, the days of partial months
by day). Inside there means inside the territory as it was when the summaries were last brought
up to date, whose sites they keep (``view_flow_inside_sites``): the batches view adds each page's
facts to them, and brings them up to date whenever the territory's sites differ from those kept
(a site registered or moved, the territory redefined), in the same transaction as the views that
changed them. The facts of the sites that came in or went out are found through the monthly
sums (which sites and months name them, as the site or as the other site), then read by the
facts' site and date index. A reader uses the summaries only when the sites they kept are the
territory's sites of the reader's snapshot, and reads the monthly sums otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from ledger.projections.db import ViewDatabase
from ledger.projections.registry import INSIDE_SITES

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
# A flow fact, a row of ``view_flows`` (written by the batches view), and its index by site
# and date (which a rebuild drops until its end).
FACTS = "view_flows"
FACTS_BY_SITE = "view_flows_site_date"
FLOW_COLUMNS = (
    "position",
    "batch_id",
    "version",
    "kind",
    "occurred_at",
    "occurred_date",
    "site_id",
    "other_site_id",
    "organisation_id",
    "material",
    "filiere",
    "route",
    "process",
    "transformation_id",
    "mass_g",
    "reference_g",
    "energy_kj",
    "outlet_country",
    "recorded_at",
)
TABLE = "view_flow_months"
INSIDE_SITES_TABLE = "view_flow_inside_sites"
# What the accounts' rules look at, after the day or the month.
FLAGS_KEY = (
    "kind",
    "filiere",
    "route",
    "process",
    "site_inside",
    "other_inside",
    "has_other",
    "external",
)
TOTALS = ("mass_g", "reference_g", "energy_kj", "facts")
INSIDE_DAYS = "view_flow_inside_days"
INSIDE_MONTHS = "view_flow_inside_months"
# Each summary: its table, its first key column, how much of a fact's date it keeps.
SUMMARIES = ((INSIDE_DAYS, "day", 10), (INSIDE_MONTHS, "month", 7))
# Sites in or out of the territory at once beyond this: the summary is summed again from the
# facts in one statement, rather than corrected by the facts of those sites.
RESUM_ABOVE = 500
Sums = dict[tuple[Any, ...], list[int]]


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
    flags = ", ".join(f"{c} INTEGER NOT NULL" for c in FLAGS_KEY[4:])
    for table, first, _ in SUMMARIES:
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ({first} TEXT NOT NULL, kind TEXT NOT NULL, "
            "filiere TEXT NOT NULL, route TEXT NOT NULL, process TEXT NOT NULL, "
            f"{flags}, mass_g {big} NOT NULL, reference_g {big} NOT NULL, "
            f"energy_kj {big} NOT NULL, facts {big} NOT NULL, "
            f"PRIMARY KEY ({first}, {', '.join(FLAGS_KEY)}))"
        )
    db.execute(f"CREATE TABLE IF NOT EXISTS {INSIDE_SITES_TABLE} (site_id TEXT PRIMARY KEY)")


def month_sums(groups: Iterable[Sequence[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """A page's flow facts summed by ``MONTH_KEY``, as rows in ``MONTH_COLUMNS`` order.

    Facts are grouped on their own values cut to the month (NULLs kept, whether they name an
    outlet abroad), and only the groups a page makes have their NULLs turned to ''.
    """
    sums: dict[tuple[Any, ...], list[int]] = {}  # raw key → [mass, reference, energy, facts]
    for facts in groups:
        for fact in facts:
            # site, month, kind, filière, route, process, other site, organisation, no outlet
            # abroad: a few thousand groups a page, not one a day
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


def add_month_sums(db: ViewDatabase, groups: Collection[Sequence[tuple[Any, ...]]]) -> None:
    """Add a page's facts to the sums and to the territory's summaries (in the page's
    transaction), the summaries first brought up to date with the territory's sites."""
    inside = refresh_inside(db)
    rows = month_sums(groups)
    added = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in MONTH_COLUMNS[9:])
    db.insert_many(
        TABLE, MONTH_COLUMNS, rows, f"ON CONFLICT ({', '.join(MONTH_KEY)}) DO UPDATE SET {added}"
    )
    add_inside_sums(db, inside_sums(groups, inside))


def inside_sums(
    groups: Iterable[Iterable[Sequence[Any]]], inside: frozenset[str], sign: int = 1
) -> Sums:
    """Flow facts (``FLOW_COLUMNS``) summed by day and ``FLAGS_KEY`` for these inside sites
    (times ``sign``: -1 takes them away), ``''`` for "none"."""
    sums: Sums = {}
    for facts in groups:
        for fact in facts:
            other = fact[7] or ""
            key = (
                fact[5],
                fact[3] or "",
                fact[10] or "",
                fact[11] or "",
                fact[12] or "",
                1 if fact[6] in inside else 0,
                1 if other in inside else 0,
                1 if other else 0,
                0 if fact[17] is None else 1,
            )
            found = sums.get(key)
            if found is None:
                sums[key] = [sign * fact[14], sign * (fact[15] or 0), sign * (fact[16] or 0), sign]
            else:
                found[0] += sign * fact[14]
                found[1] += sign * (fact[15] or 0)
                found[2] += sign * (fact[16] or 0)
                found[3] += sign
    return sums


def add_totals(sums: Sums, key: tuple[Any, ...], totals: Sequence[int]) -> None:
    """Add ``totals`` (mass, reference, energy, facts) to the sums' row of ``key``."""
    found = sums.setdefault(key, [0, 0, 0, 0])
    for i, value in enumerate(totals):
        found[i] += value


def add_inside_sums(db: ViewDatabase, sums: Sums) -> None:
    """Add sums by day to the summaries by day and by month (rows whose facts come to none are
    taken out)."""
    for table, first, cut in SUMMARIES:
        added: Sums = {}
        for key, totals in sums.items():  # the day cut to this summary's grain
            add_totals(added, (key[0][:cut], *key[1:]), totals)
        columns = (first, *FLAGS_KEY, *TOTALS)
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in TOTALS)
        conflict = f"ON CONFLICT ({first}, {', '.join(FLAGS_KEY)}) DO UPDATE SET {updates}"
        rows = [(*key, *totals) for key, totals in sorted(added.items())]
        db.insert_many(table, columns, rows, conflict)
    if any(totals[3] < 0 for totals in sums.values()):
        for table, _, _ in SUMMARIES:
            db.execute(f"DELETE FROM {table} WHERE facts = 0")


def refresh_inside(db: ViewDatabase) -> frozenset[str]:
    """Bring the summaries up to date with the territory's sites as they are now; return them.

    Only the facts of the sites that came in or went out (as the site or as the other site) are
    taken away with their old flags and added with their new ones; beyond ``RESUM_ABOVE`` such
    sites (a territory redefined), or while a rebuild has dropped the facts' site and date index
    and some fact names them, the summaries are summed again whole."""
    kept = frozenset(str(row[0]) for row in db.query(f"SELECT site_id FROM {INSIDE_SITES_TABLE}"))
    inside = frozenset(str(row[0]) for row in db.query(INSIDE_SITES))
    if kept == inside:
        return inside
    changed = kept ^ inside
    db.execute(f"DELETE FROM {INSIDE_SITES_TABLE}")
    db.executemany(f"INSERT INTO {INSIDE_SITES_TABLE} VALUES (?)", [(s,) for s in sorted(inside)])
    if len(changed) > RESUM_ABOVE:  # the territory redefined: one statement
        resum_inside(db)
        return inside
    ranges = months_naming(db, sorted(changed))
    if not ranges:  # sites no fact names yet: new ones
        return inside
    if not db.has_index(FACTS_BY_SITE):  # a rebuild: no read by site without it
        resum_inside(db)
        return inside
    facts = touching(db, ranges, changed)
    sums = inside_sums([facts], kept, -1)
    for key, totals in inside_sums([facts], inside).items():
        add_totals(sums, key, totals)
    add_inside_sums(db, {key: totals for key, totals in sums.items() if any(totals)})
    return inside


def months_naming(db: ViewDatabase, sites: list[str]) -> dict[str, tuple[str, str]]:
    """The sites whose facts name one of these sites (as the site or as the other site), each
    with the first and last month of those facts, read from the monthly sums."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(sites), 250):
        chunk = sites[start : start + 250]
        marks = ", ".join("?" * len(chunk))
        for column in ("site_id", "other_site_id"):  # the key's first column, then a scan
            statement = (
                f"SELECT site_id, MIN(month), MAX(month) FROM {TABLE} "
                f"WHERE {column} IN ({marks}) GROUP BY site_id"
            )
            for site, first, last in db.query(statement, chunk):
                before = found.get(site, (first, last))
                found[site] = (min(before[0], first), max(before[1], last))
    return found


def touching(
    db: ViewDatabase, ranges: dict[str, tuple[str, str]], sites: frozenset[str]
) -> list[tuple[Any, ...]]:
    """The facts whose site or other site is one of ``sites``, read by site and months."""
    found: list[tuple[Any, ...]] = []
    columns = ", ".join(FLOW_COLUMNS)
    for site, (first, last) in sorted(ranges.items()):
        where = "site_id = ?" if site else "site_id IS NULL"
        statement = f"SELECT {columns} FROM {FACTS} WHERE {where} AND occurred_date BETWEEN ? AND ?"
        params = [*([site] if site else []), f"{first}-01", f"{last}-31"]
        found += [
            fact for fact in db.query(statement, params) if fact[6] in sites or fact[7] in sites
        ]
    return found


def resum_inside(db: ViewDatabase) -> None:
    """Sum the summaries again from the facts, by the sites they keep."""
    kept = f"SELECT site_id FROM {INSIDE_SITES_TABLE}"
    for table, first, cut in SUMMARIES:
        db.execute(f"DELETE FROM {table}")
        db.execute(
            f"INSERT INTO {table} ({first}, {', '.join(FLAGS_KEY)}, {', '.join(TOTALS)}) "
            f"SELECT SUBSTR(occurred_date, 1, {cut}), COALESCE(kind, ''), "
            "COALESCE(filiere, ''), COALESCE(route, ''), COALESCE(process, ''), "
            f"CASE WHEN site_id IN ({kept}) THEN 1 ELSE 0 END, "
            f"CASE WHEN other_site_id IN ({kept}) THEN 1 ELSE 0 END, "
            "CASE WHEN COALESCE(other_site_id, '') = '' THEN 0 ELSE 1 END, "
            "CASE WHEN outlet_country IS NULL THEN 0 ELSE 1 END, "
            "SUM(mass_g), SUM(COALESCE(reference_g, 0)), SUM(COALESCE(energy_kj, 0)), COUNT(*) "
            f"FROM {FACTS} GROUP BY {', '.join(f'{i + 1}' for i in range(9))}"
        )
