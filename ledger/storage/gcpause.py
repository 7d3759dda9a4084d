"""The cyclic garbage collector paused while bulk work runs.

CPython's collector runs a young collection every 700 new containers and, now and then, a full
one over every live object. Bulk work allocates millions of containers (commands, events, rows,
records) that reference counting frees, with long-lived caches beside them (the recent
aggregates and sites of an import, the texts of a page's ids), so most collections find nothing
and the full ones grow with the caches. Measured on the scale-0.05 national year: an import spent
11.1 of its 51.8 s in 13,156 collections, 9.1 s of it in 69 full ones, which freed 892 objects in
all; chaining and verifying its log spent 1.7 of 9.4 s (bench/RESULTS.md, round 6). Paused for
each chunk, page or batch of records, it runs after them, on what they left.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pauses = 0  # pauses in progress, in all threads of the process
_gc_state = [True]  # whether the collector was on when the first of them began


@contextmanager
def paused_gc(pause: bool = True) -> Iterator[None]:
    """No cyclic garbage collection inside the block (a page, a chunk, a batch of records).

    What the block makes is freed by reference counting; anything cyclic it leaves (an
    exception's traceback, say) is collected once the collector resumes. Nested and concurrent
    pauses (a runner and a chain follower in one process) resume it only when the last one
    ends, and only if it was on.
    """
    global _gc_pauses
    if not pause:
        yield
        return
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_state[0] = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_state[0]:
                gc.enable()
