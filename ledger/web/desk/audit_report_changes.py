"""The report page's account of declarations: this period's, and the changes recorded in
earlier declared periods after their declaration (listed in this statement to be settled)."""

from __future__ import annotations

from html import escape
from typing import Any

from ledger.indicators import french

FACTS = {"consumed": "entrée triée", "produced": "sortie de tri"}


def declaration_note(statement: dict[str, Any]) -> str:
    declared = statement.get("declared")
    if not declared:
        return '<p class="note">Période non déclarée : les chiffres suivent le registre.</p>'
    return (
        f'<p class="note" data-declared="{declared["through_position"]}">Période déclarée le '
        f"{escape(declared['declared_at'][:10])} : chiffres figés à la position "
        f"{declared['through_position']} du journal ; ce qui a été enregistré depuis pour "
        "cette période figurera dans les relevés suivants.</p>"
    )


def regularisations(statement: dict[str, Any]) -> str:
    """One block per earlier declared period that changed since its declaration."""
    changes = statement.get("changes_to_declared_periods") or []
    if not changes:
        return ""
    blocks = "".join(change_block(change) for change in changes)
    return f"""<section class="card" id="regularisations"><h2>Régularisations de périodes
déclarées</h2><p class="note">Faits enregistrés après la déclaration de ces périodes
(synchronisations tardives, corrections) et leur effet sur le soutien déclaré.</p>{blocks}
</section>"""


def change_block(change: dict[str, Any]) -> str:
    total = change["support_cents"]["total"]
    rows = "".join(event_row(event) for event in change["events"])
    return f"""<details data-change="{escape(change["period"])}" data-cents="{total}"><summary>
<strong>{escape(change["period"])}</strong> déclarée le {escape(change["declared_at"][:10])}
· entrée triée {french.number(change["sorted_input_kg"], 3)} kg · soutien
<strong>{french.euros(total)}</strong></summary><div class="scroll"><table class="list">
<thead><tr><th>Position</th><th>Fait</th><th>Objet</th><th>Quantité</th><th>Enregistré</th>
</tr></thead><tbody>{rows}</tbody></table></div></details>"""


def event_row(event: dict[str, Any]) -> str:
    if "batch_id" in event:
        subject = (
            f'<a href="/audit/batch/{escape(event["batch_id"])}">lot '
            f"{escape(event['batch_id'][:8])}</a>"
        )
        quantity = f"{french.number(event['mass_kg'], 3)} kg"
        route = french.ROUTE_NAMES.get(event["route"] or "", "sans voie")
        what = f"{FACTS.get(event['kind'], event['kind'])} ({route.lower()})"
    else:
        subject = f"journal {escape(event['work_log_id'][:8])}"
        quantity = f"{french.number(event['hours'], 2)} h"
        what = f"heures de tri · {event['contract']}"
    return (
        f"<tr><td>{event['position']}</td><td>{escape(what)}</td><td>{subject}</td>"
        f"<td>{quantity}</td><td>{escape(event['recorded_at'][:16].replace('T', ' '))} UTC"
        "</td></tr>"
    )
