"""The auditor's page of a Refashion statement, as values for ``desk/audit_report.html``: each
figure beside the events it sums.

The figures come first, each with what its events give and a link to them; then the lists
(``audit_report_lists``), the loss, the support and the insertion share with their arithmetic
written out. What is recomputed here from the listed events (the recycling rate, the support,
the insertion share) is what the statement computes, so a ✓ means the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from ledger.audit.report_sources import Evidence, Report, centi, grams
from ledger.indicators.numbers import share
from ledger.indicators.refashion import rates_for, support_cents
from ledger.indicators.views import ROUTES
from ledger.web.desk import formats
from ledger.web.desk.audit_report_changes import changes, declared
from ledger.web.desk.audit_report_lists import (
    FactList,
    Numbers,
    count,
    fact_list,
    sorting_numbers,
    sorting_rows,
    work_rows,
    work_sums,
)
from ledger.web.desk.names import Names


@dataclass(frozen=True)
class FigureRow:
    name: str
    stated: str
    found: str
    ok: bool | None  # None: a figure the statement does not hold
    anchor: str
    link: str


@dataclass(frozen=True)
class SupportLine:
    key: str
    name: str
    base: str
    rate: str
    cents: int
    amount: str
    ok: bool


def report_values(report: Report, names: Names) -> dict[str, Any]:
    """Everything the template needs, in the reader's language."""
    statement, evidence = report.statement, report.evidence
    n = Numbers(names.lang)
    numbers = sorting_numbers(evidence)
    figure_names = {route: names.route(route) for route in ROUTES}
    figure_names["sorted_input"] = names.t("audit.report.sorted_input")
    figure_names["unrouted"] = names.t("audit.report.unrouted")
    lists = [
        fact_list("sorted_input", figure_names["sorted_input"], evidence.inputs, numbers, names)
    ]
    lists += [
        fact_list(route, figure_names[route], evidence.outputs(route), numbers, names)
        for route in ROUTES
    ]
    lists.append(
        fact_list("unrouted", figure_names["unrouted"], evidence.outputs(None), numbers, names)
    )
    sorting_c, insertion_c = work_sums(evidence)
    rate, insertion = recycling_rate(evidence), share(insertion_c, sorting_c)
    outputs = evidence.outputs_g
    inputs_g, outputs_all_g = grams(evidence.inputs), grams(evidence.outputs_all)
    return {
        "statement": statement,
        "report": report,
        "as_of": report.period.as_of,
        "files": files(statement, report),
        "declared": declared(statement),
        "figures": figures(report, figure_names, lists, names),
        "lists_of_facts": lists,
        "recycling": {
            "share": rate,
            "text": n.percent(rate),
            "ok": rate == statement["recycling_rate"],
            "recycling": n.exact_tonnes(outputs["recycling"]),
            "input": n.exact_tonnes(inputs_g),
            "reuse": n.exact_tonnes(outputs["reuse"]),
            "objective": None
            if statement["recycling_objective"] is None
            else n.percent(statement["recycling_objective"], 0),
        },
        "loss": {
            "total_g": inputs_g - outputs_all_g,
            "input": n.kilograms(inputs_g),
            "output": n.kilograms(outputs_all_g),
            "loss": n.kilograms(inputs_g - outputs_all_g),
            "rows": sorting_rows(evidence, names),
        },
        "support": support(report, n, names),
        "hours": {
            "share": insertion,
            "text": n.percent(insertion),
            "ok": insertion == statement["insertion_share"],
            "insertion": n.hours(insertion_c),
            "insertion_centi": insertion_c,
            "sorting": n.hours(sorting_c),
            "sorting_centi": sorting_c,
            "minimum": n.percent(statement["insertion_minimum"], 0),
            "rows": work_rows(evidence, names),
            "lines": count_lines(len(evidence.work), names),
        },
        "changes": changes(statement, names),
    }


def files(statement: dict[str, Any], report: Report) -> list[tuple[str, str]]:
    """The statement as JSON, CSV, PDF and (as recorded now only) an evidence bundle."""
    query = {"organisation_id": statement["organisation_id"], "period": statement["period"]}
    formats = [("JSON", "json"), ("CSV", "csv"), ("PDF", "pdf"), ("audit.report.bundle", "bundle")]
    if report.period.as_of is not None:  # a bundle is made as recorded now
        query["as_of"] = report.period.as_of.isoformat()
        formats = formats[:3]
    return [
        (name, "/api/v1/reports/refashion?" + urlencode({**query, "format": fmt}))
        for name, fmt in formats
    ]


def figures(
    report: Report, names_of: dict[str, str], lists: list[FactList], names: Names
) -> list[FigureRow]:
    """The statement's figures, each beside what its events give, and a link to them."""
    statement, evidence = report.statement, report.evidence
    n, say = Numbers(names.lang), names.t
    stated = {"sorted_input": statement["sorted_input_tonnes"], **statement["tonnes"]}
    rows = []
    for found in lists:
        figure = found.figure
        if figure == "unrouted":
            stated_text, ok = say("audit.report.not_in_statement"), None
        else:
            stated_text = n.exact_tonnes(round(stated[figure] * 1_000_000)) + "\u00a0t"
            ok = round(stated[figure] * 1_000_000) == found.total_g
        rows.append(FigureRow(names_of[figure], stated_text, found.total_t + "\u00a0t", ok,
                              f"figure-{figure}", found.count))  # fmt: skip
    rate = recycling_rate(evidence)
    cents = support_cents(evidence.outputs_g, rates_for(statement["year"]))["total"]
    insertion = share(centi(evidence.insertion), centi(evidence.work))
    stated_total = statement["support_cents"]["total"]
    rows += [
        FigureRow(say("audit.report.recycling_rate"), n.percent(statement["recycling_rate"]),
                  n.percent(rate), rate == statement["recycling_rate"], "recycling",
                  say("audit.report.calculation")),
        FigureRow(say("audit.report.support"), n.euros(stated_total), n.euros(cents),
                  cents == stated_total, "support", say("audit.report.calculation")),
        FigureRow(say("audit.report.insertion_share"), n.percent(statement["insertion_share"]),
                  n.percent(insertion), insertion == statement["insertion_share"],
                  "figure-sorting_hours", count_lines(len(evidence.work), names)),
    ]  # fmt: skip
    return rows


def recycling_rate(evidence: Evidence) -> float | None:
    outputs = evidence.outputs_g
    return share(outputs["recycling"], grams(evidence.inputs) - outputs["reuse"])


def support(report: Report, n: Numbers, names: Names) -> dict[str, Any]:
    """Each support line as tonnes × rate, recomputed from the listed outputs."""
    statement, outputs = report.statement, report.evidence.outputs_g
    rates = rates_for(statement["year"])
    computed = support_cents(outputs, rates)
    t = {route: f"{n.exact_tonnes(outputs[route])}\u00a0t {names.route(route)}" for route in ROUTES}
    bases = [
        ("sbase", "Sbase", f"({t['recycling']} + {t['csr']})", rates.sbase),
        ("scomp_recycling", names.t("audit.report.scomp_recycling"), t["recycling"],
         rates.scomp_recycling),
        ("scomp_csr", names.t("audit.report.scomp_csr"), t["csr"], rates.scomp_csr),
        ("svalo_e", "Svalo_E", t["energy"], rates.svalo_e),
    ]  # fmt: skip
    lines = [
        SupportLine(key, name, base, rate_text(rate, n), computed[key], n.euros(computed[key]),
                    computed[key] == statement["support_cents"][key])
        for key, name, base, rate in bases
    ]  # fmt: skip
    total = computed["total"]
    return {
        "year": statement["year"],
        "lines": lines,
        "total": total,
        "total_text": n.euros(total),
        "ok": total == statement["support_cents"]["total"],
    }


def rate_text(rate: Decimal, n: Numbers) -> str:
    return formats.number(rate, 0 if rate == rate.to_integral_value() else 2, n.lang)


def count_lines(number: int, names: Names) -> str:
    """Rows of hours: a corrected log has its own row and two more (undone, redone)."""
    return count("audit.report.lines", number, names)
