"""The lineage of a batch laid out as a picture: ancestors on the left, descendants on the right.

Each batch is a box in the column of its generation (sortings and merges move one column), and
each edge a curve labelled with the process that made the child from the parent. This module
places them; ``desk/audit_lineage.html`` draws them (its autoescape covers every name).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ledger.web.desk import formats
from ledger.web.desk.names import Names

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 54, 70, 14, 16
LINE = 27  # characters of a box's line at 12 px before it is cut


@dataclass(frozen=True)
class Box:
    batch_id: str
    x: int
    y: int
    title: str
    material: str
    material_full: str
    facts: str  # mass · state
    root: bool


@dataclass(frozen=True)
class Curve:
    path: str
    label: str
    label_x: int
    label_y: int


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    boxes: list[Box]
    curves: list[Curve]
    ancestors: int
    descendants: int
    truncated: bool


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


def lineage_picture(lineage: dict[str, Any], names: Names) -> Picture:
    """Where each batch of ``Ledger.lineage`` goes, and what its box says."""
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
    curves = [
        curve(edge, where, names)
        for edge in lineage["edges"]
        if edge["from"] in where and edge["to"] in where
    ]
    boxes = [box(batches[i], where[i], i == root, names) for i in where if i in batches]
    return Picture(
        width,
        height,
        boxes,
        curves,
        len(lineage["ancestors"]),
        len(lineage["descendants"]),
        bool(lineage.get("truncated")),
    )


def curve(edge: dict[str, Any], where: dict[str, tuple[int, int]], names: Names) -> Curve:
    (x1, y1), (x2, y2) = where[edge["from"]], where[edge["to"]]
    start, end = (x1 + BOX_W, y1 + BOX_H // 2), (x2, y2 + BOX_H // 2)
    middle = (start[0] + end[0]) // 2
    path = f"M{start[0]},{start[1]} C{middle},{start[1]} {middle},{end[1]} {end[0]},{end[1]}"
    label = names.process(edge["process"]).lower()
    return Curve(path, label, middle, (start[1] + end[1]) // 2 - 4)


def box(batch: dict[str, Any], at: tuple[int, int], is_root: bool, names: Names) -> Box:
    material = names.material(batch["material"])
    mass = formats.kg(batch["mass_kg"], names.lang)
    return Box(
        batch_id=batch["id"],
        x=at[0],
        y=at[1],
        title=batch.get("label_code") or names.t("audit.batch.no_label"),
        material=cut(material),
        material_full=material,
        facts=cut(f"{mass} · {names.state(batch['state']).lower()}"),
        root=is_root,
    )


def cut(text: str) -> str:
    """A line that fits its box (the whole text is the box's tooltip)."""
    return text if len(text) <= LINE else text[: LINE - 1].rstrip() + "…"
