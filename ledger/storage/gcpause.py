"""The cyclic garbage collector paused while bulk work runs."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pauses = 0  # pauses in progress, in all runners of the process
_gc_state = [True]  # whether the collector was on when the first of them began


@contextmanager
def paused_gc(pause: bool = True) -> Iterator[None]:
    """No cyclic garbage collection while a large page is decoded and applied.

    A page allocates hundreds of thousands of short-lived containers (event states, rows), so
    the collector runs every few dozen events and, as the caches grow, rescans them: a third of
    a catch-up's time at a million events. Nothing a page makes is cyclic (refcounting frees
    it); the collector is simply resumed after the page. Nested and concurrent pauses (two
    runners in one process) resume it only when the last one ends, and only if it was on.
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
