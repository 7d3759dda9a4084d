"""``/api/v1/epcis``: an EPCIS 2.0 base URL in the sense of GS1's REST bindings.

- ``POST /epcis/capture``: an EPCIS document's events captured as ledger commands
  (``ledger.audit.epcis_capture``), answered ``202`` with the capture job (``Location``:
  ``/api/v1/epcis/capture/{captureID}``), which lists each event's answer. The ledger captures
  synchronously, event by event (``GS1-Capture-Error-Behaviour: proceed``; ``rollback`` is
  refused): the job is finished when the answer comes.
- ``GET /epcis/capture/{captureID}``: that job again, for the organisation that sent it (and
  admins and auditors), while the process keeps it (the last 1,000 jobs).
- ``GET /epcis/events``: the events as an ``EPCISQueryDocument`` (``ledger.audit.epcis_query``).
- ``GET /epcis/context.jsonld``: the ledger's JSON-LD context document, without a token.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ledger.api.deps import ActorDep, LedgerDep, WriterDep
from ledger.api.errors import ERROR_RESPONSES, STATUS_BY_KIND, jsonable
from ledger.application.commands import Actor
from ledger.audit import epcis_capture, epcis_query
from ledger.audit.epcis_context import CONTEXT, context_document
from ledger.audit.epcis_render import utc_text
from ledger.domain.errors import (
    CaptureJobNotFound,
    ErrorKind,
    InvalidInput,
    PayloadTooLarge,
)

router = APIRouter(prefix="/epcis", tags=["epcis"])

MAX_BODY = 1024 * 1024  # bytes (GS1-EPCIS-Capture-File-Size-Limit)
KEPT_JOBS = 1000
GS1_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
OBJECT = {"schema": {"type": "object"}}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: ERROR_RESPONSES[422] | {"description": "Over 1 MiB, or over 500 events."}
}
CAPTURE_BODY = {
    "requestBody": {
        "required": True,
        "description": "An EPCIS 2.0 EPCISDocument (or EPCISQueryDocument), JSON-LD.",
        "content": {"application/json": OBJECT, "application/ld+json": OBJECT},
    }
}


class CaptureJobs:
    """The last capture jobs, by id, with the organisation that sent each."""

    def __init__(self) -> None:
        self.jobs: OrderedDict[str, tuple[Actor, dict[str, Any]]] = OrderedDict()
        self.lock = Lock()

    def keep(self, actor: Actor, job: dict[str, Any]) -> None:
        with self.lock:
            self.jobs[job["captureID"]] = (actor, job)
            while len(self.jobs) > KEPT_JOBS:
                self.jobs.popitem(last=False)

    def get(self, actor: Actor, capture_id: str) -> dict[str, Any]:
        with self.lock:
            found = self.jobs.get(capture_id)
        readers = ("admin", "auditor")
        if found is None or (
            actor.role not in readers and found[0].organisation_id != actor.organisation_id
        ):
            raise CaptureJobNotFound(f"No capture job {capture_id[:40]!r}.")
        return found[1]


def capture_jobs(request: Request) -> CaptureJobs:
    state = request.app.state
    if not hasattr(state, "epcis_capture_jobs"):
        state.epcis_capture_jobs = CaptureJobs()
    jobs: CaptureJobs = state.epcis_capture_jobs
    return jobs


@router.get("", responses=ERROR_RESPONSES)
def top_level(_: ActorDep) -> JSONResponse:
    """The resources of this EPCIS base URL."""
    body = {"@context": CONTEXT[0], "type": "Collection", "member": ["capture", "events"]}
    return JSONResponse(body, headers=GS1_HEADERS)


@router.get(
    "/context.jsonld",
    responses={200: {"content": {"application/ld+json": OBJECT}, "description": "JSON-LD"}},
)
def ledger_context() -> JSONResponse:
    """The ledger's JSON-LD context: the ``fl`` prefix of its fixed extension namespace and
    the master data terms GS1's context leaves out. Public, as contexts are."""
    return JSONResponse(context_document(), media_type="application/ld+json")


@router.post(
    "/capture",
    status_code=202,
    openapi_extra=CAPTURE_BODY,
    responses={
        **ERROR_RESPONSES,
        **TOO_LARGE,
        202: {"content": {"application/json": OBJECT}, "description": "The capture job"},
    },
)
async def capture(
    request: Request,
    ledger: LedgerDep,
    actor: WriterDep,
    behaviour: Annotated[
        str | None,
        Header(alias="GS1-Capture-Error-Behaviour", description="proceed (the only one)"),
    ] = None,
) -> JSONResponse:
    """Capture an EPCIS document's events as ledger commands; one answer per event."""
    if behaviour is not None and behaviour.strip().lower() != "proceed":
        raise InvalidInput(
            "The ledger captures event by event: GS1-Capture-Error-Behaviour is proceed."
        )
    document = epcis_capture.read_document(await limited_body(request))
    created = utc_text(ledger.now())
    answers = await run_in_threadpool(epcis_capture.capture, ledger, actor, document)
    job = capture_job(created, utc_text(ledger.now()), jsonable(answers))
    capture_jobs(request).keep(actor, job)
    location = f"/api/v1/epcis/capture/{job['captureID']}"
    return JSONResponse(job, status_code=202, headers={**GS1_HEADERS, "Location": location})


async def limited_body(request: Request) -> bytes:
    """The request's body, refused as soon as it passes the limit (never read whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge("An EPCIS document is at most 1 MiB.", limit_bytes=MAX_BODY)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY:
            raise PayloadTooLarge("An EPCIS document is at most 1 MiB.", limit_bytes=MAX_BODY)
    return bytes(body)


def capture_job(created: str, finished: str, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """GS1's capture job, with the ledger's answer for each event."""
    refused = [a for a in answers if a["status"] == "refused"]
    errors = [problem(answer) for answer in refused]
    for answer in refused:
        answer["error"].pop("kind")
    return {
        "captureID": uuid.uuid4().hex,
        "createdAt": created,
        "finishedAt": finished,
        "running": False,
        "success": not refused,
        "captureErrorBehaviour": "proceed",
        "errors": errors,
        "events": answers,
    }


def problem(answer: dict[str, Any]) -> dict[str, Any]:
    """A refused event as an RFC 7807 problem, as GS1's capture job lists errors."""
    error = answer["error"]
    return {
        "type": "epcisException:ValidationException",
        "title": error["message"],
        "status": STATUS_BY_KIND[ErrorKind(error["kind"])],
        "detail": error["code"],
        "instance": answer["eventID"] or f"#event-{answer['index']}",
    }


@router.get("/capture/{capture_id}", responses=ERROR_RESPONSES)
def capture_job_again(capture_id: str, request: Request, actor: ActorDep) -> JSONResponse:
    """A capture job the caller's organisation sent."""
    return JSONResponse(capture_jobs(request).get(actor, capture_id), headers=GS1_HEADERS)


Text = Annotated[str | None, Query(max_length=4000)]


@router.get(
    "/events",
    responses={
        **ERROR_RESPONSES,
        200: {"content": {"application/json": OBJECT}, "description": "EPCISQueryDocument"},
    },
)
def events(
    request: Request,
    ledger: LedgerDep,
    _: ActorDep,
    event_type: Annotated[Text, Query(alias="eventType")] = None,
    ge_event_time: Annotated[Text, Query(alias="GE_eventTime")] = None,
    lt_event_time: Annotated[Text, Query(alias="LT_eventTime")] = None,
    eq_biz_step: Annotated[Text, Query(alias="EQ_bizStep")] = None,
    match_epc: Annotated[Text, Query(alias="MATCH_epc")] = None,
    match_any_epc: Annotated[Text, Query(alias="MATCH_anyEPC")] = None,
    eq_biz_location: Annotated[Text, Query(alias="EQ_bizLocation")] = None,
    eq_event_id: Annotated[Text, Query(alias="EQ_eventID")] = None,
    per_page: Annotated[int, Query(alias="perPage", ge=1, le=1000)] = epcis_query.PER_PAGE,
    next_page_token: Annotated[str | None, Query(alias="nextPageToken", max_length=20)] = None,
) -> JSONResponse:
    """The ledger's events as an EPCIS query answers them, a page at a time (``Link`` header
    with ``rel="next"`` while more match)."""
    query = epcis_query.parse_query(
        {
            "eventType": event_type,
            "GE_eventTime": ge_event_time,
            "LT_eventTime": lt_event_time,
            "EQ_bizStep": eq_biz_step,
            "MATCH_epc": match_epc,
            "MATCH_anyEPC": match_any_epc,
            "EQ_bizLocation": eq_biz_location,
            "EQ_eventID": eq_event_id,
        }
    )
    after = epcis_query.read_page_token(next_page_token)
    document, token = epcis_query.query_document(ledger, query, per_page, after)
    headers = dict(GS1_HEADERS)
    if token is not None:
        following = request.url.include_query_params(nextPageToken=token)
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse(document, headers=headers)
