"""The work supervisor's timesheet: a site's week of hours at ``/work/timesheet`` (rows of
pseudonymous workers, a cell per day), saved in one form, and the week's work logs with a
correction form each.

Work logs are personal records (DESIGN §4.4): the pages are for the organisation's supervisors
and admins, and offer only the organisation's own sites (the ledger's admins: every site).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import RedirectResponse, Response

from ledger.api.errors import STATUS_BY_KIND
from ledger.application.commands import CorrectWorkLog
from ledger.application.visibility import reads_work_logs_of
from ledger.domain.errors import ConcurrentChange, LedgerError, OrganisationNotAllowed
from ledger.domain.quantities import WORKER_REF_RULE
from ledger.domain.worklog import ACTIVITIES, CONTRACTS
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.work_save import Problem, SheetRefused, plan_week, save_week
from ledger.web.desk.work_sheet import fresh_views, sheet_values
from ledger.web.desk.work_week import (
    Logged,
    SheetRow,
    Week,
    logs_of_week,
    posted_rows,
    read_hours,
    sheet_of_logs,
)

router = desk_router()
Text = Annotated[str | None, Query(max_length=64)]
BLANK_ROWS = 3


def offered_sites(desk: Desk) -> list[dict[str, Any]]:
    """The sites whose work this reader logs: its organisation's (every site for the ledger's
    admins)."""
    actor = desk.require("supervisor")
    where, params = (
        ("", ()) if actor.is_admin else ("WHERE owner_id = ?", (str(actor.organisation_id),))
    )
    rows = fresh_views(desk).query(
        f"SELECT site_id, owner_id, name FROM view_sites {where} ORDER BY name, site_id", params
    )
    return [{"id": str(i), "organisation_id": str(o), "name": str(n)} for i, o, n in rows]


def chosen_site(desk: Desk, asked: str | None) -> dict[str, Any] | None:
    sites = offered_sites(desk)
    if not asked:
        return sites[0] if sites else None
    for site in sites:
        if site["id"] == asked.strip():
            if not reads_work_logs_of(desk.signed_in, UUID(site["organisation_id"])):
                break
            return site
    raise OrganisationNotAllowed(
        "Work is logged at your organisation's own sites.", site_id=asked.strip()
    )


@router.get("/work")
def work_home(desk: DeskDep) -> Response:
    """The supervisor's pages start with this week's timesheet."""
    desk.require("supervisor")
    query = str(desk.request.url.query)
    return RedirectResponse("/work/timesheet" + (f"?{query}" if query else ""), status_code=303)


@router.get("/work/timesheet")
def timesheet(desk: DeskDep, site: Text = None, week: Text = None, more: Text = None) -> Response:
    """A site's week: the hours logged per worker and day, blank rows to add, and the logs."""
    found = chosen_site(desk, site)
    chosen = Week.parse(week, desk.ledger.today())
    extra = BLANK_ROWS * (2 if more else 1)
    return sheet_page(desk, found, chosen, None, [], extra)


def sheet_page(
    desk: Desk,
    site: dict[str, Any] | None,
    week: Week,
    rows: list[SheetRow] | None,
    problems: list[Problem],
    blank_rows: int = BLANK_ROWS,
    status: int = 200,
    correcting: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    logs: list[Logged] = []
    if site is not None:
        logs = logs_of_week(fresh_views(desk), site["organisation_id"], site["id"], week)
    if rows is None:
        rows = localised(sheet_of_logs(logs, week), desk.lang)
        rows += [SheetRow() for _ in range(blank_rows)]
    values = sheet_values(desk, week, rows, problems, logs)
    return desk.render(
        "work_timesheet.html",
        status=status,
        site=site,
        sites=offered_sites(desk),
        week=week,
        contracts=CONTRACTS,
        activities=ACTIVITIES,
        worker_rule=WORKER_REF_RULE,
        correcting=correcting or {},
        **values,
        **extra,
    )


def localised(rows: list[SheetRow], lang: str) -> list[SheetRow]:
    if lang == "fr":
        for row in rows:
            row.hours = [h.replace(".", ",") for h in row.hours]
    return rows


@router.post("/work/timesheet")
def save_timesheet(desk: DeskDep) -> Response:
    """Save the week: a work log per new cell, a correction per changed cell, nothing twice."""
    actor = desk.writer()
    site = chosen_site(desk, desk.value("site"))
    week = Week.parse(desk.value("week"), desk.ledger.today())
    rows, reason = posted_rows(desk.form), desk.value("reason")
    if site is None:
        raise OrganisationNotAllowed("Your organisation has no site to log work at.")
    if desk.value("action") == "more":
        rows += [SheetRow() for _ in range(BLANK_ROWS)]
        return sheet_page(desk, site, week, rows, [], reason=reason)
    key = desk.value("idempotency_key") or "sheet"
    try:
        for attempt in (1, 2):  # a sending that crossed another of the same form: read again
            logs = logs_of_week(fresh_views(desk), site["organisation_id"], site["id"], week)
            plan = plan_week(rows, logs, week, desk.ledger.today(), reason)
            try:
                written = save_week(desk.ledger, actor, UUID(site["id"]), plan, key, reason)
                break
            except ConcurrentChange:
                if attempt == 2:
                    raise
    except SheetRefused as refused:
        return sheet_page(desk, site, week, rows, refused.problems, status=422, reason=reason)
    except LedgerError as error:
        problems = [Problem("ledger", values=(("message", desk.error_text(error)),))]
        status = STATUS_BY_KIND[error.kind]
        return sheet_page(desk, site, week, rows, problems, status=status, reason=reason)
    notice = "work.sheet.saved" if written else "work.sheet.unchanged"
    return desk.redirect(f"/work/timesheet?site={site['id']}&week={week.label}", notice=notice)


@router.post("/work/logs/{work_log_id}/corrections")
def correct_log(work_log_id: UUID, desk: DeskDep) -> Response:
    """Correct one work log's hours, with a reason; the original stays in its history."""
    actor = desk.writer()
    site = chosen_site(desk, desk.value("site"))
    week = Week.parse(desk.value("week"), desk.ledger.today())
    typed, reason = desk.value("hours"), desk.value("reason")
    try:
        try:
            hours = read_hours(typed)
        except ValueError:
            hours = None
        if hours is None:
            problem = Problem("hours")
            raise SheetRefused([problem])
        cmd = CorrectWorkLog(reason, hours=hours)
        desk.ledger.correct_work_log(actor, work_log_id, cmd, desk.idempotency())
    except (SheetRefused, LedgerError) as error:
        message = (
            desk.t("work.sheet.problem.hours")
            if isinstance(error, SheetRefused)
            else desk.error_text(error)
        )
        status = 422 if isinstance(error, SheetRefused) else STATUS_BY_KIND[error.kind]
        correcting = {"id": str(work_log_id), "hours": typed, "reason": reason, "error": message}
        return sheet_page(desk, site, week, None, [], status=status, correcting=correcting)
    target = f"/work/timesheet?site={site['id'] if site else ''}&week={week.label}"
    return desk.redirect(target, notice="work.logs.corrected")
