"""What a batch correction moves, in words and figures, for the correction page.

Before saving, the page shows the batch before → after (``CorrectionPreview``, worked out on the
batch itself) and the figures that move:

- the stock of the batch's site, when it is held or in transit there: the site's row for the
  material, less the batch as it is, plus the batch as corrected (exact: the stock is the sum
  of the batches);
- the Refashion statement's tonnes by route, when the batch is a sorting's output and the
  correction restates that output (its mass, material or time): the quarter's tonnes now, less
  the output as recorded, plus the output as corrected (exact: the tonnes are the sum of the
  outputs by the route of their material);
- otherwise the figures and periods it touches, named: a re-weighing found later (losses of
  the current month), the sorted input of a sorting's quarter, a collection's month, a
  valorisation's month.

A quarter already declared gets the change as a regularisation in the next statement.
After saving, ``figures_then_and_now`` reads the same figures from the views as recorded just
before the correction and now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from ledger.application.handlers.correction_preview import CorrectionPreview
from ledger.indicators.refashion import refashion_statement
from ledger.indicators.stock import stock
from ledger.indicators.stock_then import stock_as_recorded
from ledger.projections.db import ViewDatabase
from ledger.web.desk import formats
from ledger.web.desk.as_of import PARIS
from ledger.web.desk.names import Names


@dataclass
class Change:
    """One line of the preview: what, before → after (or a sentence when not computed)."""

    what: str
    before: str = ""
    after: str = ""
    note: str = ""


@dataclass
class Effects:
    batch: list[Change] = field(default_factory=list)
    figures: list[Change] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)  # figures named, not computed
    regularisations: list[str] = field(default_factory=list)


def quarter_of(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def month_of(moment: datetime, lang: str) -> str:
    """ "août 2026" / "August 2026"."""
    local = moment.astimezone(PARIS)
    return f"{formats.MONTHS[lang][local.month - 1]} {local.year}"


def batch_changes(preview: CorrectionPreview, names: Names) -> list[Change]:
    t, lang = names.t, names.lang
    before, after = preview.before, preview.after
    found = [
        Change(t("corrections.what.mass"), formats.kg(before.mass_g / 1000, lang),
               formats.kg(after.mass_g / 1000, lang)),
    ]  # fmt: skip
    if before.event_mass_g != after.event_mass_g and before.event_mass_g is not None:
        assert after.event_mass_g is not None
        found.append(
            Change(
                t("corrections.what.event_mass", event=names.t(f"audit.event.{preview.kind}")),
                formats.kg(before.event_mass_g / 1000, lang),
                formats.kg(after.event_mass_g / 1000, lang),
            )
        )
    found.append(
        Change(t("corrections.what.material"), names.material(before.material),
               names.material(after.material))
    )  # fmt: skip
    found.append(
        Change(t("corrections.what.time"), formats.moment(before.occurred_at, lang),
               formats.moment(after.occurred_at, lang))
    )  # fmt: skip
    return found


def stock_changes(db: ViewDatabase, preview: CorrectionPreview, names: Names) -> list[Change]:
    """The site's stock rows the batch is in, before and after."""
    if preview.state not in ("held", "in_transit") or preview.site_id is None:
        return []
    before, after = preview.before, preview.after
    rows: dict[str, int] = {}
    for material in {before.material, after.material}:
        found = stock(db, site_id=preview.site_id, material=material)["data"]
        rows[material] = sum(round(r["mass_kg"] * 1000) for r in found)
    moved = dict(rows)
    moved[before.material] -= before.mass_g
    moved[after.material] += after.mass_g
    site = names.site(preview.site_id)
    return [
        Change(
            names.t("corrections.figure.stock", site=site, material=names.material(material)),
            formats.kg(rows[material] / 1000, names.lang),
            formats.kg(moved[material] / 1000, names.lang),
        )
        for material in sorted(rows)
        if rows[material] != moved[material]
    ]


def refashion_changes(
    db: ViewDatabase,
    preview: CorrectionPreview,
    history: list[dict[str, Any]],
    names: Names,
    effects: Effects,
) -> bool:
    """The Refashion tonnes a restated sorting output moves; False when it moves none."""
    first = history[0] if history else {}
    sorted_output = first.get("type") == "Produced" and first["payload"].get("process") == "sorting"
    if not sorted_output or preview.corrects_version != 1 or preview.adjusts:
        return False
    record = names.site_record(first["payload"].get("site_id"))
    if record is None:
        return False
    organisation = str(record["organisation_id"])
    catalogue = names.ledger.catalogue()
    before, after = preview.before, preview.after
    old = (quarter_of(before.occurred_at), route(catalogue, before.material), before.event_mass_g)
    new = (quarter_of(after.occurred_at), route(catalogue, after.material), after.event_mass_g)
    if old == new:
        return False
    for quarter in sorted({old[0], new[0]}):
        statement = refashion_statement(db, UUID(organisation), quarter)
        grams = {r: round(tonnes * 1_000_000) for r, tonnes in statement["tonnes"].items()}
        moved = dict(grams)
        for (q, r, g), sign in ((old, -1), (new, 1)):
            if q == quarter and r in moved and g is not None:
                moved[r] += sign * g
        for r in sorted(grams):
            if grams[r] != moved[r]:
                what = names.t("corrections.figure.refashion", period=quarter, route=names.route(r))
                lang = names.lang
                before_t = formats.tonnes(grams[r] / 1000, lang)
                effects.figures.append(
                    Change(what, before_t, formats.tonnes(moved[r] / 1000, lang))
                )
        declared_note(statement, quarter, names, effects)
    return True


def route(catalogue: Any, material: str) -> str | None:
    return catalogue.get(material).route if material in catalogue else None


def declared_note(statement: dict[str, Any], quarter: str, names: Names, effects: Effects) -> None:
    declared = statement.get("declared")
    if declared:
        day = datetime.fromisoformat(str(declared["declared_at"])).date()
        effects.regularisations.append(
            names.t(
                "corrections.regularisation",
                period=quarter,
                day=formats.long_date(day, names.lang),
            )
        )


def named_figures(
    db: ViewDatabase,
    preview: CorrectionPreview,
    history: list[dict[str, Any]],
    names: Names,
    effects: Effects,
) -> None:
    """The figures a correction touches that the page names without computing them."""
    t, lang = names.t, names.lang
    if preview.adjusts:
        effects.touched.append(
            t("corrections.touched.adjusts", month=month_of(datetime.now(PARIS), lang))
        )
        return
    for entry in history:
        kind, payload = entry["type"], entry["payload"]
        occurred = datetime.fromisoformat(str(entry["occurred_at"]))
        if kind == "Collected" and preview.corrects_version == 1:
            effects.touched.append(
                t("corrections.touched.collection", month=month_of(occurred, lang))
            )
        elif kind == "Consumed" and payload.get("process") == "sorting":
            quarter = quarter_of(occurred)
            effects.touched.append(t("corrections.touched.sorted_input", period=quarter))
            record = names.site_record(payload.get("site_id"))
            if record is not None:
                statement = refashion_statement(db, UUID(str(record["organisation_id"])), quarter)
                declared_note(statement, quarter, names, effects)
        elif kind == "Valorised":
            effects.touched.append(
                t("corrections.touched.valorised", month=month_of(occurred, lang))
            )


def effects_of(
    db: ViewDatabase, preview: CorrectionPreview, history: list[dict[str, Any]], names: Names
) -> Effects:
    """The preview's lines: the batch, the figures computed, the figures named."""
    effects = Effects(batch=batch_changes(preview, names))
    effects.figures += stock_changes(db, preview, names)
    if not refashion_changes(db, preview, history, names, effects):
        named_figures(db, preview, history, names, effects)
    return effects


def figures_then_and_now(
    db: ViewDatabase, batch: dict[str, Any], history: list[dict[str, Any]], names: Names
) -> list[Change]:
    """After saving: the batch's site stock and, for a sorting output, its quarter's tonnes,
    as the views recorded them just before the correction and now."""
    correction = history[-1]
    just_before = datetime.fromisoformat(str(correction["recorded_at"])) - timedelta(microseconds=1)
    found: list[Change] = []
    site = batch.get("site_id")
    if batch.get("state") in ("held", "in_transit") and site:
        then = stock_as_recorded(db, just_before, site_id=site)["data"]
        now = stock(db, site_id=site)["data"]
        what = names.t("corrections.figure.site_stock", site=names.site(site))
        found.append(Change(what, kg_sum(then, names.lang), kg_sum(now, names.lang)))
    first = history[0]
    if first["type"] == "Produced" and first["payload"].get("process") == "sorting":
        record = names.site_record(first["payload"].get("site_id"))
        if record is not None:
            quarter = quarter_of(datetime.fromisoformat(str(first["occurred_at"])))
            organisation = UUID(str(record["organisation_id"]))
            then = refashion_statement(db, organisation, quarter, as_of=just_before)["tonnes"]
            now = refashion_statement(db, organisation, quarter)["tonnes"]
            for r in sorted(now):
                if then.get(r) != now[r] or r == route(names.ledger.catalogue(), batch["material"]):
                    what = names.t(
                        "corrections.figure.refashion", period=quarter, route=names.route(r)
                    )
                    lang = names.lang
                    found.append(
                        Change(what, formats.tonnes(then.get(r, 0) * 1000, lang),
                               formats.tonnes(now[r] * 1000, lang))
                    )  # fmt: skip
    return found


def kg_sum(rows: list[dict[str, Any]], lang: str) -> str:
    return formats.kg(sum(Decimal(str(r["mass_kg"])) for r in rows), lang)
