"""Saving a site's week of hours from the supervisor's timesheet: a work log per new cell, a
correction per changed cell, nothing for the rest and nothing twice; a refused sheet writes
nothing at all. On SQLite and PostgreSQL, with the work view fed by the projection runner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from ledger.application.ledger import Ledger
from ledger.projections.db import ViewDatabase
from ledger.projections.runner import ProjectionRunner
from ledger.web.desk.work_save import SheetRefused, plan_week, save_week
from ledger.web.desk.work_week import (
    Logged,
    SheetRow,
    Week,
    logs_of_week,
    read_hours,
    sheet_of_logs,
)
from tests.territory import Territory, build_territory


@pytest.fixture
def world(ledger: Ledger) -> Territory:
    return build_territory(ledger)


@pytest.fixture
def views(ledger: Ledger) -> Iterator[ViewDatabase]:
    db = ViewDatabase(ledger.settings)
    yield db
    db.close()


@pytest.fixture
def week(ledger: Ledger) -> Week:
    """A whole week in the past: every day of it may carry hours."""
    return Week.of(ledger.today() - timedelta(days=14))


def catch_up(ledger: Ledger) -> None:
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    runner.close()


def row(worker: str, contract: str, *hours: str) -> SheetRow:
    return SheetRow(worker, contract, "sorting", [*hours, *[""] * (7 - len(hours))])


def three_workers() -> list[SheetRow]:
    return [
        row("W-0042", "insertion", "7.5", "7,5", "7", "7", "6"),
        row("ICIAD-17", "insertion", "7", "7", "7", "7", "7", "3:15"),
        row("W-0007", "employee", "8", "8", "8", "8", "4"),
        SheetRow(),  # a blank row is no row
    ]


def logs(ledger: Ledger, views: ViewDatabase, world: Territory, week: Week) -> list[Logged]:
    catch_up(ledger)
    return logs_of_week(views, str(world.workshop), str(world.sorting_centre), week)


def save(
    ledger: Ledger,
    views: ViewDatabase,
    world: Territory,
    week: Week,
    rows: list[SheetRow],
    key: str = "form-1",
    reason: str = "",
) -> int:
    """What the page does: read the week as it stands, plan, write."""
    found = logs(ledger, views, world, week)
    plan = plan_week(rows, found, week, ledger.today(), reason)
    supervisor = world.actor("supervisor")
    return save_week(ledger, supervisor, world.sorting_centre, plan, key, reason)


def test_a_week_logs_each_filled_cell_once_however_often_it_is_sent(
    ledger: Ledger, views: ViewDatabase, world: Territory, week: Week
) -> None:
    assert save(ledger, views, world, week, three_workers()) == 16
    head = ledger.event_log.max_position()
    assert save(ledger, views, world, week, three_workers()) == 0  # the same form again
    assert save(ledger, views, world, week, three_workers(), key="form-2") == 0  # another
    assert ledger.event_log.max_position() == head
    found = logs(ledger, views, world, week)
    assert len(found) == 16
    by_cell = {(log.worker_ref, log.work_date): log.hours_centi for log in found}
    assert by_cell[("W-0042", week.monday)] == 750
    assert by_cell[("ICIAD-17", week.days[5])] == 325
    assert sum(by_cell.values()) == 10925
    log = ledger.work_log_json(UUID(found[0].work_log_id))
    assert log["site_id"] == str(world.sorting_centre)


def test_sendings_that_cross_write_once(
    ledger: Ledger, views: ViewDatabase, world: Territory, week: Week
) -> None:
    """Both read the week before either wrote: the cells' idempotency keys answer the second."""
    found = logs(ledger, views, world, week)
    first = plan_week(three_workers(), found, week, ledger.today(), "")
    second = plan_week(three_workers(), found, week, ledger.today(), "")
    supervisor = world.actor("supervisor")
    assert save_week(ledger, supervisor, world.sorting_centre, first, "form-1", "") == 16
    assert save_week(ledger, supervisor, world.sorting_centre, second, "form-1", "") == 0
    assert len(logs(ledger, views, world, week)) == 16


def test_a_changed_cell_is_one_correction_of_its_log_with_the_reason(
    ledger: Ledger, views: ViewDatabase, world: Territory, week: Week
) -> None:
    save(ledger, views, world, week, three_workers())
    sheet = sheet_of_logs(logs(ledger, views, world, week), week)
    w42 = next(r for r in sheet if r.worker_ref == "W-0042")
    w42.hours[0] = "8.5"
    with pytest.raises(SheetRefused) as refused:
        save(ledger, views, world, week, sheet, key="form-2")
    assert [p.key for p in refused.value.problems] == ["reason"]
    assert save(ledger, views, world, week, sheet, key="form-2", reason="badge oublié") == 1
    monday = next(
        log for log in logs(ledger, views, world, week)
        if (log.worker_ref, log.work_date) == ("W-0042", week.monday)
    )  # fmt: skip
    corrected = ledger.work_log_json(UUID(monday.work_log_id))
    assert (corrected["hours"], corrected["version"]) == (8.5, 2)
    assert save(ledger, views, world, week, sheet, key="form-2", reason="badge oublié") == 0


def test_a_name_refuses_the_whole_sheet_and_nothing_is_written(
    ledger: Ledger, views: ViewDatabase, world: Territory, week: Week
) -> None:
    head = ledger.event_log.max_position()
    rows = [*three_workers(), row("Fatima_Benali-1987", "insertion", "4")]
    with pytest.raises(SheetRefused) as refused:
        save(ledger, views, world, week, rows)
    assert [(p.key, p.row) for p in refused.value.problems] == [("worker_ref", 4)]
    assert ledger.event_log.max_position() == head
    assert logs(ledger, views, world, week) == []


def test_hours_are_quarter_hours_of_past_days_and_logged_hours_are_never_erased(
    ledger: Ledger, views: ViewDatabase, world: Territory, week: Week
) -> None:
    bad = [row("W-0042", "insertion", "7.3"), row("W-0043", "insertion", "", "25")]
    plan = plan_week(bad, [], week, ledger.today(), "")
    assert [(p.key, p.row, p.day) for p in plan.problems] == [("hours", 0, 0), ("hours", 1, 1)]
    tuesday = plan_week([row("W-0042", "insertion", "", "4")], [], week, week.monday, "")
    assert [(p.key, p.day) for p in tuesday.problems] == [("future", 1)]
    save(ledger, views, world, week, three_workers())
    sheet = sheet_of_logs(logs(ledger, views, world, week), week)
    sheet[0].hours[0] = ""
    plan = plan_week(sheet, logs(ledger, views, world, week), week, ledger.today(), "oubli")
    assert [(p.key, p.day) for p in plan.problems] == [("emptied", 0)]


def test_hours_changed_since_the_form_was_opened_are_not_overwritten(
    ledger: Ledger, views: ViewDatabase, world: Territory, week: Week
) -> None:
    stale = [row("W-0042", "insertion", "6")]  # opened before the hours below were logged
    save(ledger, views, world, week, [row("W-0042", "insertion", "7.5")], key="other-tab")
    plan = plan_week(stale, logs(ledger, views, world, week), week, ledger.today(), "")
    assert [(p.key, dict(p.values)) for p in plan.problems] == [("changed", {"hours": "7.5"})]
    assert stale[0].was[0] == "750"  # sent again, the sheet applies what was typed
    assert save(ledger, views, world, week, stale, reason="relu") == 1
    [log] = logs(ledger, views, world, week)
    assert log.hours_centi == int(Decimal("6") * 100)


def test_hours_are_read_as_people_type_them() -> None:
    assert [read_hours(t) for t in ("7,5", "7.5", "7:30", " 8 ", "")] == [
        Decimal("7.5"), Decimal("7.5"), Decimal("7.5"), Decimal("8"), None
    ]  # fmt: skip
    for unreadable in ("7:90", "7:", "-1", "1e1", "sept", "100"):
        with pytest.raises(ValueError, match=re.escape(unreadable.strip())):
            read_hours(unreadable)
