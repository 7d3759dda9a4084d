"""``ledger labels``: allocate blocks of label codes and print them on A4 sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

import labels
from ledger.api.routers.labels import sheet_footer
from ledger.application.commands import Actor
from ledger.application.handlers.allocation import AllocateLabels
from ledger.application.ledger import Ledger
from ledger.domain.errors import LedgerError
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.settings import Settings
from ledger.storage.database import prepare_database

labels_app = typer.Typer(help="Label codes: allocate blocks for pre-printing, print sheets.")
CLI_ADMIN = Actor(SYSTEM_ORGANISATION_ID, "admin", "cli")

Layout = Annotated[str, typer.Option(help="3x8 (70 x 37 mm) or 2x5 (105 x 57 mm)")]


def open_ledger() -> Ledger:
    settings = Settings.from_env()
    prepare_database(settings)
    return Ledger(settings)


def write_sheet(ledger: Ledger, codes: list[str], output: Path, layout: str) -> None:
    """Render the codes' labels on A4 sheets into ``output``."""
    contents = [ledger.label_content(code) for code in codes]
    output.write_bytes(labels.render_sheet_pdf(contents, layout, footer=sheet_footer(ledger)))
    typer.echo(f"{len(codes)} labels written to {output}", err=True)


@labels_app.command("allocate")
def allocate(
    count: Annotated[int, typer.Argument(help="How many codes (1 to 1,000)")],
    org: Annotated[str | None, typer.Option("--org", help="Organisation they are for")] = None,
    filiere: Annotated[str | None, typer.Option(help="textile, wood or flax")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Also write an A4 sheet of them here")] = None,
    layout: Layout = "3x8",
) -> None:
    """Allocate fresh label codes and print them, one per line (an unused label costs nothing)."""
    ledger = open_ledger()
    try:
        organisation = UUID(org) if org else None
        command = AllocateLabels(count, organisation, filiere)
        outcome = ledger.allocate_labels(CLI_ADMIN, command)
        codes = ledger.label_block_codes(UUID(outcome.ref.id))
        if pdf is not None:
            write_sheet(ledger, codes, pdf, layout)
    except (LedgerError, ValueError) as error:
        typer.echo(f"Refused: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    typer.echo("\n".join(codes))


@labels_app.command("sheet")
def sheet(
    codes: Annotated[list[str], typer.Argument(help="Codes already allocated or bound")],
    output: Annotated[Path, typer.Option("--output", "-o", help="PDF file to write")],
    layout: Layout = "3x8",
) -> None:
    """Print labels again (a torn label, a lost sheet), with their batch once bound."""
    ledger = open_ledger()
    try:
        write_sheet(ledger, codes, output, layout)
    except (LedgerError, ValueError) as error:
        typer.echo(f"Refused: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
