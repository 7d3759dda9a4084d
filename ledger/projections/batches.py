"""The batches view: each batch's current state (for stock), the flow facts, the lineage edges.

Flows and stock need the same running state of each batch (material, mass, site), so they are
fed together, in one view with one position. A page of events is applied in memory to the
batches it touches (loaded in one query) and written back with a few bulk statements.

The per-event work is kept small because it is most of a catch-up's time: handlers are found
once per event class, each flow fact is built as a tuple in column order, and the text forms of
ids and times, which repeat (sites, organisations, a batch met again, a transformation's time),
come from small caches kept across pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from ledger.domain.catalogue import ENERGY_ROUTES, Catalogue
from ledger.domain.energy import energy_kj
from ledger.projections.base import Page, paris_date, topic_name, utc_text
from ledger.projections.db import ViewDatabase
from ledger.projections.flow_sums import (
    FACTS_BY_SITE,
    FLOW_COLUMNS,
    INSIDE_SITES_TABLE,
    SUMMARIES,
    add_month_sums,
    refresh_inside,
)
from ledger.projections.flow_sums import create_table as create_month_table

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
Row = dict[str, Any]
History = Callable[[ViewDatabase, str, int], list[Any]]  # a batch's events, versions 1..n
# A flow fact's identity, for restatements: every column but the position, the amounts and the
# time of recording (FLOW_COLUMNS indices).
KEY = (*range(1, 14), 17)
LINEAGE_KEY = "view_lineage_edge"  # the unique index of the edges (parent, child)
AMOUNTS = (14, 15, 16)


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
        f"energy_kj {big}, outlet_country TEXT, recorded_at TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS view_flows_date ON view_flows (occurred_date, kind)")
    # The days of a partial month at a period's edges, read from the territory's sites (every
    # figure starts from them): a figure from 15 March to 20 June reads the facts of the inside
    # sites on those 37 days, not every fact of the nation on them.
    db.execute(f"CREATE INDEX IF NOT EXISTS {FACTS_BY_SITE} ON view_flows (site_id, occurred_date)")
    # Valorisations at an inside outlet of batches held outside (imports), by day: the few
    # facts of that kind, without the rest of the days' facts.
    db.execute(
        "CREATE INDEX IF NOT EXISTS view_flows_valorised ON view_flows (occurred_date) "
        "WHERE kind = 'valorised'"
    )
    create_month_table(db)
    # Edges by parent only: no reader looks a batch's parents up here (lineage answers come
    # from the batches' own events), and a second index of random ids cost a catch-up ~5 %.
    # The edges' key is a unique index rather than the table's primary key, so that a rebuild
    # appends the edges (a sorting has a hundred parents or more) and sorts them once at its
    # end (``deferred_indexes``).
    db.execute(
        "CREATE TABLE IF NOT EXISTS view_lineage (parent_id TEXT NOT NULL, "
        "child_id TEXT NOT NULL, transformation_id TEXT, process TEXT)"
    )
    db.execute(
        f"CREATE UNIQUE INDEX IF NOT EXISTS {LINEAGE_KEY} ON view_lineage (parent_id, child_id)"
    )


def material_used(db: ViewDatabase, code: str) -> bool:
    """Whether any batch of the material was recorded (now or before a correction)."""
    for table in ("view_batches", "view_flows"):
        if db.scalar(f"SELECT 1 FROM {table} WHERE material = ? LIMIT 1", (code,)):
            return True
    return False


class TextCache:
    """Text forms of ids and times, kept across pages (bounded: cleared when full)."""

    limit = 100_000

    def __init__(self) -> None:
        self.ids: dict[Any, str] = {}  # by the UUID's int: UUID's own hash and == are Python
        self.times: dict[datetime, tuple[str, str]] = {}

    def id(self, value: UUID | str) -> str:
        try:
            key: Any = value.int  # type: ignore[union-attr]
        except AttributeError:  # ids that are text already
            key = value
        text = self.ids.get(key)
        if text is None:
            if len(self.ids) >= self.limit:
                self.ids.clear()
            text = self.ids[key] = str(value)
        return text

    def time(self, moment: datetime) -> tuple[str, str]:
        """The UTC text and the Paris date of a time."""
        texts = self.times.get(moment)
        if texts is None:
            if len(self.times) >= self.limit:
                self.times.clear()
            texts = self.times[moment] = (utc_text(moment), paris_date(moment))
        return texts


class BatchesView:
    """Batch state, flow facts and lineage edges, fed from batch events."""

    name: ClassVar[str] = "batches"
    tables: ClassVar[tuple[str, ...]] = (
        "view_batches",
        "view_flows",
        "view_flow_months",
        *(table for table, _, _ in SUMMARIES),
        INSIDE_SITES_TABLE,
        "view_lineage",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        f"Batch.{event}"
        for event in (
            "Collected",
            "Produced",
            "Weighed",
            "Labelled",
            "Dispatched",
            "Received",
            "ReceiptRefused",
            "Consumed",
            "Valorised",
            "Corrected",
        )
    )

    # Indexes of the figures' readers, never read while pages are applied (a page reads its
    # batches by their key, adds to the sums by theirs): a rebuild builds them at its end.
    deferred_indexes: ClassVar[tuple[str, ...]] = (
        "view_batches_stock",
        "view_flows_date",
        FACTS_BY_SITE,
        "view_flows_valorised",
        "view_flow_months_kind",
        LINEAGE_KEY,
    )

    def __init__(self, catalogue: Callable[[], Catalogue], history: History) -> None:
        self.catalogue = catalogue
        self.history = history  # read when a correction restates a batch's facts
        self.text = TextCache()
        self.kinds: dict[type[Any], bool] = {}  # event class → whether it is a batch's

    def create(self, db: ViewDatabase) -> None:
        create_tables(db)

    @staticmethod
    def after_page(db: ViewDatabase) -> None:
        """At the end of every page's transaction, after every view: the territory's summary
        follows its sites even when a page changed them and held no batch's event."""
        refresh_inside(db)

    def apply(self, db: ViewDatabase, page: Page) -> None:
        text_id = self.text.id
        kinds = self.kinds
        events: list[tuple[int, Any, str]] = []
        first: dict[str, Any] = {}  # each batch's first event of the page
        for position, event in page:
            cls = type(event)
            ours = kinds.get(cls)
            if ours is None:
                ours = kinds[cls] = topic_name(event).startswith("Batch.")
            if ours:
                batch_id = text_id(event.originator_id)
                events.append((position, event, batch_id))
                if batch_id not in first:
                    first[batch_id] = event
        if not events:
            return
        # A batch whose first event here creates it is begun afresh: no need to read its row.
        needed = {
            batch_id
            for batch_id, event in first.items()
            if event.originator_version != 1 or type(event).__name__.lower() not in CREATIONS
        }
        batches = self.load(db, needed)
        history = self.history
        page_state = PageState(
            batches, self.catalogue(), self.text, lambda batch, version: history(db, batch, version)
        )
        apply = page_state.apply
        for position, event, batch_id in events:
            apply(position, event, batch_id)
        self.write(db, page_state)

    @staticmethod
    def load(db: ViewDatabase, batch_ids: set[str]) -> dict[str, Row]:
        found: dict[str, Row] = {}
        ids = sorted(batch_ids)
        select = f"SELECT {', '.join(BATCH_COLUMNS)} FROM view_batches WHERE batch_id "
        chunks: list[tuple[str, Sequence[Any]]] = []
        if db.backend == "postgres":  # one array parameter, however many ids
            chunks.append((select + "= ANY(?)", [ids]))
        else:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                chunks.append((select + f"IN ({', '.join('?' * len(chunk))})", chunk))
        for statement, params in chunks:
            for row in db.query(statement, params):
                found[row[0]] = dict(zip(BATCH_COLUMNS, row, strict=True))
        return found

    @staticmethod
    def write(db: ViewDatabase, state: PageState) -> None:
        updates = ", ".join(f"{c} = excluded.{c}" for c in BATCH_COLUMNS[1:])
        batches = state.batches
        db.insert_many(
            "view_batches",
            BATCH_COLUMNS,
            [tuple(batches[i].values()) for i in sorted(state.changed)],
            f"ON CONFLICT (batch_id) DO UPDATE SET {updates}",
        )
        for flows in state.flows.values():  # one shape of row (which columns are NULL) each
            db.insert_many("view_flows", FLOW_COLUMNS, flows)
        add_month_sums(db, state.flows.values())
        if not state.edges:
            return
        # An edge is made only by its child's creation, so the edges of different pages never
        # meet; those of a page are made distinct here (the first of each key is kept). While a
        # rebuild has dropped the edges' unique index they are appended as they are, and the
        # index is built at its end.
        edges = []  # in key order: the index pages are visited in turn
        last = None
        for edge in sorted(state.edges):
            if edge[:2] != last:  # the first of a key, as ON CONFLICT … DO NOTHING keeps it
                edges.append(edge)
                last = edge[:2]
        unique = db.has_index(LINEAGE_KEY)
        conflict = "ON CONFLICT (parent_id, child_id) DO NOTHING" if unique else ""
        db.insert_many(
            "view_lineage",
            ("parent_id", "child_id", "transformation_id", "process"),
            edges,
            conflict,
        )


HANDLED = {event.split(".")[1].lower() for event in BatchesView.topics}
CREATIONS = {"collected", "produced"}  # the handlers that begin a batch (PageState.begin)


class PageState:
    """The batches a page touches, changed in memory, and the facts the page produces.

    A batch is a dict whose keys are ``BATCH_COLUMNS`` in that order (loaded rows and new
    batches alike), so its values are a row of ``view_batches`` as they are.
    """

    def __init__(
        self,
        batches: dict[str, Row],
        catalogue: Catalogue,
        text: TextCache,
        history: Callable[[str, int], list[Any]],
    ) -> None:
        self.batches = batches
        self.catalogue = catalogue
        self.text = text
        self.history = history
        self.changed: set[str] = set()
        self.flows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # by kind
        self.edges: list[tuple[str, str, str, str]] = []
        self.routes: dict[str, str | None] = {}

    # The handler of each event class, found once. Plain functions, kept on the class: bound
    # methods kept on the instance would make each page's state a reference cycle, left for
    # the garbage collector (which the runner pauses during large pages).
    handlers: ClassVar[dict[type[Any], Callable[[PageState, int, str, Any], None] | None]] = {}

    @classmethod
    def handler(cls, event_class: type[Any]) -> Callable[[PageState, int, str, Any], None] | None:
        name = event_class.__name__.lower()
        found = getattr(cls, "on_" + name) if name in HANDLED else None
        cls.handlers[event_class] = found
        return found

    def apply(self, position: int, event: Any, batch_id: str) -> None:
        """Apply one event of the batch ``batch_id`` (the text of its originator id)."""
        cls = type(event)
        handlers = self.handlers
        handler = handlers[cls] if cls in handlers else self.handler(cls)
        creates = event.originator_version == 1
        if handler is None or (batch_id not in self.batches and not creates):
            return
        handler(self, position, batch_id, event)
        self.changed.add(batch_id)

    def fact(
        self,
        position: int,
        event: Any,
        batch: Row,
        kind: str,
        mass_g: int,
        route: str | None,
        other_site_id: str | None = None,
        process: str | None = None,
        transformation_id: str | None = None,
        reference_g: int | None = None,
        energy_kj: int | None = None,
        outlet_country: str | None = None,
    ) -> None:
        """A row of ``view_flows``, in ``FLOW_COLUMNS`` order."""
        occurred_at, occurred_date = self.text.time(event.occurred_at)
        self.flows[kind].append(
            (
                position,
                batch["batch_id"],
                event.originator_version,
                kind,
                occurred_at,
                occurred_date,
                batch["site_id"],
                other_site_id,
                batch["holder_id"],
                batch["material"],
                batch["filiere"],
                route,
                process,
                transformation_id,
                mass_g,
                reference_g,
                energy_kj,
                outlet_country,
                utc_text(event.timestamp),
            )
        )

    def adjust(self, position: int, event: Any, batch: Row, delta_g: int) -> None:
        """Mass that went (or, negative, appeared): on the road, the fact names where the batch
        was going, so that an adjustment on the way out of the territory is no loss of it."""
        route = self.route(batch["material"])
        destination = batch["destination_site_id"]  # set only while in transit
        self.fact(position, event, batch, "adjusted", delta_g, route, other_site_id=destination)

    def route(self, material: str) -> str | None:
        try:
            return self.routes[material]
        except KeyError:
            found = self.catalogue.get(material).route if material in self.catalogue else None
            self.routes[material] = found
            return found

    def begin(self, batch_id: str, event: Any) -> Row:
        material = event.material
        filiere = self.catalogue.get(material).filiere if material in self.catalogue else None
        text_id = self.text.id
        batch = {  # BATCH_COLUMNS, in order
            "batch_id": batch_id,
            "label_code": event.label_code,
            "material": material,
            "filiere": filiere,
            "mass_g": event.mass_g,
            "site_id": text_id(event.site_id),
            "holder_id": text_id(event.holder_id),
            "destination_site_id": None,
            "state": "held",
            "moisture_bp": event.moisture_bp,
            "occurred_at": self.text.time(event.occurred_at)[0],
            "mass_version": 1,
        }
        self.batches[batch_id] = batch
        return batch

    # -- one method per batch event ------------------------------------------------------

    def on_collected(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.begin(batch_id, event)
        self.fact(position, event, batch, "collected", batch["mass_g"], self.route(event.material))

    def on_produced(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.begin(batch_id, event)
        transformation = self.text.id(event.transformation_id)
        self.fact(
            position,
            event,
            batch,
            "produced",
            batch["mass_g"],
            self.route(batch["material"]),
            process=event.process,
            transformation_id=transformation,
        )
        text_id = self.text.id
        for parent in event.parents:
            self.edges.append((text_id(parent), batch_id, transformation, event.process))

    def on_weighed(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        delta = batch["mass_g"] - event.mass_g
        self.adjust(position, event, batch, delta)
        batch["mass_g"] = event.mass_g
        batch["mass_version"] = event.originator_version

    def on_labelled(self, position: int, batch_id: str, event: Any) -> None:
        self.batches[batch_id]["label_code"] = event.label_code

    def on_dispatched(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        to_site = self.text.id(event.to_site_id)
        self.fact(
            position,
            event,
            batch,
            "dispatched",
            batch["mass_g"],
            self.route(batch["material"]),
            other_site_id=to_site,
        )
        batch["state"] = "in_transit"
        batch["destination_site_id"] = to_site

    def on_received(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        from_site = batch["site_id"]
        dispatched_g = batch["mass_g"]  # as it left, corrections included
        text_id = self.text.id
        batch["state"] = "held"
        batch["site_id"] = text_id(event.site_id)
        batch["holder_id"] = text_id(event.holder_id)
        batch["destination_site_id"] = None
        batch["mass_g"] = event.mass_g
        batch["mass_version"] = event.originator_version
        self.fact(
            position,
            event,
            batch,
            "received",
            batch["mass_g"],
            self.route(batch["material"]),
            other_site_id=from_site,
            reference_g=dispatched_g,
        )

    def on_receiptrefused(self, position: int, batch_id: str, event: Any) -> None:
        """The refused dispatch is restated away (as if never sent: no transfer, no export),
        and a fact of no mass says the batch is held again at the site it left."""
        batch = self.batches[batch_id]
        recorded_at = utc_text(event.timestamp)
        for fact in self.dispatch_facts(batch_id, event):
            amounts = tuple(None if a is None else -a for a in fact[14:17])
            self.flows["refused.dispatched"].append(
                (position, *fact[1:14], *amounts, fact[17], recorded_at)
            )
        batch["state"] = "held"
        batch["destination_site_id"] = None
        refused_site = self.text.id(event.refused_site_id)
        route = self.route(batch["material"])
        self.fact(position, event, batch, "refused", 0, route, other_site_id=refused_site)

    def dispatch_facts(self, batch_id: str, event: Any) -> list[tuple[Any, ...]]:
        """The facts of the refused dispatch, as they stand now (corrections included)."""
        events = self.history(batch_id, event.originator_version)[:-1]
        adjusting = Replay(self.catalogue, self.text, {}).run(batch_id, events).adjusting
        replay = Replay(self.catalogue, self.text, patches(events, adjusting))
        return replay.run(batch_id, events).dispatch_facts(batch_id, event)

    def on_consumed(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        self.fact(
            position,
            event,
            batch,
            "consumed",
            batch["mass_g"],
            self.route(batch["material"]),
            process=event.process,
            transformation_id=self.text.id(event.transformation_id),
        )
        batch["state"] = "consumed"

    def on_valorised(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        if event.mass_g != batch["mass_g"]:  # weighed again at the outlet
            delta = batch["mass_g"] - event.mass_g
            self.adjust(position, event, batch, delta)
        energy = None
        if event.route in ENERGY_ROUTES and batch["material"] in self.catalogue:
            material = self.catalogue.get(batch["material"])
            energy = energy_kj(event.mass_g, material, batch["moisture_bp"])
        self.fact(
            position,
            event,
            batch,
            "valorised",
            event.mass_g,
            event.route,
            other_site_id=self.text.id(event.outlet_site_id) if event.outlet_site_id else None,
            outlet_country=event.outlet_country,
            energy_kj=energy,
        )
        batch["state"] = "valorised"
        batch["mass_g"] = event.mass_g
        batch["mass_version"] = event.originator_version

    def on_corrected(self, position: int, batch_id: str, event: Any) -> None:
        """Restate the batch's facts as if the corrected values had been recorded at first.

        The facts the batch's events give with this correction, less those they gave without
        it, are appended at the correction's position and recording time: the view stays an
        append-only ledger (what was known at any time is the sum of the facts recorded by
        then), and every indicator sums corrected values.
        """
        events = self.history(batch_id, event.originator_version)
        adjusting = Replay(self.catalogue, self.text, {}).run(batch_id, events).adjusting
        before = Replay(self.catalogue, self.text, patches(events[:-1], adjusting))
        after = Replay(self.catalogue, self.text, patches(events, adjusting))
        before.run(batch_id, events[:-1])
        after.run(batch_id, events)
        recorded_at = utc_text(event.timestamp)
        for fact in difference(before.facts(), after.facts()):
            self.flows["restated." + fact[3]].append((position, *fact[1:-1], recorded_at))
        self.batches[batch_id] = after.batches[batch_id]


class Replay(PageState):
    """A batch's events applied again, with the corrected values in place of the originals.

    The rule of corrections, for every figure (``ledger.audit.bundle_verifier`` applies the
    same to the events of an evidence bundle): a correction of the mass the batch holds now
    (of the event that set its current mass, while the batch is held or in transit) is a
    re-weighing found later, an adjustment counted in losses when it is made (DESIGN §5), and
    the events before it keep their figures: a sorting keeps its output. Any other correction
    (a mass since re-weighed, received, consumed or sold, a material, a time) restates the
    event it corrects, as if the corrected value had been recorded at first. Which corrections
    adjust is decided on the events as recorded, so a later correction never changes it.
    """

    handlers: ClassVar[dict[type[Any], Callable[[PageState, int, str, Any], None] | None]] = {}

    def __init__(
        self, catalogue: Catalogue, text: TextCache, patches: dict[int, dict[str, Any]]
    ) -> None:
        super().__init__({}, catalogue, text, lambda batch, version: [])
        self.patches = patches
        self.adjusting: dict[int, bool] = {}  # correction's version → whether it adjusts

    def run(self, batch_id: str, events: list[Any]) -> Replay:
        for event in events:
            patch = self.patches.get(event.originator_version)
            if patch:
                changed = object.__new__(type(event))
                object.__setattr__(changed, "__dict__", {**event.__dict__, **patch})
                event = changed
            self.apply(0, event, batch_id)
        return self

    def facts(self) -> list[tuple[Any, ...]]:
        return [fact for facts in self.flows.values() for fact in facts]

    def dispatch_facts(self, batch_id: str, event: Any) -> list[tuple[Any, ...]]:
        version = event.dispatch_version
        return [f for f in self.facts() if f[3] == "dispatched" and f[2] == version]

    def on_corrected(self, position: int, batch_id: str, event: Any) -> None:
        batch = self.batches[batch_id]
        adjusts = (
            event.mass_g is not None
            and event.corrects_version == batch["mass_version"]
            and batch["state"] in ("held", "in_transit")
        )
        self.adjusting[event.originator_version] = adjusts
        if adjusts:
            delta = batch["mass_g"] - event.mass_g
            self.adjust(position, event, batch, delta)
            batch["mass_g"] = event.mass_g


def patches(events: list[Any], adjusting: dict[int, bool]) -> dict[int, dict[str, Any]]:
    """The corrected values of each corrected event (the latest correction wins)."""
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for event in events:
        if type(event).__name__ != "Corrected":
            continue
        patch = found[event.corrects_version]
        if event.material is not None:
            patch["material"] = event.material
        if event.corrected_occurred_at is not None:
            patch["occurred_at"] = event.corrected_occurred_at
        if event.mass_g is not None and not adjusting[event.originator_version]:
            patch["mass_g"] = event.mass_g
    return found


def difference(
    before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Facts that turn the sum of ``before`` into the sum of ``after`` (in a stable order)."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for sign, facts in ((-1, before), (1, after)):
        for fact in facts:
            key = tuple(fact[i] for i in KEY)
            amounts = sums.setdefault(key, [0, None, None])
            for slot, column in enumerate(AMOUNTS):
                if fact[column] is not None:
                    amounts[slot] = (amounts[slot] or 0) + sign * fact[column]
    changed = []
    for key, (mass, reference, energy) in sorted(sums.items(), key=lambda item: repr(item[0])):
        if mass or reference or energy:
            changed.append((None, *key[:13], mass, reference, energy, key[13], None))
    return changed
