"""The declaration page's values: a statement's figures as they would be frozen, and each
declared statement with the regularisations recorded in its period since it was declared, in
plain words.

A declaration freezes its figures with the log position they were read at
(``ledger.indicators.declared``); what is recorded later in its period (hours corrected or
logged late, sortings recorded late or corrected) is a regularisation, listed in the
organisation's next statements. The changes to the figures are the indicator's own
(``period_change``), read from the declaration's position to now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.indicators.declared import Declared, declarations, period_change
from ledger.indicators.numbers import share
from ledger.indicators.periods import Period
from ledger.indicators.refashion import support_of
from ledger.indicators.views import ROUTES
from ledger.projections.db import ViewDatabase
from ledger.web.desk import formats
from ledger.web.desk.context import Desk

SUPPORT_LINES = ("sbase", "scomp_recycling", "scomp_csr", "svalo_e")


@dataclass(frozen=True)
class DeclaredStatement:
    period: str
    declared_at: str
    lines: list[tuple[str, str]]
    changes: list[tuple[str, str]]  # what the regularisations change, figure by figure
    events: list[str]  # each regularisation, in words


def euros(cents: int, lang: str) -> str:
    figure = formats.number(Decimal(cents) / 100, 2, lang)
    return f"{figure}\u00a0€" if lang == "fr" else f"€{figure}"


def hours(centi: int | float, lang: str) -> str:
    return f"{formats.number(Decimal(str(centi)) / 100, 2, lang, trim=True)}\u00a0h"


def signed(text: str, value: float) -> str:
    return ("+" if value > 0 else "") + text


def statement_lines(
    statement: dict[str, Any], figures: dict[str, Any], desk: Desk
) -> list[tuple[str, str]]:
    """The figures a declaration freezes, named, as the reader writes numbers."""
    lang, t = desk.lang, desk.t
    grams = figures["outputs_g"]
    lines = [(t("work.declare.sorted_input"), formats.kg(figures["sorted_input_g"] / 1000, lang))]
    lines += [(t(f"route.{r}"), formats.kg(grams.get(r, 0) / 1000, lang)) for r in ROUTES]
    lines += [
        (t(f"work.declare.support.{k}"), euros(statement["support_cents"][k], lang))
        for k in (*SUPPORT_LINES, "total")
    ]
    objective = statement["recycling_objective"]
    lines.append(
        (
            t("work.declare.recycling_rate"),
            formats.percent(statement["recycling_rate"], lang)
            + (t("work.declare.objective", share=formats.percent(objective, lang, 0))
               if objective is not None else ""),
        )
    )  # fmt: skip
    lines += [
        (t("work.declare.sorting_hours"), hours(figures["sorting_hours_centi"], lang)),
        (t("work.declare.insertion_hours"), hours(figures["insertion_sorting_hours_centi"], lang)),
        (t("work.declare.insertion_share"), formats.percent(statement["insertion_share"], lang)),
    ]
    return lines


def declared_statements(db: ViewDatabase, organisation_id: str, desk: Desk) -> list[Any]:
    """The organisation's declarations, latest first, each with what changed since."""
    found = []
    for declared in reversed(declarations(db, organisation_id)):
        frozen = declared.figures
        lines = [
            (desk.t("work.declare.sorted_input"),
             formats.kg(frozen["sorted_input_g"] / 1000, desk.lang)),
            (desk.t("work.declare.support.total"),
             euros(frozen["support_cents"]["total"], desk.lang)),
            (desk.t("work.declare.sorting_hours"),
             hours(frozen["sorting_hours_centi"], desk.lang)),
            (desk.t("work.declare.insertion_share"),
             formats.percent(share(frozen["insertion_sorting_hours_centi"],
                                   frozen["sorting_hours_centi"]), desk.lang)),
        ]  # fmt: skip
        changes, events = regularisations(db, organisation_id, declared, desk)
        found.append(
            DeclaredStatement(
                declared.period.label,
                formats.moment(declared.declared_at, desk.lang),
                lines,
                changes,
                events,
            )
        )
    return found


def regularisations(
    db: ViewDatabase, organisation_id: str, declared: Declared, desk: Desk
) -> tuple[list[tuple[str, str]], list[str]]:
    """What was recorded in the declared period after its declaration, and its effect."""
    window = Period(declared.period.start, declared.period.end, declared.period.label)
    change = period_change(
        db, organisation_id, declared, window, (declared.through_position, None), support_of
    )
    if change is None:
        return [], []
    lang, t = desk.lang, desk.t
    effects = []
    if change["sorted_input_kg"]:
        text = formats.kg(change["sorted_input_kg"], lang)
        effects.append((t("work.declare.sorted_input"), signed(text, change["sorted_input_kg"])))
    for route, tonnes in change["tonnes"].items():
        if tonnes:
            effects.append((t(f"route.{route}"), signed(formats.kg(tonnes * 1000, lang), tonnes)))
    total = change["support_cents"]["total"]
    if total:
        effects.append((t("work.declare.support.total"), signed(euros(total, lang), total)))
    for key, name in (("sorting_hours", "sorting_hours"), ("insertion_sorting_hours",
                                                           "insertion_hours")):  # fmt: skip
        if change[key]:
            text = hours(change[key] * 100, lang)
            effects.append((t(f"work.declare.{name}"), signed(text, change[key])))
    return effects, event_words(db, change["events"], desk)


def event_words(db: ViewDatabase, events: list[dict[str, Any]], desk: Desk) -> list[str]:
    """Each regularisation as a sentence: a correction of hours pairs the hours undone with
    the hours as corrected (both are facts at the correction's position)."""
    lang, t = desk.lang, desk.t
    sentences: list[str] = []
    work: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for event in events:
        if event["kind"] == "worked":
            work.setdefault((event["position"], event["work_log_id"]), []).append(event)
            continue
        kind = t(f"work.declare.fact.{event['kind']}")
        mass = formats.kg(event["mass_kg"], lang)
        route = t(f"route.{event['route']}") if event["route"] else "—"
        sentences.append(
            t("work.declare.fact.sorting", when=formats.moment(event["recorded_at"], lang),
              kind=kind, mass=signed(mass, event["mass_kg"]), route=route)
        )  # fmt: skip
    for (position, log_id), rows in sorted(work.items()):
        sentences.append(work_sentence(db, position, log_id, rows, desk))
    return sentences


def work_sentence(
    db: ViewDatabase, position: int, log_id: str, rows: list[dict[str, Any]], desk: Desk
) -> str:
    lang, t = desk.lang, desk.t
    found = db.query(
        "SELECT worker_ref, work_date, hours_centi FROM view_work_logs "
        "WHERE position = ? AND work_log_id = ? ORDER BY hours_centi",
        (position, log_id),
    )
    worker = str(found[-1][0]) if found else "—"
    day = formats.long_date(date.fromisoformat(str(found[-1][1])), lang) if found else "—"
    before = next((r for r in rows if r["hours"] < 0), None)
    after = next((r for r in rows if r["hours"] > 0), None)
    when = formats.moment(rows[0]["recorded_at"], lang)
    activity = t(f"activity.{(after or rows[0])['activity']}").lower()
    if before is not None and after is not None:
        return t("work.declare.fact.corrected", when=when, worker=worker, day=day,
                 activity=activity, before=hours(-before["hours"] * 100, lang),
                 after=hours(after["hours"] * 100, lang))  # fmt: skip
    return t("work.declare.fact.logged", when=when, worker=worker, day=day, activity=activity,
             hours=hours((after or rows[0])["hours"] * 100, lang))  # fmt: skip
