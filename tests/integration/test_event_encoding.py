"""The ledger writes stored events exactly as the library's mapper would: same bytes, same topic.

Every event of a small year (registry, collections, transfers, sortings, valorisations, work logs,
corrections, labels) is encoded by ``EventEncoder`` and by the library's ``Mapper``; both agree,
and what is stored reads back to the same event.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from bench.national import Shape, Year
from ledger.application.commands import Actor, Correct, Label
from ledger.application.ledger import Ledger
from ledger.cli.importer import Importer
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.storage.encoding import EventEncoder, exact_library_mapper
from tests.codes import CODES


def test_every_stored_event_is_the_library_s_encoding(ledger: Ledger) -> None:
    year = Year(Shape(0.0003, days=10, workers_per_centre=2))
    lines = list(year.lines())
    results = list(Importer(ledger).run(lines))
    assert {r.status for r in results} == {"ok"}
    admin = Actor(SYSTEM_ORGANISATION_ID, "admin", "test")
    collected = [r.id for r, text in zip(results, lines, strict=True) if '"op":"collect"' in text]
    bag = UUID(collected[-1])  # received on the last day: still held, not sorted yet
    ledger.label(admin, bag, Label(CODES[3], ledger.now()))
    fix = Correct(1, "weighed again: «ticket» n°7\n", mass_kg=Decimal("101.5"))
    ledger.correct(admin, bag, fix)
    assert exact_library_mapper(ledger.mapper)
    encoder = EventEncoder(ledger.mapper)
    notifications = ledger.recorder.select_notifications(1, limit=100_000)
    assert len(notifications) > 300
    topics = set()
    for notification in notifications:
        event = ledger.mapper.to_domain_event(notification)
        ours, theirs = encoder.to_stored_event(event), ledger.mapper.to_stored_event(event)
        assert ours == theirs
        assert ours.state == notification.state
        topics.add(notification.topic)
    assert len(topics) >= 10


def test_true_and_false_are_written_as_the_library_writes_them(ledger: Ledger) -> None:
    lines = list(Year(Shape(0.0003, days=3, workers_per_centre=1)).lines())
    assert {r.status for r in Importer(ledger).run(lines)} == {"ok"}
    encoder = EventEncoder(ledger.mapper)
    received = next(
        ledger.mapper.to_domain_event(n)
        for n in ledger.recorder.select_notifications(1, limit=100_000)
        if n.topic.endswith("Batch.Received")
    )
    for flagged in (True, False):
        event = type(received)(**{**vars(received), "discrepancy_flagged": flagged})
        ours, theirs = encoder.to_stored_event(event), ledger.mapper.to_stored_event(event)
        assert ours == theirs
        assert f'"discrepancy_flagged":{str(flagged).lower()}'.encode() in ours.state
