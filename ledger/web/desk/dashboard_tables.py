"""The dashboard's tables as rows for its template: the metabolism of each filière, and the
work hours."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain.worklog import CONTRACTS
from ledger.indicators.accounts import FiliereAccount
from ledger.indicators.circularity import Sorting
from ledger.indicators.jobs import Hours
from ledger.indicators.numbers import FTE_HOURS
from ledger.indicators.views import ROUTES
from ledger.web.desk.voice import PageVoice


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]
    kind: str = ""  # "sum" (a total) or "sub" (a part of the row above)


@dataclass(frozen=True)
class Table:
    heads: list[str]
    rows: list[Row]


def metabolism_rows(accounts: dict[str, FiliereAccount], voice: PageVoice) -> Table:
    """One column per filière, one row per figure of the metabolism, in tonnes."""
    found = list(accounts.values())
    t, say = voice.tonnes_figure, voice.t

    def row(key: str, grams: list[int], kind: str = "") -> Row:
        return Row(say(f"dashboard.metabolism.{key}"), [t(g) for g in grams], kind)

    rows = [
        row("collection", [a.collection_g for a in found]),
        row("imports", [a.imports_g for a in found]),
        row("exports", [a.exports_g for a in found]),
        row("apparent", [a.collection_g + a.imports_g - a.exports_g for a in found], "sum"),
        row("valorised", [sum(a.valorised_g.values()) for a in found]),
    ]
    rows += [
        Row(voice.route(route), [t(a.valorised_g[route]) for a in found], "sub") for route in ROUTES
    ]
    rows += [
        row("losses", [a.losses_g for a in found]),
        row("stock_change", [a.stock_change_g for a in found], "sum"),
        Row(say("dashboard.metabolism.energy"), [energy(a.energy_kj, voice) for a in found]),
    ]
    return Table([voice.filiere(name) for name in accounts], rows)


def jobs_rows(hours: Hours, sorting: Sorting, voice: PageVoice) -> list[Row]:
    """Hours by contract, FTE, insertion share of sorting, hours per tonne sorted."""
    by_contract = hours.by_contract()
    say = voice.t
    rows = [
        Row(say(f"dashboard.jobs.{contract}"), [hours_text(by_contract[contract], voice)])
        for contract in CONTRACTS
    ]
    per_tonne = (hours.sorting * 10_000 / sorting.input_g) if sorting.input_g else None
    rows += [
        Row(say("dashboard.jobs.total"), [hours_text(hours.total, voice)], "sum"),
        Row(say("dashboard.jobs.fte"), [voice.number(hours.total / 100 / FTE_HOURS, 2)]),
        Row(say("dashboard.jobs.insertion_share"), [voice.percent(hours.insertion_share)]),
        Row(
            say("dashboard.jobs.per_tonne"),
            ["—" if per_tonne is None else voice.number(per_tonne, 1)],
        ),
    ]
    return rows


def hours_text(centi_hours: int, voice: PageVoice) -> str:
    return f"{voice.number(centi_hours / 100, 0)}\u00a0h"


def energy(kilojoules: int, voice: PageVoice) -> str:
    """Gigajoules without unit (the row says GJ): whole from 100 GJ, else one decimal."""
    if not kilojoules:
        return "0"
    return voice.number(kilojoules / 1_000_000, 0 if kilojoules >= 100_000_000 else 1)
