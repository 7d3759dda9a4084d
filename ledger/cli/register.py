"""``ledger export register``: a site's national waste register, and its report, as files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ledger.domain.errors import LedgerError

Direction = Annotated[str, typer.Option(help="incoming or outgoing")]


def export_register(
    site: Annotated[str, typer.Option(help="The site whose register it is (id)")],
    direction: Direction,
    from_: Annotated[str, typer.Option("--from", help="First date, YYYY-MM-DD")],
    to: Annotated[str, typer.Option(help="Last date (inclusive), YYYY-MM-DD")],
    output: Annotated[Path | None, typer.Option(help="CSV file to write (default: stdout)")] = None,
    report: Annotated[
        Path | None, typer.Option(help="Report file (default: beside the CSV, or stderr)")
    ] = None,
) -> None:
    """Write a site's incoming or outgoing register in Trackdéchets' import template; rows that
    lack a value are left out and listed in the report, with the columns to complete."""
    from uuid import UUID

    from ledger.audit.register_national import DIRECTIONS, national_register
    from ledger.cli.main import open_ledger
    from ledger.indicators.periods import parse_dates
    from ledger.projections.runner import ProjectionRunner

    if direction not in DIRECTIONS:
        typer.echo("--direction is incoming or outgoing.", err=True)
        raise typer.Exit(2)
    try:
        site_id = UUID(site)
    except ValueError:
        typer.echo("--site is a site's id (a UUID).", err=True)
        raise typer.Exit(2) from None
    ledger = open_ledger()
    runner = ProjectionRunner(ledger)
    try:
        runner.catch_up()
        register = national_register(ledger, runner.db, site_id, direction, parse_dates(from_, to))
    except LedgerError as error:
        typer.echo(f"Refused: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        runner.close()
        ledger.close()
    text = json.dumps(register.report(), ensure_ascii=False, indent=2)
    if output is None:
        sys.stdout.write(register.csv())
    else:
        output.write_bytes(register.csv().encode("utf-8"))
        report = report or output.with_suffix(".report.json")
    if report is None:
        typer.echo(text, err=True)
    else:
        report.write_text(text + "\n", encoding="utf-8")
    typer.echo(
        f"{len(register.rows)} rows; {len(register.reported)} left out for lack of a value; "
        f"{len(register.not_declared)} movements not declared here"
        + (f". Report: {report}" if report else "."),
        err=True,
    )
