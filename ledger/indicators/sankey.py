"""The period's material flows as a Sankey diagram: where the tonnes come from (collection,
imports, stock drawn down), which filière carries them, and where they end up, inside the
territory (by valorisation route, losses, stock built up) or outside it (exports by route).

The diagram balances by construction: it draws the metabolism account of each filière, whose
inputs and outputs are equal once the stock change is drawn on the side it belongs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.indicators import french
from ledger.indicators.accounts import FiliereAccount
from ledger.indicators.metabolism import accounts
from ledger.indicators.periods import Period
from ledger.indicators.sankey_draw import draw
from ledger.indicators.views import ROUTES
from ledger.projections.db import ViewDatabase

SOURCES = {
    "collection": ("Collecte locale", "#3f6d9e"),
    "imports": ("Importations", "#7d6bb3"),
    "destock": ("Déstockage", "#98a4b3"),
    "gains": ("Écarts de pesée (gains)", "#98a4b3"),
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


def sankey_svg(db: ViewDatabase, period: Period, filiere: str | None = None) -> str:
    """The Sankey of a period as a standalone SVG document."""
    with db.snapshot():
        found = accounts(db, period, filiere)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + sankey_figure(found, period)


def sankey_figure(found: dict[str, FiliereAccount], period: Period, titled: bool = True) -> str:
    """The ``<svg>`` element, also inlined (untitled) in the dashboard."""
    subject = "Flux de matière du territoire"
    if len(found) == 1:  # the diagram of one filière
        [name] = found
        subject += " — " + french.FILIERE_NAMES.get(name, name).lower()
    return draw(flow_graph(found), f"{subject}, {period_words(period)}", titled)


def flow_graph(found: dict[str, FiliereAccount]) -> Graph:
    graph = Graph({}, [])
    energy = energy_notes(found)
    for name, account in found.items():
        middle = filiere_node(name, account, rank=len(graph.nodes))
        for rank, (key, grams) in enumerate(inputs(account)):
            label, colour = SOURCES[key]
            graph.connect(Node(key, label, 0, colour, rank=rank), middle, grams)
        for rank, (key, grams) in enumerate(inside_outputs(account)):
            label = OUTPUT_NAMES.get(key) or french.ROUTE_NAMES[key]
            colour, note = ROUTE_COLOURS[key], energy.get(key, "")
            graph.connect(middle, Node(f"in:{key}", label, 2, colour, "inside", note, rank), grams)
        for route, grams in account.exports_by_route_g.items():
            label = french.ROUTE_NAMES.get(route, route)
            colour, rank = ROUTE_COLOURS.get(route, "#999"), 100 + route_rank(route)
            graph.connect(
                middle, Node(f"out:{route}", label, 2, colour, "outside", rank=rank), grams
            )
    return graph


OUTPUT_NAMES = {"losses": "Pertes (tri, transport, pesées)", "stock": "Mise en stock"}


def filiere_node(name: str, account: FiliereAccount, rank: int) -> Node:
    sorted_t = french.tonnes_short(account.sorted_g / 1000)
    note = f"dont {sorted_t} triées" if account.sorted_g else ""
    label = french.FILIERE_NAMES.get(name, name)
    colour = FILIERE_COLOURS.get(name, "#777")
    return Node(f"filiere:{name}", label, 1, colour, note=note, rank=rank)


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


def energy_notes(found: dict[str, FiliereAccount]) -> dict[str, str]:
    """``12,3 GJ`` for the csr and energy routes inside the territory."""
    notes = {}
    for route in ("csr", "energy"):
        kj = sum(account.energy_by_route_kj[route] for account in found.values())
        if kj:
            notes[route] = f"{french.number(kj / 1_000_000, 1)}{french.THIN_SPACE}GJ"
    return notes


def route_rank(route: str) -> int:
    order = [*ROUTES, "unsorted"]
    return order.index(route) if route in order else len(order)


def period_words(period: Period) -> str:
    return f"du {french.long_date(period.start)} au {french.long_date(period.end)}"
