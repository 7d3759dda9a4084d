"""Event ids as content hashes, after the EPCIS 2.0 / CBV 2.0 "event hash ID" idea.

An exported event's ``eventID`` is ``ni:///sha-256;{hex}?ver=fl1`` (the ``ni`` URI scheme of
RFC 6920, with the digest in hex as CBV 2.0 writes it), where ``hex`` is the SHA-256 of a
canonical form of the event, so the same fact always gets the same id, in every export, and any
change to what it states (a mass, a time, a site) gives another.

The canonical form is the ledger's own, not CBV 2.0's pre-hash string (which orders fields by a
fixed table and rewrites GS1 identifiers as Digital Link URIs): a GS1 hash generator will not
reproduce these ids, which is why the version tag is the ledger's own ``fl1`` and not
``CBV2.0``: a consumer checking ids with GS1's algorithm is not misled. It is:

1. the event object as exported, without ``eventID``, ``recordTime`` and ``errorDeclaration``
   (as in CBV: recording the same fact later, or declaring it erroneous, keeps its id);
2. ``eventTime`` rewritten in UTC with microseconds (``2026-08-12T07:30:00.000000Z``), so how
   the time is written does not matter, only the instant (``eventTimeZoneOffset`` stays);
3. serialised as JSON in the manner of RFC 8785 (JCS): object keys sorted, no whitespace,
   UTF-8 without escaping non-ASCII characters, numbers in their shortest form (the exporter
   writes whole kilograms as integers, ``412`` not ``412.0``); compact IRIs (``fl:route``) are
   hashed as written, not expanded;
4. hashed with SHA-256, written as 64 lowercase hex digits.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

EXCLUDED = frozenset({"eventID", "recordTime", "errorDeclaration"})


def canonical_form(event: dict[str, Any]) -> bytes:
    """The bytes an event id is the hash of (see the module's documentation)."""
    content = {key: value for key, value in event.items() if key not in EXCLUDED}
    content["eventTime"] = utc_instant(str(event["eventTime"]))
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def event_id(event: dict[str, Any]) -> str:
    """The content-hash id of an exported event."""
    digest = hashlib.sha256(canonical_form(event)).hexdigest()
    return f"ni:///sha-256;{digest}?ver=fl1"


def utc_instant(text: str) -> str:
    """An ISO 8601 time with offset as UTC text with microseconds."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
