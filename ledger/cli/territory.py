"""``ledger flows import`` and ``ledger communes import``: the territory's statistics from files.

A CSV of declared flows has one flow per row, with the fields of ``POST
/territories/{code}/flows`` as its header (``year;direction;category;mass_t;source;quality`` at
least). Each row is imported as a ``flow`` line of ``ledger import``, its client event id made from
its content: importing the same file again writes nothing, and two identical rows stay two flows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

flows_app = typer.Typer(help="Declared flows of a territory's accounts.")
communes_app = typer.Typer(help="Commune populations (INSEE's legal populations).")

FLOW_FIELDS = (
    "year", "direction", "category", "mass_t", "energy_gj", "partner", "output_to",
    "energy_carrier", "source", "quality", "note", "id",
)  # fmt: skip
DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
TRUE, FALSE = ("true", "1", "yes", "oui", "vrai"), ("false", "0", "no", "non", "faux")
CODE_COLUMNS = ("commune_insee", "codgeo", "com", "code", "depcom")
NAME_COLUMNS = ("name", "libgeo", "commune", "nom", "libelle")
POPULATION_COLUMNS = ("population", "pmun", "p_pop", "population_municipale")


def read_rows(text: str) -> list[dict[str, str]]:
    """Rows of a CSV whose delimiter is ``;``, ``,`` or a tab, headers lower-cased."""
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [
        {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        for row in reader
    ]


def flow_body(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the JSON body of a declared flow (decimal commas read as points)."""
    body: dict[str, Any] = {}
    for name in FLOW_FIELDS:
        value = row.get(name, "")
        if value == "":
            continue
        if name in ("mass_t", "energy_gj") and DECIMAL_COMMA.match(value):
            value = value.replace(",", ".")
        if name == "year":
            body[name] = int(value) if value.isdigit() else value
        elif name == "energy_carrier":
            lowered = value.lower()
            body[name] = True if lowered in TRUE else False if lowered in FALSE else value
        else:
            body[name] = value
    return body


def flow_lines(territory: str, rows: list[dict[str, str]]) -> Iterator[str]:
    """``ledger import`` lines, one per row, with a client event id made from the content."""
    seen: Counter[str] = Counter()
    for row in rows:
        body = flow_body(row)
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
        seen[digest] += 1
        key = f"flows:{territory}:{digest}:{seen[digest]}"
        yield json.dumps(
            {"op": "flow", "territory": territory, "client_event_id": key, "body": body}
        )


@flows_app.command("import")
def import_flows(
    file: Annotated[Path, typer.Argument(help="CSV file, one declared flow per row")],
    territory: Annotated[str, typer.Option("--territory", help="The territory's code")],
    results: Annotated[Path | None, typer.Option(help="Per-row result file (JSONL)")] = None,
) -> None:
    """Declare a territory's flows from a CSV file; importing it again writes nothing."""
    from ledger.cli.importer import Importer
    from ledger.cli.main import open_ledger

    text = read_text(file)
    ledger = open_ledger()
    results_path = results or file.with_suffix(".results.jsonl")
    counts: Counter[str] = Counter()
    try:
        importer = Importer(ledger, token_id="import")
        with results_path.open("w", encoding="utf-8") as out:
            for result in importer.run(flow_lines(territory, read_rows(text))):
                out.write(result.to_json() + "\n")
                counts[result.status] += 1
                if result.status == "error":
                    typer.echo(
                        f"row {result.number + 1}: {result.code}: {result.message}", err=True
                    )
    finally:
        ledger.close()
    typer.echo(
        f"{counts['ok']} ok, {counts['duplicate']} duplicate, {counts['error']} error. "
        f"Results: {results_path}"
    )
    if counts["error"]:
        raise typer.Exit(1)


def column(row: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in row:
            return row[name]
    return None


@communes_app.command("import")
def import_communes(
    file: Annotated[Path, typer.Argument(help="CSV: commune code, name, population")],
    year: Annotated[int, typer.Option(help="The year of the legal populations")],
    source: Annotated[str, typer.Option(help="Where the table comes from")],
) -> None:
    """Record a year's commune populations (replacing the shipped ones for that year on)."""
    from ledger.cli.main import cli_admin, open_ledger
    from ledger.domain.errors import LedgerError

    rows = []
    for number, row in enumerate(read_rows(read_text(file)), start=2):
        code, name = column(row, CODE_COLUMNS), column(row, NAME_COLUMNS)
        population = (column(row, POPULATION_COLUMNS) or "").replace(" ", "").replace("\u202f", "")
        if not code or not name or not population.isdigit():
            typer.echo(f"row {number}: needs a commune code, a name and a population", err=True)
            raise typer.Exit(1)
        rows.append([code, name, int(population)])
    ledger = open_ledger(create=True)
    try:
        outcome = ledger.import_communes(cli_admin(), year, source, rows)
    except LedgerError as error:
        typer.echo(f"Refused: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        ledger.close()
    typer.echo(f"{len(rows)} communes of {year}; {outcome.ref.version} departments changed.")


def read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"Cannot read {file}: {error}", err=True)
        raise typer.Exit(2) from None
