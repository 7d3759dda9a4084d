"""A national year of the used-textile chain, as a ``ledger import`` file, with its own totals.

Shaped after the orders of magnitude of France (about 47,400 drop-off points emptied weekly,
67 sorting centres, the 2021 national output shares: 57 % reuse, 32 % recycling, ~11 % energy):
at scale 1 about 2.5 million collections, each trucked to a sorting centre and received there,
daily sortings of what each centre received the day before, every output lot valorised (export
bales sold abroad), and the daily work logs of the centres' staff: about 9.4 million lines.
``scale`` multiplies the number of drop-off points and of centres; everything is derived from
integer counters, so the same arguments always give the same file.

The territory is the département 76 (its communes as the drop-off points use them): some of its
points send to centres elsewhere (exports), some points elsewhere send to its centre (imports).

While writing the file, the generator adds up what the figures of DESIGN §5 must then say
(:class:`Totals`), in grams and hours, from its own numbers, not from the ledger: a test imports a
small year and compares (tests/integration/test_national_year.py).

Usage: ``.venv/bin/python bench/national.py --scale 0.05 --output var/bench/national-0.05.jsonl``
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

YEAR = 2025
TERRITORY_DEPARTEMENT = "76"
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20]  # 94 of metropolitan France
COMMUNES_PER_DEPARTEMENT = 300
DROP_OFF_POINTS = 47_406
SORTING_CENTRES = 67
COLLECTORS = 200
# The output shares of a sorting (per mille of its input); the rest is the loss.
OUTPUT_SHARES = (
    ("textile.reuse.cream", "reuse", 60),
    ("textile.reuse.export", "reuse", 510),
    ("textile.recycling.fraying", "recycling", 220),
    ("textile.recycling.wipers", "recycling", 100),
    ("textile.csr", "csr", 70),
    ("textile.energy", "energy", 20),
    ("textile.waste", "disposal", 10),
)
ROUTES = ("reuse", "recycling", "csr", "energy", "disposal")
EXPORTED = "textile.reuse.export"  # sold to a buyer abroad, straight from the centre
KIND_CODES = {"org": 1, "site": 2, "bag": 3, "sorting": 4, "lot": 5, "work": 6}


def uid(kind: str, number: int) -> str:
    """A deterministic UUID (version 4 layout) for the n-th thing of a kind."""
    return str(UUID(int=(KIND_CODES[kind] << 64) | (number + 1), version=4))


@dataclass(frozen=True)
class Shape:
    """How many of each thing a year at this scale has."""

    scale: float
    days: int = 365
    workers_per_centre: int = 100

    @property
    def points(self) -> int:
        return max(14, round(DROP_OFF_POINTS * self.scale))

    @property
    def centres(self) -> int:
        return max(2, round(SORTING_CENTRES * self.scale))

    @property
    def collectors(self) -> int:
        return max(2, round(COLLECTORS * self.scale))

    def point_commune(self, point: int) -> str:
        departement = DEPARTEMENTS[point % len(DEPARTEMENTS)]
        number = (point // len(DEPARTEMENTS)) % COMMUNES_PER_DEPARTEMENT + 1
        return f"{departement}{number:03d}"

    def centre_commune(self, centre: int) -> str:
        if centre == 0:
            return TERRITORY_DEPARTEMENT + "001"
        return DEPARTEMENTS[(centre * 37) % len(DEPARTEMENTS)] + "002"

    def centre_of(self, point: int) -> int:
        return (point // 7) % self.centres

    def point_mass_g(self, point: int, week: int) -> int:
        """40 to 170 kg a collection, ~5.5 t a point and year."""
        return 40_000 + (point * 7_919 + week * 104_729) % 130_001


@dataclass
class Sums:
    """Grams of sorting: input, outputs by route, and the loss."""

    input_g: int = 0
    outputs_g: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROUTES, 0))

    @property
    def loss_g(self) -> int:
        return self.input_g - sum(self.outputs_g.values())


@dataclass
class Totals:
    """What the ledger's figures must give for the generated year (grams, hours)."""

    lines: Counter[str] = field(default_factory=Counter)
    collected_g: int = 0
    sorting: Sums = field(default_factory=Sums)  # every sorting of the year
    centre0_sorting: Sums = field(default_factory=Sums)  # the territory's centre (its owner)
    centre0_hours: float = 0.0
    centre0_insertion_hours: float = 0.0
    # the territory's textile metabolism
    local_collection_g: int = 0
    imports_g: int = 0
    exports_g: int = 0
    valorised_inside_g: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROUTES, 0))
    losses_g: int = 0
    held_g: int = 0  # held anywhere at the end of the year
    held_batches: int = 0

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["lines"] = dict(self.lines)
        for name in ("sorting", "centre0_sorting"):
            sums: Sums = data[name]
            data[name] = {**sums.__dict__, "loss_g": sums.loss_g}
        return data


def line(op: str, key: str, body: dict[str, Any], batch_id: str | None = None) -> str:
    data: dict[str, Any] = {"op": op, "client_event_id": key}
    if batch_id is not None:
        data["batch_id"] = batch_id
    data["body"] = body
    return json.dumps(data, separators=(",", ":"))


def kg(grams: int) -> float:
    return grams / 1000


class Year:
    """Writes the year's lines in the order they happened and adds up the totals."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.totals = Totals()
        self.bag_count = 0
        self.inside_communes = sorted(
            {c for c in map(shape.point_commune, range(shape.points)) if self.inside(c)}
            | {shape.centre_commune(0)}
        )

    @staticmethod
    def inside(commune: str) -> bool:
        return commune.startswith(TERRITORY_DEPARTEMENT)

    def lines(self) -> Iterator[str]:
        yield from self.registry()
        # bags received at each centre, waiting for the next day's sorting: (id, grams)
        waiting: list[list[tuple[str, int]]] = [[] for _ in range(self.shape.centres)]
        start = date(YEAR, 1, 1)
        for offset in range(self.shape.days):
            day = start + timedelta(days=offset)
            for centre in range(self.shape.centres):
                if waiting[centre]:
                    yield from self.sort(day, centre, waiting[centre])
                    waiting[centre] = []
            yield from self.collect(day, offset, waiting)
            if day.weekday() < 5:
                yield from self.work(day)
        for bags in waiting:
            self.totals.held_batches += len(bags)
            self.totals.held_g += sum(grams for _, grams in bags)

    def emit(self, op: str, key: str, body: dict[str, Any], batch_id: str | None = None) -> str:
        self.totals.lines[op] += 1
        return line(op, key, body, batch_id)

    def registry(self) -> Iterator[str]:
        shape = self.shape
        yield self.emit(
            "territory",
            "territory",
            {"name": "Seine-Maritime", "communes_insee": self.inside_communes},
        )
        for n in range(shape.collectors):
            body = {"id": uid("org", n), "name": f"Collecteur {n}", "kinds": ["collector"]}
            yield self.emit("organisation", f"o{n}", body)
        for c in range(shape.centres):
            number = shape.collectors + c
            body = {"id": uid("org", number), "name": f"Centre de tri {c}", "kinds": ["sorter"]}
            yield self.emit("organisation", f"o{number}", body)
            site = {
                "id": uid("site", c),
                "organisation_id": uid("org", number),
                "name": f"Centre {c}",
                "kind": "sorting_centre",
                "commune_insee": shape.centre_commune(c),
            }
            yield self.emit("site", f"s{c}", site)
        for p in range(shape.points):
            site = {
                "id": uid("site", shape.centres + p),
                "organisation_id": uid("org", p % shape.collectors),
                "name": f"Point d'apport {p}",
                "kind": "collection_point",
                "commune_insee": shape.point_commune(p),
            }
            yield self.emit("site", f"s{shape.centres + p}", site)

    def collect(
        self, day: date, offset: int, waiting: list[list[tuple[str, int]]]
    ) -> Iterator[str]:
        """The points emptied this day (each once a week), trucked and received the same day."""
        shape, totals = self.shape, self.totals
        stamp = day.isoformat()
        week = offset // 7
        for p in range(offset % 7, shape.points, 7):
            bag = self.bag_count
            self.bag_count += 1
            batch_id, grams = uid("bag", bag), shape.point_mass_g(p, week)
            centre = shape.centre_of(p)
            body = {
                "id": batch_id,
                "material": "textile.collected",
                "mass_kg": kg(grams),
                "site_id": uid("site", shape.centres + p),
                "occurred_at": f"{stamp}T06:00:00Z",
            }
            yield self.emit("collect", f"c{bag}", body)
            dispatch = {"to_site_id": uid("site", centre), "occurred_at": f"{stamp}T07:00:00Z"}
            yield self.emit("dispatch", f"d{bag}", dispatch, batch_id)
            received = grams - grams // 200 if bag % 10 == 0 else grams  # 0.5 % less, 1 in 10
            receipt: dict[str, Any] = {"occurred_at": f"{stamp}T09:00:00Z"}
            if received != grams:
                receipt["mass_kg"] = kg(received)
            yield self.emit("receive", f"r{bag}", receipt, batch_id)
            waiting[centre].append((batch_id, received))
            totals.collected_g += grams
            point_inside = self.inside(shape.point_commune(p))
            centre_inside = self.inside(shape.centre_commune(centre))
            if point_inside:
                totals.local_collection_g += grams
            if point_inside and not centre_inside:
                totals.exports_g += grams
            elif centre_inside and not point_inside:
                totals.imports_g += received
            elif centre_inside:
                totals.losses_g += grams - received

    def sort(self, day: date, centre: int, bags: list[tuple[str, int]]) -> Iterator[str]:
        """One sorting of the bags received the day before, and its lots valorised."""
        number = self.totals.lines["transform"]
        stamp = day.isoformat()
        input_g = sum(grams for _, grams in bags)
        outputs, lots = [], []
        for m, (material, route, permille) in enumerate(OUTPUT_SHARES):
            grams = input_g * permille // 1000
            lot_id = uid("lot", number * len(OUTPUT_SHARES) + m)
            outputs.append({"batch_id": lot_id, "material": material, "mass_kg": kg(grams)})
            lots.append((lot_id, material, route, grams))
        loss_g = input_g - sum(grams for *_, grams in lots)
        body = {
            "id": uid("sorting", number),
            "process": "sorting",
            "site_id": uid("site", centre),
            "occurred_at": f"{stamp}T05:00:00Z",
            "inputs": [{"batch_id": batch_id} for batch_id, _ in bags],
            "outputs": outputs,
            "loss_kg": kg(loss_g),
        }
        yield self.emit("transform", f"t{number}", body)
        inside = self.inside(self.shape.centre_commune(centre))
        sums = [self.totals.sorting] + ([self.totals.centre0_sorting] if centre == 0 else [])
        for total in sums:
            total.input_g += input_g
        if inside:
            self.totals.losses_g += loss_g
        for lot_id, material, route, grams in lots:
            for total in sums:
                total.outputs_g[route] += grams
            valorisation: dict[str, Any] = {"route": route, "occurred_at": f"{stamp}T05:30:00Z"}
            if material == EXPORTED:
                valorisation["outlet"] = {"name": "Acheteur export", "country": "PL"}
                if inside:
                    self.totals.exports_g += grams
            elif inside:
                self.totals.valorised_inside_g[route] += grams
            yield self.emit("valorise", f"v{lot_id}", valorisation, lot_id)

    def work(self, day: date) -> Iterator[str]:
        """A working day of each centre's staff (one in five in insertion)."""
        stamp = day.isoformat()
        for centre in range(self.shape.centres):
            for w in range(self.shape.workers_per_centre):
                contract = "insertion" if w % 5 == 0 else "employee"
                body = {
                    "id": uid("work", self.totals.lines["work"]),
                    "site_id": uid("site", centre),
                    "worker_ref": f"W-{centre:03d}-{w:03d}",
                    "contract": contract,
                    "activity": "sorting",
                    "hours": 7.0,
                    "date": stamp,
                }
                yield self.emit("work", f"w{self.totals.lines['work']}", body)
                if centre == 0:
                    self.totals.centre0_hours += 7.0
                    if contract == "insertion":
                        self.totals.centre0_insertion_hours += 7.0


def write_year(shape: Shape, out: TextIO) -> Totals:
    """Write the year's lines to ``out``; its totals."""
    year = Year(shape)
    for text in year.lines():
        out.write(text)
        out.write("\n")
    return year.totals


def generate(shape: Shape, path: Path) -> Totals:
    """The year in ``path`` and its totals in ``path`` + ``.totals.json``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        totals = write_year(shape, out)
    totals_path = path.with_name(path.name + ".totals.json")
    totals_path.write_text(json.dumps(totals.to_json(), indent=1) + "\n", encoding="utf-8")
    return totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=100, help="staff of each centre")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    output = args.output or Path(f"var/bench/national-{args.scale}.jsonl")
    totals = generate(Shape(args.scale, args.days, args.workers), output)
    print(f"{output}: {sum(totals.lines.values()):,} lines {dict(totals.lines)}")


if __name__ == "__main__":
    main()
