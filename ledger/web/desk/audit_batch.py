"""The auditor's page of a batch: its history with both times, corrections beside what they
correct, late records flagged, and its lineage as a picture. Server-rendered, no script."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from ledger.web.desk.audit_lineage import lineage_svg

PARIS = ZoneInfo("Europe/Paris")
LATE = timedelta(hours=1)  # recorded more than an hour after it happened: a late sync
EVENT_FR = {
    "Collected": "Collecte",
    "Produced": "Produit par transformation",
    "Weighed": "Pesée",
    "Labelled": "Étiquetage",
    "Dispatched": "Expédition",
    "Received": "Réception",
    "Consumed": "Consommé en transformation",
    "Valorised": "Valorisation",
    "Corrected": "Correction",
}
SHOWN = ("mass_kg", "material", "route", "to_site_id", "site_id", "label_code", "reason")
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1d2430;margin:0;background:#fafbfc}
main{max-width:72rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}.muted{color:#5b6675}
table{border-collapse:collapse;width:100%;background:#fff;margin:1rem 0}
th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid #e3e7ed;vertical-align:top}
th{font-weight:600;font-size:.85rem;color:#5b6675;background:#f1f3f6}
tr.corrected td{color:#8a94a6;text-decoration:line-through}
tr.correction td{background:#fff8e6}
.tag{display:inline-block;border-radius:.8rem;padding:0 .5rem;font-size:.8rem;background:#e8ecf2}
.tag.late{background:#fde8d8;color:#8a3b00}.tag.fix{background:#ffe9a8;color:#6b4a00}
figure{background:#fff;border:1px solid #e3e7ed;border-radius:8px;padding:1rem;overflow-x:auto}
"""


def local(value: str | None) -> str:
    if not value:
        return "—"
    return datetime.fromisoformat(value).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def summary(payload: dict[str, Any]) -> str:
    parts = [f"{key.replace('_', ' ')} : {payload[key]}" for key in SHOWN if payload.get(key)]
    if payload.get("previous"):
        changes = ", ".join(f"{k} {v} → {payload.get(k)}" for k, v in payload["previous"].items())
        parts.insert(0, f"corrige n° {payload['corrects_version']} ({changes})")
    return escape(" · ".join(str(p) for p in parts))


def row(entry: dict[str, Any]) -> str:
    tags = []
    occurred, recorded = entry["occurred_at"], entry["recorded_at"]
    if occurred and recorded:
        delay = datetime.fromisoformat(recorded) - datetime.fromisoformat(occurred)
        if delay > LATE:
            tags.append('<span class="tag late">enregistré tard</span>')
    if entry["corrected_by"]:
        fixes = ", ".join(f"n° {v}" for v in entry["corrected_by"])
        tags.append(f'<span class="tag fix">corrigé par {escape(fixes)}</span>')
    kind = "correction" if entry["type"] == "Corrected" else ""
    return (
        f'<tr class="{kind}" id="event-{entry["seq"]}"><td>{entry["seq"]}</td>'
        f"<td>{entry['position'] or '—'}</td>"
        f"<td>{escape(EVENT_FR.get(entry['type'], entry['type']))} {''.join(tags)}</td>"
        f"<td>{local(occurred)}</td><td>{local(recorded)}</td>"
        f"<td>{summary(entry['payload'])}</td>"
        f'<td class="muted">{escape(entry["organisation"][:8])} · '
        f"{escape(entry['token_id'] or '')}</td>"
        "</tr>"
    )


def batch_page(
    batch: dict[str, Any], history: list[dict[str, Any]], lineage: dict[str, Any]
) -> str:
    """The whole page, in French (the auditors' language here)."""
    title = batch.get("label_code") or batch["id"]
    rows = "".join(row(entry) for entry in history)
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lot {escape(title)} — audit</title><style>{STYLE}</style></head><body><main>
<p class="muted">Registre des filières · audit d'un lot</p>
<h1>Lot {escape(title)}</h1>
<p>{escape(batch["material"])} · {batch["mass_kg"]} kg · état : {escape(batch["state"])} ·
version {batch["version"]} · identifiant <code>{escape(batch["id"])}</code></p>
<h2>Historique</h2>
<p class="muted">Chaque événement avec l'heure du terrain (survenu) et l'heure d'enregistrement
par le registre ; les corrections apparaissent à côté de ce qu'elles corrigent, l'original reste
visible.</p>
<table><thead><tr><th>n°</th><th>position</th><th>événement</th><th>survenu</th>
<th>enregistré</th><th>détail</th><th>par</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Lignée</h2>
<p class="muted">Ancêtres à gauche, descendants à droite, à travers tris et regroupements.
{len(lineage["ancestors"])} ancêtre(s), {len(lineage["descendants"])} descendant(s).</p>
<figure>{lineage_svg(lineage)}</figure>
</main></body></html>"""
