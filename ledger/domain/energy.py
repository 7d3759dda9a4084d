"""Energy recovered from a batch: mass × lower heating value at the batch's moisture (DESIGN §5).

LHV_wet = LHV_dry × (1 − w) − 2.443 × w, in MJ/kg, with w the wet-basis moisture fraction;
2.443 MJ/kg is the latent heat of the water evaporated. Energy is derived, never stored in events.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ledger.domain.catalogue import Material

LATENT_HEAT_MJ_PER_KG = Decimal("2.443")


def lhv_wet(lhv_dry_mj_per_kg: Decimal, moisture_fraction: Decimal) -> Decimal:
    """Lower heating value of the wet material, MJ/kg (never below zero)."""
    value = lhv_dry_mj_per_kg * (1 - moisture_fraction) - LATENT_HEAT_MJ_PER_KG * moisture_fraction
    return max(value, Decimal(0))


def energy_kj(mass_g: int, material: Material, moisture_bp: int | None) -> int:
    """Energy of a batch in kJ (grams × MJ/kg = kJ), at its measured or default moisture."""
    if moisture_bp is None:
        fraction = material.default_moisture_pct / 100
    else:
        fraction = Decimal(moisture_bp) / 10_000
    energy = Decimal(mass_g) * lhv_wet(material.lhv_dry_mj_per_kg, fraction)
    return int(energy.quantize(Decimal(1), rounding=ROUND_HALF_UP))
