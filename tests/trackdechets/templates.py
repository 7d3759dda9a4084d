"""The import templates' columns, read from Trackdéchets' own ``constants.ts`` (copied here)."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
FILES = {"incoming": "incomingWaste.constants.ts", "outgoing": "outgoingWaste.constants.ts"}
PAIR = re.compile(r'(\w+):\s*"((?:[^"\\]|\\.)*)"')


def template(direction: str) -> dict[str, str]:
    """``INCOMING_WASTE_HEADERS`` or ``OUTGOING_WASTE_HEADERS``: field name → header, in order."""
    source = (HERE / FILES[direction]).read_text(encoding="utf-8")
    body = source[source.index("= {") + 3 : source.rindex("}")]
    return {key: header.replace('\\"', '"') for key, header in PAIR.findall(body)}
