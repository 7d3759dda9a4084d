"""The auditor's page of a Refashion statement: each figure beside the events it sums.

Server-rendered French HTML on the dashboard's stylesheet, no script. The figures come first, each
with what its events give and a link to them; then the lists (``report_lists``), the loss, the
support and the insertion share with their arithmetic written out.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from urllib.parse import quote
from zoneinfo import ZoneInfo

from ledger.audit.report_sources import Evidence, Report, centi, grams
from ledger.domain.errors import InvalidInput, InvalidPeriod, LedgerError, UnknownOrganisation
from ledger.indicators import french
from ledger.indicators.numbers import share
from ledger.indicators.refashion import rates_for, support_cents
from ledger.indicators.views import ROUTES
from ledger.web.desk.audit_report_changes import declaration_note, regularisations
from ledger.web.desk.audit_report_lists import (
    FIGURE_NAMES,
    check,
    events,
    exact_tonnes,
    fact_list,
    hour_text,
    kilograms,
    lines,
    sorting_list,
    work_list,
)

PARIS = ZoneInfo("Europe/Paris")
STYLESHEET = "/static/web/desk/dashboard.css"
STYLE = """
details{border-top:1px solid var(--line);padding:.45rem 0}
summary{cursor:pointer;display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap;list-style:none}
summary::-webkit-details-marker{display:none}
summary::before{content:"▸";color:var(--accent);width:.8rem}
details[open] summary::before{content:"▾"}
summary b{flex:1;min-width:12rem}summary span{color:var(--muted);font-size:.88rem}
.events{overflow-x:auto;margin:.5rem 0 .4rem}
table.list{border-collapse:collapse;width:100%;font-size:.86rem}
.list th,.list td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;
white-space:nowrap}
.list thead th{color:var(--muted);font-weight:600;font-size:.8rem}
.list .num{text-align:right}.list tfoot td{font-weight:700;border-top:1.5px solid var(--ink)}
.list tr.correction td{background:#fff8e6}
.tag{display:inline-block;border-radius:.8rem;padding:0 .45rem;font-size:.75rem;
background:#ffe9a8;color:#6b4a00;margin-left:.3rem}
.ok{color:#1e7a4c;font-weight:700}.ko{color:var(--alert);font-weight:700}
.sum{margin:.8rem 0 .6rem}
dl.facts code{font-size:.8rem;word-break:break-all;font-weight:400}
.top .range{margin-top:.4rem}.top .range input[name=period]{width:7rem}
.links{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem;margin:.8rem 0 0}
.swatch{margin-right:.35rem}
.range select{font:inherit;padding:.25rem .5rem;border-radius:6px;border:1px solid #9fb3c6}
@media (max-width:480px){dl.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.3rem}}
"""
ERRORS = {
    InvalidPeriod.code: (
        "Période non comprise",
        "Donnez une année (2026), un trimestre (2026-Q3) ou un mois (2026-09) d’une année dont le "
        "barème Refashion est connu.",
    ),
    UnknownOrganisation.code: (
        "Organisation inconnue",
        "Aucune organisation du registre n’a cet identifiant.",
    ),
    InvalidInput.code: (
        "Demande non comprise",
        "L’adresse doit donner l’identifiant (UUID) d’une organisation et une période.",
    ),
}


def report_page(report: Report) -> str:
    """The whole page: provenance, the figures, then the events behind each."""
    statement = report.statement
    words = f"du {french.long_date(report.period.start)} au {french.long_date(report.period.end)}"
    alert = (
        ""
        if report.agrees
        else '<p class="alert" role="alert">Les vues ont avancé pendant la lecture : certains '
        "chiffres ne sont pas la somme des événements listés. Rechargez la page.</p>"
    )
    return f"""{head(f"Audit du relevé {statement['period']} — {statement['organisation_name']}")}
<body><header class="top"><div class="wrap">
<p class="eyebrow">Registre des filières · audit du relevé de soutien au tri Refashion</p>
<h1>{escape(statement["organisation_name"])}</h1>
<p class="lede">Période {escape(statement["period"])} : {words} · barème {statement["year"]}</p>
{period_form(statement["organisation_id"], statement["period"], report.period.as_of)}
</div></header>
<main class="wrap">{alert}{provenance(report)}{figures(report)}{tonnage(report)}
{loss(report.evidence)}{support(report)}{hours(report)}{regularisations(statement)}</main>
<footer class="wrap">Vues lues à la position {statement["position"]} du journal · chaque lot
renvoie à sa page d’audit, à la version de l’événement compté.</footer></body></html>"""


def head(title: str) -> str:
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>
<link rel="stylesheet" href="{STYLESHEET}"><style>{STYLE}</style></head>"""


def period_form(organisation_id: str, period: str, as_of: datetime | None) -> str:
    """The period, and the time of recording to read it at (Paris wall clock; empty: now)."""
    wall = "" if as_of is None else as_of.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    return (
        '<form class="range" method="get" action="/audit/report">'
        f'<input type="hidden" name="organisation_id" value="{escape(organisation_id)}">'
        f'<label>Période <input name="period" value="{escape(period)}" required></label>'
        '<label>Tel qu’enregistré au <input type="datetime-local" name="as_of" '
        f'value="{wall}"></label>'
        f'<button>Afficher</button><a href="/audit/report?period={escape(period)}">'
        "autre organisation</a></form>"
    )


def provenance(report: Report) -> str:
    statement = report.statement
    query = f"organisation_id={statement['organisation_id']}&amp;period={statement['period']}"
    files = [("JSON", "json"), ("CSV", "csv"), ("PDF", "pdf"), ("preuves (zip)", "bundle")]
    as_of = report.period.as_of
    recorded = ""
    if as_of is not None:  # a bundle is made as recorded now
        query += "&amp;as_of=" + quote(as_of.isoformat())
        files = files[:3]
        recorded = (
            f'<dt>Tel qu’enregistré au</dt><dd data-as-of="{escape(as_of.isoformat())}">'
            f"{escape(as_of.astimezone(PARIS).strftime('%d/%m/%Y %H:%M'))} (heure de Paris)</dd>"
        )
    links = "".join(
        f'<a href="/api/v1/reports/refashion?{query}&amp;format={fmt}">{name}</a>'
        for name, fmt in files
    )
    digest = report.chain_head or "pas encore calculée"
    return f"""<section class="card"><h2>Ce que montre cette page</h2>
<p class="note">Chaque chiffre du relevé, puis les événements du registre qui le composent : les
faits de flux des tris de l’organisation et ses journaux d’heures de tri, lus avec les mêmes
conditions que le relevé. La somme sous chaque liste est le chiffre.</p>
<dl class="facts"><dt>Organisation</dt><dd><code>{escape(statement["organisation_id"])}</code></dd>
<dt>Position des vues</dt><dd data-position="{statement["position"]}">{statement["position"]}</dd>
<dt>Tête de la chaîne d’empreintes</dt><dd><code data-chain-head>{escape(digest)}</code></dd>
{recorded}</dl>{declaration_note(statement)}<p class="links">Le relevé : {links}</p></section>"""


def figures(report: Report) -> str:
    """The statement's figures, each beside what its events give, and a link to them."""
    statement, evidence = report.statement, report.evidence
    lists = [("sorted_input", statement["sorted_input_tonnes"], evidence.inputs)]
    lists += [(route, statement["tonnes"][route], evidence.outputs(route)) for route in ROUTES]
    rows = [
        row(FIGURE_NAMES[key], tonnes_text(stated), exact_tonnes(grams(facts)) + " t",
            round(stated * 1_000_000) == grams(facts), f"figure-{key}", events(len(facts)))
        for key, stated, facts in lists
    ]  # fmt: skip
    unrouted = evidence.outputs(None)
    rows.append(row(FIGURE_NAMES["unrouted"], "hors relevé", exact_tonnes(grams(unrouted)) + " t",
                    None, "figure-unrouted", events(len(unrouted))))  # fmt: skip
    rate = recycling_rate(evidence)
    cents = support_cents(evidence.outputs_g, rates_for(statement["year"]))["total"]
    insertion = share(centi(evidence.insertion), centi(evidence.work))
    rows += [
        row("Taux de recyclage", french.percent(statement["recycling_rate"], 2),
            french.percent(rate, 2), rate == statement["recycling_rate"], "recycling", "calcul"),
        row("Soutien au tri", french.euros(statement["support_cents"]["total"]),
            french.euros(cents), cents == statement["support_cents"]["total"], "support", "calcul"),
        row("Part d’insertion des heures de tri", french.percent(statement["insertion_share"], 2),
            french.percent(insertion, 2), insertion == statement["insertion_share"],
            "figure-sorting_hours", lines(len(evidence.work))),
    ]  # fmt: skip
    return f"""<section class="card"><h2>Les chiffres et leurs événements</h2>
<p class="note">Tonnes au gramme près. ✓ : le chiffre du relevé est ce que donnent les événements
listés plus bas.</p><div class="scroll"><table class="figures"><thead><tr><th></th><th>Relevé</th>
<th>D’après les événements</th><th>Détail</th></tr></thead><tbody>{"".join(rows)}</tbody>
</table></div></section>"""


def row(name: str, stated: str, found: str, ok: bool | None, anchor: str, link: str) -> str:
    mark = "" if ok is None else " " + check(ok)
    return (
        f"<tr><th>{escape(name)}</th><td>{stated}</td><td>{found}{mark}</td>"
        f'<td><a href="#{anchor}">{escape(link)}</a></td></tr>'
    )


def tonnage(report: Report) -> str:
    evidence, statement = report.evidence, report.statement
    lists = [fact_list("sorted_input", evidence.inputs)]
    lists += [fact_list(route, evidence.outputs(route)) for route in ROUTES]
    lists.append(fact_list("unrouted", evidence.outputs(None)))
    outputs, rate = evidence.outputs_g, recycling_rate(evidence)
    objective = statement["recycling_objective"]
    goal = f" (objectif {french.percent(objective, 0)})" if objective is not None else ""
    return f"""<section class="card"><h2>Entrée triée et sorties par voie</h2>
<p class="note">Entrée triée : les lots consommés par les tris de l’organisation. Sorties : les lots
produits par ces tris, selon la voie de leur matière déclarée au tri. Une correction apparaît
comme une ligne de plus du même lot et de la même version (négative quand elle retire).</p>
{"".join(lists)}<p class="sum" id="recycling" data-share="{rate}">Taux de recyclage = recyclage
{exact_tonnes(outputs["recycling"])} t / (entrée triée {exact_tonnes(grams(evidence.inputs))} t
− réemploi {exact_tonnes(outputs["reuse"])} t) = <strong>{french.percent(rate, 2)}</strong>
{check(rate == statement["recycling_rate"])}{goal}</p></section>"""


def recycling_rate(evidence: Evidence) -> float | None:
    outputs = evidence.outputs_g
    return share(outputs["recycling"], grams(evidence.inputs) - outputs["reuse"])


def loss(evidence: Evidence) -> str:
    inputs_g, outputs_g = grams(evidence.inputs), grams(evidence.outputs_all)
    return f"""<section class="card"><h2>Pertes de tri</h2>
<p class="sum">Entrée triée {kilograms(inputs_g)} kg − sorties {kilograms(outputs_g)} kg (toutes
voies et sans voie) = <strong>pertes {kilograms(inputs_g - outputs_g)} kg</strong></p>
{sorting_list(evidence)}</section>"""


def support(report: Report) -> str:
    """Each support line as tonnes × rate, recomputed from the listed outputs."""
    statement, outputs = report.statement, report.evidence.outputs_g
    rates = rates_for(statement["year"])
    computed = support_cents(outputs, rates)
    t = {route: f"{exact_tonnes(outputs[route])} t" for route in ROUTES}
    lines = [
        ("sbase", "Sbase", f"({t['recycling']} recyclage + {t['csr']} CSR)", rates.sbase),
        ("scomp_recycling", "Scomp recyclage", f"{t['recycling']} recyclage",
         rates.scomp_recycling),
        ("scomp_csr", "Scomp CSR", f"{t['csr']} CSR", rates.scomp_csr),
        ("svalo_e", "Svalo_E", f"{t['energy']} valorisation énergétique", rates.svalo_e),
    ]  # fmt: skip
    rows = "".join(
        f'<tr data-line="{key}" data-cents="{computed[key]}"><th>{name}</th>'
        f"<td>{base} × {rate_text(rate)} €/t</td><td>{french.euros(computed[key])} "
        f"{check(computed[key] == statement['support_cents'][key])}</td></tr>"
        for key, name, base, rate in lines
    )
    total = computed["total"]
    return f"""<section class="card" id="support"><h2>Soutien au tri</h2>
<p class="note">Tonnes des sorties listées plus haut × taux du barème {statement["year"]}, arrondi
au centime une fois par ligne. ✓ : le montant est celui du relevé. Le réemploi et l’élimination
ne reçoivent pas de soutien à ce titre.</p>
<div class="scroll"><table class="figures"><thead><tr><th></th><th>Tonnes × taux</th>
<th>Montant</th></tr></thead>
<tbody>{rows}<tr class="sum" data-line="total" data-cents="{total}"><th>Total</th><td></td>
<td>{french.euros(total)} {check(total == statement["support_cents"]["total"])}</td></tr>
</tbody></table></div></section>"""


def hours(report: Report) -> str:
    """Insertion hours / sorting hours, the share the statement checks against its minimum."""
    evidence, statement = report.evidence, report.statement
    insertion_c, sorting_c = centi(evidence.insertion), centi(evidence.work)
    found = share(insertion_c, sorting_c)
    return f"""<section class="card"><h2>Heures de tri et insertion</h2>
<p class="sum" id="insertion" data-share="{found}">Part d’insertion =
{hour_text(insertion_c)} h en insertion / {hour_text(sorting_c)} h de tri =
<strong>{french.percent(found, 2)}</strong> {check(found == statement["insertion_share"])} (minimum
{french.percent(statement["insertion_minimum"], 0)})</p>{work_list(evidence)}</section>"""


def chooser_page(organisations: list[tuple[str, str]], period: str) -> str:
    """Whose statement to audit, for which period."""
    options = "".join(
        f'<option value="{escape(org)}">{escape(name)}</option>' for org, name in organisations
    )
    return f"""{head("Audit d’un relevé Refashion")}<body><header class="top"><div class="wrap">
<p class="eyebrow">Registre des filières · audit</p><h1>Audit d’un relevé Refashion</h1>
</div></header><main class="wrap"><section class="card"><h2>Organisation et période</h2>
<p class="note">Le relevé de soutien au tri d’un opérateur de tri, avec les événements derrière
chaque chiffre. Période : une année (2026), un trimestre (2026-Q3) ou un mois (2026-09).</p>
<form class="range" method="get" action="/audit/report"><label>Organisation
<select name="organisation_id" required>{options}</select></label><label>Période
<input name="period" value="{escape(period)}" required></label><button>Afficher</button></form>
</section></main></body></html>"""


def error_page(error: LedgerError) -> str:
    """A readable error, the ledger's own words beneath, and the way back to the choice."""
    title, explanation = ERRORS.get(error.code, ERRORS[InvalidInput.code])
    return f"""{head(title)}<body><header class="top"><div class="wrap">
<p class="eyebrow">Registre des filières · audit</p><h1>{escape(title)}</h1></div></header>
<main class="wrap"><section class="card"><p class="alert" role="alert">{escape(explanation)}</p>
<p class="note">{escape(error.code)} : {escape(error.message)}</p>
<p><a href="/audit/report">Choisir une organisation et une période</a></p></section></main>
</body></html>"""


def tonnes_text(value: float) -> str:
    return f"{exact_tonnes(round(value * 1_000_000))} t"


def rate_text(rate: Decimal) -> str:
    return french.number(rate, 0 if rate == rate.to_integral_value() else 2)
