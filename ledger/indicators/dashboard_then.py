"""The dashboard's figures as the ledger had recorded them at a time (the period's ``as_of``).

The period's figures read only the flow facts and work logs recorded by then, as every figure with
a horizon does; local collection month by month is each month's account as recorded by then; the
stock by site is folded from the facts recorded by then (``stock_then``, which reads every such
fact: it is for audits, not for every visit of the dashboard).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import date, datetime, timedelta

from ledger.audit.chain import chain_head
from ledger.indicators.circularity import Scope, sorting_masses
from ledger.indicators.dashboard_data import DashboardData, SiteStock, stock_by_site
from ledger.indicators.jobs import work_hours
from ledger.indicators.metabolism import accounts
from ledger.indicators.periods import Period
from ledger.indicators.stock_then import stock_as_recorded
from ledger.indicators.views import inside, views_position
from ledger.projections.db import ViewDatabase

INSIDE_SITE_NAMES_SQL = f"SELECT site_id, name FROM view_sites WHERE {inside('site_id')}"
MOST_MONTHS = 24  # the dashboard draws month by month up to two years


def dashboard_data_then(db: ViewDatabase, period: Period) -> DashboardData:
    """The dashboard's figures for a period that carries a recording horizon."""
    assert period.as_of is not None, "a period as recorded at a time"
    with db.snapshot():
        found = DashboardData(
            period=period,
            accounts=accounts(db, period),
            sorting=sorting_masses(db, Scope(), period),
            hours=work_hours(db, None, period),
            sites=[],
            monthly_collection=monthly_collection_then(db, period),
            position=views_position(db, "registry", "batches", "work"),
            chain_head=chain_head(db),
        )
        names = {str(site): str(name) for site, name in db.query(INSIDE_SITE_NAMES_SQL)}
    # Facts recorded by a past time do not change as the views move on: a read of its own.
    return replace(found, sites=site_stock_then(db, period.as_of, names))


def site_stock_then(db: ViewDatabase, as_of: datetime, names: dict[str, str]) -> list[SiteStock]:
    """Stock at each inside site (``names``) as recorded at ``as_of``, as ``site_stock`` groups
    it: held there, or on the road from there to another inside site."""
    rows = []
    for row in stock_as_recorded(db, as_of)["data"]:
        site, state = row["site_id"], row["state"]
        if site not in names:
            continue
        if state == "in_transit" and row["destination_site_id"] not in names:
            continue
        grams = round(row["mass_kg"] * 1000)
        rows.append((site, names[site], row["filiere"], state, grams, row["batches"]))
    return stock_by_site(rows)


def monthly_collection_then(db: ViewDatabase, period: Period) -> dict[str, dict[str, int]]:
    """Grams collected at inside sites, month → filière, each month's account as recorded by
    the period's horizon (nothing past two years: the dashboard does not draw them)."""
    months = month_periods(period)
    if len(months) > MOST_MONTHS:
        return {}
    found: dict[str, dict[str, int]] = {}
    for key, month in months:
        grams = {f: a.collection_g for f, a in accounts(db, month).items() if a.collection_g}
        if grams:
            found[key] = grams
    return found


def month_periods(period: Period) -> list[tuple[str, Period]]:
    """Each calendar month the period touches, cut to the period, with its horizon."""
    found, cursor = [], date(period.start.year, period.start.month, 1)
    while cursor <= period.end:
        last = date(cursor.year, cursor.month, monthrange(cursor.year, cursor.month)[1])
        start, end = max(cursor, period.start), min(last, period.end)
        month = Period(start, end, f"{cursor:%Y-%m}", period.as_of)
        found.append((f"{cursor:%Y-%m}", month))
        cursor = last + timedelta(days=1)
    return found
