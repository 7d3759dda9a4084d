"""Energy content of flows: a declared flow's own figure, else its category's default heating
value (a data table with its source); the catalogue's materials at their own LHV and moisture."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

from ledger.domain.catalogue import Material
from ledger.domain.energy import lhv_wet


@cache
def heating_table() -> dict[str, Any]:
    text = resources.files("ledger.territory").joinpath("data/heating_values.json").read_text()
    table: dict[str, Any] = json.loads(text)
    return table


def gj_per_tonne(category: str) -> Decimal:
    """The default heating value of a category (a sub-code without one takes its parent's)."""
    values = heating_table()["gj_per_tonne"]
    code = category
    while code not in values and "." in code:
        code = code.rsplit(".", 1)[0]
    entry = values.get(code)
    return Decimal(entry["value"]) if entry else Decimal(0)


def default_kj(category: str, mass_g: int) -> int:
    """grams × GJ/t = kJ."""
    return round_kj(Decimal(mass_g) * gj_per_tonne(category))


def material_kj(material: Material, mass_g: int) -> int:
    """A material's energy at its default moisture (grams × MJ/kg = kJ)."""
    fraction = material.default_moisture_pct / 100
    return round_kj(Decimal(mass_g) * lhv_wet(material.lhv_dry_mj_per_kg, fraction))


def round_kj(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def heating_source() -> str:
    return str(heating_table()["source"])
