"""How much of a ``ledger`` command's time the garbage collector takes.

Usage: ``.venv/bin/python bench/collector.py [--off] -- import FILE --results OUT`` (any
``ledger`` command and its arguments after ``--``), with the ledger's usual environment
(``LEDGER_DATABASE_URL``…). The command runs in this process; at its end this prints, to
stderr, the wall time, the time spent in collections (timed by ``gc.callbacks``), how many there
were of each generation and what they freed. ``--off`` runs the command with the collector
disabled throughout, for the same command's time without it.

This is how round 6 of bench/RESULTS.md found an import spending a fifth of its time in
collections that freed nothing (``ledger.storage.gcpause``).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class CollectorClock:
    """Time spent in collections, by generation."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.started = 0.0
        self.began = time.perf_counter()

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self.started

    def report(self) -> str:
        wall = time.perf_counter() - self.began
        spent = sum(self.seconds)
        stats = gc.get_stats()
        generations = ", ".join(
            f"generation {g}: {s['collections']} collections, {self.seconds[g]:.2f} s, "
            f"{s['collected']} objects freed"
            for g, s in enumerate(stats)
        )
        share = spent / wall if wall else 0.0
        return f"collector: {spent:.2f} s of {wall:.2f} s ({share:.0%}); {generations}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--off", action="store_true", help="disable the collector throughout")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then a ledger command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a ledger command after --")
    clock = CollectorClock()
    gc.callbacks.append(clock)
    if args.off:
        gc.disable()
    atexit.register(lambda: print(clock.report(), file=sys.stderr))
    from ledger.cli.main import main as ledger_main

    sys.argv = ["ledger", *command]
    ledger_main()


if __name__ == "__main__":
    main()
