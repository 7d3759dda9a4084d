"""The lineage of a batch drawn as a picture: ancestors on the left, descendants on the right.

Each batch is a box in the column of its generation (sortings and merges move one column), and
each edge a curve labelled with the process that made the child from the parent.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 54, 70, 14, 16
PROCESS_FR = {
    "sorting": "tri",
    "baling": "mise en balle",
    "splitting": "division",
    "chipping": "broyage",
    "scutching": "teillage",
    "drying": "séchage",
}


def generations(root: str, edges: list[dict[str, Any]]) -> dict[str, int]:
    """Column of each batch: negative for ancestors, positive for descendants."""
    parents, children = defaultdict(list), defaultdict(list)
    for edge in edges:
        parents[edge["to"]].append(edge["from"])
        children[edge["from"]].append(edge["to"])
    depth = {root: 0}
    for links, step in ((parents, -1), (children, 1)):
        frontier = [root]
        while frontier:
            batch = frontier.pop(0)
            for other in links[batch]:
                if other not in depth:
                    depth[other] = depth[batch] + step
                    frontier.append(other)
    return depth


def lineage_svg(lineage: dict[str, Any]) -> str:
    """An SVG picture of a batch's ancestors and descendants (``Ledger.lineage`` output)."""
    root = lineage["batch_id"]
    batches = {b["id"]: b for b in lineage["batches"]}
    depth = generations(root, lineage["edges"])
    columns: dict[int, list[str]] = defaultdict(list)
    for batch_id in sorted(depth, key=lambda i: (depth[i], batches.get(i, {}).get("material", ""))):
        columns[depth[batch_id]].append(batch_id)
    first = min(columns)
    tallest = max(len(c) for c in columns.values())
    width = MARGIN * 2 + len(columns) * BOX_W + (len(columns) - 1) * GAP_X
    height = MARGIN * 2 + tallest * BOX_H + (tallest - 1) * GAP_Y + 18
    where: dict[str, tuple[int, int]] = {}
    for column, ids in columns.items():
        x = MARGIN + (column - first) * (BOX_W + GAP_X)
        top = MARGIN + 18 + (tallest - len(ids)) * (BOX_H + GAP_Y) // 2
        for row, batch_id in enumerate(ids):
            where[batch_id] = (x, top + row * (BOX_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Lignée du lot" '
        'font-family="system-ui, sans-serif" font-size="12">'
    ]
    parts += [
        curve(edge, where)
        for edge in lineage["edges"]
        if edge["from"] in where and edge["to"] in where
    ]
    parts += [box(batches[i], where[i], i == root) for i in where if i in batches]
    parts.append("</svg>")
    return "".join(parts)


def curve(edge: dict[str, Any], where: dict[str, tuple[int, int]]) -> str:
    (x1, y1), (x2, y2) = where[edge["from"]], where[edge["to"]]
    start, end = (x1 + BOX_W, y1 + BOX_H // 2), (x2, y2 + BOX_H // 2)
    middle = (start[0] + end[0]) // 2
    label = PROCESS_FR.get(edge["process"], edge["process"])
    return (
        f'<path d="M{start[0]},{start[1]} C{middle},{start[1]} {middle},{end[1]} '
        f'{end[0]},{end[1]}" fill="none" stroke="#8a94a6" stroke-width="1.5"/>'
        f'<text x="{middle}" y="{(start[1] + end[1]) // 2 - 4}" text-anchor="middle" '
        f'fill="#55606e" font-size="11">{escape(label)}</text>'
    )


def box(batch: dict[str, Any], at: tuple[int, int], is_root: bool) -> str:
    x, y = at
    fill, stroke = ("#fff4d6", "#c98a00") if is_root else ("#f4f6f9", "#b8c0cc")
    title = batch.get("label_code") or batch["id"][:8]
    mass = f"{batch['mass_kg']:,.3f}".rstrip("0").rstrip(".").replace(",", " ") + " kg"
    state = {
        "held": "détenu",
        "in_transit": "en transit",
        "consumed": "consommé",
        "valorised": "valorisé",
    }
    return (
        f'<a href="/audit/batch/{escape(batch["id"])}">'
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{2 if is_root else 1}"/>'
        f'<text x="{x + 10}" y="{y + 18}" font-weight="600" fill="#1d2430">{escape(title)}</text>'
        f'<text x="{x + 10}" y="{y + 33}" fill="#39424e">{escape(batch["material"])}</text>'
        f'<text x="{x + 10}" y="{y + 47}" fill="#55606e">{escape(mass)} · '
        f"{escape(state.get(batch['state'], batch['state']))}</text></a>"
    )
