"""The report page's account of declarations: this period's, and the changes recorded in
earlier declared periods after their declaration (listed in this statement to be settled), as
values for ``desk/audit_report.html``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.domain.errors import LedgerError
from ledger.web.desk.audit_report_lists import Numbers
from ledger.web.desk.names import Names


@dataclass(frozen=True)
class Declared:
    through_position: int
    declared_at: datetime


@dataclass(frozen=True)
class ChangeRow:
    position: int
    what: str
    batch_id: str  # empty for hours
    subject: str
    quantity: str
    recorded: datetime


@dataclass(frozen=True)
class Change:
    period: str
    declared_at: datetime
    sorted_input: str
    support_cents: int
    support: str
    rows: list[ChangeRow]


def declared(statement: dict[str, Any]) -> Declared | None:
    found = statement.get("declared")
    if not found:
        return None
    return Declared(int(found["through_position"]), when(found["declared_at"]))


def when(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def changes(statement: dict[str, Any], names: Names) -> list[Change]:
    """One block per earlier declared period that changed since its declaration."""
    n = Numbers(names.lang)
    found = []
    for change in statement.get("changes_to_declared_periods") or []:
        total = int(change["support_cents"]["total"])
        found.append(
            Change(
                str(change["period"]),
                when(change["declared_at"]),
                n.kilograms(round(change["sorted_input_kg"] * 1000)),
                total,
                n.euros(total),
                [change_row(event, names, n) for event in change["events"]],
            )
        )
    return found


def change_row(event: dict[str, Any], names: Names, n: Numbers) -> ChangeRow:
    say = names.t
    if "batch_id" in event:
        route = names.route(event["route"]).lower()
        kind = names.words(f"audit.report.fact.{event['kind']}", str(event["kind"]))
        return ChangeRow(
            int(event["position"]),
            f"{kind} ({route})",
            str(event["batch_id"]),
            batch_title(event["batch_id"], names),
            f"{n.kilograms(round(event['mass_kg'] * 1000))}\u00a0kg",
            when(event["recorded_at"]),
        )
    return ChangeRow(
        int(event["position"]),
        say("audit.report.fact.hours", contract=names.contract(event["contract"]).lower()),
        "",
        say("audit.report.work_log"),
        f"{n.hours(round(event['hours'] * 100))}\u00a0h",
        when(event["recorded_at"]),
    )


def batch_title(batch_id: str, names: Names) -> str:
    """The batch's label code, else its material's name."""
    try:
        batch = names.ledger.batch(UUID(batch_id))
    except (LedgerError, ValueError):
        return names.t("audit.batch.no_label")
    return str(batch["label_code"] or names.material(batch["material"]))
