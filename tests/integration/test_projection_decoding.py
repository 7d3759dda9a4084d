"""The projection runner's own event decoding gives exactly what the application's mapper gives:
same classes, same attributes, upcasters run (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from eventsourcing.compressor import ZlibCompressor
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from bench.workload import workload
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.projections.base import utc_text
from ledger.projections.batches import BatchesView, PageState
from ledger.projections.runner import EventDecoder, ProjectionRunner


class Thing(Aggregate):
    """An aggregate whose event went through a schema change (an upcaster adds a field)."""

    class Happened(Aggregate.Event):
        class_version = 2
        where: UUID
        when: datetime
        note: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["note"] = "added by the upcaster"


def same(left: Any, right: Any) -> bool:
    return type(left) is type(right) and vars(left) == vars(right)


def test_the_runner_decodes_the_log_as_the_mapper_does(ledger: Ledger) -> None:
    lines = workload(3, containers=4)
    assert {r.status for r in Importer(ledger).run(lines)} == {"ok"}
    runner = ProjectionRunner(ledger)
    rows = runner.reader.read(0, 100_000)
    names = {runner.decoder.event_class(row[3])[1] for row in rows}
    decoded = runner.decode(rows, names)
    notifications = ledger.recorder.select_notifications(start=1, limit=100_000)
    assert [p for p, _, _ in decoded] == [n.id for n in notifications]
    for (_, name, event), notification in zip(decoded, notifications, strict=True):
        expected = ledger.mapper.to_domain_event(notification)
        assert name == type(expected).__qualname__
        assert same(event, expected)
    # Only the events some view reads are decoded; the position still covers the whole page.
    some = runner.decode(rows, {"Batch.Collected"})
    assert {name for _, name, _ in some} == {"Batch.Collected"}
    runner.close()


def mapper(**options: Any) -> Mapper[UUID]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder, **options)


class SubclassedMapper(Mapper[UUID]):
    """A mapper of the application's own: the runner must use it as it is."""


def test_upcasters_compressors_and_other_mappers_are_honoured() -> None:
    topic = get_topic(Thing.Happened)
    state = {
        "timestamp": datetime(2026, 3, 1, 12, tzinfo=UTC),
        "originator_topic": get_topic(Thing),
        "where": uuid4(),
        "when": datetime(2026, 3, 1, 13, 30, 0, 5, tzinfo=timezone(timedelta(hours=2))),
    }  # version 1 of the event: no "note", no "class_version"
    for chosen in (
        mapper(),
        mapper(compressor=ZlibCompressor()),
        SubclassedMapper(mapper().transcoder),
    ):
        data = chosen.transcoder.encode(state)
        if chosen.compressor:
            data = chosen.compressor.compress(data)
        originator = uuid4()
        expected = chosen.to_domain_event(StoredEvent(originator, 3, topic, data))
        event = EventDecoder(chosen, UUID).decode(originator, 3, topic, data)
        assert same(event, expected)
        assert event.note == "added by the upcaster"


def test_utc_text_is_unchanged() -> None:
    def reference(moment: datetime) -> str:
        return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    rng = random.Random(3)
    zones = [UTC, ZoneInfo("UTC"), ZoneInfo("Europe/Paris"), timezone(timedelta(hours=-3))]
    for _ in range(2000):
        moment = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(10**9), microseconds=rng.choice([0, rng.randrange(10**6)])
        )
        moment = moment.astimezone(rng.choice(zones))
        assert utc_text(moment) == reference(moment)


def test_every_batch_handler_has_its_event_in_the_views_topics() -> None:
    # The runner decodes only the events named in a view's topics: a handler whose event is
    # missing there would never be called.
    handled = {name.removeprefix("on_") for name in dir(PageState) if name.startswith("on_")}
    assert {topic.split(".")[1].lower() for topic in BatchesView.topics} == handled


def test_the_fast_json_path_reads_every_state_as_the_json_module_does() -> None:
    """orjson with the hook applied afterwards, or the json module's own way when orjson might
    read a state otherwise: the same values, and the same errors."""
    chosen = mapper()
    decoder = EventDecoder(chosen, UUID)
    site, moment = uuid4(), datetime(2026, 3, 1, 13, 30, 0, 5, tzinfo=timezone(timedelta(hours=2)))
    nested = {
        "site": site,
        "when": moment,
        "parents": [uuid4(), [uuid4(), {"deep": moment}], {"_type_": "x"}],
        "transport": {"legs": [{"to": site, "mass": 12}], "note": None},
        "amount": Decimal("12.50"),
        "two": {"_data_": "only", "other": 1},
        "huge": 10**30,
        "ratio": 0.1,
        "text": "é\u2028\x7f",
    }
    texts = [
        chosen.transcoder.encode(nested),
        b'{"x": NaN, "y": Infinity}',
        b'{"big": -123456789012345678901234567890, "f": 1e400}',
        b'{"s": "\\ud800"}',
        b'{"a": 1, "a": {"_type_": "uuid_hex", "_data_": "' + site.hex.encode() + b'"}}',
        b'{"_type_": "decimal_str", "_data_": "1.5"}',
        b"[1, 2]",
    ]
    for text in texts:
        expected = json.loads(text.decode(), object_hook=chosen.transcoder._decode_obj)
        found = decoder._decode_fast(text)
        if found is None:  # left to the json module's way
            assert decoder._decode_json(text.decode()) == expected
        else:
            assert found == expected
            assert type(found) is dict
            assert repr(found) == repr(expected)
    assert decoder._decode_fast(texts[0]) is None  # floats (and so huge integers): json's way
    usual = {k: v for k, v in nested.items() if k not in ("huge", "ratio")}
    found = decoder._decode_fast(chosen.transcoder.encode(usual))
    assert found == usual  # the events' states take the fast path
    for unknown in (
        b'{"a": {"_type_": "unknown", "_data_": "1"}}',
        b'{"a": [{"_type_": "unknown", "_data_": {"b": 1}}]}',
    ):
        assert decoder._decode_fast(unknown) is None
        try:
            decoder._decode_json(unknown.decode())
        except TranscodingNotRegisteredError:
            pass
        else:
            raise AssertionError("an unregistered transcoding must be refused")
    with_error = chosen.transcoder.encode({"a": 1}).replace(
        b"1", b'{"_type_": "nope", "_data_": 2}'
    )
    try:
        decoder.decode(uuid4(), 1, get_topic(Thing.Happened), with_error)
    except MapperDeserialisationError:
        pass
    else:
        raise AssertionError("the error of the json module's way is raised")
