"""How Trackdéchets reads an import CSV: headers matched once normalised, cells trimmed.

``transformers.ts``: ``normalizeHeader`` is JavaScript's ``trim()`` (which removes U+FEFF, the
byte order mark, with the other white space), ``toLowerCase()``, NFD and the combining marks
U+0300–U+036F removed; a header equal to ``Erreur`` or empty is ignored, any other header
unknown to the template fails the whole file ("en-tête … inconnue"). fast-csv parses with
``delimiter: ";"``, ``trim: true`` and ``ignoreEmpty: true``; empty cells become ``undefined``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

ERROR_HEADER = "Erreur"
# ECMAScript WhiteSpace and LineTerminator, which String.prototype.trim removes
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
JS_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
COMBINING = re.compile("[\u0300-\u036f]")


def js_trim(text: str) -> str:
    return text.strip(JS_SPACE)


def normalize_header(header: str) -> str:
    """``normalizeHeader``: trim, lower case, accents removed."""
    return COMBINING.sub("", unicodedata.normalize("NFD", js_trim(header).lower()))


def column_letter(index: int) -> str:
    letter = ""
    while index > 0:
        index -= 1
        letter = chr(65 + index % 26) + letter
        index //= 26
    return letter


class HeaderError(Exception):
    """The file's headers do not match the template (Trackdéchets refuses the whole file)."""


def read_import(text: str, template: dict[str, str]) -> list[dict[str, str | None]]:
    """The file's rows by field name, as Trackdéchets' CSV stream gives them to its schemas.

    ``template`` maps each field name to its header (``INCOMING_WASTE_HEADERS``…).
    """
    reverse = {normalize_header(header): key for key, header in template.items()}
    reader = csv.reader(io.StringIO(text), delimiter=";")
    raw_headers = next(reader)
    keys: list[str | None] = []
    errors = []
    for index, header in enumerate(raw_headers):
        if not js_trim(header) or header == ERROR_HEADER:
            keys.append(None)
            continue
        key = reverse.get(normalize_header(header))
        if key is None:
            errors.append(f'Colonne {column_letter(index + 1)} - en-tête "{header}" inconnue')
        keys.append(key)
    if errors:
        raise HeaderError("\n".join(errors))
    rows = []
    for cells in reader:
        if not any(js_trim(cell) for cell in cells):
            continue  # ignoreEmpty
        row: dict[str, str | None] = {}
        for key, cell in zip(keys, cells, strict=True):
            if key is not None:
                value = js_trim(cell)
                row[key] = value if value != "" else None
        rows.append(row)
    return rows
