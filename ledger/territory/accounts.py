"""A territory's EW-MFA accounts for a year (DESIGN §8), in tonnes and joules.

Per top-level category and direction the accounts keep what was ``declared`` (statistics) and
what the ledger ``traced`` (its batches), and use the traced figure where the territory's
``traced_categories`` say the ledger covers the category, the declared one otherwise. From the
used flows: DMI = DE + IMP, DMC = DMI − EXP, PTB = IMP − EXP, NAS = DMI + BI − DPO − EXP − BO.

A parent takes the flows declared on itself and, of its descendants' declared flows, every
extraction, output and balancing flow, and the imports and exports whose partner lies outside it
(a flow between two children, or between a child and the parent's other communes, is internal);
traced flows are recomputed with the parent's boundary.

Energy account, over energy carriers only: production = extraction of energy carriers, plus the
energy the ledger traced as recovered inside from products and waste (MF5, MF6: solid recovered
fuel of textiles, say). Biomass burnt inside is counted once, at its extraction: adding its
recovered energy too would count the same wood twice. Gross inland consumption = production +
imports − exports; dependence = (imports − exports) / gross inland consumption.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ledger.domain.ewmfa import CATEGORIES, DIRECTIONS, REST_OF_FRANCE, TOP_LEVEL, top_level
from ledger.territory.boundaries import Territories, TerritoryState
from ledger.territory.declared import DeclaredGroup
from ledger.territory.heating import default_kj
from ledger.territory.numbers import gj, per, tonnes
from ledger.territory.traced import TracedFlow

KEYS = ("de", "imp", "exp", "dpo", "bi", "bo")
ENERGY_KEYS = ("de", "imp", "exp")
RECOVERED_COUNTS_IN = ("MF5", "MF6")  # recovered energy that is no extraction's (see above)


@dataclass
class Side:
    """Grams and kJ of one category, by direction key, from one kind of source."""

    mass_g: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    energy_kj: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    carrier_kj: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    recovered_kj: int = 0

    def add(self, key: str, mass_g: int, energy_kj: int, carrier: bool) -> None:
        self.mass_g[key] += mass_g
        self.energy_kj[key] += energy_kj
        if carrier:
            self.carrier_kj[key] += energy_kj

    def tonnes(self) -> dict[str, float]:
        return {f"{key}_t": tonnes(self.mass_g[key]) for key in KEYS}


@dataclass
class Category:
    declared: Side = field(default_factory=Side)
    traced: Side = field(default_factory=Side)
    traced_used: bool = False

    @property
    def used(self) -> Side:
        return self.traced if self.traced_used else self.declared


@dataclass(frozen=True)
class Scope:
    """Whose declared flows count in a territory's accounts, and which are internal."""

    territory: TerritoryState
    territories: Territories

    def counts(self, group: DeclaredGroup) -> bool:
        if group.territory == self.territory.code:
            return True
        if group.direction not in ("import", "export"):
            return True
        return not self.partner_inside(group.partner)

    def partner_inside(self, partner: str | None) -> bool:
        if partner is None or partner == REST_OF_FRANCE or partner.isupper():
            return False
        if partner == self.territory.code:
            return True
        other = self.territories.get(partner)
        return other is not None and self.territory.contains(other)


def build_categories(
    scope: Scope, declared: list[DeclaredGroup], traced: list[TracedFlow]
) -> dict[str, Category]:
    categories = {code: Category() for code in TOP_LEVEL}
    for code, category in categories.items():
        category.traced_used = scope.territory.traces(code)
    for group in declared:
        if scope.counts(group):
            key = DIRECTIONS[group.direction]
            energy = group.energy_kj
            if key in ENERGY_KEYS:  # emissions and balancing items have no heating value
                energy += default_kj(group.category, group.mass_without_energy_g)
            side = categories[top_level(group.category)].declared
            side.add(key, group.mass_g, energy, group.carrier)
    for flow in traced:
        side = categories[top_level(flow.category)].traced
        if flow.direction == "recovered_energy":
            side.recovered_kj += flow.energy_kj
        else:
            side.add(DIRECTIONS[flow.direction], flow.mass_g, flow.energy_kj, flow.carrier)
    return categories


def category_figures(category: Category) -> dict[str, Any]:
    used = category.used
    g, kj = used.mass_g, used.energy_kj
    figures: dict[str, Any] = {f"{key}_t": tonnes(g[key]) for key in KEYS}
    figures.update(derived(g, "_t", tonnes))
    figures.update({f"{key}_gj": gj(kj[key]) for key in KEYS})
    figures.update(derived(kj, "_gj", gj))
    figures["declared"] = category.declared.tonnes()
    figures["traced"] = category.traced.tonnes()
    figures["used"] = "traced" if category.traced_used else "declared"
    return figures


def derived(values: dict[str, int], unit: str, show: Any) -> dict[str, Any]:
    """DMI, DMC, PTB and NAS of exact sums, published in the unit's rounding."""
    dmi = values["de"] + values["imp"]
    dmc = dmi - values["exp"]
    nas = dmi + values["bi"] - values["dpo"] - values["exp"] - values["bo"]
    return {
        f"dmi{unit}": show(dmi),
        f"dmc{unit}": show(dmc),
        f"ptb{unit}": show(values["imp"] - values["exp"]),
        f"nas{unit}": show(nas),
    }


def totals(categories: dict[str, Category]) -> tuple[dict[str, int], dict[str, int]]:
    mass = dict.fromkeys(KEYS, 0)
    energy = dict.fromkeys(KEYS, 0)
    for category in categories.values():
        for key in KEYS:
            mass[key] += category.used.mass_g[key]
            energy[key] += category.used.energy_kj[key]
    return mass, energy


def energy_account(categories: dict[str, Category]) -> dict[str, Any]:
    extraction = sum(c.used.carrier_kj["de"] for c in categories.values())
    recovered = sum(
        c.traced.recovered_kj for code, c in categories.items() if code in RECOVERED_COUNTS_IN
    )
    imports = sum(c.used.carrier_kj["imp"] for c in categories.values())
    exports = sum(c.used.carrier_kj["exp"] for c in categories.values())
    production = extraction + recovered
    gross = production + imports - exports
    return {
        "production_gj": gj(production),
        "extraction_gj": gj(extraction),
        "recovered_inside_gj": gj(recovered),
        "imports_gj": gj(imports),
        "exports_gj": gj(exports),
        "gross_inland_gj": gj(gross),
        "dependence": per(imports - exports, gross, 4),
        "recovered_by_category_gj": {
            code: gj(c.traced.recovered_kj)
            for code, c in categories.items()
            if c.traced.recovered_kj
        },
    }


def intensity(mass: dict[str, int], population: int | None, gdp_eur: int | None) -> dict[str, Any]:
    """Per inhabitant (t), per euro of GDP (kg/€) and its inverse, resource productivity (€/kg)."""
    dmi = mass["de"] + mass["imp"]
    dmc = dmi - mass["exp"]
    people = population * 1_000_000 if population else None  # grams per tonne
    productivity = per(gdp_eur * 1000, dmc, 2) if gdp_eur and dmc > 0 else None
    return {
        "per_capita": {
            "dmi_t": per(dmi, people, 4),
            "dmc_t": per(dmc, people, 4),
            "dpo_t": per(mass["dpo"], people, 4),
        },
        "dmc_kg_per_eur": per(dmc, gdp_eur * 1000 if gdp_eur else None, 4),
        "resource_productivity_eur_per_kg": productivity,
    }


def sources(
    scope: Scope, declared: list[DeclaredGroup], traced: list[TracedFlow], traced_codes: set[str]
) -> list[dict[str, Any]]:
    """Where each used figure comes from: the declared sources by level, or the ledger."""
    found: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for group in declared:
        code = top_level(group.category)
        if code in traced_codes or not scope.counts(group):
            continue
        key = (code, DIRECTIONS[group.direction], group.territory, group.source, group.quality)
        found[key][0] += group.flows
        found[key][1] += group.mass_g
    for flow in traced:
        code = top_level(flow.category)
        if code not in traced_codes or flow.direction == "recovered_energy":
            continue
        key = (code, DIRECTIONS[flow.direction], scope.territory.code, "ledger", "measured")
        found[key][0] += 1
        found[key][1] += flow.mass_g
    return [
        {
            "category": code,
            "figure": f"{figure}_t",
            "territory": level,
            "source": source,
            "quality": quality,
            "flows": flows,
            "mass_t": tonnes(grams),
        }
        for (code, figure, level, source, quality), (flows, grams) in sorted(found.items())
    ]


def warnings(scope: Scope, declared: list[DeclaredGroup]) -> list[dict[str, Any]]:
    """Categories declared both on the territory and on one of its descendants: the accounts may
    count them twice (a category should be declared at one level only)."""
    levels: dict[str, set[str]] = defaultdict(set)
    for group in declared:
        levels[top_level(group.category)].add(group.territory)
    own = scope.territory.code
    return [
        {
            "code": "declared_at_several_levels",
            "category": code,
            "territories": sorted(found),
            "message": f"{code} ({CATEGORIES[code]}) is declared on {', '.join(sorted(found))}: "
            "declare a category at one level only.",
        }
        for code, found in sorted(levels.items())
        if own in found and len(found) > 1
    ]


def traced_by_filiere(traced: list[TracedFlow]) -> dict[str, dict[str, float]]:
    """What the ledger's own filières contributed, whether or not their categories are traced."""
    mass: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KEYS, 0))
    recovered: dict[str, int] = defaultdict(int)
    for flow in traced:
        grams = mass[flow.filiere]  # listed even when it only recovered energy
        if flow.direction == "recovered_energy":
            recovered[flow.filiere] += flow.energy_kj
        else:
            grams[DIRECTIONS[flow.direction]] += flow.mass_g
    return {
        filiere: {
            **{f"{k}_t": tonnes(g) for k, g in grams.items()},
            "recovered_gj": gj(recovered[filiere]),
        }
        for filiere, grams in sorted(mass.items())
    }
