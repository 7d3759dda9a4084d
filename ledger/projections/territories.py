"""The territories view: territories and declared flows as append-only versions (and each flow as
it is now), the communes collections came from, and imported commune populations (sites are the
registry view's).

Every change of a territory and every correction of a declared flow adds a row holding the whole
state after it, with the time the ledger recorded it: the accounts as recorded at a time read,
for each territory and flow, its last row recorded by then. The versions are never updated; the
figures as recorded now read ``view_declared_flows_now``, each flow's last version.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ledger.domain.ewmfa import is_energy_carrier_by_default
from ledger.projections.base import Page, paris_date, topic_name, utc_text
from ledger.projections.db import ViewDatabase

TERRITORY_COLUMNS = (
    "territory_id",
    "code",
    "version",
    "position",
    "recorded_at",
    "name",
    "parent",
    "communes",
    "population",
    "gdp_eur",
    "traced",
)
FLOW_COLUMNS = (
    "flow_id",
    "version",
    "position",
    "recorded_at",
    "territory",
    "year",
    "direction",
    "category",
    "mass_g",
    "energy_kj",
    "partner",
    "output_to",
    "energy_carrier",
    "carrier",
    "source",
    "quality",
    "note",
)
FACTS = FLOW_COLUMNS[5:13] + FLOW_COLUMNS[14:]  # what a correction may change
SOURCE_COLUMNS = ("batch_id", "commune_insee", "site_id", "material", "occurred_date", "mass_g")
TERRITORY_TOPICS = ("Defined", "Redefined", "Registered", "Delimited", "Described")
Row = dict[str, Any]


def create_tables(db: ViewDatabase) -> None:
    big = db.big_integer
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_territory_versions (territory_id TEXT NOT NULL, "
        f"code TEXT NOT NULL, version INTEGER NOT NULL, position {big}, recorded_at TEXT, "
        "name TEXT, parent TEXT, communes TEXT, population TEXT, gdp_eur TEXT, traced TEXT, "
        "PRIMARY KEY (territory_id, version))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_declared_flows (flow_id TEXT NOT NULL, "
        f"version INTEGER NOT NULL, position {big}, recorded_at TEXT, territory TEXT, "
        f"year INTEGER, direction TEXT, category TEXT, mass_g {big}, energy_kj {big}, "
        "partner TEXT, output_to TEXT, energy_carrier INTEGER, carrier INTEGER, source TEXT, "
        "quality TEXT, note TEXT, PRIMARY KEY (flow_id, version))"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS view_declared_flows_territory "
        "ON view_declared_flows (territory, flow_id, version, recorded_at)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_declared_flows_now (flow_id TEXT PRIMARY KEY, "
        f"version INTEGER NOT NULL, position {big}, recorded_at TEXT, territory TEXT, "
        f"year INTEGER, direction TEXT, category TEXT, mass_g {big}, energy_kj {big}, "
        "partner TEXT, output_to TEXT, energy_carrier INTEGER, carrier INTEGER, source TEXT, "
        "quality TEXT, note TEXT)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS view_declared_flows_now_year "
        "ON view_declared_flows_now (year, territory)"
    )
    # Declared flows as they are now, summed by what the accounts group on ('' for no partner).
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_declared_sums (territory TEXT NOT NULL, "
        "year INTEGER NOT NULL, direction TEXT NOT NULL, category TEXT NOT NULL, "
        "partner TEXT NOT NULL, carrier INTEGER NOT NULL, source TEXT NOT NULL, "
        f"quality TEXT NOT NULL, flows {big} NOT NULL, mass_g {big} NOT NULL, "
        f"energy_kj {big} NOT NULL, bare_g {big} NOT NULL, PRIMARY KEY ({', '.join(SUM_KEY)}))"
    )
    # Collections whose collector named the commune they came from (it may not be the site's).
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_collection_sources (batch_id TEXT PRIMARY KEY, "
        "commune_insee TEXT NOT NULL, site_id TEXT, material TEXT, occurred_date TEXT, "
        f"mass_g {big})"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS view_collection_sources_date "
        "ON view_collection_sources (occurred_date)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_commune_populations (year INTEGER NOT NULL, "
        f"commune_insee TEXT NOT NULL, name TEXT, population {big}, source TEXT, "
        "PRIMARY KEY (year, commune_insee))"
    )


class TerritoriesView:
    """Territories, declared flows, collections' communes, populations."""

    name: ClassVar[str] = "territories"
    tables: ClassVar[tuple[str, ...]] = (
        "view_territory_versions",
        "view_declared_flows",
        "view_declared_flows_now",
        "view_declared_sums",
        "view_collection_sources",
        "view_commune_populations",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        (
            *(f"Territory.{name}" for name in TERRITORY_TOPICS),
            "DeclaredFlow.Declared",
            "DeclaredFlow.Corrected",
            "Batch.Collected",
            "CommunePopulations.Imported",
        )
    )

    def create(self, db: ViewDatabase) -> None:
        create_tables(db)

    def apply(self, db: ViewDatabase, page: Page) -> None:
        territories = Latest(db, "view_territory_versions", "territory_id", TERRITORY_COLUMNS)
        flows = Latest(db, "view_declared_flows", "flow_id", FLOW_COLUMNS)
        sources: list[tuple[Any, ...]] = []
        populations: dict[tuple[int, str], tuple[Any, ...]] = {}
        sums = DeclaredSums()
        for position, event in page:
            topic = topic_name(event)
            if topic.startswith("Territory."):
                territories.add(territory_row(territories, position, event))
            elif topic.startswith("DeclaredFlow."):
                declared(flows, sums, position, event)
            elif topic == "Batch.Collected" and event.source_commune_insee:
                sources.append(source_row(event))
            elif topic == "CommunePopulations.Imported":
                for code, name, population in event.communes:
                    populations[(event.year, code)] = (
                        event.year,
                        code,
                        name,
                        population,
                        event.source,
                    )
        territories.write()
        flows.write()
        updates = ", ".join(f"{c} = excluded.{c}" for c in FLOW_COLUMNS[1:])
        db.insert_many(
            "view_declared_flows_now",
            FLOW_COLUMNS,
            [tuple(row[c] for c in FLOW_COLUMNS) for row in flows.rows.values()],
            f"ON CONFLICT (flow_id) DO UPDATE SET {updates}",
        )
        sums.write(db)
        db.insert_many(
            "view_collection_sources",
            SOURCE_COLUMNS,
            sources,
            "ON CONFLICT (batch_id) DO NOTHING",
        )
        db.insert_many(
            "view_commune_populations",
            ("year", "commune_insee", "name", "population", "source"),
            list(populations.values()),
            "ON CONFLICT (year, commune_insee) DO UPDATE SET name = excluded.name, "
            "population = excluded.population, source = excluded.source",
        )


class Latest:
    """The last row of each key (a territory, a flow), loaded when needed, and the new rows."""

    def __init__(self, db: ViewDatabase, table: str, key: str, columns: tuple[str, ...]) -> None:
        self.db, self.table, self.key, self.columns = db, table, key, columns
        self.rows: dict[str, Row] = {}
        self.new: list[tuple[Any, ...]] = []

    def get(self, key: str) -> Row:
        found = self.rows.get(key)
        if found is None:
            names = ", ".join(self.columns)
            rows = self.db.query(
                f"SELECT {names} FROM {self.table} WHERE {self.key} = ? "
                "ORDER BY version DESC LIMIT 1",
                (key,),
            )
            found = dict(zip(self.columns, rows[0], strict=True)) if rows else {}
        return dict(found)

    def add(self, row: Row) -> None:
        self.rows[row[self.key]] = row
        self.new.append(tuple(row[c] for c in self.columns))

    def write(self) -> None:
        conflict = f"ON CONFLICT ({self.key}, version) DO NOTHING"
        self.db.insert_many(self.table, self.columns, self.new, conflict)


def territory_row(latest: Latest, position: int, event: Any) -> Row:
    """The territory's whole state after the event (``main`` is the one first ``Defined``)."""
    territory_id = str(event.originator_id)
    row = latest.get(territory_id)
    if not row:
        code = event.code if topic_name(event) == "Territory.Registered" else "main"
        row = {"code": code, "parent": None, "population": "{}", "gdp_eur": "{}", "traced": "[]"}
    row.update(
        territory_id=territory_id,
        version=event.originator_version,
        position=position,
        recorded_at=utc_text(event.timestamp),
    )
    if hasattr(event, "communes_insee"):
        row["name"] = event.name
        row["communes"] = json.dumps(sorted(event.communes_insee))
    if topic_name(event) == "Territory.Described":
        row["parent"] = event.parent
        row["population"] = json.dumps(event.population, sort_keys=True)
        row["gdp_eur"] = json.dumps(event.gdp_eur, sort_keys=True)
        row["traced"] = json.dumps(sorted(event.traced_categories))
    return row


SUM_KEY = ("territory", "year", "direction", "category", "partner", "carrier", "source", "quality")
SUM_COLUMNS = (*SUM_KEY, "flows", "mass_g", "energy_kj", "bare_g")


class DeclaredSums:
    """A page's changes to the sums of declared flows as they are now: a correction takes its
    flow's previous version out and puts the new one in."""

    def __init__(self) -> None:
        self.deltas: dict[tuple[Any, ...], list[int]] = {}

    def add(self, row: Row, sign: int) -> None:
        if not row:
            return
        key = tuple("" if row[c] is None else row[c] for c in SUM_KEY)
        found = self.deltas.setdefault(key, [0, 0, 0, 0])
        energy = row["energy_kj"]
        found[0] += sign
        found[1] += sign * row["mass_g"]
        found[2] += sign * (energy or 0)
        found[3] += sign * (row["mass_g"] if energy is None else 0)

    def write(self, db: ViewDatabase) -> None:
        rows = [(*key, *values) for key, values in sorted(self.deltas.items()) if any(values)]
        sums = ", ".join(f"{c} = view_declared_sums.{c} + excluded.{c}" for c in SUM_COLUMNS[8:])
        conflict = f"ON CONFLICT ({', '.join(SUM_KEY)}) DO UPDATE SET {sums}"
        db.insert_many("view_declared_sums", SUM_COLUMNS, rows, conflict)


def source_row(event: Any) -> tuple[Any, ...]:
    """A collection from a named commune, as collected (later corrections are not followed)."""
    return (
        str(event.originator_id),
        event.source_commune_insee,
        str(event.site_id),
        event.material,
        paris_date(event.occurred_at),
        event.mass_g,
    )


def declared(flows: Latest, sums: DeclaredSums, position: int, event: Any) -> None:
    """A flow declared or corrected: its new version, and the sums as they are now."""
    first = event.originator_version == 1
    previous = {} if first else flows.get(str(event.originator_id))
    row = flow_row(previous, position, event)
    sums.add(previous, -1)
    sums.add(row, 1)
    flows.add(row)


def flow_row(previous: Row, position: int, event: Any) -> Row:
    """The flow's whole state after the event (``previous``: before a correction)."""
    flow_id = str(event.originator_id)
    if topic_name(event) == "DeclaredFlow.Declared":
        row: Row = {name: getattr(event, name) for name in FACTS}
        row["territory"] = event.territory
    else:
        row = {**previous, **event.changes}
    row.update(
        flow_id=flow_id,
        version=event.originator_version,
        position=position,
        recorded_at=utc_text(event.timestamp),
    )
    declared = row["energy_carrier"]
    row["energy_carrier"] = None if declared is None else int(bool(declared))
    carrier = is_energy_carrier_by_default(row["category"]) if declared is None else declared
    row["carrier"] = int(bool(carrier))
    return row
