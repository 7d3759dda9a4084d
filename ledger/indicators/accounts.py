"""The rules of DESIGN §5 that turn flow facts into a filière's metabolism account.

Inside or outside is decided for each fact from the territory as it is now. A valorisation
happens at its outlet site or external outlet when one is given, else at the batch's site; a
batch held inside and valorised outside is exported then, and (symmetrically, so that the stock
identity holds) a batch held outside and valorised inside is imported then.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ledger.indicators.numbers import gj, kg
from ledger.indicators.views import ROUTES

UNROUTED = "unsorted"  # exports of a material that has no route yet (e.g. collected textiles)


@dataclass(frozen=True)
class FlowGroup:
    """The sum of the period's flow facts that look alike to the rules."""

    kind: str
    filiere: str | None
    route: str | None
    process: str | None
    site_inside: bool
    other_inside: bool
    has_other: bool
    external: bool
    on_the_way_out: bool
    mass_g: int
    reference_g: int
    energy_kj: int

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> FlowGroup:
        kind, filiere, route, process, *flags, mass, reference, energy = row
        site_inside, other_inside, has_other, external, on_the_way_out = (bool(f) for f in flags)
        return cls(
            kind, filiere, route, process, site_inside, other_inside, has_other, external,
            on_the_way_out, int(mass or 0), int(reference or 0), int(energy or 0),
        )  # fmt: skip

    @property
    def valorised_inside(self) -> bool:
        """Whether a valorisation happened at a place inside the territory."""
        if self.external:
            return False
        return self.other_inside if self.has_other else self.site_inside


@dataclass
class FiliereAccount:
    """Grams (and kJ) of one filière over a period, kept exact until published."""

    collection_g: int = 0
    imports_g: int = 0
    exports_g: int = 0
    losses_g: int = 0
    energy_kj: int = 0
    valorised_g: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROUTES, 0))
    exports_by_route_g: Counter[str] = field(default_factory=Counter)
    energy_by_route_kj: Counter[str] = field(default_factory=Counter)
    sorted_g: int = 0  # sorted input at inside sites (for the Sankey's labels)

    @property
    def stock_change_g(self) -> int:
        outputs = self.exports_g + sum(self.valorised_g.values()) + self.losses_g
        return self.collection_g + self.imports_g - outputs

    def add(self, group: FlowGroup) -> None:
        """Apply the rule for one group of flow facts."""
        if group.kind == "valorised":
            self.add_valorisation(group)
        elif group.site_inside:
            self.add_inside(group)

    def add_inside(self, group: FlowGroup) -> None:
        kind, mass = group.kind, group.mass_g
        if kind == "collected":
            self.collection_g += mass
        elif kind == "received" and group.other_inside:
            self.losses_g += group.reference_g - mass  # dispatched − received, inside → inside
        elif kind == "received":
            self.imports_g += mass
        elif kind == "dispatched" and not group.other_inside:
            self.exports_g += mass
            self.exports_by_route_g[group.route or UNROUTED] += mass
        elif kind == "consumed":
            self.losses_g += mass
            self.sorted_g += mass if group.process == "sorting" else 0
        elif kind == "produced":
            self.losses_g -= mass
        elif kind == "adjusted" and not group.on_the_way_out:
            self.losses_g += mass

    def add_valorisation(self, group: FlowGroup) -> None:
        route, mass = group.route or UNROUTED, group.mass_g
        if group.site_inside and not group.valorised_inside:
            self.exports_g += mass
            self.exports_by_route_g[route] += mass
            return
        if not group.valorised_inside:
            return
        if not group.site_inside:
            self.imports_g += mass
        self.valorised_g[route] = self.valorised_g.get(route, 0) + mass
        self.energy_kj += group.energy_kj
        self.energy_by_route_kj[route] += group.energy_kj

    def figures(self) -> dict[str, Any]:
        """The metabolism figures of DESIGN §4.2, in kg and GJ."""
        apparent = self.collection_g + self.imports_g - self.exports_g
        return {
            "local_collection_kg": kg(self.collection_g),
            "imports_kg": kg(self.imports_g),
            "exports_kg": kg(self.exports_g),
            "valorised_inside_kg": {route: kg(g) for route, g in self.valorised_g.items()},
            "losses_kg": kg(self.losses_g),
            "energy_inside_gj": gj(self.energy_kj),
            "apparent_consumption_kg": kg(apparent),
            "stock_change_kg": kg(self.stock_change_g),
            "exports_by_route_kg": {
                r: kg(g) for r, g in sorted(self.exports_by_route_g.items()) if g
            },
            "sorted_inside_kg": kg(self.sorted_g),
        }


def account_for(groups: list[FlowGroup], filieres: list[str]) -> dict[str, FiliereAccount]:
    """One account per filière named (and any other filière the facts mention)."""
    found = {name: FiliereAccount() for name in filieres}
    for group in groups:
        if group.filiere is None:
            continue
        found.setdefault(group.filiere, FiliereAccount()).add(group)
    return found
