"""The territory officer's dashboard: stock, circularity and flows, server-rendered in French.

No script: the charts are inline SVG, the period is chosen with links and a plain form.
"""

from __future__ import annotations

from datetime import date
from html import escape

from ledger.indicators import french
from ledger.indicators.dashboard import default_period
from ledger.indicators.dashboard_data import DashboardData
from ledger.indicators.jobs import INSERTION_MINIMUM
from ledger.indicators.periods import Period, parse_period
from ledger.indicators.refashion import rate_table
from ledger.indicators.sankey import sankey_figure
from ledger.web.desk.dashboard_charts import monthly_columns, sorting_outcomes, stock_by_site
from ledger.web.desk.dashboard_tables import jobs_table, metabolism_table

STYLESHEET = "/static/web/desk/dashboard.css"


def period_links(today: date, current: Period) -> str:
    choices = [
        ("Mois en cours", f"period={today:%Y-%m}", parse_period(f"{today:%Y-%m}")),
        ("Trimestre", f"period={today.year}-Q{(today.month - 1) // 3 + 1}",
         parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")),
        ("Année", f"period={today.year}", parse_period(str(today.year))),
        ("12 derniers mois", "", default_period(today)),
    ]  # fmt: skip
    links = []
    for name, query, period in choices:
        chosen = ' aria-current="page"' if period.bounds == current.bounds else ""
        links.append(f'<a href="/dashboard{"?" + query if query else ""}"{chosen}>{name}</a>')
    return (
        f'<nav class="periods" aria-label="Période">{"".join(links)}</nav>'
        '<form class="range" method="get" action="/dashboard">'
        f'<label>Du <input type="date" name="from" value="{current.start}"></label>'
        f'<label>au <input type="date" name="to" value="{current.end}"></label>'
        "<button>Afficher</button></form>"
    )


def page(data: DashboardData, territory: str, today: date, warning: str = "") -> str:
    """The whole HTML page."""
    words = f"du {french.long_date(data.period.start)} au {french.long_date(data.period.end)}"
    alert = f'<p class="alert" role="alert">{escape(warning)}</p>' if warning else ""
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tableau de bord — {escape(territory)}</title>
<link rel="stylesheet" href="{STYLESHEET}"></head>
<body><header class="top"><div class="wrap">
<p class="eyebrow">Registre des filières · tableau de bord du territoire</p>
<h1>{escape(territory)}</h1><p class="lede">Stock, circularité et flux de matière {words}</p>
{period_links(today, data.period)}</div></header>
<main class="wrap">{alert}
{tiles(data)}
<section class="card"><h2>Flux de matière de la période</h2>
<p class="note">Des entrées (collecte, importations) aux sorties, dans le territoire ou hors de
celui-ci. Survolez un flux pour son tonnage.</p><p class="hint">Faites glisser le diagramme
pour le voir en entier →</p>
<div class="scroll">{sankey_figure(data.accounts, data.period, titled=False)}</div></section>
<div class="pair">
<section class="card"><h2>Stock par site</h2>
<p class="note">Aujourd’hui, sites du territoire (lots détenus ou en route entre deux sites).</p>
{stock_by_site(data.sites)}</section>
<section class="card"><h2>Devenir des sorties de tri</h2>
<p class="note">Voie déclarée au tri, en part de l’entrée triée de la période.</p>
{sorting_outcomes(data.sorting)}{rates(data)}</section>
</div>
<div class="pair">
<section class="card"><h2>Collecte locale par mois</h2>
<p class="note">Tonnes collectées aux points du territoire, par filière.</p>
{monthly_columns(data.period, data.monthly_collection)}</section>
<section class="card"><h2>Emploi</h2>
<p class="note">Heures de la période, toutes organisations ; insertion : part des heures de tri.</p>
{jobs_table(data.hours, data.sorting)}</section>
</div>
<section class="card"><h2>Bilan matière par filière</h2>
<p class="note">En tonnes, sur la période. Variation de stock = entrées − (exportations + valorisé
dans le territoire + pertes).</p>
{metabolism_table(data.accounts)}</section>
</main>
<footer class="wrap">Données des vues à la position {data.position} du journal ·
tête de la chaîne d’empreintes <code>{data.chain_head or "pas encore calculée"}</code> ·
<a href="/api/v1/metabolism?{range_query(data.period)}">métabolisme (JSON)</a> ·
<a href="/api/v1/metabolism/sankey.svg?{range_query(data.period)}">diagramme (SVG)</a> ·
<a href="/audit/report">audit des relevés Refashion</a>
</footer></body></html>"""


def range_query(period: Period) -> str:
    return f"from={period.start}&amp;to={period.end}"


def tiles(data: DashboardData) -> str:
    accounts = data.accounts.values()
    collection = sum(a.collection_g for a in accounts)
    imports, exports = sum(a.imports_g for a in accounts), sum(a.exports_g for a in accounts)
    valorised = sum(sum(a.valorised_g.values()) for a in accounts)
    energy_kj = sum(a.energy_kj for a in accounts)
    share = data.hours.insertion_share
    tiles = [
        ("Stock dans le territoire", t(data.inside_stock_g), "aujourd’hui"),
        ("Collecte locale", t(collection), f"importations {t(imports)}"),
        ("Valorisé dans le territoire", t(valorised), f"{gj(energy_kj)} d’énergie récupérée"),
        ("Exportations", t(exports), "vers des sites hors du territoire"),
        ("Valorisation du tri", french.percent(data.sorting.valorisation_rate),
         f"entrée triée {t(data.sorting.input_g)}"),
        ("Insertion (heures de tri)", french.percent(share),
         f"minimum {french.percent(float(INSERTION_MINIMUM), 0)}"),
    ]  # fmt: skip
    cells = "".join(
        f'<div class="tile"><p>{name}</p><strong>{escape(value)}</strong>'
        f"<small>{escape(detail)}</small></div>"
        for name, value, detail in tiles
    )
    return f'<section class="tiles" aria-label="Chiffres clés">{cells}</section>'


def rates(data: DashboardData) -> str:
    rates_of_year = rate_table().get(data.period.end.year)
    objective = rates_of_year.recycling_objective if rates_of_year else None
    target = f" (objectif Refashion {french.percent(float(objective), 0)})" if objective else ""
    return (
        '<dl class="facts">'
        f"<dt>Taux de recyclage</dt><dd>{french.percent(data.sorting.recycling_rate)}{target}</dd>"
        f"<dt>Taux de valorisation</dt><dd>{french.percent(data.sorting.valorisation_rate)}</dd>"
        "</dl>"
    )


def t(grams: int) -> str:
    return french.tonnes_short(grams / 1000)


def gj(kilojoules: int) -> str:
    return f"{french.number(kilojoules / 1_000_000, 0)}{french.THIN_SPACE}GJ"
