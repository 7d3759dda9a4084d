"""Auditors' pages: finding a batch at ``/audit``, a batch's history and lineage at
``/audit/batch/{id}``, and a Refashion statement with the events behind each figure at
``/audit/report``; in the reader's language, no script.

Every signed-in reader reads batches and their histories (every token does); the report page lists
pseudonymous work logs, so it is for auditors, the ledger's admins, and the organisation's own
supervisor and admin. A malformed or unknown id answers a page in the reader's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import RedirectResponse, Response

from ledger.api.errors import STATUS_BY_KIND
from ledger.application.visibility import reads_work_logs_of
from ledger.audit.report_sources import current_quarter, read_report, sorting_organisations
from ledger.domain.errors import (
    InvalidInput,
    InvalidPeriod,
    InvalidTime,
    LedgerError,
    OrganisationNotAllowed,
    UnknownOrganisation,
)
from ledger.web.desk import formats
from ledger.web.desk.as_of import recording_time, wall_clock
from ledger.web.desk.audit_batch import batch_facts, history_rows, mark_later
from ledger.web.desk.audit_lineage import lineage_picture
from ledger.web.desk.audit_lookup import find_batches
from ledger.web.desk.audit_report import report_values
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.names import Names

router = desk_router()
TimeText = Annotated[str | None, Query(max_length=40)]
REPORT_PROBLEMS = {  # what a report address got wrong: its title, and what to give instead
    InvalidPeriod.code: "audit.report.problem.period",
    UnknownOrganisation.code: "audit.report.problem.organisation",
    InvalidInput.code: "audit.report.problem.request",
    InvalidTime.code: "audit.report.problem.as_of",
}


@router.get("/audit")
def find(desk: DeskDep, q: Annotated[str | None, Query(max_length=300)] = None) -> Response:
    """Find a batch by label code (any spelling), the text of its QR code, or its id; one match
    opens its page, several or none say so."""
    desk.require("auditor", "supervisor")
    found = find_batches(desk.ledger, desk.request.app.state.views.db, q or "")
    if found.single is not None:
        return RedirectResponse(f"/audit/batch/{found.single}", status_code=303)
    names = Names(desk.ledger, desk.lang)
    candidates = [(i, batch_facts(desk.ledger.batch(UUID(i)), names)) for i in found.batch_ids]
    status = 404 if q and not candidates else 200
    return desk.render("audit_find.html", status=status, found=found, candidates=candidates)


@router.get("/audit/batch/{batch_id}")
def batch_page(
    batch_id: UUID, desk: DeskDep, as_of: TimeText = None, occurred_by: TimeText = None
) -> Response:
    """A batch's history with both times, its corrections beside what they correct, the batch
    as recorded at a time (``as_of``) or as things had occurred by a time (``occurred_by``),
    and its lineage as a picture."""
    _ = desk.signed_in
    ledger, names = desk.ledger, Names(desk.ledger, desk.lang)
    history = ledger.history(batch_id)
    rows = history_rows(history, names)
    then = batch_then(desk, batch_id, as_of, occurred_by)
    mark_later(rows, then["as_of"], then["occurred_by"], names)
    now = ledger.batch(batch_id)
    return desk.render(
        "audit_batch.html",
        batch_id=str(batch_id),
        batch=batch_facts(now, names),
        rows=rows,
        then=then,
        lineage=lineage_picture(ledger.lineage(batch_id), names),
        show_tokens=desk.signed_in.role in ("auditor", "admin"),
        may_correct=ledger.may_correct(desk.signed_in, batch_id),
    )


def batch_then(
    desk: Desk, batch_id: UUID, as_of_text: str | None, occurred_by_text: str | None
) -> dict[str, Any]:
    """The batch at the time asked for, or why it cannot be shown (the page still answers)."""
    names = Names(desk.ledger, desk.lang)
    then: dict[str, Any] = {"as_of": None, "occurred_by": None, "facts": None, "problem": ""}
    then["as_of_field"], then["occurred_by_field"] = as_of_text or "", occurred_by_text or ""
    try:
        as_of, occurred_by = recording_time(as_of_text), recording_time(occurred_by_text)
    except LedgerError:
        then["problem"] = desk.t("audit.batch.time_not_understood")
        return then
    if as_of is not None and occurred_by is not None:
        then["problem"] = desk.t("audit.batch.one_time")
        return then
    then.update(as_of=as_of, occurred_by=occurred_by)
    then["as_of_field"], then["occurred_by_field"] = wall_clock(as_of), wall_clock(occurred_by)
    try:
        if as_of is not None:
            then["facts"] = batch_facts(desk.ledger.batch(batch_id, as_of=as_of), names)
        elif occurred_by is not None:
            found = desk.ledger.batch_as_occurred(batch_id, occurred_by)
            then["facts"] = batch_facts(found, names)
    except LedgerError:  # not recorded, or not collected, by then
        then["problem"] = desk.t(
            "audit.batch.not_yet", moment=moment_text(desk, as_of, occurred_by)
        )
    return then


def moment_text(desk: Desk, *times: datetime | None) -> str:
    chosen = next(t for t in times if t is not None)
    return formats.moment(chosen, desk.lang)


@router.get("/audit/report")
def report(
    desk: DeskDep,
    organisation_id: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[str | None, Query(max_length=16)] = None,
    as_of: TimeText = None,
) -> Response:
    """A Refashion statement with the events behind each figure (without organisation: a
    choice of whose), as recorded now or at ``as_of``."""
    reader = desk.require("auditor", "supervisor")
    db = desk.request.app.state.views.db
    chosen = period or current_quarter(desk.ledger.today())
    if not organisation_id:
        organisations = [
            (org, name) for org, name in sorting_organisations(db) if may_read_work(desk, org)
        ]
        return desk.render("audit_report_choose.html", organisations=organisations, period=chosen)
    try:
        if not may_read_work(desk, organisation_id.strip()):
            raise OrganisationNotAllowed(
                "Work logs are read by their organisation's supervisor and admin, and auditors.",
                role=reader.role,
                organisation_id=organisation_id,
            )
        found = read_report(db, organisation_id, chosen, recording_time(as_of))
    except LedgerError as error:
        if error.code not in REPORT_PROBLEMS:
            raise
        # An organisation named in the page's address is its subject: unknown, it is not found.
        status = 404 if isinstance(error, UnknownOrganisation) else STATUS_BY_KIND[error.kind]
        return desk.render(
            "audit_report_problem.html",
            status=status,
            problem=REPORT_PROBLEMS[error.code],
            error=error,
            message=desk.error_text(error),
        )
    values = report_values(found, Names(desk.ledger, desk.lang))
    return desk.render("audit_report.html", as_of_field=wall_clock(found.period.as_of), **values)


def may_read_work(desk: Desk, organisation_id: str) -> bool:
    """Work logs are personal records: the ledger's own rule says who reads whose."""
    try:
        subject = UUID(organisation_id)
    except ValueError:
        return True  # not an organisation at all: the report says the request is not understood
    return reads_work_logs_of(desk.signed_in, subject)
