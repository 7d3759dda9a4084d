"""Text a person typed: names, addresses, reasons. Stored as given, minus what cannot be shown.

Control characters (NUL among them, which PostgreSQL refuses in text), lone surrogates (which no
encoder can write) and the invisible bidirectional overrides (which make a name read otherwise
than it is stored) are refused, so whatever passes can be stored, projected and printed.
"""

from __future__ import annotations

import re

from ledger.domain.errors import InvalidText

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
NEWLINES = re.compile("[\n\r\t]")


def forbidden_character(text: str, multiline: bool = False) -> str | None:
    """The first character of ``text`` that the ledger does not store, if any."""
    found = FORBIDDEN.search(text) or (None if multiline else NEWLINES.search(text))
    return None if found is None else found.group()


def check_text(
    value: object,
    what: str,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Stripped text of at most ``max_length`` characters, or None when empty and optional."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidText(f"{what} cannot be empty.", field=what)
        return None
    if not isinstance(value, str):
        raise InvalidText(f"{what} must be text.", field=what)
    text = value.strip()
    bad = forbidden_character(text, multiline)
    if bad is not None:
        raise InvalidText(
            f"{what} contains a control or invisible character (U+{ord(bad):04X}).",
            field=what,
            character=f"U+{ord(bad):04X}",
        )
    if len(text) > max_length:
        raise InvalidText(f"{what} has more than {max_length} characters.", field=what)
    return text
