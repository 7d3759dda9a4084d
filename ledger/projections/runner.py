"""The projection runner: reads the event log in pages and feeds every view, exactly once.

Each page is applied to every view that has not seen it, and the views' new positions are written
in the same transaction, after re-reading them under the write lock: a crash at any point, a
restart, or two runners at once, neither lose nor double-count an event. SQLite has no
LISTEN/NOTIFY, so a live runner polls the log.

Throughput (bench/projections.py, bench/projections_results.md) comes from doing per page what
the library's runner does per event: one read of the log, one transaction, a few bulk statements
per view. Events no view reads (idempotency records, directory entries, …) are skipped before
decoding, and the others are decoded by :class:`EventDecoder`, the application mapper's own steps
(transcodings, cipher, compressor, upcasters) without its per-event overheads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID, SafeUUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    TranscodingNotRegisteredError,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

try:  # parses a stored event's JSON about three times faster than the json module
    import orjson
except ImportError:  # pragma: no cover (a dependency; the json module does the same, slower)
    orjson = None  # type: ignore[assignment]

from ledger.application.core import LedgerCore
from ledger.projections import failures
from ledger.projections.base import View
from ledger.projections.batches import BatchesView
from ledger.projections.db import ViewDatabase
from ledger.projections.declarations import DeclarationsView
from ledger.projections.registry import RegistryView
from ledger.projections.shapes import settle_shapes
from ledger.projections.territories import TerritoriesView
from ledger.projections.work import WorkView
from ledger.storage.gcpause import paused_gc

# Events per page, and so per view transaction, in a catch-up. The views' indexes of random ids
# are written all over: each commit writes every index page it touched to the WAL, so five times
# fewer commits write about half the WAL per event (SQLite commits: 6.5 → 3.2 µs per event).
# The write lock is held while a page is applied (~0.5 s at this size), not while it is read.
DEFAULT_PAGE_SIZE = 50_000
GC_PAUSE_PAGE_SIZE = 1_000  # pages this large (catch-ups, rebuilds) pause the collector
UUID_CACHE_SIZE = 100_000
UNKNOWN_SAFETY = SafeUUID.unknown  # an enum member: looked up once, not per UUID

Row = tuple[int, Any, int, str, bytes]  # position, originator id, version, topic, state
Events = list[tuple[int, Any]]  # a view's part of a page: (position, decoded event)


LOG = logging.getLogger(__name__)
VIEW_CLASSES: tuple[type[View], ...] = (
    RegistryView,
    BatchesView,
    WorkView,
    DeclarationsView,
    TerritoriesView,
)


def all_views(ledger: LedgerCore) -> list[View]:
    """Every view of the ledger."""
    return [
        RegistryView(),
        BatchesView(ledger.catalogue, BatchHistory(ledger)),
        WorkView(),
        DeclarationsView(),
        TerritoriesView(),
    ]


class FloatFound(Exception):
    """A parsed state holds a float: it is read again by the json module."""


class EventDecoder:
    """Stored events to domain events, exactly as the application's mapper makes them.

    The steps are ``Mapper.to_domain_event``'s (cipher, compressor, transcoder, originator id,
    upcasters from ``class_version``, event object without ``__init__``), with what costs per
    event done once: topics are resolved once each, and the library's ``JSONTranscoder`` is
    replaced by a JSON decoder whose hook turns the library's own ``uuid_hex`` and
    ``datetime_iso`` transcodings into the same objects without a method call, repeated UUIDs
    (sites, organisations, batches met again) coming from a cache. Any other transcoding is called
    as registered; a mapper or transcoder of another class is used as it is.
    """

    def __init__(self, mapper: Mapper[Any], id_type: type[UUID] | type[str]) -> None:
        self.mapper = mapper
        self.id_type = id_type
        self._classes: dict[str, tuple[type[Any], str]] = {}
        self.names: dict[str, str] = {}  # stored topic → event name, for the topics met so far
        self._casts: dict[type[Any], tuple[Callable[[Any], Any], int]] = {}
        self._uuids: dict[str, UUID] = {}
        exact_mapper = type(mapper).to_domain_event is Mapper.to_domain_event
        transcoder = mapper.transcoder
        self._json: json.JSONDecoder | None = None
        self._scan: Callable[[str, int], tuple[Any, int]] = lambda text, index: (None, -1)
        self._hook: Callable[[dict[str, Any]], Any] | None = None
        self._decode_fast: Callable[[bytes], Any] = lambda state: None
        if exact_mapper and type(transcoder) is JSONTranscoder:
            self._hook = self._object_hook(transcoder)
            self._json = json.JSONDecoder(object_hook=self._hook)
            self._scan = self._json.scan_once  # type: ignore[attr-defined]
            if orjson is not None:
                self._decode_fast = self._fast_decoder(transcoder)
        self._fallback = not exact_mapper

    def event_class(self, topic: str) -> tuple[type[Any], str]:
        """The class a stored topic names (renamed topics included) and its qualified name."""
        found = self._classes.get(topic)
        if found is None:
            cls = resolve_topic(topic)
            found = self._classes[topic] = (cls, cls.__qualname__)
            self.names[topic] = cls.__qualname__
        return found

    def uuid(self, hex_text: str) -> UUID:
        """``UUID(hex_text)`` for the 32 hex digits the library stores, built without parsing
        twice and cached (most ids of a page were met before)."""
        found = self._uuids.get(hex_text)
        if found is not None:
            return found
        if len(hex_text) == 32 and hex_text.isascii() and hex_text.isalnum():
            value = int(hex_text, 16)  # hex digits only: what UUID() would accept here
            found = object.__new__(UUID)
            object.__setattr__(found, "int", value)
            object.__setattr__(found, "is_safe", UNKNOWN_SAFETY)
        else:
            found = UUID(hex_text)
        if len(self._uuids) >= UUID_CACHE_SIZE:
            self._uuids.clear()
        self._uuids[hex_text] = found
        return found

    def _object_hook(self, transcoder: JSONTranscoder) -> Callable[[dict[str, Any]], Any]:
        names = transcoder.names
        uuid = self.uuid
        uuids = self._uuids  # cleared in place when full, never replaced
        fromisoformat = datetime.fromisoformat

        def hook(d: dict[str, Any]) -> Any:  # JSONTranscoder._decode_obj, with fast paths
            if len(d) != 2:
                return d
            try:
                name, data = d["_type_"], d["_data_"]
            except KeyError:
                return d
            transcoding = names.get(name)
            if transcoding is None:
                msg = (
                    f"Data serialized with name '{name}' is not deserializable. "
                    "Please register a custom transcoding for this type."
                )
                raise TranscodingNotRegisteredError(msg)
            if type(data) is str:
                kind = type(transcoding)
                if kind is UUIDAsHex:
                    found = uuids.get(data)
                    return found if found is not None else uuid(data)
                if kind is DatetimeAsISO:
                    return fromisoformat(data)
            return transcoding.decode(data)

        return hook

    def _fast_decoder(self, transcoder: JSONTranscoder) -> Callable[[bytes], Any]:
        """A stored event's state parsed by orjson, then given to the hook bottom-up, object by
        object, as the json module's decoder does while it parses (``_decode_json``); the
        library's ``uuid_hex`` and ``datetime_iso`` objects are replaced in line.

        Only a JSON object without floats is taken this way (orjson reads an integer beyond
        64 bits as a float, the json module as an int; the ledger's events have no floats);
        anything orjson refuses (``NaN``, invalid UTF-8, a lone surrogate…) or a hook's error
        also gives ``None``: the caller then decodes the state the json module's way, with its
        results and its errors.
        """
        assert orjson is not None
        loads = orjson.loads
        names = transcoder.names
        uuid = self.uuid
        uuids = self._uuids  # cleared in place when full, never replaced
        fromisoformat = datetime.fromisoformat
        hook = self._hook
        assert hook is not None

        def convert(value: Any) -> Any:
            """An object or array with the hook applied to each object inside it, innermost
            first, and to the object itself (arrays are changed in place)."""
            if type(value) is list:
                for index, item in enumerate(value):
                    kind = type(item)
                    if kind is dict:
                        if len(item) == 2:
                            data = item.get("_data_")
                            if type(data) is str:
                                transcoding = type(names.get(item.get("_type_")))
                                if transcoding is UUIDAsHex:
                                    found = uuids.get(data)
                                    value[index] = found if found is not None else uuid(data)
                                    continue
                                if transcoding is DatetimeAsISO:
                                    value[index] = fromisoformat(data)
                                    continue
                        value[index] = convert(item)
                    elif kind is list:
                        convert(item)
                    elif kind is float:
                        raise FloatFound
                return value
            decode_values(value)
            return hook(value)

        def decode_values(value: dict[str, Any]) -> None:
            """``convert`` of each value of an object (replacing values only: the object keeps
            its size while it is iterated). The library's two transcodings are in line: an
            object of a ``_type_`` registered as them and a string ``_data_``, the hook's
            own fast paths."""
            for key, item in value.items():
                kind = type(item)
                if kind is dict:
                    if len(item) == 2:
                        data = item.get("_data_")
                        if type(data) is str:
                            transcoding = type(names.get(item.get("_type_")))
                            if transcoding is UUIDAsHex:
                                found = uuids.get(data)
                                value[key] = found if found is not None else uuid(data)
                                continue
                            if transcoding is DatetimeAsISO:
                                value[key] = fromisoformat(data)
                                continue
                    value[key] = convert(item)
                elif kind is list:
                    convert(item)
                elif kind is float:
                    raise FloatFound

        def decode(state: bytes) -> Any:
            try:
                value = loads(state)
                if type(value) is not dict or ("_type_" in value and "_data_" in value):
                    return None  # not an event's state (or one the hook itself would replace)
                decode_values(value)
            except Exception:
                return None
            return value

        return decode

    def _decode_json(self, text: str) -> Any:
        """``JSONDecoder.decode`` without its two Python calls and regular expression per
        event when the text is one JSON value and nothing else, as stored events are."""
        assert self._json is not None
        try:
            value, end = self._scan(text, 0)
        except StopIteration:
            end = -1
        if end != len(text):  # anything unusual: the decoder's own way, and its errors
            value = self._json.decode(text)
        return value

    def decode(self, originator_id: Any, version: int, topic: str, state: bytes) -> Any:
        """One domain event from the columns of its stored event."""
        mapper = self.mapper
        if self._fallback:
            stored = StoredEvent(originator_id, version, topic, state)
            return mapper.to_domain_event(stored)
        cls = self.event_class(topic)[0]
        conversion = self._casts.get(cls)
        if conversion is None:
            convertor = find_id_convertor(cast(Hashable, cls), cast(Hashable, self.id_type))
            conversion = (convertor, getattr(cls, "class_version", 1))
            self._casts[cls] = conversion
        try:
            if mapper.cipher:
                state = mapper.cipher.decrypt(state)
            if mapper.compressor:
                state = mapper.compressor.decompress(state)
            if self._json is not None:
                fast = self._decode_fast(state)
                event_state: dict[str, Any] = (
                    fast if fast is not None else self._decode_json(state.decode("utf8"))
                )
            else:
                event_state = mapper.transcoder.decode(state)
        except Exception as error:
            msg = (
                f"Failed to deserialise state of stored event with topic '{topic}', "
                f"originator_id '{originator_id}' and originator_version {version}: {error}"
            )
            raise MapperDeserialisationError(msg) from error
        event_state["originator_id"] = conversion[0](originator_id)
        event_state["originator_version"] = version
        class_version = conversion[1]
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:  # the upcasters, as the library runs them
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", event_state)
        return event


class EventReader:
    """Pages of the event log as plain rows, read straight from the library's events table.

    The library's ``select_notifications`` builds a ``Notification`` (a frozen dataclass) and a
    ``UUID`` for every event; here ids are made only for the events some view decodes.
    PostgreSQL sends the rows in binary (no hex-escaped ``bytea``).
    """

    def __init__(self, ledger: LedgerCore, db: ViewDatabase) -> None:
        self.db = db
        log = ledger.event_log
        self.backend = log.backend
        position = log.position_column
        self.statement = (
            f"SELECT {position}, originator_id, originator_version, topic, {{state}} "
            f"FROM {log.table} WHERE {position} > ? ORDER BY {position} LIMIT ?"
        )
        # On SQLite ids are stored as hex text; the recorder turns them into UUIDs (or not).
        id_type = getattr(log.datastore, "originator_id_type", "uuid")
        self.hex_ids = self.backend == "sqlite" and id_type == "uuid"
        self.id_type: type[UUID] | type[str] = UUID if id_type == "uuid" else str

    def read(self, after: int, limit: int, unread: Sequence[str] = ()) -> list[Row]:
        """The events after position ``after``, at most ``limit``, in order; the state of
        events of the ``unread`` topics is not read (``None``: it stays on disk)."""
        state = "state"
        params: list[Any] = []
        if unread and self.backend == "postgres":
            state = "CASE WHEN topic = ANY(?) THEN NULL ELSE state END"
            params.append(list(unread))
        elif unread:
            state = f"CASE WHEN topic IN ({', '.join('?' * len(unread))}) THEN NULL ELSE state END"
            params.extend(unread)
        return self.db.query_binary(self.statement.format(state=state), (*params, after, limit))


class BatchHistory:
    """A batch's stored events up to a version, decoded as pages are (read when a correction
    restates the batch's facts, in the view's transaction)."""

    def __init__(self, ledger: LedgerCore) -> None:
        log = ledger.event_log
        self.statement = (
            f"SELECT originator_version, topic, state FROM {log.table} "
            "WHERE originator_id = ? AND originator_version <= ? ORDER BY originator_version"
        )
        id_type = getattr(log.datastore, "originator_id_type", "uuid")
        self.stored_as_hex = log.backend == "sqlite" and id_type == "uuid"
        self.decoder = EventDecoder(ledger.mapper, UUID if id_type == "uuid" else str)

    def __call__(self, db: ViewDatabase, batch_id: str, version: int) -> list[Any]:
        originator: Any = UUID(batch_id) if self.decoder.id_type is UUID else batch_id
        stored = originator.hex if self.stored_as_hex else originator
        rows = db.query_binary(self.statement, (stored, version))
        decode = self.decoder.decode
        return [decode(originator, v, topic, bytes(state)) for v, topic, state in rows]


@dataclass(frozen=True)
class DecodedPage:
    """A page of the log: read after ``start`` up to ``last``, with the events views read."""

    start: int
    last: int
    count: int  # events read, decoded or not
    events: dict[str, Events]  # each view's (position, event), for the views behind when read


class _RollBack(Exception):
    """Leave a transaction without keeping what was done in it."""


class ProjectionRunner:
    """Feeds the views from the ledger's event log."""

    def __init__(
        self,
        ledger: LedgerCore,
        views: Sequence[View] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        retry_failed: bool = True,
    ) -> None:
        self.ledger = ledger
        self.views = list(views) if views is not None else all_views(ledger)
        self.page_size = page_size
        self.db = ViewDatabase(ledger.settings, bulk=True)
        self.reader = EventReader(ledger, self.db)
        self.decoder = EventDecoder(ledger.mapper, self.reader.id_type)
        self.topics: frozenset[str] = frozenset().union(*(view.topics for view in self.views))
        self.unread: tuple[str, ...] = ()  # stored topics no view reads: their state is not read
        self.failed: dict[str, failures.Failure] = {}
        self.setup(retry_failed)

    def close(self) -> None:
        self.db.close()

    def setup(self, retry_failed: bool = True) -> None:
        """Create the position table and the views' tables if they are missing, and rebuild
        the views whose tables have another shape than the code's (an upgrade). Views that
        stopped on an event are tried again (``retry_failed``), or stay stopped.

        An index missing from a full table (a rebuild that stopped before its end, an upgrade)
        is built here over the whole table: its sort goes to files, as at a rebuild's end."""
        with self.db.sorting_on_disk(), self.db.transaction():
            failures.create_table(self.db)
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS view_positions (name TEXT PRIMARY KEY, "
                f"position {self.db.big_integer} NOT NULL)"
            )
            for name in settle_shapes(self.db, self.views):
                LOG.warning("view %s: its tables changed shape; it is rebuilt from the log", name)
            for view in self.views:
                view.create(self.db)
                self.db.execute(
                    "INSERT INTO view_positions VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
                    (view.name,),
                )
        if retry_failed:
            failures.clear(self.db, [view.name for view in self.views])
        else:
            self.failed = failures.failures(self.db)

    @property
    def active(self) -> list[View]:
        """The views that are not stopped on an event."""
        return [view for view in self.views if view.name not in self.failed]

    def positions(self) -> dict[str, int]:
        """Each view's position: the last event it has applied."""
        rows = self.db.query("SELECT name, position FROM view_positions")
        known = {str(name): int(position) for name, position in rows}
        return {view.name: known.get(view.name, 0) for view in self.views}

    def _locked_positions(self) -> dict[str, int]:
        lock = "" if self.db.backend == "sqlite" else " FOR UPDATE"
        rows = self.db.query(f"SELECT name, position FROM view_positions{lock}")
        return {str(name): int(position) for name, position in rows}

    def run_page(self) -> int:
        """Apply the next page of events to the views behind; returns how many were read."""
        active = {view.name for view in self.active}
        positions = {name: p for name, p in self.positions().items() if name in active}
        if not positions:
            return 0
        with paused_gc(self.page_size >= GC_PAUSE_PAGE_SIZE):
            page = self.read_page(self.reader, min(positions.values(), default=0), positions)
            if page is None:
                return 0
            self.apply(page)
            count = page.count
            # Freed here, by reference counting, rather than left for the collector when it is
            # resumed: its first collection would scan every event and row of the page.
            del page
        return count

    def read_page(
        self, reader: EventReader, start: int, positions: dict[str, int]
    ) -> DecodedPage | None:
        """The page after ``start``, decoding what the views behind (at ``positions``) read."""
        rows = reader.read(start, self.page_size, self.unread)
        if not rows:
            return None
        last = rows[-1][0]
        behind = [view for view in self.active if positions.get(view.name, 0) < last]
        wanted: set[str] = set().union(*(view.topics for view in behind))
        events = self.split(self.decode(rows, wanted), behind)
        return DecodedPage(start, last, len(rows), events)

    def decode(self, rows: Sequence[Row], wanted: Collection[str]) -> list[tuple[int, str, Any]]:
        """(position, event name, event) of the rows whose event some view reads."""
        decoder = self.decoder
        names = decoder.names  # stored topic → event name, filled by ``event_class``
        event_class = decoder.event_class
        decode = decoder.decode
        uuid = decoder.uuid if self.reader.hex_ids else None
        page: list[tuple[int, str, Any]] = []
        known = len(names)
        for position, originator_id, version, topic, state in rows:
            name = names.get(topic) or event_class(topic)[1]
            if name in wanted:
                key = uuid(originator_id) if uuid is not None else originator_id
                page.append((position, name, decode(key, version, topic, state)))
        if len(names) != known:  # new topics met: which ones no view reads at all
            self.unread = tuple(sorted(t for t, n in names.items() if n not in self.topics))
        return page

    @staticmethod
    def split(events: list[tuple[int, str, Any]], views: Sequence[View]) -> dict[str, Events]:
        """Each view's own events of a decoded page, in one pass over the page (rather than one
        pass per view)."""
        pages: dict[str, Events] = {view.name: [] for view in views}
        readers: dict[str, list[Events]] = {}  # event name → the pages of the views reading it
        for view in views:
            for name in view.topics:
                readers.setdefault(name, []).append(pages[view.name])
        for position, name, event in events:
            item = (position, event)
            for target in readers[name]:
                target.append(item)
        return pages

    def apply(self, page: DecodedPage) -> None:
        """Apply a page to each view that needs it, with the views' new positions, in one
        transaction; if a view fails on it, to each view on its own, and the failing one stops
        before the event it cannot apply (``ledger.projections.failures``)."""
        try:
            with self.db.transaction():
                current = self._locked_positions()
                for view in self.active:
                    self._apply_view(view, page, current)
                self._after_page()
        except Exception as error:
            if failures.is_transient(error):
                raise
            self._apply_one_view_at_a_time(page)

    def _after_page(self) -> None:
        """What views do once the page's views are applied, in its transaction (the batches
        view's summary of the territory follows the registry's sites)."""
        for view in self.active:
            after = getattr(view, "after_page", None)
            if after is not None:
                after(self.db)

    def _todo(self, view: View, page: DecodedPage, seen: int) -> Events | None:
        """The view's events of the page it has not applied (None: leave the view alone).

        A view already past the page, set back (a rebuild) since the page was read, or whose
        events were not decoded (it was not behind then), is left alone: the next page starts
        from its position."""
        todo = page.events.get(view.name)
        if seen >= page.last or seen < page.start or todo is None:
            return None
        if seen > page.start:  # moved on since the page was read: the rest of it
            todo = [(p, e) for p, e in todo if p > seen]
        return todo

    def _apply_view(self, view: View, page: DecodedPage, current: dict[str, int]) -> None:
        todo = self._todo(view, page, current.get(view.name, 0))
        if todo is None:
            return
        if todo:
            view.apply(self.db, todo)
        self._set_position(view, page.last)

    def _set_position(self, view: View, position: int) -> None:
        self.db.execute(
            "UPDATE view_positions SET position = ? WHERE name = ?", (position, view.name)
        )

    def _apply_one_view_at_a_time(self, page: DecodedPage) -> None:
        for view in self.active:
            try:
                with self.db.transaction():
                    self._apply_view(view, page, self._locked_positions())
                    self._after_page()
            except Exception as error:
                if failures.is_transient(error):
                    raise
                self._stop_view(view, page, error)

    def _stop_view(self, view: View, page: DecodedPage, error: BaseException) -> None:
        """Apply the view's events up to the one it cannot apply, and stop it there."""
        todo = self._todo(view, page, self.positions().get(view.name, 0)) or []
        bad, cause = self._first_failing(view, todo)
        position = todo[bad][0] if todo else page.start + 1
        if bad:
            with self.db.transaction():
                view.apply(self.db, todo[:bad])
                self._set_position(view, position - 1)
                self._after_page()
        self.failed[view.name] = failures.record(self.db, view.name, position, cause or error)

    def _first_failing(self, view: View, todo: Events) -> tuple[int, BaseException | None]:
        """The index of the first event the view cannot apply on its own, and its error (the
        events are applied one by one in a transaction that is then rolled back)."""
        found: tuple[int, BaseException | None] = (0, None)
        try:
            with self.db.transaction():
                for index, item in enumerate(todo):
                    try:
                        view.apply(self.db, [item])
                    except Exception as error:
                        found = (index, error)
                        break
                raise _RollBack
        except _RollBack:
            pass
        return found

    def catch_up(self, max_pages: int | None = None) -> int:
        """Run pages until the views reach the end of the log; returns events read."""
        total = pages = 0
        while max_pages is None or pages < max_pages:
            count = self.run_page()
            if count == 0:
                break
            total += count
            pages += 1
        return total

    def rebuild(self, names: Sequence[str] | None = None) -> int:
        """Drop the named views (all by default) and replay them from the first event."""
        chosen = [v for v in self.views if names is None or v.name in names]
        unknown = set(names or ()) - {v.name for v in self.views}
        if unknown:
            raise ValueError(f"Unknown views: {', '.join(sorted(unknown))}")
        # Indexes no page reads are built once at the end, from the whole table (sorted in
        # one pass), instead of row by row at random places of their trees; should the replay
        # stop before, ``setup`` creates them again like any missing table or index.
        deferred = [name for view in chosen for name in getattr(view, "deferred_indexes", ())]
        with self.db.transaction():
            for view in chosen:
                for table in view.tables:
                    self.db.execute(f"DELETE FROM {table}")
                self.db.execute(
                    "UPDATE view_positions SET position = 0 WHERE name = ?", (view.name,)
                )
            for index in deferred:
                self.db.execute(f"DROP INDEX IF EXISTS {index}")
        failures.clear(self.db, [view.name for view in chosen])
        for view in chosen:
            self.failed.pop(view.name, None)
        try:
            return self.catch_up()
        finally:
            with self.db.sorting_on_disk(), self.db.transaction():
                for view in chosen:
                    view.create(self.db)
            if self.db.backend == "postgres":
                # Tables refilled in bulk: the planner's statistics of them are those of the
                # empty tables until an ANALYZE (autovacuum's comes later, if it is on at all).
                for view in chosen:
                    for table in view.tables:
                        self.db.execute(f"ANALYZE {table}")

    def run_forever(self, stop: threading.Event, poll_seconds: float = 0.05) -> None:
        """Follow the log until ``stop`` is set (polling: SQLite cannot notify)."""
        while not stop.is_set():
            try:
                busy = self.run_page() > 0
            except Exception:  # the database itself failed (a view's errors stop only it)
                LOG.exception("the views could not read or write their database; trying again")
                busy = False
                stop.wait(1.0)
            if not busy:
                stop.wait(poll_seconds)

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Block until every view has reached ``position`` (read-your-writes); False at once
        if a view stopped before it."""
        if any(failure.position <= position for failure in self.failed.values()):
            return False
        deadline = time.monotonic() + timeout
        while min(self.positions().values(), default=0) < position:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


class EmbeddedProjections:
    """The runner in a background thread of the API process (the embedded mode)."""

    def __init__(self, ledger: LedgerCore) -> None:
        self.runner = ProjectionRunner(ledger)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self.runner.run_forever, args=(self.stop,), name="projections", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.runner.close()
