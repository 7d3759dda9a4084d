"""The dashboard's small charts as shapes for its template: stacked bars and monthly columns.

Text stays in HTML so it reads at 360 px as at 1280 px; the SVG the template draws holds only the
bars and stretches to its box (``preserveAspectRatio="none"``). Coordinates are plain numbers
(SVG's, whatever the reader's language); the words and figures beside them are the reader's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ledger.indicators.circularity import Sorting
from ledger.indicators.dashboard_data import SiteStock
from ledger.indicators.periods import Period
from ledger.indicators.sankey import FILIERE_COLOURS, ROUTE_COLOURS
from ledger.web.desk.voice import PageVoice

FILIERES = ("textile", "wood", "flax")
MOST_MONTHS = 24  # more columns than that would not read on a phone


@dataclass(frozen=True)
class Segment:
    colour: str
    x: float  # from 0 to 1000: the bar's width
    width: float


@dataclass(frozen=True)
class SiteBar:
    name: str  # empty on the road
    total: str
    batches: str
    segments: list[Segment]
    on_the_road: bool = False


@dataclass(frozen=True)
class LegendItem:
    colour: str
    name: str
    value: str = ""


@dataclass(frozen=True)
class Outcomes:
    """Where sorted textiles go: one 100 % bar of routes and loss, with a legend."""

    segments: list[Segment] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    value: str  # tonnes, empty when nothing was collected
    month: str
    initial: str
    year: str  # on the first column and in January
    rects: list[tuple[str, float, float]]  # colour, y, height in a 10 x 100 box


@dataclass(frozen=True)
class Months:
    columns: list[Column]
    too_long: bool  # more months than a chart can show


def segments(parts: list[tuple[str, int]], scale_to: int) -> list[Segment]:
    """Coloured segments side by side; ``scale_to`` grams fill the whole width."""
    x, found = 0.0, []
    for colour, grams in parts:
        width = 1000 * grams / scale_to if scale_to else 0
        if width > 0:
            found.append(Segment(colour, x, width))
            x += width
    return found


def site_bars(sites: list[SiteStock], voice: PageVoice) -> list[SiteBar]:
    """One bar per inside site, split by filière, heaviest first (the road last)."""
    if not sites:
        return []
    heaviest = max(site.total for site in sites)
    return [
        SiteBar(
            site.name,
            voice.tonnes(site.total),
            voice.count("dashboard.batches", site.batches),
            segments(
                [(FILIERE_COLOURS.get(f, "#999"), site.grams.get(f, 0)) for f in FILIERES],
                heaviest,
            ),
            site.on_the_road,
        )
        for site in sites
    ]


def sorting_outcomes(sorting: Sorting, voice: PageVoice) -> Outcomes:
    if not sorting.input_g:
        return Outcomes()
    parts = [*sorting.outputs_g.items(), ("losses", max(sorting.loss_g, 0))]
    legend = [
        LegendItem(
            ROUTE_COLOURS[key],
            voice.t("dashboard.sorting.losses") if key == "losses" else voice.route(key),
            f"{voice.tonnes(grams)} · {voice.percent(grams / sorting.input_g)}",
        )
        for key, grams in parts
    ]
    bar = segments([(ROUTE_COLOURS[key], grams) for key, grams in parts], sorting.input_g)
    return Outcomes(bar, legend)


def month_columns(period: Period, months: dict[str, dict[str, int]], voice: PageVoice) -> Months:
    """Local collection month by month, stacked by filière."""
    keys = month_keys(period)
    if len(keys) > MOST_MONTHS:
        return Months([], too_long=True)
    if not months:
        return Months([], too_long=False)
    tallest = max(sum(months.get(k, {}).values()) for k in keys) or 1
    names = voice.t("dashboard.months_short").split()
    columns = []
    for index, key in enumerate(keys):
        grams = months.get(key, {})
        total = sum(grams.values())
        value = voice.number(total / 1_000_000, 1 if total < 10_000_000 else 0) if total else ""
        year, month = key.split("-")
        name = names[int(month) - 1]
        shown_year = year if index == 0 or month == "01" else ""
        columns.append(Column(value, name, name[0].upper(), shown_year, stack(grams, tallest)))
    return Months(columns, too_long=False)


def stack(grams: dict[str, int], tallest: int) -> list[tuple[str, float, float]]:
    y, rects = 100.0, []
    for filiere in FILIERES:
        height = 100 * grams.get(filiere, 0) / tallest
        if height > 0:
            y -= height
            rects.append((FILIERE_COLOURS[filiere], y, height))
    return rects


def month_keys(period: Period) -> list[str]:
    keys: list[str] = []
    cursor = date(period.start.year, period.start.month, 1)
    while cursor <= period.end and len(keys) <= MOST_MONTHS:
        keys.append(cursor.strftime("%Y-%m"))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return keys
