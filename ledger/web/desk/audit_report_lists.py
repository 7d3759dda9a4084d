"""The lists of events under the figures of the auditor's report page, each with its sum.

Each list is a ``<details>`` (a quarter holds hundreds of batches) whose ``data-`` attributes carry
the exact sum in grams or hundredths of hours, and each batch links to its audit page at the
version of the event counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from ledger.audit.report_sources import Evidence, Fact, WorkEntry, centi, grams
from ledger.indicators import french
from ledger.indicators.sankey import ROUTE_COLOURS
from ledger.web.desk.dashboard_tables import CONTRACT_NAMES

FIGURE_NAMES = {
    **french.ROUTE_NAMES,
    "sorted_input": "Entrée triée",
    "unrouted": "Sorties sans voie (triées à nouveau)",
}


def fact_list(figure: str, facts: list[Fact]) -> str:
    """One figure's flow facts, with their sum."""
    total = grams(facts)
    colour = f'<i class="swatch" style="background:{ROUTE_COLOURS.get(figure, "none")}"></i>'
    rows = "".join(fact_row(fact) for fact in facts) or empty(8, "Aucun événement.")
    return f"""<details id="figure-{figure}" data-figure="{figure}" data-g="{total}">
<summary><b>{colour}{escape(FIGURE_NAMES[figure])}</b><span>{events(len(facts))}</span>
<strong>{kilograms(total)} kg</strong></summary><div class="events"><table class="list">
<thead><tr><th>Lot</th><th>Version</th><th>Position</th><th>Date</th><th>Site</th>
<th>Matière</th><th>Tri</th><th class="num">Masse (kg)</th></tr></thead><tbody>{rows}</tbody>
<tfoot><tr><td colspan="7">Somme : {exact_tonnes(total)} t</td>
<td class="num" data-sum-g="{total}">{kilograms(total)}</td></tr></tfoot></table></div>
</details>"""


def fact_row(fact: Fact) -> str:
    """A batch consumed or produced, linked to its audit page at the event counted."""
    name = fact.label_code or fact.batch_id[:8]
    fixes = f'<span class="tag">correction (position {fact.position})</span>'
    return (
        f'<tr class="{"correction" if fact.correction else ""}" data-g="{fact.mass_g}">'
        f'<td><a href="/audit/batch/{escape(fact.batch_id)}#event-{fact.version}">'
        f"{escape(name)}</a>{fixes if fact.correction else ''}</td><td>n° {fact.version}</td>"
        f"<td>{fact.position}</td><td>{day(fact.occurred_date)}</td><td>{escape(fact.site)}</td>"
        f"<td>{escape(fact.material)}</td>"
        f'<td><a href="#sorting-{escape(fact.transformation_id)}">'
        f"{escape(fact.transformation_id[:8])}</a></td>"
        f'<td class="num">{kilograms(fact.mass_g)}</td></tr>'
    )


def sorting_list(evidence: Evidence) -> str:
    """One row per sorting: its inputs, its outputs, its loss."""
    blocks = evidence.sortings()
    inputs_g, outputs_g = grams(evidence.inputs), grams(evidence.outputs_all)
    total = inputs_g - outputs_g
    rows = "".join(
        f'<tr id="sorting-{escape(b.transformation_id)}" data-g="{b.loss_g}">'
        f"<td>{escape(b.transformation_id[:8])}</td><td>{day(b.occurred_date)}</td>"
        f"<td>{escape(b.site)}</td><td class='num'>{kilograms(grams(b.inputs))}</td>"
        f"<td class='num'>{kilograms(grams(b.outputs))}</td>"
        f"<td class='num'>{kilograms(b.loss_g)}</td></tr>"
        for b in blocks
    )
    return f"""<details id="figure-loss" data-figure="loss" data-g="{total}"><summary>
<b>Tri par tri</b><span>{len(blocks)} tri{"s" if len(blocks) != 1 else ""}</span>
<strong>{kilograms(total)} kg</strong></summary><div class="events"><table class="list"><thead>
<tr><th>Tri</th><th>Date</th><th>Site</th><th class="num">Entrées (kg)</th>
<th class="num">Sorties (kg)</th><th class="num">Pertes (kg)</th></tr></thead>
<tbody>{rows or empty(6, "Aucun tri.")}</tbody><tfoot><tr><td colspan="3">Somme</td>
<td class="num">{kilograms(inputs_g)}</td><td class="num">{kilograms(outputs_g)}</td>
<td class="num" data-sum-g="{total}">{kilograms(total)}</td></tr></tfoot></table></div>
</details>"""


def work_list(evidence: Evidence) -> str:
    """The work logs of sorting hours, those in insertion among them."""
    work = evidence.work
    insertion_c, sorting_c = centi(evidence.insertion), centi(work)
    rows = "".join(work_row(entry) for entry in work)
    return f"""<details id="figure-sorting_hours" data-figure="sorting_hours"
data-centi="{sorting_c}" data-insertion-centi="{insertion_c}"><summary>
<b>Journaux d’heures de tri</b><span>{lines(len(work))}</span>
<strong>{hour_text(sorting_c)} h</strong></summary><div class="events"><table class="list">
<thead><tr><th>Journal</th><th>Position</th><th>Date</th><th>Site</th><th>Travailleur</th>
<th>Contrat</th><th class="num">Heures</th></tr></thead>
<tbody>{rows or empty(7, "Aucune heure de tri.")}</tbody><tfoot><tr><td colspan="6">Dont
insertion</td><td class="num">{hour_text(insertion_c)}</td></tr><tr><td colspan="6">Somme</td>
<td class="num">{hour_text(sorting_c)}</td></tr></tfoot></table>
</div></details>"""


def work_row(entry: WorkEntry) -> str:
    """Hours as logged, or a correction's row (the hours undone, then as they are now)."""
    fixes = f'<span class="tag">correction (position {entry.position})</span>'
    return (
        f'<tr class="{"correction" if entry.correction else ""}" '
        f'data-centi="{entry.hours_centi}" data-contract="{escape(entry.contract)}">'
        f"<td>{escape(entry.work_log_id[:8])}{fixes if entry.correction else ''}</td>"
        f"<td>{entry.position}</td><td>{day(entry.work_date)}</td><td>{escape(entry.site)}</td>"
        f"<td>{escape(entry.worker_ref)}</td>"
        f"<td>{escape(CONTRACT_NAMES.get(entry.contract, entry.contract))}</td>"
        f"<td class='num'>{hour_text(entry.hours_centi)}</td></tr>"
    )


def empty(columns: int, text: str) -> str:
    return f'<tr><td colspan="{columns}" class="empty">{text}</td></tr>'


def events(number: int) -> str:
    return f"{number} événement{'s' if number != 1 else ''}"


def lines(number: int) -> str:
    """Rows of hours: a corrected log has its own row and two more (undone, redone)."""
    return f"{number} ligne{'s' if number != 1 else ''}"


def check(ok: bool) -> str:
    """✓ when a figure is what its events give, ✗ when it is not."""
    if ok:
        return '<span class="ok" title="concorde">✓</span>'
    return '<span class="ko" title="ne concorde pas">✗</span>'


def exact_tonnes(mass_g: int) -> str:
    """Tonnes to the gram, without trailing zeros past the kilogram: 0,4095; 12,000001."""
    decimals = 6
    while decimals > 3 and mass_g % 10 ** (7 - decimals) == 0:
        decimals -= 1
    return french.number(Decimal(mass_g) / 1_000_000, decimals)


def kilograms(mass_g: int) -> str:
    return french.number(Decimal(mass_g) / 1000, 3)


def hour_text(centi_hours: int) -> str:
    return french.number(Decimal(centi_hours) / 100, 2)


def day(text: str) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y")
