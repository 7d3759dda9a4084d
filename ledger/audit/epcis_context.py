"""The JSON-LD contexts of the ledger's EPCIS documents: GS1's, and the ledger's own.

Every document the ledger writes starts with ``"@context": [GS1_CONTEXT, LEDGER_CONTEXT]``:

- ``GS1_CONTEXT`` is the versioned EPCIS 2.0.0 context; a copy ships in
  ``ledger/audit/standards/epcis/epcis-context.jsonld`` (see the SOURCE.md there), so the ledger
  and its tests can expand documents and read CBV vocabularies without network access.
- ``LEDGER_CONTEXT`` binds the prefix ``fl`` to the ledger's extension namespace, the fixed IRI
  ``LEDGER_NAMESPACE``: the same for every ledger wherever it is served, so that a term such as
  ``fl:route`` means one thing in every ledger's documents. It also declares the terms GS1's
  context leaves out, without which JSON-LD expansion drops the master data of the header: the
  JSON Schema's ``epcisMasterData`` is GS1's own ``epcis:masterData``; a vocabulary's
  ``vocabularyElementList``, an element's ``attributes`` and an attribute's ``attribute`` (its
  value) are ledger terms. An attribute's ``id`` (``fl:name``, ``fl:communeInsee``…) is an IRI
  in the ledger's namespace.

The ledger's context is written inline, with plain string values only: GS1's hash generator reads
the prefixes of an event's extensions from the inline objects of ``@context`` (and fails on any
other value), and a consumer needs nothing but GS1's context to expand a document. The same
object is served as a context document of its own at ``/api/v1/epcis/context.jsonld``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

GS1_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
STANDARDS = Path(__file__).resolve().parent / "standards" / "epcis"
GS1_CONTEXT_FILE = STANDARDS / "epcis-context.jsonld"

EXTENSION_PREFIX = "fl"
LEDGER_NAMESPACE = "urn:filiere-ledger:epcis:"
LEDGER_CONTEXT: dict[str, str] = {
    EXTENSION_PREFIX: LEDGER_NAMESPACE,
    "epcisMasterData": "epcis:masterData",
    "vocabularyElementList": f"{EXTENSION_PREFIX}:vocabularyElementList",
    "attributes": f"{EXTENSION_PREFIX}:attributes",
    "attribute": f"{EXTENSION_PREFIX}:attributeValue",
}
CONTEXT: list[Any] = [GS1_CONTEXT, LEDGER_CONTEXT]

# The fields whose bare words are CBV terms, and the context entry that lists those terms.
VOCABULARY_FIELDS = {
    "bizStep": ("bizStep",),
    "disposition": ("disposition",),
    "sourceList.type": ("sourceList", "type"),
    "destinationList.type": ("destinationList", "type"),
    "bizTransactionList.type": ("bizTransactionList", "type"),
}
CBV = "https://ref.gs1.org/cbv/"


def term(name: str) -> str:
    """A ledger extension term as a compact IRI: ``fl:route``."""
    return f"{EXTENSION_PREFIX}:{name}"


def expanded_term(name: str) -> str:
    """A ledger extension term as a full IRI."""
    return f"{LEDGER_NAMESPACE}{name}"


def context_document() -> dict[str, Any]:
    """The ledger's context as a JSON-LD context document of its own."""
    return {"@context": {"@version": 1.1, **LEDGER_CONTEXT}}


@functools.cache
def gs1_context() -> dict[str, Any]:
    """GS1's EPCIS 2.0.0 context, as shipped with the ledger."""
    document: dict[str, Any] = json.loads(GS1_CONTEXT_FILE.read_text("utf-8"))
    return document


@functools.cache
def cbv_terms(field: str) -> dict[str, str]:
    """The CBV terms a field accepts as bare words, with their full IRIs:
    ``cbv_terms("bizStep")["shipping"] == "https://ref.gs1.org/cbv/BizStep-shipping"``."""
    entry: Any = gs1_context()["@context"]
    for key in VOCABULARY_FIELDS[field]:
        entry = entry[key]["@context"] if isinstance(entry[key], dict) else {}
    return {
        word: CBV + value.removeprefix("cbv:")
        for word, value in entry.items()
        if isinstance(value, str) and value.startswith("cbv:")
    }
