"""Event ids: the CBV 2.0 event hash of each event (``ni:///sha-256;{hex}?ver=CBV2.0``).

CBV 2.0 names an event by a hash of its content (the "EPCIS event hash ID"): the SHA-256 of the
event's pre-hash string, written as an RFC 6920 ``ni`` URI with the digest in lowercase hex. The
pre-hash string is built as GS1's reference implementation builds it
(``ledger.audit.epcis_prehash``): any system can recompute an exported event's id from the event
alone, and the same fact gets the same id in every export. What the string leaves out does not
change the id: ``eventID`` itself, ``recordTime`` (recording the same fact later) and
``errorDeclaration`` (declaring it erroneous), and how a time is written (only the instant, to
the millisecond, counts; ``eventTimeZoneOffset`` is hashed as written).

Extension terms are hashed with their full IRI (``{urn:filiere-ledger:epcis:}route``), which is
why ``event_id`` needs the prefixes of the document's ``@context``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ledger.audit.epcis_context import CONTEXT
from ledger.audit.epcis_prehash import pre_hash


def context_prefixes(context: Any) -> dict[str, str]:
    """The prefixes an ``@context`` binds inline (string values of its objects), as GS1's
    reference implementation reads them: a context given by URL alone binds none."""
    if not isinstance(context, list):
        return {}
    found: dict[str, str] = {}
    for entry in context:
        if isinstance(entry, dict):
            found.update({k: v for k, v in entry.items() if isinstance(v, str)})
    return found


LEDGER_PREFIXES = context_prefixes(CONTEXT)


def event_id(event: dict[str, Any], prefixes: dict[str, str] | None = None) -> str:
    """The CBV 2.0 event hash of an event, in a document with these prefixes (the ledger's by
    default)."""
    text = pre_hash(event, LEDGER_PREFIXES if prefixes is None else prefixes)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
