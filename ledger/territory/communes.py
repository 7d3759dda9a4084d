"""Communes: INSEE's legal populations shipped with the ledger (a data file with its year and
source), replaced year by year by the tables ``ledger communes import`` records; positions for
the map from the shipped file."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ledger.projections.db import ViewDatabase


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    population: int | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class CommuneTable:
    """The populations used for a year: which year's table, from which source."""

    communes: dict[str, Commune]
    population_year: int
    source: str


def data_file(name: str) -> str:
    return resources.files("ledger.territory").joinpath(f"data/{name}").read_text("utf-8")


@cache
def shipped_source() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(data_file("communes.source.json"))
    return found


@cache
def shipped_communes() -> dict[str, Commune]:
    """Every current commune of France with its legal population and position."""
    found = {}
    for row in csv.DictReader(io.StringIO(data_file("communes.csv")), delimiter=";"):
        found[row["commune_insee"]] = Commune(
            row["commune_insee"],
            row["name"],
            int(row["population"]) if row["population"] else None,
            float(row["latitude"]) if row["latitude"] else None,
            float(row["longitude"]) if row["longitude"] else None,
        )
    return found


def imported_years(db: ViewDatabase) -> list[int]:
    rows = db.query("SELECT DISTINCT year FROM view_commune_populations ORDER BY year")
    return [int(row[0]) for row in rows]


def commune_table(db: ViewDatabase, year: int) -> CommuneTable:
    """The populations of the latest table of ``year`` or before (the earliest if none is)."""
    shipped_year = int(shipped_source()["population_year"])
    years = sorted({*imported_years(db), shipped_year})
    chosen = max((y for y in years if y <= year), default=years[0])
    shipped = shipped_communes()
    if chosen == shipped_year and chosen not in imported_years(db):
        return CommuneTable(shipped, shipped_year, str(shipped_source()["population"]))
    rows = db.query(
        "SELECT commune_insee, name, population, source FROM view_commune_populations "
        "WHERE year = ?",
        (chosen,),
    )
    communes = dict(shipped)
    sources = set()
    for code, name, population, source in rows:
        position = shipped.get(str(code))
        communes[str(code)] = Commune(
            str(code),
            str(name),
            None if population is None else int(population),
            position.latitude if position else None,
            position.longitude if position else None,
        )
        sources.add(str(source))
    return CommuneTable(communes, chosen, "; ".join(sorted(sources)))


@cache
def potentials() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(data_file("potential.json"))["filieres"]
    return found
