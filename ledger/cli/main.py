"""The ``ledger`` command: serve, project, deliver, demo, token create, import, export events.

Everything but typer is imported inside the commands, so ``ledger --help`` answers at once.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer

from ledger.cli.labels import labels_app
from ledger.cli.register import export_register
from ledger.cli.territory import communes_app, flows_app

if TYPE_CHECKING:
    from ledger.application.commands import Actor
    from ledger.application.ledger import Ledger

app = typer.Typer(help="Filière ledger: traceability of a territory's circular-economy chains.")
token_app = typer.Typer(help="Access tokens.")
export_app = typer.Typer(help="Exports of the ledger.")
app.add_typer(token_app, name="token")
app.add_typer(export_app, name="export")
audit_app = typer.Typer(help="Auditors' tools.")
app.add_typer(audit_app, name="audit")
app.add_typer(labels_app, name="labels")
export_app.command("register")(export_register)
app.add_typer(flows_app, name="flows")
app.add_typer(communes_app, name="communes")


def cli_admin() -> Actor:
    """The command line acts as an admin of the ledger's system organisation."""
    from ledger.application.commands import Actor
    from ledger.domain.registry import SYSTEM_ORGANISATION_ID

    return Actor(SYSTEM_ORGANISATION_ID, "admin", "cli")


def open_ledger(create: bool = False) -> Ledger:
    """The configured ledger (``LEDGER_DATABASE_URL``, else the project's ``var/ledger.db``:
    ``ledger.settings.default_database_url``), said on stderr. Only the commands that fill a
    ledger (``serve``, ``demo``, ``import``…) may start a new SQLite file; the others refuse to
    open one that does not exist rather than read an empty ledger."""
    from ledger.application.ledger import Ledger
    from ledger.settings import Settings
    from ledger.storage.database import prepare_database

    settings = Settings.from_env()
    if settings.backend == "sqlite" and not settings.sqlite_path.is_file():
        if not create:
            typer.echo(
                f"No ledger at {settings.sqlite_path.resolve()}. Set LEDGER_DATABASE_URL, run "
                "the command from the project's folder, or start a ledger with `ledger demo` "
                "or `ledger serve`.",
                err=True,
            )
            raise typer.Exit(2)
        typer.echo(f"Ledger: a new {settings.describe_database()}", err=True)
    else:
        typer.echo(f"Ledger: {settings.describe_database()}", err=True)
    prepare_database(settings)
    return Ledger(settings)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (use PostgreSQL for >1)")] = 1,
    print_admin_token: Annotated[bool, typer.Option(help="Issue and print an admin token")] = False,
    admin_token_file: Annotated[
        Path | None,
        typer.Option(
            help="Keep an admin token in this file (mode 0600) and print it; the next start "
            "reuses it while it is valid (`make run` keeps var/admin.token)"
        ),
    ] = None,
) -> None:
    """Serve the API and pages as configured by LEDGER_* variables (never loads demo data)."""
    import uvicorn

    from ledger.application.commands import IssueToken
    from ledger.settings import Settings
    from ledger.storage.keys import MissingSecretKey, require_secret_key

    settings = Settings.from_env()
    if workers > 1 and settings.backend == "sqlite":
        typer.echo("Several workers need PostgreSQL: SQLite has one writer at a time.", err=True)
        raise typer.Exit(2)
    ledger = open_ledger(create=True)
    try:
        require_secret_key(ledger.settings)
    except MissingSecretKey as error:
        ledger.close()
        typer.echo(f"Not started: {error}", err=True)
        raise typer.Exit(2) from None
    if admin_token_file is not None:
        secret = kept_admin_token(ledger, admin_token_file)
        typer.echo(f"Admin token (kept in {admin_token_file}): {secret}")
    elif print_admin_token:
        _, secret = ledger.issue_token(
            cli_admin(), IssueToken(cli_admin().organisation_id, "admin", "printed at start")
        )
        typer.echo(f"Admin token (shown once): {secret}")
    ledger.close()
    typer.echo(f"Filière ledger on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run("ledger.api.asgi:app_from_env", factory=True, host=host, port=port, workers=workers)


def kept_admin_token(ledger: Ledger, path: Path) -> str:
    """The admin token kept in ``path`` if the ledger still accepts it, else a new one written
    there (readable by its owner only)."""
    import os

    from ledger.application.commands import IssueToken
    from ledger.domain.errors import Unauthenticated

    try:
        kept = path.read_text(encoding="utf-8").strip()
        if ledger.authenticate(kept).role == "admin":
            return kept
    except (OSError, UnicodeDecodeError, Unauthenticated):
        pass
    issued = IssueToken(cli_admin().organisation_id, "admin", f"kept in {path.name}")
    _, secret = ledger.issue_token(cli_admin(), issued)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as kept_file:
        kept_file.write(secret + "\n")
    return secret


@app.command()
def project(
    page_size: Annotated[int, typer.Option(help="Events per transaction")] = 50_000,
    once: Annotated[bool, typer.Option(help="Catch up, then stop")] = False,
    deliveries: Annotated[
        bool, typer.Option(help="Also deliver the subscriptions' events (see `ledger deliver`)")
    ] = True,
) -> None:
    """Feed the views from the event log (its own process, for PostgreSQL deployments)."""
    import signal
    import threading

    from ledger.audit.chain import HashChain
    from ledger.deliveries.worker import EmbeddedDeliveries
    from ledger.projections.runner import ProjectionRunner

    ledger = open_ledger()
    runner = ProjectionRunner(ledger, page_size=page_size)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        started = time.perf_counter()
        count = runner.catch_up()
        elapsed = time.perf_counter() - started
        typer.echo(f"Views caught up: {count} events in {elapsed:.1f} s; {runner.positions()}")
        say_failures(runner.failed.values())
        if once and runner.failed:
            raise typer.Exit(1)
        if not once:
            chain = HashChain(ledger)
            follower = threading.Thread(target=chain.follow, args=(stop,), daemon=True)
            follower.start()
            pushing = EmbeddedDeliveries(ledger) if deliveries else None
            if pushing is not None:
                pushing.start()
            runner.run_forever(stop)
            follower.join(timeout=10)
            chain.close()
            if pushing is not None:
                pushing.close()
    finally:
        runner.close()
        ledger.close()


@app.command()
def deliver(
    timeout: Annotated[float, typer.Option(help="Seconds one attempt may take")] = 5.0,
    threads: Annotated[int, typer.Option(help="Subscriptions served at once")] = 4,
) -> None:
    """Deliver the subscriptions' events to their URLs until stopped (SIGTERM or Ctrl-C).

    A worker stopped abruptly resumes where it stopped; its subscriptions wait for its lease
    to expire (twice the timeout plus 2 s) before another process takes them over.
    """
    import signal
    import threading

    from ledger.deliveries.worker import DeliveryWorker

    if not 0.5 <= timeout <= 60 or not 1 <= threads <= 64:
        typer.echo("--timeout is 0.5 to 60 s and --threads 1 to 64.", err=True)
        raise typer.Exit(2)
    ledger = open_ledger()
    worker = DeliveryWorker(ledger, timeout=timeout, threads=threads)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    typer.echo(f"Delivering subscriptions (worker {worker.owner[:8]}).")
    try:
        worker.run_forever(stop)
    finally:
        worker.close()
        ledger.close()


@app.command()
def rebuild(
    view: Annotated[
        str | None,
        typer.Argument(
            help="registry, batches, work, declarations or territories (all if omitted)"
        ),
    ] = None,
) -> None:
    """Drop a view (or all) and replay it from the first event."""
    from ledger.projections.runner import ProjectionRunner

    ledger = open_ledger()
    runner = ProjectionRunner(ledger)
    try:
        started = time.perf_counter()
        count = runner.rebuild([view] if view else None)
        failed = list(runner.failed.values())
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    finally:
        runner.close()
        ledger.close()
    typer.echo(f"Rebuilt in {time.perf_counter() - started:.1f} s from {count} events.")
    say_failures(failed)
    if failed:
        raise typer.Exit(1)


@app.command()
def demo(
    if_empty: Annotated[bool, typer.Option(help="Do nothing if the ledger holds data")] = False,
    seed: Annotated[int, typer.Option(help="Random seed of the generated activity")] = 2026,
) -> None:
    """Load the demo territory: Caux Vallée de Seine actors and three months of activity."""
    from ledger.demo.loader import demo_is_loaded, load_demo
    from ledger.domain.errors import LedgerError

    ledger = open_ledger(create=True)
    if if_empty and (demo_is_loaded(ledger) or not ledger.is_empty()):
        typer.echo("The ledger already holds data: demo not loaded.")
        return
    started = time.perf_counter()
    try:
        summary = load_demo(ledger, seed=seed)
    except LedgerError as error:
        typer.echo(f"Demo not loaded: {error.message}", err=True)
        raise typer.Exit(1) from None
    elapsed = time.perf_counter() - started
    typer.echo(f"Demo territory loaded in {elapsed:.1f} s: {summary}")


@token_app.command("create")
def token_create(
    org: Annotated[str, typer.Option("--org", help="Organisation id")],
    role: Annotated[str, typer.Option("--role", help="admin, collector, sorter, …")],
    label: Annotated[
        str, typer.Option("--label", help="Whose or which device's token (shown in the list)")
    ] = "",
) -> None:
    """Issue a token for an organisation and role, and print it (shown only once)."""
    from ledger.application.commands import IssueToken
    from ledger.domain.errors import LedgerError

    try:
        organisation_id = UUID(org)
    except ValueError:
        typer.echo(
            f"Refused: --org must be an organisation's id, a UUID such as "
            f"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f, not {org!r}.",
            err=True,
        )
        raise typer.Exit(2) from None
    ledger = open_ledger()
    try:
        _, secret = ledger.issue_token(cli_admin(), IssueToken(organisation_id, role, label))
    except LedgerError as error:
        typer.echo(f"Refused: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    typer.echo(secret)


def count_lines(file: Path) -> int:
    """The file's non-blank lines, or a one-line error (and exit 2) if it cannot be read."""
    try:
        with file.open("rb") as counting:
            return sum(1 for line in counting if line.strip())
    except OSError as error:
        reason = error.strerror or str(error)
        typer.echo(f"Cannot read {file}: {reason}.", err=True)
        raise typer.Exit(2) from None


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="JSONL file, one command per line")],
    results: Annotated[Path | None, typer.Option(help="Per-line result file")] = None,
    chunk: Annotated[int, typer.Option(help="Lines per transaction (at least 1)")] = 2000,
) -> None:
    """Apply commands from a JSONL file in large transactions; idempotent by client_event_id."""
    if chunk < 1:
        typer.echo(f"--chunk must be at least 1 line per transaction, not {chunk}.", err=True)
        raise typer.Exit(2)
    total = count_lines(file)
    from ledger.cli.importer import Importer

    ledger = open_ledger(create=True)
    results_path = results or file.with_suffix(".results.jsonl")
    importer = Importer(ledger, chunk_size=chunk)
    counts = {"ok": 0, "duplicate": 0, "error": 0}
    started = time.perf_counter()
    try:
        with (
            file.open(encoding="utf-8") as lines,
            results_path.open("w", encoding="utf-8") as out,
            typer.progressbar(length=total, label="Importing", file=sys.stderr) as progress,
        ):
            # A chunk's results come at once, when it commits: the bar moves by chunks, so its
            # ETA is read from whole chunks, not from the first line of the first one.
            for chunk_results in importer.run_chunks(lines):
                out.write("".join(result.to_json() + "\n" for result in chunk_results))
                for result in chunk_results:
                    counts[result.status] += 1
                progress.update(len(chunk_results))
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"Import stopped: {error}.", err=True)
        raise typer.Exit(2) from None
    finally:
        ledger.close()
    elapsed = time.perf_counter() - started
    lines_rate = sum(counts.values()) / elapsed if elapsed else 0.0
    typer.echo(
        f"{counts['ok']} ok, {counts['duplicate']} duplicate, {counts['error']} error; "
        f"{importer.events_written} events in {elapsed:.1f} s ({lines_rate:,.0f} lines/s). "
        f"Results: {results_path}"
    )
    if counts["error"]:
        raise typer.Exit(1)


@export_app.command("events")
def export_events(
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
) -> None:
    """Write the whole event log as JSONL, in the order it was stored (never a token's hash or
    a subscription's secret)."""
    ledger = open_ledger()
    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    after = 0
    try:
        while True:
            page, next_after = ledger.feed(cli_admin(), after, 1000)
            for event in page:
                stream.write(json.dumps(event, ensure_ascii=False) + "\n")
            if next_after == after:
                break
            after = next_after
    finally:
        if output:
            stream.close()


@app.command()
def evidence(
    organisation: Annotated[str, typer.Argument(help="Organisation id")],
    period: Annotated[str, typer.Argument(help="2026-Q3, 2026-09 or 2026")],
    output: Annotated[Path | None, typer.Option(help="Zip file to write")] = None,
) -> None:
    """Write the evidence bundle of an organisation's Refashion statement for a period."""
    from ledger.audit.bundle import build_bundle
    from ledger.domain.errors import LedgerError
    from ledger.projections.runner import ProjectionRunner

    ledger = open_ledger()
    runner = ProjectionRunner(ledger)
    try:
        runner.catch_up()
        content, statement = build_bundle(ledger, runner.db, organisation, period)
    except LedgerError as error:
        typer.echo(f"Refused: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        runner.close()
        ledger.close()
    target = output or Path(f"evidence-{organisation[:8]}-{period}.zip")
    target.write_bytes(content)
    typer.echo(f"{target}: chain head {statement['chain_head']}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Chain what is not chained yet, then recompute the hash chain over the whole log."""
    import json as json_module

    from ledger.audit.chain import HashChain

    ledger = open_ledger()
    chain = HashChain(ledger)
    try:
        chain.catch_up()
        started = time.perf_counter()
        result = chain.verify()
        elapsed = time.perf_counter() - started
    finally:
        chain.close()
        ledger.close()
    typer.echo(json_module.dumps(result.to_json()))
    typer.echo(f"{result.checked} records verified in {elapsed:.1f} s", err=True)
    if not result.ok:
        raise typer.Exit(1)


def say_failures(failures: Iterable[Any]) -> None:
    """Why views stopped: which view, before which event, with what error."""
    for failure in failures:
        typer.echo(f"Stopped: {failure.sentence()}", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
