"""The territory's whole metabolism as a Sankey diagram (hand-written SVG, no script).

Inputs on the left (domestic extraction and imports by category, balancing inputs, stock drawn
down), the territory in the middle, outputs on the right (exports by category, domestic
processed output, balancing outputs, net additions to stock). A category whose figures come from
the ledger's own batches is drawn in the ledger's colour; the ledger's filières are listed below.
Every text is escaped here: the caller marks the result as trusted markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

WIDTH, PLOT, TOP = 1000, 420, 30
LEFT_X, MID_X, MID_W, RIGHT_X, NODE_W = 300, 440, 120, 700, 12
GAP, MIN_H = 10, 3
LEDGER, DECLARED, BALANCING = "#b0437a", "#6b8fb3", "#a7b0bb"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


@dataclass(frozen=True)
class Flow:
    label: str
    tonnes: float
    colour: str


def sides(accounts: dict[str, Any], words: Callable[[str], str]) -> tuple[list[Flow], list[Flow]]:
    """The flows entering and leaving the territory, by category where the accounts have one."""
    ins: list[Flow] = []
    outs: list[Flow] = []
    for code, c in accounts["categories"].items():
        colour = LEDGER if c["used"] == "traced" else DECLARED
        name = f"{code} {words('territory.category.' + code)}"
        for key, target, prefix in (
            ("de_t", ins, "DE"),
            ("imp_t", ins, "IMP"),
            ("exp_t", outs, "EXP"),
        ):
            if c[key] > 0:
                target.append(Flow(f"{prefix} · {name}", c[key], colour))
    totals = accounts["totals"]
    extra_in = [("BI", totals["bi_t"]), (words("territory.sankey.stock_out"), -totals["nas_t"])]
    extra_out = [
        ("DPO", totals["dpo_t"]),
        ("BO", totals["bo_t"]),
        (words("territory.sankey.stock_in"), totals["nas_t"]),
    ]
    ins += [Flow(label, t, BALANCING) for label, t in extra_in if t > 0]
    outs += [Flow(label, t, BALANCING) for label, t in extra_out if t > 0]
    return ins, outs


def sankey_svg(
    accounts: dict[str, Any], words: Callable[[str], str], number: Callable[[float], str]
) -> str:
    """The diagram of one territory's year."""
    ins, outs = sides(accounts, words)
    total = max(sum(f.tonnes for f in ins), sum(f.tonnes for f in outs))
    if total <= 0:
        return f'<p class="muted">{escape(words("territory.sankey.empty"))}</p>'
    scale = PLOT / total
    left, left_end = column(ins, scale)
    right, right_end = column(outs, scale)
    height = max(left_end, right_end, TOP + PLOT) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-label="{escape(words("territory.sankey.title"))}" '
        f'font-family="{FONT}" font-size="12">',
        f'<rect x="{MID_X}" y="{TOP}" width="{MID_W}" height="{PLOT}" rx="6" fill="#16324a"/>',
        f'<text x="{MID_X + MID_W / 2}" y="{TOP - 8}" fill="#16324a" text-anchor="middle" '
        f'font-weight="700">{escape(str(accounts["name"] or accounts["territory"]))}</text>',
    ]
    mid = float(TOP)
    for flow, y, h in left:
        parts.append(ribbon(LEFT_X + NODE_W, y, MID_X, mid, h, flow.colour))
        parts.append(node(LEFT_X, y, h, flow, number, anchor="end"))
        mid += max(flow.tonnes * scale, 0)
    mid = float(TOP)
    for flow, y, h in right:
        parts.append(ribbon(MID_X + MID_W, mid, RIGHT_X, y, h, flow.colour))
        parts.append(node(RIGHT_X, y, h, flow, number, anchor="start"))
        mid += max(flow.tonnes * scale, 0)
    parts.append("</svg>")
    return "".join(parts)


def column(flows: list[Flow], scale: float) -> tuple[list[tuple[Flow, float, float]], float]:
    """Each flow's top and drawn height; thin flows keep a visible minimum."""
    placed, y = [], float(TOP)
    for flow in flows:
        height = max(flow.tonnes * scale, MIN_H)
        placed.append((flow, y, height))
        y += height + GAP
    return placed, y


def ribbon(x0: float, y0: float, x1: float, y1: float, h: float, colour: str) -> str:
    bend = (x1 - x0) / 2
    path = (
        f"M{x0:.1f},{y0:.1f} C{x0 + bend:.1f},{y0:.1f} {x1 - bend:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
        f"L{x1:.1f},{y1 + h:.1f} C{x1 - bend:.1f},{y1 + h:.1f} {x0 + bend:.1f},{y0 + h:.1f} "
        f"{x0:.1f},{y0 + h:.1f} Z"
    )
    return f'<path d="{path}" fill="{colour}" fill-opacity="0.45"/>'


def node(
    x: float, y: float, h: float, flow: Flow, number: Callable[[float], str], anchor: str
) -> str:
    text_x = x - 6 if anchor == "end" else x + NODE_W + 6
    label = escape(f"{flow.label} — {number(flow.tonnes)} t")
    return (
        f'<rect x="{x}" y="{y:.1f}" width="{NODE_W}" height="{h:.1f}" fill="{flow.colour}">'
        f"<title>{label}</title></rect>"
        f'<text x="{text_x}" y="{y + h / 2 + 4:.1f}" text-anchor="{anchor}" fill="#1d2433">'
        f"{label}</text>"
    )
