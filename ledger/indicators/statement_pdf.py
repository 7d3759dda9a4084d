"""The Refashion statement as a one-page A4 PDF a person can read, check and sign."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ledger.indicators import french

INK = colors.HexColor("#1d2433")
MUTED = colors.HexColor("#5b6472")
RULE = colors.HexColor("#c9ced6")
ALERT = colors.HexColor("#b42318")
GOOD = colors.HexColor("#1e7a4c")
ROUTES = ("reuse", "recycling", "csr", "energy", "disposal")


def pdf_text(text: str) -> str:
    """Helvetica (WinAnsi) has no narrow no-break space: use the plain one."""
    return text.replace(french.THIN_SPACE, "\u00a0")


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()["Normal"]

    def make(name: str, **changes: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **{"textColor": INK, **changes})

    return {
        "title": make("title", fontName="Helvetica-Bold", fontSize=16, leading=20),
        "subtitle": make("subtitle", fontSize=10, leading=14, textColor=MUTED),
        "heading": make("heading", fontName="Helvetica-Bold", fontSize=11, leading=15),
        "body": make("body", fontSize=9.5, leading=13),
        "small": make("small", fontSize=8, leading=10.5, textColor=MUTED),
    }


def statement_pdf(statement: dict[str, Any]) -> bytes:
    """Render the statement: tonnes, support lines, rates and flags, then a signature block."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Relevé Refashion {statement['period']}",
        author="Registre des filières",
    )
    style = styles()
    story = [
        *heading(statement, style),
        *tonnage_table(statement, style),
        *support_table(statement, style),
        *compliance(statement, style),
        *regularisations(statement, style),
        signature(style, 5 if statement.get("changes_to_declared_periods") else 4),
    ]
    footer = provenance(statement)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(pdf_text(text), style)


def heading(statement: dict[str, Any], style: dict[str, ParagraphStyle]) -> list[Any]:
    start, end = date.fromisoformat(statement["from"]), date.fromisoformat(statement["to"])
    return [
        paragraph("Relevé de soutien au tri — Refashion", style["title"]),
        Spacer(1, 2 * mm),
        paragraph(
            f"<b>{escape(statement['organisation_name'], quote=False)}</b> — opérateur de tri<br/>"
            f"Période {statement['period']} : du {french.long_date(start)} "
            f"au {french.long_date(end)} · barème {statement['year']}{standing(statement)}",
            style["subtitle"],
        ),
        Spacer(1, 6 * mm),
    ]


def standing(statement: dict[str, Any]) -> str:
    """As recorded when: at a given time, at its declaration, or now."""
    text = ""
    if statement.get("as_of"):
        text += f"<br/>Tel qu’enregistré au {escape(str(statement['as_of']))}"
    declared = statement.get("declared")
    if declared:
        text += (
            f"<br/>Période déclarée le {escape(declared['declared_at'][:10])} "
            f"(journal lu jusqu’à la position {declared['through_position']})"
        )
    return text


def regularisations(statement: dict[str, Any], style: dict[str, ParagraphStyle]) -> list[Any]:
    """Changes recorded in earlier declared periods after their declaration, to settle now."""
    changes = statement.get("changes_to_declared_periods") or []
    if not changes:
        return []
    rows = [["Période déclarée", "Entrée triée (t)", "Faits", "Soutien"]]
    rows += [
        [
            f"{change['period']} (déclarée le {change['declared_at'][:10]})",
            tonnes_cell(change["sorted_input_kg"] / 1000),
            str(len(change["events"])),
            money(change["support_cents"]["total"]),
        ]
        for change in changes
    ]
    total = sum(change["support_cents"]["total"] for change in changes)
    rows.append(["Régularisation (total)", "", "", money(total)])
    note = (
        "Faits enregistrés après la déclaration de ces périodes (synchronisations tardives, "
        "corrections) : écart au soutien déclaré. Détail par lot dans le relevé JSON et la "
        "page d’audit du relevé."
    )
    return table_section("4. Régularisations de périodes déclarées", rows, note, style)


def tonnage_table(statement: dict[str, Any], style: dict[str, ParagraphStyle]) -> list[Any]:
    tonnes = statement["tonnes"]
    rows = [["Sortie de tri, par voie", "Tonnes"]]
    rows += [[french.ROUTE_NAMES[r], tonnes_cell(tonnes[r])] for r in ROUTES]
    total = sum(tonnes.values())
    rows.append(["Total des sorties de tri", tonnes_cell(total)])
    sorted_input = statement["sorted_input_tonnes"]
    memo = (
        f"Entrée triée : {tonnes_cell(sorted_input)} t ; pertes de tri (entrée − sorties) : "
        f"{tonnes_cell(sorted_input - total)} t. Voie de chaque lot déclarée au tri."
    )
    return [
        paragraph("1. Tonnages triés", style["heading"]),
        Spacer(1, 2 * mm),
        grid(rows, 2),
        Spacer(1, 1.5 * mm),
        paragraph(memo, style["small"]),
    ]


def support_table(statement: dict[str, Any], style: dict[str, ParagraphStyle]) -> list[Any]:
    tonnes, rates, cents = (
        statement["tonnes"],
        statement["rates_eur_per_tonne"],
        statement["support_cents"],
    )
    lines = [
        ("Sbase (recyclage et CSR)", tonnes["recycling"] + tonnes["csr"], rates["sbase"], "sbase"),
        ("Scomp recyclage", tonnes["recycling"], rates["scomp_recycling"], "scomp_recycling"),
        ("Scomp CSR", tonnes["csr"], rates["scomp_csr"], "scomp_csr"),
        ("Svalo_E (valorisation énergétique)", tonnes["energy"], rates["svalo_e"], "svalo_e"),
    ]
    rows = [["Ligne de soutien", "Assiette (t)", "Taux (€/t)", "Montant"]]
    rows += [
        [name, tonnes_cell(base), pdf_text(french.number(rate, 2)), money(cents[key])]
        for name, base, rate, key in lines
    ]
    rows.append(["Soutien au tri (total)", "", "", money(cents["total"])])
    note = (
        "Montants calculés au gramme près et arrondis au centime une fois par ligne. "
        "Le réemploi et l’élimination ne reçoivent pas de soutien à ce titre."
    )
    return table_section("2. Soutien au tri", rows, note, style)


def table_section(
    title: str, rows: list[list[str]], note: str, style: dict[str, ParagraphStyle]
) -> list[Any]:
    """A numbered heading, a four-column table of amounts, and a note under it."""
    return [
        Spacer(1, 6 * mm),
        paragraph(title, style["heading"]),
        Spacer(1, 2 * mm),
        grid(rows, 4),
        Spacer(1, 1.5 * mm),
        paragraph(note, style["small"]),
    ]


def compliance(statement: dict[str, Any], style: dict[str, ParagraphStyle]) -> list[Any]:
    objective = statement["recycling_objective"]
    rate_line = f"Taux de recyclage : <b>{french.percent(statement['recycling_rate'], 2)}</b>"
    if objective is not None:
        verdict = verdict_text(statement["recycling_ok"], "objectif atteint", "objectif manqué")
        rate_line += f" — objectif au moins {french.percent(objective, 0)} : {verdict}"
    share = french.percent(statement["insertion_share"], 2)
    minimum = french.percent(statement["insertion_minimum"], 0)
    flag = verdict_text(
        statement["insertion_ok"],
        "conforme",
        "SOUS LE SEUIL : réduction du soutien prévue au contrat de l’opérateur",
    )
    return [
        Spacer(1, 6 * mm),
        paragraph("3. Engagements", style["heading"]),
        Spacer(1, 2 * mm),
        paragraph(rate_line + " (recyclage / (entrée triée − réemploi))", style["body"]),
        Spacer(1, 1.5 * mm),
        paragraph(
            f"Part des heures de tri travaillées en insertion : <b>{share}</b> — minimum "
            f"{minimum} : {flag}",
            style["body"],
        ),
    ]


def verdict_text(ok: bool | None, yes: str, no: str) -> str:
    colour, word = (GOOD, yes) if ok else (ALERT, no)
    return f'<font color="{colour.hexval().replace("0x", "#")}"><b>{word}</b></font>'


def signature(style: dict[str, ParagraphStyle], number: int) -> KeepTogether:
    """The attestation, kept on one page."""
    rows = [
        ["Fait à :", "", "Le :", ""],
        ["Nom et qualité du signataire :", "", "", ""],
        ["Signature et cachet :", "", "", ""],
    ]
    table = Table(
        rows, colWidths=[52 * mm, 55 * mm, 14 * mm, 49 * mm], rowHeights=[9 * mm] * 2 + [28 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("SPAN", (1, 1), (3, 1)),
                ("SPAN", (1, 2), (3, 2)),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, RULE),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, RULE),
                ("LINEBELOW", (1, 1), (3, 1), 0.6, RULE),
                ("BOX", (1, 2), (3, 2), 0.6, RULE),
            ]
        )
    )
    return KeepTogether([
        Spacer(1, 8 * mm), paragraph(f"{number}. Attestation", style["heading"]),
        Spacer(1, 1 * mm),
        paragraph("Je certifie l’exactitude des tonnages ci-dessus, issus du registre des "
                  "filières, et tiens les pièces justificatives à disposition.", style["body"]),
        Spacer(1, 3 * mm), table,
    ])  # fmt: skip


def provenance(statement: dict[str, Any]) -> Callable[[Canvas, Any], None]:
    """A footer on every page: which organisation, which state of the views, which chain head."""
    head = statement["chain_head"] or "pas encore calculée (chaîne d’empreintes en cours)"
    lines = [
        f"Registre des filières · organisation {statement['organisation_id']}",
        f"Vues lues à la position {statement['position']} du journal · tête de chaîne : {head}",
    ]

    def draw(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(MUTED)
        for index, line in enumerate(lines):
            canvas.drawString(20 * mm, (12 - 3.5 * index) * mm, pdf_text(line))
        canvas.drawRightString(A4[0] - 20 * mm, 8.5 * mm, f"page {document.page}")
        canvas.restoreState()

    return draw


def grid(rows: list[list[str]], columns: int) -> Table:
    widths = [95 * mm, 75 * mm] if columns == 2 else [70 * mm, 32 * mm, 30 * mm, 38 * mm]
    table = Table([[pdf_text(cell) for cell in row] for row in rows], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def tonnes_cell(value: float) -> str:
    return french.number(value, 3)


def money(cents: int) -> str:
    return pdf_text(french.euros(cents))
