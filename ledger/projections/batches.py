"""The batches view: each batch's current state (for stock), the flow facts, the lineage edges.

Flows and stock need the same running state of each batch (material, mass, site), so they are
fed together, in one view with one position. A page of events is applied in memory to the
batches it touches (loaded in one query) and written back with a few bulk statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from ledger.domain.catalogue import ENERGY_ROUTES, Catalogue
from ledger.domain.energy import energy_kj
from ledger.projections.base import Page, paris_date, topic_name, utc_text
from ledger.projections.db import ViewDatabase

BATCH_COLUMNS = (
    "batch_id",
    "label_code",
    "material",
    "filiere",
    "mass_g",
    "site_id",
    "holder_id",
    "destination_site_id",
    "state",
    "moisture_bp",
    "occurred_at",
    "mass_version",
)
FLOW_COLUMNS = (
    "position",
    "batch_id",
    "version",
    "kind",
    "occurred_at",
    "occurred_date",
    "site_id",
    "other_site_id",
    "organisation_id",
    "material",
    "filiere",
    "route",
    "process",
    "transformation_id",
    "mass_g",
    "reference_g",
    "energy_kj",
    "outlet_country",
)
Row = dict[str, Any]


def create_tables(db: ViewDatabase) -> None:
    big = db.big_integer
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_batches (batch_id TEXT PRIMARY KEY, label_code TEXT, "
        f"material TEXT, filiere TEXT, mass_g {big}, site_id TEXT, holder_id TEXT, "
        "destination_site_id TEXT, state TEXT, moisture_bp INTEGER, occurred_at TEXT, "
        "mass_version INTEGER)"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS view_batches_stock ON view_batches (site_id, material) "
        "WHERE state IN ('held', 'in_transit')"
    )
    db.execute(
        f"CREATE TABLE IF NOT EXISTS view_flows (position {big}, batch_id TEXT, "
        "version INTEGER, kind TEXT, occurred_at TEXT, occurred_date TEXT, site_id TEXT, "
        "other_site_id TEXT, organisation_id TEXT, material TEXT, filiere TEXT, route TEXT, "
        f"process TEXT, transformation_id TEXT, mass_g {big}, reference_g {big}, "
        f"energy_kj {big}, outlet_country TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS view_flows_date ON view_flows (occurred_date, kind)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_lineage (parent_id TEXT, child_id TEXT, "
        "transformation_id TEXT, process TEXT, PRIMARY KEY (parent_id, child_id))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS view_lineage_child ON view_lineage (child_id)")


class BatchesView:
    """Batch state, flow facts and lineage edges, fed from batch events."""

    name: ClassVar[str] = "batches"
    tables: ClassVar[tuple[str, ...]] = ("view_batches", "view_flows", "view_lineage")

    def __init__(self, catalogue: Callable[[], Catalogue]) -> None:
        self.catalogue = catalogue

    def create(self, db: ViewDatabase) -> None:
        create_tables(db)

    def apply(self, db: ViewDatabase, page: Page) -> None:
        events = [(p, e) for p, e in page if topic_name(e).startswith("Batch.")]
        if not events:
            return
        batches = self.load(db, {str(e.originator_id) for _, e in events})
        page_state = PageState(batches, self.catalogue())
        for position, event in events:
            page_state.apply(position, event)
        self.write(db, page_state)

    @staticmethod
    def load(db: ViewDatabase, batch_ids: set[str]) -> dict[str, Row]:
        found: dict[str, Row] = {}
        ids = sorted(batch_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = db.query(
                f"SELECT {', '.join(BATCH_COLUMNS)} FROM view_batches WHERE batch_id IN ({marks})",
                chunk,
            )
            for row in rows:
                found[row[0]] = dict(zip(BATCH_COLUMNS, row, strict=True))
        return found

    @staticmethod
    def write(db: ViewDatabase, state: PageState) -> None:
        updates = ", ".join(f"{c} = excluded.{c}" for c in BATCH_COLUMNS[1:])
        db.executemany(
            f"INSERT INTO view_batches ({', '.join(BATCH_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(BATCH_COLUMNS))}) "
            f"ON CONFLICT (batch_id) DO UPDATE SET {updates}",
            [tuple(state.batches[i][c] for c in BATCH_COLUMNS) for i in sorted(state.changed)],
        )
        db.executemany(
            f"INSERT INTO view_flows ({', '.join(FLOW_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(FLOW_COLUMNS))})",
            state.flows,
        )
        db.executemany(
            "INSERT INTO view_lineage VALUES (?, ?, ?, ?) "
            "ON CONFLICT (parent_id, child_id) DO NOTHING",
            state.edges,
        )


class PageState:
    """The batches a page touches, changed in memory, and the facts the page produces."""

    def __init__(self, batches: dict[str, Row], catalogue: Catalogue) -> None:
        self.batches = batches
        self.catalogue = catalogue
        self.changed: set[str] = set()
        self.flows: list[tuple[Any, ...]] = []
        self.edges: list[tuple[str, str, str, str]] = []

    def apply(self, position: int, event: Any) -> None:
        handler = getattr(self, "on_" + type(event).__name__.lower(), None)
        batch_id = str(event.originator_id)
        creates = event.originator_version == 1
        if handler is None or (batch_id not in self.batches and not creates):
            return
        handler(position, batch_id, event)
        self.changed.add(batch_id)

    def fact(self, position: int, event: Any, batch: Row, kind: str, **fields: Any) -> None:
        fact = {
            "position": position,
            "batch_id": batch["batch_id"],
            "version": event.originator_version,
            "kind": kind,
            "occurred_at": utc_text(event.occurred_at),
            "occurred_date": paris_date(event.occurred_at),
            "site_id": batch["site_id"],
            "other_site_id": None,
            "organisation_id": batch["holder_id"],
            "material": batch["material"],
            "filiere": batch["filiere"],
            "route": self.route(batch["material"]),
            "process": None,
            "transformation_id": None,
            "mass_g": batch["mass_g"],
            "reference_g": None,
            "energy_kj": None,
            "outlet_country": None,
        }
        fact.update(fields)
        self.flows.append(tuple(fact[c] for c in FLOW_COLUMNS))

    def route(self, material: str) -> str | None:
        return self.catalogue.get(material).route if material in self.catalogue else None

    def begin(self, batch_id: str, event: Any) -> Row:
        material = event.material
        filiere = self.catalogue.get(material).filiere if material in self.catalogue else None
        batch = {
            "batch_id": batch_id,
            "label_code": event.label_code,
            "material": material,
            "filiere": filiere,
            "mass_g": event.mass_g,
            "site_id": str(event.site_id),
            "holder_id": str(event.holder_id),
            "destination_site_id": None,
            "state": "held",
            "moisture_bp": event.moisture_bp,
            "occurred_at": utc_text(event.occurred_at),
            "mass_version": 1,
        }
        self.batches[batch_id] = batch
        return batch

    # -- one method per batch event ------------------------------------------------------

    def on_collected(self, position: int, batch_id: str, event: Any) -> None:
        self.fact(position, event, self.begin(batch_id, event), "collected")

    def on_produced(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.begin(batch_id, event)
        transformation = str(event.transformation_id)
        self.fact(
            position,
            event,
            batch,
            "produced",
            process=event.process,
            transformation_id=transformation,
        )
        for parent in event.parents:
            self.edges.append((str(parent), batch_id, transformation, event.process))

    def on_weighed(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        self.fact(position, event, batch, "adjusted", mass_g=batch["mass_g"] - event.mass_g)
        batch.update(mass_g=event.mass_g, mass_version=event.originator_version)

    def on_labelled(self, position: int, batch_id: str, event: Any) -> None:
        self.batches[batch_id]["label_code"] = event.label_code

    def on_dispatched(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        self.fact(position, event, batch, "dispatched", other_site_id=str(event.to_site_id))
        batch.update(state="in_transit", destination_site_id=str(event.to_site_id))

    def on_received(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        from_site = batch["site_id"]
        batch.update(
            state="held",
            site_id=str(event.site_id),
            holder_id=str(event.holder_id),
            destination_site_id=None,
            mass_g=event.mass_g,
            mass_version=event.originator_version,
        )
        self.fact(
            position,
            event,
            batch,
            "received",
            other_site_id=from_site,
            reference_g=event.dispatched_mass_g,
        )

    def on_consumed(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        self.fact(
            position,
            event,
            batch,
            "consumed",
            process=event.process,
            transformation_id=str(event.transformation_id),
        )
        batch["state"] = "consumed"

    def on_valorised(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        if event.mass_g != batch["mass_g"]:  # weighed again at the outlet
            self.fact(position, event, batch, "adjusted", mass_g=batch["mass_g"] - event.mass_g)
        energy = None
        if event.route in ENERGY_ROUTES and batch["material"] in self.catalogue:
            material = self.catalogue.get(batch["material"])
            energy = energy_kj(event.mass_g, material, batch["moisture_bp"])
        self.fact(
            position,
            event,
            batch,
            "valorised",
            route=event.route,
            mass_g=event.mass_g,
            other_site_id=str(event.outlet_site_id) if event.outlet_site_id else None,
            outlet_country=event.outlet_country,
            energy_kj=energy,
        )
        batch.update(state="valorised", mass_g=event.mass_g, mass_version=event.originator_version)

    def on_corrected(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        if event.material is not None:
            batch["material"] = event.material
            batch["filiere"] = self.catalogue.get(event.material).filiere
        corrects_current = event.corrects_version == batch["mass_version"]
        if (
            event.mass_g is not None
            and corrects_current
            and batch["state"] in ("held", "in_transit")
        ):
            # a mistaken mass found later counts as an adjustment when it is found (DESIGN §5)
            delta = event.previous["mass_g"] - event.mass_g
            self.fact(position, event, batch, "adjusted", mass_g=delta)
            batch["mass_g"] = event.mass_g
