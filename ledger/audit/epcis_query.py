"""EPCIS queries: the ledger's events filtered as GS1's REST bindings say, a page at a time.

``GET /api/v1/epcis/events`` takes the standard query parameters that apply to the ledger's
events (values of a list are ``|``-separated, as the bindings' ``pipeDelimited`` style says):

- ``eventType``: ``ObjectEvent``, ``TransformationEvent`` (the ledger writes no others);
- ``GE_eventTime``, ``LT_eventTime``: RFC 3339 times with an offset;
- ``EQ_bizStep``: bare CBV words (``shipping``), their web IRIs, or ``fl:labelling``;
- ``MATCH_epc`` (``epcList``), ``MATCH_anyEPC`` (also inputs and outputs of transformations),
  ``EQ_bizLocation``, ``EQ_eventID``: exact URIs;
- ``perPage`` (default 30, at most 1000) and ``nextPageToken``: while more events match, the
  answer's ``Link`` header gives the next page's URL with ``rel="next"``.

The answer is an ``EPCISQueryDocument``; beside its events, its results' ``vocabularyList``
describes the sites and materials of the page (the schema allows no header there). A
corrective event follows the event it corrects: it is listed when that event matches.
Events are in the order of the log; a page token is the log position of the last event of the
previous page, so pages never repeat or skip an event, even while the ledger records more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledger.application.queries import Queries
from ledger.audit.epcis import EpcisExport, logged_events
from ledger.audit.epcis_capture import EVENT_TYPES as EPCIS_EVENT_TYPES
from ledger.audit.epcis_context import CONTEXT
from ledger.audit.epcis_reading import business_step, moment_of
from ledger.audit.epcis_render import utc_text
from ledger.domain.errors import EpcisQueryInvalid, InvalidTime

PER_PAGE = 30
MAX_PER_PAGE = 1000
EVENT_TYPES = frozenset(EPCIS_EVENT_TYPES)
LIST_PARAMETERS = ("eventType", "EQ_bizStep", "MATCH_epc", "MATCH_anyEPC", "EQ_bizLocation")
MAX_VALUES = 100


@dataclass(frozen=True)
class EventQuery:
    """What an EPCIS query asks for; an empty set asks for anything."""

    event_types: frozenset[str] = frozenset()
    ge_event_time: datetime | None = None
    lt_event_time: datetime | None = None
    biz_steps: frozenset[str] = frozenset()
    epcs: frozenset[str] = frozenset()
    any_epcs: frozenset[str] = frozenset()
    biz_locations: frozenset[str] = frozenset()
    event_ids: frozenset[str] = frozenset()

    def matches(self, event: dict[str, Any]) -> bool:
        """Whether an exported event answers the query."""
        moment = datetime.fromisoformat(event["eventTime"])
        named = [*event.get("inputEPCList", []), *event.get("outputEPCList", [])]
        return (
            wanted(self.event_types, event["type"])
            and (self.ge_event_time is None or moment >= self.ge_event_time)
            and (self.lt_event_time is None or moment < self.lt_event_time)
            and wanted(self.biz_steps, business_step(event.get("bizStep")))
            and (not self.epcs or bool(self.epcs & set(event.get("epcList", []))))
            and (not self.any_epcs or bool(self.any_epcs & {*event.get("epcList", []), *named}))
            and wanted(self.biz_locations, event.get("bizLocation", {}).get("id"))
            and wanted(self.event_ids, event["eventID"])
        )


def wanted(values: frozenset[str], value: Any) -> bool:
    return not values or value in values


def parse_query(parameters: Mapping[str, str | None]) -> EventQuery:
    """The query the URI's parameters state (unknown parameters are refused)."""
    lists = {name: listed(parameters.get(name), name) for name in LIST_PARAMETERS}
    unknown = sorted(set(lists["eventType"]) - EVENT_TYPES)
    if unknown:
        raise EpcisQueryInvalid(f"eventType: {unknown[0]!r} is not an EPCIS event type.")
    return EventQuery(
        event_types=frozenset(lists["eventType"]),
        ge_event_time=query_time(parameters.get("GE_eventTime"), "GE_eventTime"),
        lt_event_time=query_time(parameters.get("LT_eventTime"), "LT_eventTime"),
        biz_steps=frozenset(business_step(step) for step in lists["EQ_bizStep"]),
        epcs=frozenset(lists["MATCH_epc"]),
        any_epcs=frozenset(lists["MATCH_anyEPC"]),
        biz_locations=frozenset(lists["EQ_bizLocation"]),
        event_ids=frozenset(listed(parameters.get("EQ_eventID"), "EQ_eventID")),
    )


def listed(text: str | None, name: str) -> list[str]:
    if text is None:
        return []
    values = [value.strip() for value in text.split("|")]
    if not all(values) or len(values) > MAX_VALUES:
        raise EpcisQueryInvalid(f"{name} is 1 to {MAX_VALUES} values separated by |.")
    return values


def query_time(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        return moment_of(text, name)
    except InvalidTime as error:
        raise EpcisQueryInvalid(error.message) from None


def read_page_token(text: str | None) -> int:
    """The log position a page starts after."""
    if text is None:
        return 0
    if not text.isdigit() or len(text) > 18:
        raise EpcisQueryInvalid("nextPageToken is a token from a Link header of a query.")
    return int(text)


def query_document(
    ledger: Queries, query: EventQuery, per_page: int, after: int
) -> tuple[dict[str, Any], str | None]:
    """The page of events a query answers, and the token of the next page, if any."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise EpcisQueryInvalid(f"perPage is 1 to {MAX_PER_PAGE}.")
    head = ledger.event_log.max_position()
    export = EpcisExport(ledger, query.matches, after=after, limit=per_page)
    export.read(logged_events(ledger, head))
    vocabularies = export.header(ledger)["epcisMasterData"]["vocabularyList"]
    document = {
        "@context": CONTEXT,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": utc_text(ledger.now()),
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": {"eventList": export.events, "vocabularyList": vocabularies},
            }
        },
    }
    token = str(export.positions[-1]) if export.more and export.positions else None
    return document, token
