"""``ledger labels demo``: the demo's labels on batches still in stock, to try the phone pages.

The sheet is printed like any other (``ledger labels sheet``): QR codes signed with the ledger's
key, each label with its filière, material, mass and date; the list printed beside it says which
batch and site each label is on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ledger.application.ledger import Ledger
    from ledger.demo.labelling import LabelInStock

Output = Annotated[Path, typer.Option("--output", "-o", help="PDF file to write")]
Layout = Annotated[str, typer.Option(help="3x8 (70 x 37 mm) or 2x5 (105 x 57 mm)")]


def demo_labels(output: Output, layout: Layout = "3x8") -> None:
    """Print the demo's labels that are on batches still in stock, and say what each is on."""
    from ledger.cli.labels import open_ledger, write_sheet
    from ledger.demo.labelling import labels_in_stock
    from ledger.demo.loader import demo_is_loaded
    from ledger.domain.errors import LedgerError

    ledger = open_ledger()
    try:
        found = labels_in_stock(ledger) if demo_is_loaded(ledger) else []
        if found:
            write_sheet(ledger, [label.code for label in found], output, layout)
            typer.echo("\n".join(companion_lines(ledger, found)))
    except (LedgerError, ValueError, RuntimeError) as error:  # RuntimeError: no signing key
        typer.echo(f"Refused: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    if not found:
        typer.echo("No demo label is on a batch in stock: load the demo first.", err=True)
        raise typer.Exit(1)


def companion_lines(ledger: Ledger, found: list[LabelInStock]) -> list[str]:
    """One line a label, in the sheet's order: code, material, mass, site, batch."""
    from ledger.application.core import UnitOfWork

    uow = UnitOfWork(ledger)
    lines = []
    for label in found:
        material = ledger.material(label.material)
        site = ledger.site(uow, label.site_id)
        mass = f"{label.mass_kg:,.1f} kg".replace(",", " ").replace(".", ",")
        lines.append(
            f"{label.code}\t{material.name_fr or material.code}\t{mass}\t{site.name}\t"
            f"batch {label.batch_id}"
        )
    return lines
