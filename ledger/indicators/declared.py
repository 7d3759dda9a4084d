"""Declared statements, and what was recorded in declared periods after they were declared.

A declaration freezes a statement's figures with the log position they were read at. The
statement of a later period lists, for each earlier declared period, the facts recorded since
(late syncs and corrections, which the views keep as signed, append-only facts) with their
effect on the declared figures: what the eco-organism would settle in the next statement.

A change is listed once: in the statements of the periods after the declaration that last
covered it (the latest declaration, among the declared period and the periods declared after
it, before the statement's period).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.indicators.circularity import Scope, Sorting, sorting_masses
from ledger.indicators.jobs import Hours, work_hours
from ledger.indicators.numbers import hours, kg, tonnes
from ledger.indicators.periods import Period
from ledger.indicators.views import ROUTES, Filters
from ledger.projections.db import ViewDatabase

SCHEME = "refashion"
Support = Callable[[dict[str, int], int], dict[str, int]]  # outputs in grams, year → cents


@dataclass(frozen=True)
class Declared:
    declaration_id: str
    period: Period
    through_position: int
    declared_at: str
    figures: dict[str, Any]


def declaration_figures(sorting: Sorting, worked: Hours, support: dict[str, int]) -> dict[str, Any]:
    """What a declaration freezes, in exact integers."""
    return {
        "sorted_input_g": sorting.input_g,
        "outputs_g": dict(sorting.outputs_g),
        "unrouted_g": sorting.unrouted_g,
        "support_cents": dict(support),
        "sorting_hours_centi": worked.sorting,
        "insertion_sorting_hours_centi": worked.insertion_sorting,
    }


def declarations(db: ViewDatabase, organisation_id: str) -> list[Declared]:
    """The organisation's declared statements, by period."""
    rows = db.query(
        "SELECT declaration_id, period, period_start, period_end, through_position, "
        "declared_at, figures FROM view_declarations WHERE scheme = ? AND organisation_id = ? "
        "ORDER BY period_start, period_end",
        (SCHEME, organisation_id),
    )
    return [
        Declared(
            str(identifier),
            Period(date.fromisoformat(start), date.fromisoformat(end), str(label)),
            int(through),
            str(declared_at),
            json.loads(figures),
        )
        for identifier, label, start, end, through, declared_at, figures in rows
    ]


def declaration_json(found: Declared) -> dict[str, Any]:
    return {
        "declaration_id": found.declaration_id,
        "period": found.period.label,
        "declared_at": found.declared_at,
        "through_position": found.through_position,
    }


def changes_since_declared(
    db: ViewDatabase,
    organisation_id: str,
    period: Period,
    support: Support,
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """This period's own declaration, and the changes to earlier declared periods to list.

    ``support(outputs_g, year)`` gives the support lines of a year for outputs in grams.
    """
    found = declarations(db, organisation_id)
    if period.horizon is not None:  # as recorded then: the declarations made by then
        found = [d for d in found if d.declared_at <= period.horizon]
    own = next((d for d in found if d.period.label == period.label), None)
    through = own.through_position if own is not None else None  # a declared statement stays
    earlier = [d for d in found if d.period.end < period.start]
    changes = []
    for declared in earlier:
        covering = [d for d in earlier if d.period.start >= declared.period.start]
        after = max(d.through_position for d in covering)
        window = Period(
            declared.period.start, declared.period.end, declared.period.label, period.as_of
        )
        change = period_change(db, organisation_id, declared, window, (after, through), support)
        if change is not None:
            changes.append(change)
    return (declaration_json(own) if own is not None else None), changes


def period_change(
    db: ViewDatabase,
    organisation_id: str,
    declared: Declared,
    window: Period,
    positions: tuple[int | None, int | None],
    support: Support,
) -> dict[str, Any] | None:
    """What the facts recorded in ``positions`` change in a declared period, or None."""
    delta = sorting_masses(db, Scope(organisation_id), window, positions)
    worked = work_hours(db, organisation_id, window, positions)
    events = changed_facts(db, organisation_id, window, positions)
    if not events:
        return None
    before = declared.figures
    outputs_now = {r: before["outputs_g"].get(r, 0) + delta.outputs_g[r] for r in ROUTES}
    support_now = support(outputs_now, declared.period.start.year)
    return {
        **declaration_json(declared),
        "after_position": positions[0],
        "sorted_input_kg": kg(delta.input_g),
        "tonnes": {route: tonnes(grams) for route, grams in delta.outputs_g.items()},
        "support_cents": {
            line: cents - before["support_cents"].get(line, 0)
            for line, cents in support_now.items()
        },
        "sorting_hours": hours(worked.sorting),
        "insertion_sorting_hours": hours(worked.insertion_sorting),
        "events": events,
    }


def changed_facts(
    db: ViewDatabase, organisation_id: str, window: Period, positions: tuple[int | None, int | None]
) -> list[dict[str, Any]]:
    """The facts behind a change, in log order: sortings' inputs and outputs, and work hours."""
    flows = Filters("process = 'sorting'", "kind IN ('consumed', 'produced')")
    flows.add("occurred_date BETWEEN ? AND ?", *window.bounds).recorded(window)
    flows.equal("organisation_id", organisation_id).between_positions(*positions)
    work = Filters().add("work_date BETWEEN ? AND ?", *window.bounds).recorded(window)
    work.equal("organisation_id", organisation_id).between_positions(*positions)
    found = [
        {
            "position": int(position),
            "batch_id": str(batch_id),
            "kind": str(kind),
            "route": route,
            "mass_kg": kg(int(mass)),
            "recorded_at": str(recorded_at),
        }
        for position, batch_id, kind, route, mass, recorded_at in db.query(
            "SELECT position, batch_id, kind, route, mass_g, recorded_at FROM view_flows "
            f"WHERE {flows.where} ORDER BY position, batch_id, kind",
            flows.params,
        )
    ]
    found += [
        {
            "position": int(position),
            "work_log_id": str(log_id),
            "kind": "worked",
            "activity": str(activity),
            "contract": str(contract),
            "hours": hours(int(centi)),
            "recorded_at": str(recorded_at),
        }
        for position, log_id, activity, contract, centi, recorded_at in db.query(
            "SELECT position, work_log_id, activity, contract, hours_centi, recorded_at "
            f"FROM view_work_logs WHERE {work.where} ORDER BY position, work_log_id",
            work.params,
        )
    ]
    return sorted(found, key=lambda item: item["position"])
