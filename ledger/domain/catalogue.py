"""The material catalogue: what each material is, where it goes and how much energy it holds.

Defaults ship as a data file (``materials.json``); users add materials without code through the
``MaterialCatalogue`` aggregate, whose ``MaterialDefined`` events extend the defaults and whose
``MaterialRevised`` events replace a material's definition (a shipped one included).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import (
    InvalidInput,
    MaterialAlreadyDefined,
    MaterialInUse,
    UnknownMaterial,
)
from ledger.domain.ewmfa import ORIGINS, check_category
from ledger.domain.text import check_text

ROUTES = ("reuse", "recycling", "csr", "energy", "disposal")
ENERGY_ROUTES = ("csr", "energy")
FILIERES = ("textile", "wood", "flax")
MATERIAL_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+){1,3}$")
FILIERE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
WASTE_CODE = re.compile(r"^\d{2} \d{2} \d{2}\*?$")  # European List of Waste, e.g. 20 01 10
# What the figures of past events read from a material (DESIGN §5, §8): the views keep its route
# and filière in each flow fact and its heating value in each valorisation's energy, so once a
# batch of it exists these stay as they were (a new material takes the new values).
FIGURE_FIELDS = (
    "filiere",
    "route",
    "lhv_dry_mj_per_kg",
    "default_moisture_pct",
    "ewmfa_category",
    "origin",
)


@dataclass(frozen=True)
class Material:
    """One entry of the catalogue."""

    code: str
    filiere: str
    route: str | None  # None: must be transformed before it leaves the chain
    lhv_dry_mj_per_kg: Decimal
    default_moisture_pct: Decimal
    name_fr: str = ""
    name_en: str = ""
    # The European List of Waste code (Commission Decision 2000/532/EC, code de l'environnement
    # art. R. 541-7) the waste registers declare, and whether the waste holds persistent organic
    # pollutants (Regulation (EU) 2019/1021): None for a material defined without one.
    waste_code: str | None = None
    pop: bool = False
    ewmfa_category: str = "MF5"  # the EW-MFA category its flows count in (DESIGN §8)
    origin: str = "economy"  # "extraction": collecting it takes it from the territory's nature

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Material:
        """Build and check a material from its JSON shape."""
        code = str(data.get("code", ""))
        if not MATERIAL_CODE.match(code):
            raise InvalidInput("A material code looks like 'textile.reuse.cream'.", code=code)
        route = data.get("route")
        if route is not None and route not in ROUTES:
            raise InvalidInput(f"route must be one of {', '.join(ROUTES)} or null.", route=route)
        lhv = Decimal(str(data.get("lhv_dry_mj_per_kg", "0")))
        moisture = Decimal(str(data.get("default_moisture_pct", "0")))
        if not (Decimal(0) <= lhv <= Decimal(60) and Decimal(0) <= moisture < Decimal(100)):
            raise InvalidInput("lhv_dry_mj_per_kg must be 0-60 and default_moisture_pct 0-100.")
        filiere = str(data.get("filiere") or code.split(".")[0])
        if not FILIERE.match(filiere):
            raise InvalidInput(
                "A filière is a short lower-case word, e.g. 'textile'.", filiere=filiere
            )
        category, origin = default_ewmfa(code, filiere)
        category = check_category(data.get("ewmfa_category") or category)
        origin = str(data.get("origin") or origin)
        if origin not in ORIGINS:
            raise InvalidInput(f"origin must be one of {', '.join(ORIGINS)}.", origin=origin)
        return cls(
            code=code,
            filiere=filiere,
            route=route,
            lhv_dry_mj_per_kg=lhv,
            default_moisture_pct=moisture,
            name_fr=check_text(data.get("name_fr"), "name_fr", 200) or "",
            name_en=check_text(data.get("name_en"), "name_en", 200) or "",
            waste_code=check_waste_code(data.get("waste_code")),
            pop=check_pop(data.get("pop", False)),
            ewmfa_category=category,
            origin=origin,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly shape (decimals as strings, exact)."""
        data = asdict(self)
        data["lhv_dry_mj_per_kg"] = str(self.lhv_dry_mj_per_kg)
        data["default_moisture_pct"] = str(self.default_moisture_pct)
        return data


def check_waste_code(value: object) -> str | None:
    """A code of the European List of Waste: three pairs of digits, a star if hazardous."""
    if value is None or value == "":
        return None
    code = " ".join(str(value).split())
    if len(code) in (6, 7) and " " not in code:  # 200110 → 20 01 10, as registers write it
        code = f"{code[:2]} {code[2:4]} {code[4:]}"
    if not WASTE_CODE.match(code):
        raise InvalidInput(
            "waste_code is a European waste code, e.g. '20 01 10'.", waste_code=value
        )
    return code


def check_pop(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput("pop is true or false.", pop=value)
    return value


@cache
def shipped_catalogue() -> dict[str, Any]:
    """The data file of the catalogue, read once."""
    text = resources.files("ledger.domain").joinpath("materials.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def default_ewmfa(code: str, filiere: str) -> tuple[str, str]:
    """The EW-MFA category and origin of a material whose definition gives none (DESIGN §8):
    by code for the shipped materials, else by filière."""
    defaults = shipped_catalogue()["ewmfa_defaults"]
    found = defaults["by_code"].get(code) or defaults["by_filiere"].get(filiere)
    found = found or defaults["otherwise"]
    return str(found["ewmfa_category"]), str(found["origin"])


def default_materials() -> dict[str, Material]:
    """The catalogue shipped with the ledger."""
    entries = shipped_catalogue()["materials"]
    return {entry["code"]: Material.from_dict(entry) for entry in entries}


class Catalogue:
    """Materials by code: the defaults plus those users defined."""

    def __init__(self, materials: dict[str, Material]) -> None:
        self._materials = dict(materials)

    def get(self, code: str) -> Material:
        """The material with this code, or ``UnknownMaterial``."""
        try:
            return self._materials[code]
        except KeyError:
            raise UnknownMaterial(f"Unknown material '{code}'.", material=code) from None

    def __contains__(self, code: object) -> bool:
        return code in self._materials

    def all(self) -> list[Material]:
        """Every material, sorted by code."""
        return [self._materials[code] for code in sorted(self._materials)]


class MaterialCatalogue(Aggregate):
    """The materials users added to the catalogue (one per ledger)."""

    class Started(Aggregate.Created):
        pass

    class MaterialDefined(Aggregate.Event):
        material: dict[str, Any]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: MaterialCatalogue) -> None:
            aggregate.defined[self.material["code"]] = dict(self.material)

    class MaterialRevised(Aggregate.Event):
        """A material's definition replaced: its names, route, defaults (the whole new entry)."""

        material: dict[str, Any]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: MaterialCatalogue) -> None:
            aggregate.defined[self.material["code"]] = dict(self.material)

    def __init__(self) -> None:
        self.defined: dict[str, dict[str, Any]] = {}

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/ledger/material-catalogue")

    @classmethod
    def start(cls) -> MaterialCatalogue:
        """The catalogue aggregate, before anyone added a material."""
        return cls._create(cls.Started, id=cls.create_id())

    def define(self, material: Material, defaults: dict[str, Material], **who: Any) -> bool:
        """Add a material; repeating the same definition is a no-op (returns False)."""
        existing = self.current(material.code, defaults)
        if existing is not None:
            if existing == material:
                return False
            raise MaterialAlreadyDefined(
                f"Material '{material.code}' already exists with other properties.",
                material=material.code,
            )
        self.trigger_event(self.MaterialDefined, material=material.to_dict(), **who)
        return True

    def current(self, code: str, defaults: dict[str, Material]) -> Material | None:
        """The material as the catalogue holds it now: revised or defined here, else shipped."""
        known = self.defined.get(code)
        return Material.from_dict(known) if known is not None else defaults.get(code)

    def check_revision(self, before: Material, after: Material, in_use: bool) -> None:
        """A material already used keeps what past figures read from it."""
        changed = [name for name in FIGURE_FIELDS if getattr(before, name) != getattr(after, name)]
        if in_use and changed:
            raise MaterialInUse(
                f"Material '{after.code}' is already used by batches: its {', '.join(changed)} "
                "would change past figures. Define a new material instead.",
                material=after.code,
                fields=changed,
            )

    def revise(
        self, material: Material, defaults: dict[str, Material], in_use: bool, **who: Any
    ) -> bool:
        """Replace a material's definition; the same definition again is a no-op (False)."""
        before = self.current(material.code, defaults)
        if before is None:
            raise UnknownMaterial(f"Unknown material '{material.code}'.", material=material.code)
        if before == material:
            return False
        self.check_revision(before, material, in_use)
        self.trigger_event(self.MaterialRevised, material=material.to_dict(), **who)
        return True

    def catalogue(self, defaults: dict[str, Material]) -> Catalogue:
        """Defaults plus the materials defined here."""
        materials = dict(defaults)
        for code, data in self.defined.items():
            materials[code] = Material.from_dict(data)
        return Catalogue(materials)
