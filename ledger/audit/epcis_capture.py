"""EPCIS capture: the events of an EPCIS 2.0 document applied to the ledger, one by one.

A collector's or a recycler's system sends an ``EPCISDocument`` (or an ``EPCISQueryDocument``, as
GS1's REST bindings allow); each event of its list is

1. checked against GS1's EPCIS 2.0 JSON Schema (``epcis_event_invalid``),
2. mapped to a ledger command (``ledger.audit.epcis_mapping``; ``epcis_event_not_mapped`` and
   ``epcis_identifier_not_mapped`` otherwise),
3. applied with the caller's token, by the same command methods as the API, so the same roles,
   ownership rules and checks hold (``unknown_site``, ``batch_not_held``, ``out_of_order``…);
   its ``eventID`` is the command's idempotency key, scoped to the caller's organisation and
   sharing its namespace with ``Idempotency-Key`` and ``client_event_id``: an event captured
   again answers ``duplicate`` and writes nothing. An event without an ``eventID`` is keyed by
   its CBV 2.0 event hash.

Events are applied in the order of the list, each in its own transaction (GS1's
``GS1-Capture-Error-Behaviour: proceed``): one refused event does not stop the others, and each
event's answer says ``accepted`` (with what it wrote), ``duplicate`` or ``refused`` (with the
error's code, message and details).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from jsonschema import Draft7Validator

from ledger.application.commands import Actor, Idempotency, Outcome
from ledger.application.ledger import Ledger
from ledger.audit.epcis_context import STANDARDS
from ledger.audit.epcis_hash import context_prefixes, event_id
from ledger.audit.epcis_mapping import Mapped, mapped
from ledger.audit.epcis_reading import ledger_prefixes
from ledger.domain.errors import (
    EpcisDocumentInvalid,
    EpcisEventInvalid,
    InvalidInput,
    LedgerError,
    PayloadTooLarge,
)

CAPTURE_LIMIT = 500  # events per document (GS1-EPCIS-Capture-Limit)
EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
MAX_EVENT_ID = 200
MAX_DEPTH = 32  # nesting of an event's JSON (the ledger's own events nest 4 deep)


def read_document(body: bytes) -> dict[str, Any]:
    """The JSON object of a captured document."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise EpcisDocumentInvalid("The body is not JSON.") from None
    if not isinstance(document, dict):
        raise EpcisDocumentInvalid("The body is not an EPCIS document (a JSON object).")
    return document


def event_list(document: dict[str, Any]) -> list[Any]:
    """The events of an ``EPCISDocument`` or ``EPCISQueryDocument``."""
    kind = document.get("type")
    body = document.get("epcisBody")
    if kind not in ("EPCISDocument", "EPCISQueryDocument") or not isinstance(body, dict):
        raise EpcisDocumentInvalid(
            "The body is not an EPCIS 2.0 document: type EPCISDocument with an epcisBody."
        )
    if kind == "EPCISQueryDocument":
        results = body.get("queryResults")
        body = results.get("resultsBody") if isinstance(results, dict) else None
        if not isinstance(body, dict):
            raise EpcisDocumentInvalid("An EPCISQueryDocument has queryResults.resultsBody.")
    events = body.get("eventList", [body["event"]] if "event" in body else None)
    if not isinstance(events, list):
        raise EpcisDocumentInvalid("The epcisBody has no eventList.")
    if len(events) > CAPTURE_LIMIT:
        raise PayloadTooLarge(
            f"A document holds at most {CAPTURE_LIMIT} events; send {len(events)} in several.",
            limit=CAPTURE_LIMIT,
        )
    return events


def capture(ledger: Ledger, actor: Actor, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Apply each event of a document; one answer per event, in order."""
    events = event_list(document)
    prefixes = context_prefixes(document.get("@context"))
    ours = ledger_prefixes(prefixes)
    return [captured(ledger, actor, i, e, prefixes, ours) for i, e in enumerate(events)]


def captured(
    ledger: Ledger,
    actor: Actor,
    index: int,
    event: Any,
    prefixes: dict[str, str],
    ours: frozenset[str],
) -> dict[str, Any]:
    """One event's answer: accepted, duplicate or refused."""
    answer: dict[str, Any] = {"index": index, "eventID": None}
    try:
        check_event(event)
        key = key_of(event, prefixes)
        answer["eventID"] = key
        command = mapped(event, ours)
        answer["command"] = command.op
        outcome = applied(ledger, actor, command, Idempotency(key, actor.organisation_id))
    except LedgerError as error:
        details = {
            "code": error.code,
            "message": error.message,
            "details": error.details,
            "kind": error.kind.value,  # for the caller to map to a status
        }
        return {**answer, "status": "refused", "error": details}
    written = {**asdict(outcome.ref), "position": outcome.position}
    return {**answer, "status": "duplicate" if outcome.duplicate else "accepted", "wrote": written}


def key_of(event: dict[str, Any], prefixes: dict[str, str]) -> str:
    """The event's id, or its CBV 2.0 event hash when it has none."""
    given = event.get("eventID")
    if given is None:
        return event_id(event, prefixes)
    if not isinstance(given, str) or not 1 <= len(given.strip()) <= MAX_EVENT_ID:
        raise InvalidInput(f"eventID is a URI of 1 to {MAX_EVENT_ID} characters.")
    return given.strip()


def applied(ledger: Ledger, actor: Actor, command: Mapped, key: Idempotency) -> Outcome:
    """Run the command by the ledger's own method, as the API does."""
    if command.op == "collect":
        return ledger.collect(actor, command.command, key)
    if command.op == "transform":
        return ledger.transform(actor, command.command, key)
    assert command.batch_id is not None
    methods: dict[str, Callable[..., Outcome]] = {
        "weigh": ledger.weigh,
        "label": ledger.label,
        "dispatch": ledger.dispatch,
        "receive": ledger.receive,
        "refuse": ledger.refuse_receipt,
        "valorise": ledger.valorise,
        "correct": ledger.correct,
    }
    return methods[command.op](actor, command.batch_id, command.command, key)


def check_event(event: Any) -> None:
    """The event is a JSON object of an EPCIS 2.0 type, valid against GS1's schema."""
    if not isinstance(event, dict):
        raise EpcisEventInvalid("An event is a JSON object.")
    if depth(event) > MAX_DEPTH:
        raise EpcisEventInvalid(f"An event nests at most {MAX_DEPTH} objects and lists deep.")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        return  # an extension event type: refused when mapped, with the reason
    errors = sorted(validator(str(kind)).iter_errors(event), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "event"
        raise EpcisEventInvalid(
            f"The {kind} does not validate against EPCIS 2.0: {where}: {first.message[:300]}",
            field=where,
        )


def depth(value: Any) -> int:
    """How deep objects and lists nest in a JSON value (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in children)
    return deepest


@functools.cache
def validator(kind: str) -> Draft7Validator:
    """GS1's schema of one event type."""
    schema = json.loads((STANDARDS / "EPCIS-JSON-Schema.json").read_text("utf-8"))
    return Draft7Validator({"$ref": f"#/definitions/{kind}", "definitions": schema["definitions"]})
