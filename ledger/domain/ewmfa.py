"""The vocabulary of economy-wide material flow accounts (EW-MFA), as the territory accounts use it.

Categories are Eurostat's material categories MF1–MF6 (biomass, metal ores, non-metallic minerals,
fossil energy materials, other products, waste for final treatment and disposal) with their
sub-codes (``MF1.3`` wood); a sub-code rolls up to its top-level category. Directions say which
side of the account a flow is on.
"""

from __future__ import annotations

import re

from ledger.domain.errors import UnknownCategory, UnknownDirection

CATEGORIES = {
    "MF1": "Biomass",
    "MF1.1": "Crops",
    "MF1.2": "Crop residues, fodder crops and grazed biomass",
    "MF1.3": "Wood",
    "MF1.4": "Wild fish catch, aquatic plants and animals",
    "MF2": "Metal ores",
    "MF3": "Non-metallic minerals",
    "MF4": "Fossil energy materials and carriers",
    "MF5": "Other products",
    "MF6": "Waste for final treatment and disposal",
}
TOP_LEVEL = ("MF1", "MF2", "MF3", "MF4", "MF5", "MF6")
CATEGORY_CODE = re.compile(r"^MF[1-6](\.[1-9][0-9]?){0,3}$")

# direction → the key of the account it feeds (de_t, imp_t, …)
DIRECTIONS = {
    "extraction": "de",  # domestic extraction: taken from the territory's nature
    "import": "imp",
    "export": "exp",
    "output": "dpo",  # domestic processed output: to air, water or land inside the territory
    "balancing_input": "bi",
    "balancing_output": "bo",
}
OUTPUT_TO = ("air", "water", "land")
QUALITIES = ("measured", "estimated", "modelled")
ORIGINS = ("extraction", "economy")  # taken from the territory's nature, or already in the economy
REST_OF_FRANCE = "rest_of_france"


def check_category(code: str) -> str:
    """An EW-MFA category code: MF1–MF6 or one of their sub-codes (``MF1.3``, ``MF4.2.1``)."""
    if not isinstance(code, str) or not CATEGORY_CODE.match(code):
        raise UnknownCategory(
            "category is an EW-MFA code: MF1 to MF6, or a sub-code such as MF1.3.",
            category=code,
        )
    return code


def top_level(code: str) -> str:
    """The top-level category a code rolls up to (``MF1.3`` → ``MF1``)."""
    return code.split(".")[0]


def covers(code: str, category: str) -> bool:
    """Whether ``code`` is ``category`` or one of its sub-codes."""
    return category == code or category.startswith(code + ".")


def check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise UnknownDirection(
            f"direction must be one of {', '.join(DIRECTIONS)}.", direction=direction
        )
    return direction


def is_energy_carrier_by_default(category: str) -> bool:
    """Fossil energy materials (MF4) are used for their energy unless said otherwise."""
    return top_level(category) == "MF4"
