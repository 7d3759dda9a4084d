"""The dashboard's tables: the metabolism of each filière, and the work hours."""

from __future__ import annotations

from ledger.domain.worklog import CONTRACTS
from ledger.indicators import french
from ledger.indicators.accounts import FiliereAccount
from ledger.indicators.circularity import Sorting
from ledger.indicators.jobs import Hours
from ledger.indicators.numbers import FTE_HOURS
from ledger.indicators.views import ROUTES

CONTRACT_NAMES = {
    "insertion": "Insertion",
    "employee": "Salariés",
    "volunteer": "Bénévoles",
    "trainee": "Stagiaires",
}


def t(grams: int) -> str:
    return french.tonnes_figure(grams / 1000)


def metabolism_table(accounts: dict[str, FiliereAccount]) -> str:
    """One column per filière, one row per figure of the metabolism."""
    names = list(accounts)
    rows: list[tuple[str, list[str], str]] = [
        ("Collecte locale", [t(a.collection_g) for a in accounts.values()], ""),
        ("Importations", [t(a.imports_g) for a in accounts.values()], ""),
        ("Exportations", [t(a.exports_g) for a in accounts.values()], ""),
        ("Consommation apparente", [t(a.collection_g + a.imports_g - a.exports_g)
                                    for a in accounts.values()], "sum"),
    ]  # fmt: skip
    valorised = [t(sum(a.valorised_g.values())) for a in accounts.values()]
    rows.append(("Valorisé dans le territoire", valorised, ""))
    for route in ROUTES:
        cells = [t(a.valorised_g[route]) for a in accounts.values()]
        rows.append((french.ROUTE_NAMES[route], cells, "sub"))
    rows += [
        ("Pertes", [t(a.losses_g) for a in accounts.values()], ""),
        ("Variation de stock", [t(a.stock_change_g) for a in accounts.values()], "sum"),
        ("Énergie récupérée (GJ)", [gj(a.energy_kj) for a in accounts.values()], ""),
    ]
    head = "".join(f'<th scope="col">{french.FILIERE_NAMES.get(n, n)}</th>' for n in names)
    body = "".join(
        f'<tr class="{kind}"><th scope="row">{label}</th>'
        + "".join(f"<td>{cell}</td>" for cell in cells)
        + "</tr>"
        for label, cells, kind in rows
    )
    return (
        '<div class="scroll"><table class="figures"><thead><tr><td></td>'
        f"{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def jobs_table(hours: Hours, sorting: Sorting) -> str:
    """Hours by contract, FTE, insertion share of sorting, hours per tonne sorted."""
    by_contract = hours.by_contract()
    rows = [(CONTRACT_NAMES[c], f"{french.number(by_contract[c] / 100, 0)} h") for c in CONTRACTS]
    per_tonne = (hours.sorting * 10_000 / sorting.input_g) if sorting.input_g else None
    rows += [
        ("Total", f"{french.number(hours.total / 100, 0)} h"),
        ("Équivalents temps plein", french.number(hours.total / 100 / FTE_HOURS, 2)),
        ("Part d’insertion au tri", french.percent(hours.insertion_share)),
        ("Heures par tonne triée", "—" if per_tonne is None else french.number(per_tonne, 1)),
    ]
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="figures narrow"><tbody>{body}</tbody></table>'


def gj(kilojoules: int) -> str:
    if not kilojoules:
        return "0"
    return french.number(kilojoules / 1_000_000, 0 if kilojoules >= 100_000_000 else 1)
