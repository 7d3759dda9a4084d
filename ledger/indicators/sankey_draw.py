"""Laying out and drawing a Sankey graph as hand-written SVG: no script, no external font."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.indicators.sankey import Graph, Link, Node, Voice

WIDTH = 1000
TOP = 96  # title, subtitle and column headings
TITLE_HEIGHT = 34
PLOT_HEIGHT = 440  # pixels for the column carrying the most tonnes
X = {0: 170, 1: 400, 2: 728}
NODE_WIDTH = {0: 12, 1: 156, 2: 12}
MIN_SLOT = {0: 38, 1: 62, 2: 38}  # room for the label beside a thin node, or inside a card
GAP, GROUP_GAP, GROUP_HEADER = 14, 30, 40
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK, MUTED = "#1d2433", "#5b6472"
GROUPS = {"inside": ("#edf6f0", "none"), "outside": ("#f3f3f6", "4 3")}  # fill, dashes


@dataclass
class Box:
    """A node placed on the canvas."""

    node: Node
    grams: int
    x: float
    y: float
    width: float
    height: float  # drawn: a filière's card is at least tall enough for its label
    flow_top: float  # where ribbons start to attach (the flows' own height is centred)
    out_offset: float = 0.0
    in_offset: float = 0.0


def draw(graph: Graph, title: str, voice: Voice, titled: bool = True) -> str:
    """The whole ``<svg>`` element for a graph; untitled when a page around it has a heading."""
    total = column_totals(graph)
    if not total:
        return empty_figure(title, voice)
    scale = PLOT_HEIGHT / max(total.values())
    boxes, bands = place(graph, scale)
    height = max(box.y + max(box.height, MIN_SLOT[box.node.column]) for box in boxes.values())
    height += 44
    entered = sum(link.grams for link in graph.links if is_input(graph, link))
    parts = [header(title if titled else "", entered, voice)]
    parts += [band(*b, voice) for b in bands]
    parts += [ribbon(boxes, link, scale, voice) for link in ordered_links(graph, boxes)]
    parts += [node_shape(box, voice) for box in boxes.values()]
    parts.append(footnote(height - 16, voice))
    lift = 0 if titled else TITLE_HEIGHT  # no title: move everything up into its place
    body = f'<g transform="translate(0,-{lift})">{"".join(parts)}</g>' if lift else "".join(parts)
    return svg(height - lift, body, title)


def column_totals(graph: Graph) -> dict[int, int]:
    totals: dict[int, int] = {}
    for key, grams in node_grams(graph).items():
        column = graph.nodes[key].column
        totals[column] = totals.get(column, 0) + grams
    return totals


def node_grams(graph: Graph) -> dict[str, int]:
    """A node carries the larger of what flows in and what flows out."""
    flows_in: dict[str, int] = {}
    flows_out: dict[str, int] = {}
    for link in graph.links:
        flows_out[link.source] = flows_out.get(link.source, 0) + link.grams
        flows_in[link.target] = flows_in.get(link.target, 0) + link.grams
    return {k: max(flows_in.get(k, 0), flows_out.get(k, 0)) for k in graph.nodes}


def place(graph: Graph, scale: float) -> tuple[dict[str, Box], list[tuple[str, float, float]]]:
    """Stack each column's nodes top-down in rank order; destinations in two groups."""
    grams = node_grams(graph)
    boxes: dict[str, Box] = {}
    bands: list[tuple[str, float, float]] = []
    for column in (0, 1, 2):
        y, group, band_top = float(TOP), "", 0.0
        for node in sorted((n for n in graph.nodes.values() if n.column == column), key=rank):
            if node.group != group:
                if group:
                    bands.append((group, band_top, y - GAP))
                y += (GROUP_GAP if group else 0) + GROUP_HEADER
                group, band_top = node.group, y - GROUP_HEADER + 6
            flow = max(grams[node.key] * scale, 1.5)
            slot = max(flow, MIN_SLOT[column])
            drawn = slot if column == 1 else flow
            box = Box(node, grams[node.key], X[column], y + (slot - drawn) / 2,
                      NODE_WIDTH[column], drawn, y + (slot - flow) / 2)  # fmt: skip
            boxes[node.key] = box
            y += slot + GAP
        if group:
            bands.append((group, band_top, y - GAP))
    return boxes, bands


def rank(node: Node) -> int:
    return node.rank


def ordered_links(graph: Graph, boxes: dict[str, Box]) -> list[Link]:
    """Ribbons leave and enter each node in the order of their other end, top to bottom."""
    return sorted(graph.links, key=lambda link: (boxes[link.source].y, boxes[link.target].y))


def ribbon(boxes: dict[str, Box], link: Link, scale: float, voice: Voice) -> str:
    source, target = boxes[link.source], boxes[link.target]
    width = link.grams * scale
    x0, x1 = source.x + source.width, target.x
    y0, y1 = source.flow_top + source.out_offset, target.flow_top + target.in_offset
    source.out_offset += width
    target.in_offset += width
    middle = (x0 + x1) / 2
    path = (
        f"M{x0:.1f},{y0:.2f} C{middle:.1f},{y0:.2f} {middle:.1f},{y1:.2f} {x1:.1f},{y1:.2f} "
        f"L{x1:.1f},{y1 + width:.2f} C{middle:.1f},{y1 + width:.2f} {middle:.1f},"
        f"{y0 + width:.2f} {x0:.1f},{y0 + width:.2f} Z"
    )
    colour = source.node.colour if source.node.column == 0 else target.node.colour
    tip = voice.say(
        "flow", source=source.node.label, target=target.node.label, tonnes=voice.tonnes(link.grams)
    )
    return (
        f'<path class="flow" d="{path}" fill="{colour}" fill-opacity="0.42">'
        f"<title>{escape(tip)}</title></path>"
    )


def node_shape(box: Box, voice: Voice) -> str:
    node = box.node
    shape = (
        f'<rect x="{box.x:.1f}" y="{box.y:.2f}" width="{box.width}" height="{box.height:.2f}" '
        f'rx="{3 if node.column == 1 else 1.5}" fill="{node.colour}"/>'
    )
    return f'<g class="node">{shape}{node_label(box, voice)}</g>'


def node_label(box: Box, voice: Voice) -> str:
    node, value = box.node, voice.tonnes(box.grams)
    middle_y = box.y + box.height / 2
    if node.column == 0:
        return text_lines(box.x - 10, middle_y, "end", [node.label, value], INK)
    if node.column == 2:
        second = f"{value} · {node.note}" if node.note else value
        return text_lines(box.x + box.width + 10, middle_y, "start", [node.label, second], INK)
    lines = [node.label, value, node.note] if node.note else [node.label, value]
    return text_lines(box.x + box.width / 2, middle_y, "middle", lines, "#ffffff")


def text_lines(x: float, centre_y: float, anchor: str, lines: list[str], colour: str) -> str:
    """Lines of text centred on ``centre_y``: the first one bold, the others quieter."""
    top = centre_y - (len(lines) - 1) * 8 + 4
    spans = []
    for index, line in enumerate(lines):
        weight = ' font-weight="600"' if index == 0 else ""
        fill = colour if index == 0 or colour == "#ffffff" else MUTED
        size = 13 if index == 0 else 12
        spans.append(
            f'<text x="{x:.1f}" y="{top + index * 16:.1f}" text-anchor="{anchor}" '
            f'font-size="{size}"{weight} fill="{fill}">{escape(line)}</text>'
        )
    return "".join(spans)


def band(group: str, top: float, bottom: float, voice: Voice) -> str:
    fill, dash = GROUPS[group]
    label = escape(voice.say(group))
    x = X[2] - 14
    return (
        f'<rect x="{x}" y="{top:.1f}" width="{WIDTH - x - 6}" height="{bottom - top + 8:.1f}" '
        f'rx="8" fill="{fill}" stroke="#c9ced6" stroke-dasharray="{dash}"/>'
        f'<text x="{x + 14}" y="{top + 17:.1f}" font-size="11" font-weight="700" '
        f'letter-spacing="0.08em" fill="{MUTED}">{label}</text>'
    )


def header(title: str, total_grams: int, voice: Voice) -> str:
    subtitle = voice.say("subtitle", tonnes=voice.tonnes(total_grams))
    headings = "".join(
        f'<text x="{x}" y="78" font-size="11" font-weight="700" letter-spacing="0.08em" '
        f'fill="{MUTED}" text-anchor="{anchor}">{escape(voice.say(word))}</text>'
        for x, anchor, word in (
            (X[0] + NODE_WIDTH[0], "end", "inputs"),
            (X[1] + NODE_WIDTH[1] / 2, "middle", "filieres"),
            (X[2], "start", "outputs"),
        )
    )
    heading = (
        f'<text x="24" y="32" font-size="19" font-weight="650" fill="{INK}">{escape(title)}</text>'
        if title
        else ""
    )
    lede = f'<text x="24" y="54" font-size="12.5" fill="{MUTED}">{escape(subtitle)}</text>'
    return heading + lede + headings


def footnote(y: float, voice: Voice) -> str:
    note = voice.say("footnote")
    return f'<text x="24" y="{y:.1f}" font-size="11" fill="{MUTED}">{escape(note)}</text>'


def is_input(graph: Graph, link: Link) -> bool:
    return graph.nodes[link.source].column == 0


def empty_figure(title: str, voice: Voice) -> str:
    empty = escape(voice.say("empty"))
    body = (
        f'<text x="24" y="32" font-size="19" font-weight="650" fill="{INK}">{escape(title)}</text>'
        f'<text x="24" y="72" font-size="14" fill="{MUTED}">{empty}</text>'
    )
    return svg(110, body, title)


def svg(height: float, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" class="sankey">'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
    )
