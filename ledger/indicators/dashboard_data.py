"""Everything the territory officer's dashboard shows, read from the views in one snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ledger.audit.chain import chain_head
from ledger.indicators.accounts import FiliereAccount
from ledger.indicators.circularity import Scope, Sorting, sorting_masses
from ledger.indicators.jobs import Hours, work_hours
from ledger.indicators.metabolism import accounts
from ledger.indicators.periods import Period
from ledger.indicators.sums import summary_of
from ledger.indicators.views import flows_of, inside, views_position
from ledger.projections.db import ViewDatabase

# Read from the territory's sites to their batches in stock (the batches' partial index on
# site and material), never by scanning every batch of the ledger.
SITE_STOCK_SQL = f"""
SELECT s.site_id, s.name, b.filiere, b.state, SUM(b.mass_g), COUNT(*)
FROM view_sites s JOIN view_communes c ON c.commune_insee = s.commune_insee
CROSS JOIN view_batches b
WHERE s.country = 'FR' AND b.site_id = s.site_id AND b.state IN ('held', 'in_transit')
  AND (b.state = 'held' OR {inside("b.destination_site_id")})
GROUP BY s.site_id, s.name, b.filiere, b.state
"""
# ``kind || ''``: the kind is no index key here (SQLite would otherwise read every collection of
# the nation by the sums' kind index, instead of the territory's sites by their key).
MONTHLY_COLLECTION_SQL = f"""
SELECT SUBSTR(occurred_date, 1, 7), filiere, SUM(mass_g) FROM {{flows}} f
WHERE kind || '' = 'collected' AND occurred_date BETWEEN ? AND ? AND {inside("site_id")}
GROUP BY SUBSTR(occurred_date, 1, 7), filiere
ORDER BY 1
"""

SUMMARY_COLLECTION_SQL = """
SELECT month, NULLIF(filiere, ''), SUM(mass_g) FROM {summary} s
WHERE kind = 'collected' AND site_inside = 1
GROUP BY month, filiere
"""


@dataclass(frozen=True)
class SiteStock:
    """Grams held at an inside site (or on the road between two), by filière."""

    name: str  # the site's; empty on the road
    grams: dict[str, int]
    batches: int
    on_the_road: bool = False  # in transit from an inside site to another

    @property
    def total(self) -> int:
        return sum(self.grams.values())


@dataclass(frozen=True)
class DashboardData:
    period: Period
    accounts: dict[str, FiliereAccount]
    sorting: Sorting
    hours: Hours
    sites: list[SiteStock]
    monthly_collection: dict[str, dict[str, int]]  # month → filière → grams
    position: int
    chain_head: str | None  # the hash chain's head digest when the figures were read

    @property
    def inside_stock_g(self) -> int:
        return sum(site.total for site in self.sites)


def dashboard_data(db: ViewDatabase, period: Period) -> DashboardData:
    """The dashboard's figures for a period, all from one state of the views."""
    with db.snapshot():
        return DashboardData(
            period=period,
            accounts=accounts(db, period),
            sorting=sorting_masses(db, Scope(), period),
            hours=work_hours(db, None, period),
            sites=site_stock(db),
            monthly_collection=monthly_collection(db, period),
            position=views_position(db, "registry", "batches", "work"),
            chain_head=chain_head(db),
        )


def site_stock(db: ViewDatabase) -> list[SiteStock]:
    """Stock now at each inside site, heaviest first; transit inside the territory apart."""
    return stock_by_site(db.query(SITE_STOCK_SQL))


def stock_by_site(rows: Iterable[tuple[Any, ...]]) -> list[SiteStock]:
    """Rows (site id, name, filière, state, grams, batches) as one stock per site."""
    held: dict[str, tuple[str, dict[str, int], list[int]]] = {}
    on_the_road: dict[str, int] = {}
    road_batches = 0
    for site_id, name, filiere, state, grams, count in rows:
        if state == "in_transit":
            on_the_road[filiere] = on_the_road.get(filiere, 0) + int(grams)
            road_batches += int(count)
            continue
        entry = held.setdefault(site_id, (str(name), {}, [0]))
        entry[1][filiere] = entry[1].get(filiere, 0) + int(grams)
        entry[2][0] += int(count)
    sites = [SiteStock(name, grams, count[0]) for name, grams, count in held.values()]
    sites.sort(key=lambda site: (-site.total, site.name))
    if on_the_road:
        sites.append(SiteStock("", on_the_road, road_batches, on_the_road=True))
    return sites


def monthly_collection(db: ViewDatabase, period: Period) -> dict[str, dict[str, Any]]:
    """Grams collected at inside sites, by month and filière: from the territory's summaries
    when they follow the snapshot's sites, else the monthly sums and the facts of partial
    months."""
    summary = summary_of(db, period)
    if summary is not None:
        table, params = summary
        rows = db.query(SUMMARY_COLLECTION_SQL.format(summary=table), params)
    else:
        statement = MONTHLY_COLLECTION_SQL.format(flows=flows_of(period, db=db))
        rows = db.query(statement, period.bounds)
    months: dict[str, dict[str, int]] = {}
    for month, filiere, grams in rows:
        found = months.setdefault(str(month), {})
        found[str(filiere)] = found.get(str(filiere), 0) + int(grams)
    return dict(sorted(months.items()))
