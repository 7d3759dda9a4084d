"""The period's material flows as a Sankey diagram: where the tonnes come from (collection,
imports, stock drawn down), which filière carries them, and where they end up, inside the
territory (by valorisation route, losses, stock built up) or outside it (exports by route).

The diagram balances by construction: it draws the metabolism account of each filière, whose
inputs and outputs are equal once the stock change is drawn on the side it belongs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ledger.indicators.accounts import FiliereAccount
from ledger.indicators.metabolism import accounts
from ledger.indicators.periods import Period
from ledger.indicators.sankey_draw import draw
from ledger.indicators.views import ROUTES
from ledger.projections.db import ViewDatabase

SOURCES = {
    "collection": "#3f6d9e",
    "imports": "#7d6bb3",
    "destock": "#98a4b3",
    "gains": "#98a4b3",
}
FILIERE_COLOURS = {"textile": "#b0437a", "wood": "#8a6a43", "flax": "#b8941f"}
ROUTE_COLOURS = {
    "reuse": "#2e9668",
    "recycling": "#2b77b3",
    "csr": "#e0822f",
    "energy": "#cc4b37",
    "disposal": "#666b73",
    "unsorted": "#a3a8b0",
    "losses": "#b9bec6",
    "stock": "#86b6d8",
}


class Voice(Protocol):
    """The words and numbers of a picture, in its reader's language."""

    def say(self, key: str, **values: object) -> str:
        """The words of ``sankey.<key>`` (``collection``, ``inside``, ``title``…)."""
        ...

    def filiere(self, code: str) -> str: ...

    def route(self, code: str) -> str: ...

    def tonnes(self, grams: int) -> str:
        """A mass in tonnes with the decimals a reader needs: "1 234 t", "0,413 t"."""
        ...

    def gigajoules(self, kilojoules: int) -> str: ...

    def period(self, period: Period) -> str:
        """ "du 1er août 2026 au 31 août 2026"."""
        ...


@dataclass(frozen=True)
class Node:
    """A box of the diagram; ``column`` 0 sources, 1 filières, 2 destinations."""

    key: str
    label: str
    column: int
    colour: str
    group: str = ""  # destinations: "inside" or "outside" the territory
    note: str = ""  # a second line, e.g. energy in GJ or tonnes sorted
    rank: int = 0  # order in its column, top to bottom


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    grams: int


@dataclass
class Graph:
    nodes: dict[str, Node]
    links: list[Link]

    def connect(self, source: Node, target: Node, grams: int) -> None:
        if grams <= 0:
            return
        self.nodes.setdefault(source.key, source)
        self.nodes.setdefault(target.key, target)
        self.links.append(Link(source.key, target.key, grams))


def sankey_svg(db: ViewDatabase, period: Period, voice: Voice, filiere: str | None = None) -> str:
    """The Sankey of a period as a standalone SVG document."""
    with db.snapshot():
        found = accounts(db, period, filiere)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + sankey_figure(found, period, voice)


def sankey_figure(
    found: dict[str, FiliereAccount], period: Period, voice: Voice, titled: bool = True
) -> str:
    """The ``<svg>`` element, also inlined (untitled) in the dashboard."""
    when = voice.period(period)
    if len(found) == 1:  # the diagram of one filière
        [name] = found
        title = voice.say("title_one", filiere=voice.filiere(name).lower(), period=when)
    else:
        title = voice.say("title", period=when)
    return draw(flow_graph(found, voice), title, voice, titled)


def flow_graph(found: dict[str, FiliereAccount], voice: Voice) -> Graph:
    graph = Graph({}, [])
    energy = energy_notes(found, voice)
    for name, account in found.items():
        middle = filiere_node(name, account, len(graph.nodes), voice)
        for rank, (key, grams) in enumerate(inputs(account)):
            source = Node(key, voice.say(key), 0, SOURCES[key], rank=rank)
            graph.connect(source, middle, grams)
        for rank, (key, grams) in enumerate(inside_outputs(account)):
            label = voice.say(key) if key in OUTPUTS else voice.route(key)
            colour, note = ROUTE_COLOURS[key], energy.get(key, "")
            graph.connect(middle, Node(f"in:{key}", label, 2, colour, "inside", note, rank), grams)
        for route, grams in account.exports_by_route_g.items():
            colour, rank = ROUTE_COLOURS.get(route, "#999"), 100 + route_rank(route)
            target = Node(f"out:{route}", voice.route(route), 2, colour, "outside", rank=rank)
            graph.connect(middle, target, grams)
    return graph


OUTPUTS = ("losses", "stock")  # destinations that are no route: words of their own


def filiere_node(name: str, account: FiliereAccount, rank: int, voice: Voice) -> Node:
    note = voice.say("sorted", tonnes=voice.tonnes(account.sorted_g)) if account.sorted_g else ""
    colour = FILIERE_COLOURS.get(name, "#777")
    return Node(f"filiere:{name}", voice.filiere(name), 1, colour, note=note, rank=rank)


def inputs(account: FiliereAccount) -> list[tuple[str, int]]:
    return [
        ("collection", account.collection_g),
        ("imports", account.imports_g),
        ("destock", -account.stock_change_g),
        ("gains", -account.losses_g),
    ]


def inside_outputs(account: FiliereAccount) -> list[tuple[str, int]]:
    routes = [(route, account.valorised_g[route]) for route in ROUTES]
    return [*routes, ("losses", account.losses_g), ("stock", account.stock_change_g)]


def energy_notes(found: dict[str, FiliereAccount], voice: Voice) -> dict[str, str]:
    """``12,3 GJ`` for the csr and energy routes inside the territory."""
    notes = {}
    for route in ("csr", "energy"):
        kj = sum(account.energy_by_route_kj[route] for account in found.values())
        if kj:
            notes[route] = voice.gigajoules(kj)
    return notes


def route_rank(route: str) -> int:
    order = [*ROUTES, "unsorted"]
    return order.index(route) if route in order else len(order)
