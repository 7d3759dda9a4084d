"""What the ledger's batches give a territory's accounts for a year: traced EW-MFA flows.

Each group of flow facts (``ledger.territory.batch_flows``) is placed against the territory's
boundary, decided here, per territory, from the sites' communes: a transfer from Lillebonne to
Gonfreville-l'Orcher is an export of Caux Vallée de Seine and internal to the Seine estuary.

- **extraction**: collections at inside sites of materials whose catalogue ``origin`` is
  ``extraction`` (wood felled, flax harvested); other collections are flows inside the economy.
- **import** / **export**: receipts at inside sites from outside ones, dispatches the other way
  (DESIGN §5), and valorisations at a place on the other side of the boundary from the batch.
- **output** (to land): disposal valorisations at an inside place.
- **recovered energy**: ``csr``/``energy`` valorisations at an inside place (for the energy
  account), with the energy the batches view computed at each batch's moisture.

A material's category is its catalogue ``ewmfa_category``; materials with route ``csr`` or
``energy`` are energy carriers; their energy content is their LHV at their default moisture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ledger.domain.catalogue import ENERGY_ROUTES, Catalogue, Material
from ledger.territory.batch_flows import FlowGroup
from ledger.territory.heating import material_kj

Inside = Callable[[str | None], bool]  # a site id → whether it lies inside the territory


@dataclass(frozen=True)
class TracedFlow:
    """One traced contribution to the accounts."""

    direction: str  # extraction, import, export, output, recovered_energy
    category: str
    mass_g: int
    energy_kj: int
    carrier: bool
    filiere: str


def traced_flows(groups: list[FlowGroup], inside: Inside, catalogue: Catalogue) -> list[TracedFlow]:
    """The traced flows of these groups for the territory whose sites ``inside`` recognises."""
    found: list[TracedFlow] = []
    for group in groups:
        if group.material not in catalogue:
            continue
        material = catalogue.get(group.material)
        for direction in directions(group, inside, material):
            found.append(contribution(group, material, direction))
    return found


def directions(group: FlowGroup, inside: Inside, material: Material) -> list[str]:
    """Which sides of the account a group of facts feeds, for this boundary."""
    here = inside(group.site_id)
    kind = group.kind
    if kind == "collected":
        return ["extraction"] if here and material.origin == "extraction" else []
    if kind == "received":
        return ["import"] if here and not inside(group.other_site_id) else []
    if kind == "dispatched":
        return ["export"] if here and not inside(group.other_site_id) else []
    if kind != "valorised":
        return []
    place_inside = not group.external and (
        inside(group.other_site_id) if group.other_site_id else here
    )
    if here != place_inside:
        return ["export" if here else "import"]
    if not place_inside:
        return []
    if group.route == "disposal":
        return ["output"]
    if group.route in ENERGY_ROUTES:
        return ["recovered_energy"]
    return []


def contribution(group: FlowGroup, material: Material, direction: str) -> TracedFlow:
    energy = group.energy_kj if direction == "recovered_energy" else None
    return TracedFlow(
        direction=direction,
        category=material.ewmfa_category,
        mass_g=group.mass_g,
        energy_kj=material_kj(material, group.mass_g) if energy is None else energy,
        carrier=material.route in ENERGY_ROUTES,
        filiere=material.filiere,
    )


def inside_sites(sites: dict[str, tuple[str | None, str]], communes: frozenset[str]) -> Inside:
    """``sites``: site id → (commune, country). A site is inside when it is in France and its
    commune belongs to the territory."""

    def inside(site_id: str | None) -> bool:
        if site_id is None:
            return False
        place = sites.get(site_id)
        return place is not None and place[1] == "FR" and place[0] in communes

    return inside
