"""How ``communes.csv`` was made: INSEE's communes and legal populations, with a position each.

Usage: ``python -m ledger.territory.data.make_communes COMMUNES_JSON CONTOURS_DIR > communes.csv``

- ``COMMUNES_JSON``: ``data/communes.json`` of the npm package ``@etalab/decoupage-administratif``
  6.0.0 (INSEE's Code officiel géographique 2026; ``population`` is the municipal population of
  INSEE's legal populations of 2023, in force on 1 January 2026; data under Licence Ouverte 2.0).
- ``CONTOURS_DIR``: the ``departements/`` folder of the ``france-geojson`` data set (commune
  contours of IGN's Admin Express COG 2018, Licence Ouverte), one GeoJSON file per department.

Each current commune gets the centroid of its contour; a commune created since 2018 by merging
others gets the population-free mean of its former communes' centroids (``anciensCodes``); a
commune with neither has no position (the map then leaves it out and says so).
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

Point = tuple[float, float]  # longitude, latitude


def ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and area-weighted centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area / 2, cx / (3 * area), cy / (3 * area)


def centroid(geometry: dict[str, Any]) -> Point:
    """The area-weighted centroid of a Polygon or MultiPolygon (outer rings less holes)."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    total = sx = sy = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            area, x, y = ring_centroid(ring)
            weight = abs(area) if index == 0 else -abs(area)
            total += weight
            sx += x * weight
            sy += y * weight
    if total == 0:
        first = polygons[0][0][0]
        return first[0], first[1]
    return sx / total, sy / total


def contours(folder: Path) -> Iterator[tuple[str, Point]]:
    for path in sorted(folder.glob("*/communes-*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            yield feature["properties"]["code"], centroid(feature["geometry"])


def rows(communes: Iterable[dict[str, Any]], positions: dict[str, Point]) -> Iterator[list[Any]]:
    for commune in communes:
        if commune.get("type") != "commune-actuelle":
            continue
        code = commune["code"]
        point = positions.get(code)
        if point is None:
            former = [positions[c] for c in commune.get("anciensCodes", []) if c in positions]
            if former:
                point = (
                    sum(p[0] for p in former) / len(former),
                    sum(p[1] for p in former) / len(former),
                )
        latitude = "" if point is None else f"{point[1]:.5f}"
        longitude = "" if point is None else f"{point[0]:.5f}"
        yield [code, commune["nom"], commune.get("population", ""), latitude, longitude]


def main(arguments: list[str]) -> None:
    communes = json.loads(Path(arguments[0]).read_text(encoding="utf-8"))
    positions = dict(contours(Path(arguments[1])))
    out = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
    out.writerow(["commune_insee", "name", "population", "latitude", "longitude"])
    out.writerows(sorted(rows(communes, positions)))


if __name__ == "__main__":
    main(sys.argv[1:])
