"""``ledger labels``: allocate blocks of label codes and print them on A4 sheets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from ledger.cli.demo import demo_labels

if TYPE_CHECKING:  # the rest is imported by the commands themselves: `--help` stays fast
    from ledger.application.ledger import Ledger

labels_app = typer.Typer(help="Label codes: allocate blocks for pre-printing, print sheets.")
labels_app.command("demo")(demo_labels)

Layout = Annotated[str, typer.Option(help="3x8 (70 x 37 mm) or 2x5 (105 x 57 mm)")]


def open_ledger(create: bool = False) -> Ledger:
    from ledger.cli.main import open_ledger as open_configured

    return open_configured(create)


def write_sheet(ledger: Ledger, codes: list[str], output: Path, layout: str) -> None:
    """Render the codes' labels on A4 sheets into ``output``."""
    import labels
    from ledger.api.routers.labels import sheet_footer

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
    from ledger.application.handlers.allocation import AllocateLabels
    from ledger.cli.main import cli_admin
    from ledger.domain.errors import LedgerError

    ledger = open_ledger(create=True)
    try:
        organisation = UUID(org) if org else None
        command = AllocateLabels(count, organisation, filiere)
        outcome = ledger.allocate_labels(cli_admin(), command)
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
    from ledger.domain.errors import LedgerError

    ledger = open_ledger()
    try:
        write_sheet(ledger, codes, output, layout)
    except (LedgerError, ValueError) as error:
        typer.echo(f"Refused: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
