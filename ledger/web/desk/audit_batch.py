"""The auditor's page of a batch, as values for ``desk/audit_batch.html``: its history in words
(each correction beside the event it corrects, late records flagged), the batch as recorded at
a time or as things had occurred by a time, and its lineage.

Everything a record points at is named (``names``): organisations, sites, materials in the
reader's language, routes, states and processes; masses and times in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ledger.web.desk import formats
from ledger.web.desk.names import Names

LATE = timedelta(hours=1)  # recorded more than an hour after it happened: a late sync
WEIGHT_METHODS = ("measured", "estimated")


@dataclass
class HistoryRow:
    """One event of the batch, in words."""

    seq: int
    position: int | None
    kind: str  # the event's type, e.g. "Collected"
    what: str
    occurred: datetime | None
    recorded: datetime
    details: list[tuple[str, str]]
    by: str  # the organisation that acted
    token_id: str
    late: bool
    corrected_by: list[int] = field(default_factory=list)
    corrects: int | None = None
    later: str = ""  # with a time chosen: why the batch then did not have this event yet
    corrected_time: datetime | None = None  # a correction of the time: the time it gives

    @property
    def css(self) -> str:
        classes = ["correction" if self.corrects else "", "corrected" if self.corrected_by else ""]
        return " ".join(c for c in [*classes, "later" if self.later else ""] if c)


def moment(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


def history_rows(history: list[dict[str, Any]], names: Names) -> list[HistoryRow]:
    """The events in the order they happened to the batch, each correction right after the
    event it corrects."""
    rows = [history_row(entry, names) for entry in history]
    corrections: dict[int, list[HistoryRow]] = {}
    for row in rows:
        if row.corrects is not None:
            corrections.setdefault(row.corrects, []).append(row)
    ordered: list[HistoryRow] = []
    for row in rows:
        if row.corrects is None:
            ordered += [row, *corrections.pop(row.seq, [])]
    for orphans in corrections.values():  # a correction of an event this history lacks
        ordered += orphans
    return ordered


def history_row(entry: dict[str, Any], names: Names) -> HistoryRow:
    occurred, recorded = moment(entry["occurred_at"]), moment(entry["recorded_at"])
    assert recorded is not None
    payload = entry["payload"]
    kind = str(entry["type"])
    return HistoryRow(
        seq=int(entry["seq"]),
        position=entry["position"],
        kind=kind,
        what=names.words(f"audit.event.{kind}", kind),
        occurred=occurred,
        recorded=recorded,
        details=details(kind, payload, names),
        by=names.organisation(entry["organisation"]),
        token_id=str(entry["token_id"] or ""),
        late=occurred is not None and recorded - occurred > LATE,
        corrected_by=list(entry["corrected_by"]),
        corrects=payload.get("corrects_version") if kind == "Corrected" else None,
        corrected_time=moment(payload.get("corrected_occurred_at")),
    )


def details(kind: str, payload: dict[str, Any], names: Names) -> list[tuple[str, str]]:
    """What the event says, as (words, value) pairs."""
    t, lang = names.t, names.lang

    def mass(key: str) -> str:
        return formats.kg(payload.get(key), lang)

    found: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if value not in (None, "", []):
            found.append((t(f"audit.detail.{key}"), str(value)))

    if kind == "Corrected":
        return correction_details(payload, names)
    add("transport", transport_text(payload.get("transport"), names))
    if kind in ("Collected", "Produced"):
        add("process", names.process(payload.get("process")) if kind == "Produced" else None)
        add("material", names.material(payload.get("material")))
        add("mass", mass("mass_kg"))
        add("site", names.site(payload.get("site_id")))
        add("weight_method", weight_method(payload.get("weight_method"), names))
        add("moisture", percent_text(payload.get("moisture_pct"), lang))
        add("source_commune", payload.get("source_commune_insee"))
        add("label", payload.get("label_code"))
    elif kind == "Weighed":
        add("mass", f"{mass('previous_mass_kg')} → {mass('mass_kg')}")
        add("weight_method", weight_method(payload.get("weight_method"), names))
        add("ticket", payload.get("ticket_ref"))
    elif kind == "Labelled":
        add("label", payload.get("label_code"))
    elif kind == "Dispatched":
        add("from", names.site(payload.get("from_site_id")))
        add("to", names.site(payload.get("to_site_id")))
        add("mass", mass("mass_kg"))
        add("carrier", payload.get("carrier"))
        distance = payload.get("distance_km")
        add("distance", None if distance is None else f"{formats.number(distance, 1, lang)} km")
    elif kind == "Received":
        add("site", names.site(payload.get("site_id")))
        add("mass", mass("mass_kg"))
        add("dispatched_mass", mass("dispatched_mass_kg"))
        add("discrepancy", t("common.yes") if payload.get("discrepancy_flagged") else None)
    elif kind == "ReceiptRefused":
        add("refused_at", names.site(payload.get("refused_site_id")))
        add("site", names.site(payload.get("site_id")))
        add("reason", payload.get("reason"))
    elif kind == "Consumed":
        add("process", names.process(payload.get("process")))
        add("site", names.site(payload.get("site_id")))
    elif kind == "Valorised":
        add("route", names.route(payload.get("route")))
        add("mass", mass("mass_kg"))
        add("site", names.site(payload.get("site_id")))
        add("outlet", outlet(payload, names))
        add("certificate", payload.get("certificate_ref"))
    return found


def correction_details(payload: dict[str, Any], names: Names) -> list[tuple[str, str]]:
    """What was corrected, from what to what, and why."""
    t, lang = names.t, names.lang
    previous = payload.get("previous") or {}
    found = []
    if "mass_kg" in previous:
        change = f"{formats.kg(previous['mass_kg'], lang)} → {formats.kg(payload['mass_kg'], lang)}"
        found.append((t("audit.detail.mass"), change))
    if "material" in previous:
        change = f"{names.material(previous['material'])} → {names.material(payload['material'])}"
        found.append((t("audit.detail.material"), change))
    if "occurred_at" in previous:
        after = payload.get("corrected_occurred_at")
        change = f"{formats.moment(previous['occurred_at'], lang)} → {formats.moment(after, lang)}"
        found.append((t("audit.detail.occurred"), change))
    transport = transport_text(payload.get("transport"), names)
    if transport:
        found.append((t("audit.detail.transport"), transport))
    found.append((t("audit.detail.reason"), str(payload.get("reason") or "—")))
    return found


def transport_text(transport: dict[str, Any] | None, names: Names) -> str | None:
    """How the batch travelled: "route · Transports Dupont · récépissé 2024-76-118"."""
    if not transport:
        return None
    t = names.t
    if transport.get("direct"):
        return t("audit.transport.direct")
    parts = []
    if transport.get("mode"):
        parts.append(names.words(f"audit.transport.{transport['mode']}", transport["mode"]))
    carrier = transport.get("carrier")
    if isinstance(carrier, dict) and carrier.get("name"):
        parts.append(str(carrier["name"]))
    elif transport.get("carrier_organisation_id"):
        parts.append(names.organisation(transport["carrier_organisation_id"]))
    if transport.get("receipt_number"):
        parts.append(t("audit.transport.receipt", number=transport["receipt_number"]))
    elif transport.get("receipt_exempt"):
        parts.append(t("audit.transport.receipt_exempt"))
    return " · ".join(parts) or None


def weight_method(code: str | None, names: Names) -> str | None:
    if not code:
        return None
    return names.t(f"audit.weight.{code}") if code in WEIGHT_METHODS else code


def percent_text(value: float | None, lang: str) -> str | None:
    return None if value is None else formats.percent(value / 100, lang)


def outlet(payload: dict[str, Any], names: Names) -> str | None:
    if payload.get("outlet_site_id"):
        return names.site(payload["outlet_site_id"])
    if payload.get("outlet_name"):
        country = payload.get("outlet_country")
        return f"{payload['outlet_name']} ({country})" if country else str(payload["outlet_name"])
    return None


def mark_later(
    rows: list[HistoryRow], as_of: datetime | None, occurred_by: datetime | None, names: Names
) -> None:
    """With a time chosen, flag the events the batch did not have yet at that time: recorded
    after ``as_of``; or, for ``occurred_by``, happened after it (a correction goes with the
    event it corrects, at that event's corrected time)."""
    happened = {row.seq: row.occurred for row in rows if row.corrects is None}
    for row in rows:
        if row.corrects is not None and row.corrected_time is not None:
            happened[row.corrects] = row.corrected_time
    for row in rows:
        when = happened.get(row.corrects if row.corrects is not None else row.seq)
        if as_of is not None and row.recorded > as_of:
            row.later = names.t("audit.history.recorded_later")
        elif occurred_by is not None and when is not None and when > occurred_by:
            row.later = names.t("audit.history.occurred_later")


@dataclass(frozen=True)
class BatchFacts:
    """A batch's state in words (now, or then)."""

    title: str  # its label code, or words saying it has none
    labelled: bool
    material: str
    filiere: str
    mass: str
    state: str
    site: str
    holder: str
    destination: str
    route: str
    version: int


def batch_facts(batch: dict[str, Any], names: Names) -> BatchFacts:
    label = batch.get("label_code")
    destination = batch.get("destination_site_id")
    return BatchFacts(
        title=label or names.t("audit.batch.no_label"),
        labelled=bool(label),
        material=names.material(batch.get("material")),
        filiere=names.filiere(batch.get("filiere")),
        mass=formats.kg(batch.get("mass_kg"), names.lang),
        state=names.state(batch.get("state")),
        site=names.site(batch.get("site_id")),
        holder=names.organisation(batch.get("holder_id")),
        destination=names.site(destination) if destination else "",
        route=names.route(batch.get("route")) if batch.get("route") else "",
        version=int(batch.get("version") or 0),
    )
