"""Small charts for the dashboard: HTML text around inline SVG shapes (no script).

Text stays in HTML so it reads at 360 px as at 1280 px; the SVG only draws the bars and stretches
to its box (``preserveAspectRatio="none"``).
"""

from __future__ import annotations

from datetime import date
from html import escape

from ledger.indicators import french
from ledger.indicators.circularity import Sorting
from ledger.indicators.dashboard_data import SiteStock
from ledger.indicators.periods import Period
from ledger.indicators.sankey import FILIERE_COLOURS, ROUTE_COLOURS

FILIERES = ("textile", "wood", "flax")
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.")  # fmt: skip


def stacked_bar(parts: list[tuple[str, int]], scale_to: int, height: int = 14) -> str:
    """One horizontal bar of coloured segments; ``scale_to`` grams fill the whole width."""
    x, rects = 0.0, []
    for colour, grams in parts:
        width = 1000 * grams / scale_to if scale_to else 0
        if width > 0:
            rects.append(
                f'<rect x="{x:.2f}" width="{width:.2f}" height="{height}" fill="{colour}"/>'
            )
            x += width
    return (
        f'<svg class="bar" viewBox="0 0 1000 {height}" preserveAspectRatio="none" '
        f'aria-hidden="true"><rect width="1000" height="{height}" fill="#eef0f3"/>'
        f"{''.join(rects)}</svg>"
    )


def legend(items: list[tuple[str, str, str]]) -> str:
    """Swatch, name and value for each item."""
    rows = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{escape(name)}'
        f"<b>{escape(value)}</b></li>"
        for colour, name, value in items
    )
    return f'<ul class="legend">{rows}</ul>'


def filiere_legend() -> str:
    items = [(FILIERE_COLOURS[f], french.FILIERE_NAMES[f], "") for f in FILIERES]
    return legend(items)


def stock_by_site(sites: list[SiteStock]) -> str:
    """One bar per inside site, split by filière, heaviest first."""
    if not sites:
        return '<p class="empty">Aucun stock dans le territoire.</p>'
    heaviest = max(site.total for site in sites)
    rows = []
    for site in sites:
        parts = [(FILIERE_COLOURS.get(f, "#999"), site.grams.get(f, 0)) for f in FILIERES]
        count = f"{site.batches} lot{'s' if site.batches > 1 else ''}"
        rows.append(
            f'<li><div class="bar-label"><span>{escape(site.name)}</span>'
            f"<b>{french.tonnes_short(site.total / 1000)}</b><small>{count}</small></div>"
            f"{stacked_bar(parts, heaviest)}</li>"
        )
    return f'<ul class="bars">{"".join(rows)}</ul>{filiere_legend()}'


def sorting_outcomes(sorting: Sorting) -> str:
    """Where sorted textiles go: one 100 % bar of routes and loss, with a legend."""
    if not sorting.input_g:
        return '<p class="empty">Aucun tri sur la période.</p>'
    parts = [(route, grams) for route, grams in sorting.outputs_g.items()]
    parts.append(("losses", max(sorting.loss_g, 0)))
    bar = stacked_bar([(ROUTE_COLOURS[key], grams) for key, grams in parts], sorting.input_g, 28)
    items = [
        (
            ROUTE_COLOURS[key],
            french.ROUTE_NAMES.get(key, "Pertes"),
            f"{french.tonnes_short(grams / 1000)} · {french.percent(grams / sorting.input_g)}",
        )
        for key, grams in parts
    ]
    return f'<div class="bar-wide">{bar}</div>{legend(items)}'


def monthly_columns(period: Period, months: dict[str, dict[str, int]]) -> str:
    """Local collection month by month, stacked by filière."""
    keys = month_keys(period)
    if len(keys) > 24 or not months:
        return '<p class="empty">Aucune collecte sur la période.</p>' if not months else ""
    tallest = max(sum(months.get(k, {}).values()) for k in keys) or 1
    columns = []
    for index, key in enumerate(keys):
        grams = months.get(key, {})
        total = sum(grams.values())
        value = french.number(total / 1_000_000, 1 if total < 10_000_000 else 0) if total else ""
        name = month_name(key, with_year=index == 0 or key.endswith("-01"))
        columns.append(f"<li><b>{value}</b>{column_svg(grams, tallest)}<span>{name}</span></li>")
    return f'<ol class="columns">{"".join(columns)}</ol>{filiere_legend()}'


def column_svg(grams: dict[str, int], tallest: int) -> str:
    y, rects = 100.0, []
    for filiere in FILIERES:
        height = 100 * grams.get(filiere, 0) / tallest
        if height > 0:
            y -= height
            colour = FILIERE_COLOURS[filiere]
            rects.append(
                f'<rect x="0" y="{y:.3f}" width="10" height="{height:.3f}" fill="{colour}"/>'
            )
    return (
        '<svg viewBox="0 0 10 100" preserveAspectRatio="none" aria-hidden="true">'
        f"{''.join(rects)}</svg>"
    )


def month_keys(period: Period) -> list[str]:
    keys, cursor = [], date(period.start.year, period.start.month, 1)
    while cursor <= period.end:
        keys.append(cursor.strftime("%Y-%m"))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return keys


def month_name(key: str, with_year: bool) -> str:
    year, month = key.split("-")
    name = MONTHS_SHORT[int(month) - 1]
    initial = name[0].upper()
    words = f'<span class="long">{name}</span><span class="short">{initial}</span>'
    return f"{words}<br>{year}" if with_year else f"{words}<br>&nbsp;"
