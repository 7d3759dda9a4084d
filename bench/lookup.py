"""Benchmark what a scan costs: ``/l/{code}`` look-up latency under steady concurrent load.

Usage: ``.venv/bin/python bench/lookup.py [--rate 100] [--seconds 30] [--runs 3]
[--output bench/web_results.md]``

* a fresh SQLite ledger is seeded in-process (a collectors' collective, a sorting workshop,
  2,000 allocated label codes, 1,500 of them on batches with 2 to 4 events each);
* the ledger is then served by a real uvicorn in its own process, on 127.0.0.1 only;
* an open-loop client (requests leave on schedule whether or not earlier ones have answered, so
  a slow answer cannot hide the ones queued behind it) sends ``--rate`` requests per second for
  ``--seconds``, over up to 32 keep-alive connections, as a logged-in collector's phone: 80 % of
  the scans hit a labelled batch (full card: batch, names, last events), 20 % a free label;
* each run reports p50, p90, p99 and max; the results file gives every run and the medians.

The latency is the time from sending the request to reading the whole answer, on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import labels
from ledger.application.commands import (
    Actor,
    Collect,
    Dispatch,
    IssueToken,
    Receive,
    RegisterOrganisation,
    RegisterSite,
    Weigh,
)
from ledger.application.handlers.allocation import AllocateLabels
from ledger.application.handlers.registry import token_hash
from ledger.application.ledger import Ledger
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.settings import Settings
from ledger.storage.database import prepare_database
from ledger.web.session import COOKIE, seal

ADMIN = Actor(SYSTEM_ORGANISATION_ID, "admin", "bench")
SECRET = "bench-secret-key-bench-secret-key"
CODES, BATCHES = 2000, 1500


def seed(settings: Settings) -> tuple[str, list[str], list[str]]:
    """A territory with labelled batches; returns a collector's token, bound and free codes."""
    prepare_database(settings)
    ledger = Ledger(settings)
    try:
        org = UUID(
            ledger.register_organisation(
                ADMIN, RegisterOrganisation("Collecteurs", ["collector"])
            ).ref.id
        )
        shop = UUID(
            ledger.register_organisation(ADMIN, RegisterOrganisation("Atelier", ["sorter"])).ref.id
        )
        site = RegisterSite(org, "Conteneur Lillebonne", "collection_point", "76384")
        container = UUID(ledger.register_site(ADMIN, site).ref.id)
        centre_cmd = RegisterSite(shop, "Atelier de tri", "sorting_centre", "76114")
        centre = UUID(ledger.register_site(ADMIN, centre_cmd).ref.id)
        _, token = ledger.issue_token(ADMIN, IssueToken(org, "collector"))
        collector = ledger.authenticate(token)
        sorter = ledger.authenticate(ledger.issue_token(ADMIN, IssueToken(shop, "sorter"))[1])
        codes = []
        for _ in range(CODES // 1000):  # blocks have at most 1,000 codes
            block = ledger.allocate_labels(ADMIN, AllocateLabels(1000, org, "textile"))
            codes += ledger.label_block_codes(UUID(block.ref.id))
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        rng = random.Random(2026)
        for n, code in enumerate(codes[:BATCHES]):
            at = start + dt.timedelta(minutes=20 * n)
            mass = Decimal(rng.randint(80_000, 450_000)) / 1000
            cmd = Collect("textile.collected", mass, container, at, label_code=code)
            batch = UUID(ledger.collect(collector, cmd).ref.id)
            if n % 2:
                ledger.weigh(collector, batch, Weigh(mass - 1, at + dt.timedelta(minutes=5)))
            if n % 3 == 0:
                ledger.dispatch(collector, batch, Dispatch(centre, at + dt.timedelta(minutes=9)))
                ledger.receive(sorter, batch, Receive(at + dt.timedelta(minutes=15)))
    finally:
        ledger.close()
    return token, codes[:BATCHES], codes[BATCHES:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": settings.database_url,
        "LEDGER_SECRET_KEY": SECRET,
        "LEDGER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "uvicorn", "ledger.api.asgi:app_from_env", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if caught_up(port):
            return server
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the ledger did not start")


def caught_up(port: int) -> bool:
    """The server answers and its views (fed in the same process) have read the whole log: the
    measure is of scans, not of a catch-up running beside them."""
    try:
        health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health").json()
    except httpx.TransportError:
        return False
    return all(p >= health["event_position"] for p in health.get("views", {}).values())


async def load(
    base: str, paths: list[str], cookie: str, rate: float, seconds: float
) -> list[float]:
    """Send ``rate`` requests per second on schedule; the latency of each, in ms."""
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    latencies: list[float] = []
    failures = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, cookies={COOKIE: cookie}) as client:

        async def one(path: str) -> None:
            nonlocal failures
            sent = time.perf_counter()
            response = await client.get(path)
            await response.aread()
            latencies.append((time.perf_counter() - sent) * 1000)
            failures += response.status_code != 200

        tasks = []
        start = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[n % len(paths)])))
        await asyncio.gather(*tasks)
    if failures:
        raise RuntimeError(f"{failures} look-ups failed")
    return latencies


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (Linux): the server's cost per look-up,
    whatever else the machine is doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def scan_paths(bound: list[str], free: list[str], count: int) -> list[str]:
    rng = random.Random(7)
    key = SECRET.encode()
    paths = []
    for _ in range(count):
        code = rng.choice(bound) if rng.random() < 0.8 else rng.choice(free)
        paths.append(labels.label_url(code, "http://x", key).removeprefix("http://x"))
    return paths


def report(args: argparse.Namespace, runs: list[dict[str, float]], load_before: float) -> str:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    rows = [
        f"| {n} | {r['count']:.0f} | {r['rate']:.1f} | {r['p50']:.2f} | {r['p90']:.2f} | "
        f"{r['p99']:.2f} | {r['max']:.1f} | {r['cpu']:.2f} | {r['load']:.2f} |"
        for n, r in enumerate(runs, start=1)
    ]
    verdict = "met" if median("p99") < 20 else "NOT met"
    return "\n".join(
        [
            "# Scan look-up benchmark (`/l/{code}`)",
            "",
            f"- command: `.venv/bin/python bench/lookup.py --rate {args.rate:g} "
            f"--seconds {args.seconds:g} --runs {args.runs}"
            + (f" --nice {args.nice}`" if args.nice else "`"),
            f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python "
            f"{platform.python_version()}, load average {load_before:.2f} at start",
            f"- ledger: SQLite, {CODES:,} allocated codes, {BATCHES:,} labelled batches; "
            "one uvicorn process (its embedded views runner idle once caught up), the client in "
            "another process, loopback only",
            "- load: open loop, 80 % labelled batches (full card) / 20 % free labels, logged-in "
            "collector, keep-alive connections",
            "",
            f"**Medians of {len(runs)} runs: p50 {median('p50'):.2f} ms, "
            f"p99 {median('p99'):.2f} ms, server CPU {median('cpu'):.2f} ms per look-up** "
            f"(target p99 < 20 ms: {verdict}).",
            "",
            "| run | requests | achieved req/s | p50 ms | p90 ms | p99 ms | max ms "
            "| server CPU ms/request | load average after |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=Path("bench/web_results.md"))
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="Lower the niceness of client and server by this much (root; a shared machine)",
    )
    args = parser.parse_args()
    if args.nice:
        os.nice(-args.nice)  # the server, started later, inherits it
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db", secret_key=SECRET)
        token, bound, free = seed(settings)
        cookie = seal(token_hash(token), SECRET.encode())
        port = free_port()
        server = serve(settings, port)
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(load(base, scan_paths(bound, free, 200), cookie, 50, 2))  # warm up
            runs = []
            for _ in range(args.runs):
                paths = scan_paths(bound, free, int(args.rate * args.seconds))
                started, cpu = time.perf_counter(), cpu_seconds(server.pid)
                latencies = asyncio.run(load(base, paths, cookie, args.rate, args.seconds))
                elapsed = time.perf_counter() - started
                cpu = cpu_seconds(server.pid) - cpu
                runs.append(
                    {
                        "count": len(latencies),
                        "rate": len(latencies) / elapsed,
                        "p50": percentile(latencies, 0.50),
                        "p90": percentile(latencies, 0.90),
                        "p99": percentile(latencies, 0.99),
                        "max": max(latencies),
                        "cpu": cpu * 1000 / len(latencies),
                        "load": os.getloadavg()[0],
                    }
                )
                print(runs[-1], flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    text = report(args, runs, load_before)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
