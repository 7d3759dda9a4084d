"""What the dashboard shows, as values for its template (``desk/dashboard.html``): tiles, the
Sankey, the stock by site, the sorting outcomes, the month's columns and the two tables.

Figures are the dashboard's data (``ledger.indicators.dashboard_data``) written in the reader's
language; shapes are computed here and drawn by the template, whose autoescape covers every name
(sites, filières and materials are written by users).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ledger.indicators.dashboard import default_period
from ledger.indicators.dashboard_data import DashboardData
from ledger.indicators.jobs import INSERTION_MINIMUM
from ledger.indicators.periods import Period, parse_period
from ledger.indicators.refashion import rate_table
from ledger.indicators.sankey import FILIERE_COLOURS, sankey_figure
from ledger.web.desk.as_of import wall_clock
from ledger.web.desk.context import Desk
from ledger.web.desk.dashboard_charts import (
    FILIERES,
    month_columns,
    site_bars,
    sorting_outcomes,
)
from ledger.web.desk.dashboard_tables import jobs_rows, metabolism_rows
from ledger.web.desk.nav import links_for
from ledger.web.desk.templating import trusted
from ledger.web.desk.voice import PageVoice

RELATED = ("/territory", "/map", "/audit/report")  # pages of the figures, once they exist


@dataclass(frozen=True)
class Tile:
    name: str
    value: str
    detail: str


@dataclass(frozen=True)
class PeriodLink:
    name: str
    href: str
    current: bool


@dataclass(frozen=True)
class Footer:
    position: int
    chain_head: str | None
    metabolism: str  # the figures' API addresses for this period
    sankey: str


def dashboard_values(
    desk: Desk, data: DashboardData, today: date, territory: str
) -> dict[str, Any]:
    """Everything the template needs, in the reader's language."""
    voice = PageVoice(desk.lang)
    period = data.period
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if period.as_of is not None:
        query["as_of"] = period.as_of.isoformat()
    api = urlencode(query)
    return {
        "territory": territory,
        "period_words": voice.period(period),
        "period": period,
        "as_of": period.as_of,
        "as_of_field": wall_clock(period.as_of),
        "period_links": period_links(desk, today, period),
        "tiles": tiles(data, voice),
        "sankey": trusted(sankey_figure(data.accounts, period, voice, titled=False)),
        "sites": site_bars(data.sites, voice),
        "sorting": sorting_outcomes(data.sorting, voice),
        "rates": rates(data, voice),
        "months": month_columns(period, data.monthly_collection, voice),
        "jobs": jobs_rows(data.hours, data.sorting, voice),
        "metabolism": metabolism_rows(data.accounts, voice),
        "filieres": [(FILIERE_COLOURS[f], voice.filiere(f)) for f in FILIERES],
        "footer": Footer(
            data.position,
            data.chain_head,
            f"/api/v1/metabolism?{api}",
            f"/api/v1/metabolism/sankey.svg?{api}",
        ),
        "related": [link for link in links_for(desk.actor) if link.path in RELATED],
    }


def period_links(desk: Desk, today: date, current: Period) -> list[PeriodLink]:
    """This month, this quarter, this year, the last twelve months (as recorded at the same
    time as the page, when it is read as recorded at a time)."""
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    choices = [
        ("dashboard.periods.month", {"period": f"{today:%Y-%m}"}, parse_period(f"{today:%Y-%m}")),
        ("dashboard.periods.quarter", {"period": quarter}, parse_period(quarter)),
        ("dashboard.periods.year", {"period": str(today.year)}, parse_period(str(today.year))),
        ("dashboard.periods.twelve_months", {}, default_period(today)),
    ]
    if current.as_of is not None:
        for _, query, _ in choices:
            query["as_of"] = wall_clock(current.as_of)
    return [
        PeriodLink(
            desk.t(key),
            "/dashboard" + ("?" + urlencode(query) if query else ""),
            period.bounds == current.bounds,
        )
        for key, query, period in choices
    ]


def tiles(data: DashboardData, voice: PageVoice) -> list[Tile]:
    accounts = data.accounts.values()
    collection = sum(a.collection_g for a in accounts)
    imports, exports = sum(a.imports_g for a in accounts), sum(a.exports_g for a in accounts)
    valorised = sum(sum(a.valorised_g.values()) for a in accounts)
    energy_kj = sum(a.energy_kj for a in accounts)
    t, say = voice.tonnes, voice.t
    as_of = data.period.as_of
    when = say("dashboard.tiles.today") if as_of is None else voice.moment(as_of)
    return [
        Tile(say("dashboard.tiles.stock"), t(data.inside_stock_g), when),
        Tile(say("dashboard.tiles.collection"), t(collection),
             say("dashboard.tiles.imports", tonnes=t(imports))),
        Tile(say("dashboard.tiles.valorised"), t(valorised),
             say("dashboard.tiles.energy", energy=voice.gigajoules(energy_kj, 0))),
        Tile(say("dashboard.tiles.exports"), t(exports), say("dashboard.tiles.exports_about")),
        Tile(say("dashboard.tiles.sorting"), voice.percent(data.sorting.valorisation_rate),
             say("dashboard.tiles.sorted_input", tonnes=t(data.sorting.input_g))),
        Tile(say("dashboard.tiles.insertion"), voice.percent(data.hours.insertion_share),
             say("dashboard.tiles.minimum", share=voice.percent(float(INSERTION_MINIMUM), 0))),
    ]  # fmt: skip


def rates(data: DashboardData, voice: PageVoice) -> list[tuple[str, str]]:
    """The recycling rate (beside Refashion's objective for the year) and the valorisation rate."""
    rates_of_year = rate_table().get(data.period.end.year)
    objective = rates_of_year.recycling_objective if rates_of_year else None
    recycling = voice.percent(data.sorting.recycling_rate)
    if objective:
        recycling += " " + voice.t(
            "dashboard.rates.objective", share=voice.percent(float(objective), 0)
        )
    return [
        (voice.t("dashboard.rates.recycling"), recycling),
        (voice.t("dashboard.rates.valorisation"), voice.percent(data.sorting.valorisation_rate)),
    ]
