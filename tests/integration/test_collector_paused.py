"""Bulk work runs with the garbage collector paused, then leaves it running (``gcpause``).

The collector is made to run every few allocations; a callback notes, for each collection, the
bulk steps on the stack. None may be an import's chunk, a chain's page or a verification's page;
collections do happen between them, and the collector is on again once they are done.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Iterator
from types import CodeType
from typing import Any

import pytest

from bench.national import Shape, Year
from ledger.application.ledger import Ledger
from ledger.audit.chain import HashChain
from ledger.cli.importer import Importer
from tests.chain import chain_and_verify

BULK_STEPS: dict[CodeType, str] = {
    Importer._apply_chunk.__code__: "import chunk",
    HashChain._extend.__code__: "chain page",
    HashChain._verify_page.__code__: "verification",
}


@pytest.fixture
def collections() -> Iterator[Counter[str]]:
    """Collections counted by the bulk step they ran in ("between" when in none)."""
    seen: Counter[str] = Counter()

    def note(phase: str, _: dict[str, Any]) -> None:
        if phase != "start":
            return
        frame = sys._getframe(1)
        steps = set()
        while frame is not None:
            if frame.f_code in BULK_STEPS:
                steps.add(BULK_STEPS[frame.f_code])
            frame = frame.f_back
        seen.update(steps or {"between"})

    thresholds = gc.get_threshold()
    gc.set_threshold(20, 2, 2)  # a collection every 20 new containers
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*thresholds)


def test_an_import_chunk_and_the_chains_pages_run_without_the_collector(
    ledger: Ledger, collections: Counter[str]
) -> None:
    lines = list(Year(Shape(0.0003, days=6, workers_per_centre=2)).lines())
    results = list(Importer(ledger, chunk_size=40).run(lines))
    assert {r.status for r in results} == {"ok"}
    chain_and_verify(ledger)
    assert collections["between"] > 0  # the probe sees collections where they may run
    assert collections["import chunk"] == 0
    assert collections["chain page"] == 0
    assert collections["verification"] == 0
    assert gc.isenabled()


def test_a_chunk_that_fails_leaves_the_collector_running(ledger: Ledger) -> None:
    class Broken(Importer):
        def prefetch(self, *_: Any) -> None:
            raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        list(Broken(ledger).run(['{"op": "work", "body": {}}']))
    assert gc.isenabled()
