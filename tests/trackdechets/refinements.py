"""Trackdéchets' row rules across fields (``superRefine`` chains), and a row's whole check.

``check_row(row, "incoming")`` runs the field schemas of ``fields`` and then, as
``safeParseAsyncIncomingWaste`` and ``safeParseAsyncOutgoingWaste`` do, the refinements of
``shared/refinement.ts`` in their order; it returns every error as ``(field, message)``.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from typing import Any

from tests.trackdechets import fields
from tests.trackdechets.vat import check_vat

# CODES_AND_EXPECTED_OPERATION_MODES
EXPECTED_MODES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("D 1", "D 2", "D 3", "D 4", "D 5", "D 7", "D 8"), ("ELIMINATION",)),
    **dict.fromkeys(("D 9 F", "D 10", "D 11", "D 12"), ("ELIMINATION",)),
    **dict.fromkeys(("D 9", "D 13", "D 14", "D 15", "R 12", "R 13"), ()),
    "R 0": ("REUTILISATION",),
    "R 1": ("VALORISATION_ENERGETIQUE",),
    "R 2": ("REUTILISATION", "RECYCLAGE"),
    "R 3": ("RECYCLAGE", "AUTRES_VALORISATIONS"),
    "R 4": ("RECYCLAGE",),
    "R 5": ("RECYCLAGE", "AUTRES_VALORISATIONS"),
    "R 6": ("RECYCLAGE", "REUTILISATION"),
    "R 7": ("REUTILISATION",),
    "R 8": ("RECYCLAGE", "REUTILISATION"),
    "R 9": ("REUTILISATION", "RECYCLAGE", "VALORISATION_ENERGETIQUE"),
    "R 10": ("RECYCLAGE",),
    "R 11": ("RECYCLAGE", "AUTRES_VALORISATIONS", "VALORISATION_ENERGETIQUE"),
}
FINAL_CODES = frozenset(
    {f"R {n}" for n in range(12)}
    | {"D 1", "D 2", "D 3", "D 4", "D 5", "D 6", "D 7", "D 8", "D 9 F", "D 10", "D 12"}
)
NOT_FINAL = ("R 12", "R 13", "D 9", "D 13", "D 14", "D 15")
Errors = list[tuple[str, str]]


def refine_actor(item: dict[str, Any], prefix: str, errors: Errors) -> None:
    """``refineActorInfos`` and ``refineActorDetails`` for one company."""
    kind, org_id = item.get(f"{prefix}Type"), item.get(f"{prefix}OrgId")
    parts = [item.get(f"{prefix}{p}") for p in ("Name", "Address", "PostalCode", "City")]
    country = item.get(f"{prefix}CountryCode")
    if not kind:
        if org_id or any(parts) or country:
            errors.append((f"{prefix}Type", "Le type d'entreprise est obligatoire"))
        return
    if kind == "ETABLISSEMENT_FR":
        if not org_id or not fields.is_siret(org_id):
            errors.append((f"{prefix}OrgId", "Le SIRET saisi n'est pas un SIRET valide"))
        if country and country != "FR":
            errors.append((f"{prefix}CountryCode", "Le code pays doit être FR"))
        if not re.fullmatch(r"[0-9]{5,6}", item.get(f"{prefix}PostalCode") or ""):
            errors.append((f"{prefix}PostalCode", "Le code postal doit être composé de 5 ou 6"))
    elif kind == "ENTREPRISE_UE":
        valid, vat_country = check_vat(org_id or "")
        if vat_country is None:
            errors.append((f"{prefix}OrgId", f"jsvat's rule for {org_id} is not re-implemented"))
        elif not valid:
            errors.append((f"{prefix}OrgId", "Le numéro de TVA n'est pas valide"))
        elif country and vat_country != country:
            errors.append((f"{prefix}CountryCode", "Le code pays ne correspond pas à la TVA"))
    elif kind == "ENTREPRISE_HORS_UE":
        if not (org_id and re.search(r"[A-Z0-9]{1,25}", org_id)):
            errors.append((f"{prefix}OrgId", "Le numéro d'identification hors UE"))
    elif kind == "ASSOCIATION":
        if not (org_id and re.search(r"W[0-9]{9}", org_id)):
            errors.append((f"{prefix}OrgId", "Le numéro d'une association"))
    elif kind == "PERSONNE_PHYSIQUE" and not org_id:
        errors.append((f"{prefix}OrgId", "Le nom et prénom d'une personne physique"))
    if kind == "COMMUNES":
        return
    names = ("Name", "Address", "PostalCode", "City")
    for part, value in zip(names, parts, strict=True):
        if not value and not (part == "Name" and kind == "PERSONNE_PHYSIQUE"):
            errors.append((f"{prefix}{part}", "est obligatoire"))
    if not country:
        errors.append((f"{prefix}CountryCode", "Le code pays est obligatoire"))


def refine_transporter(item: dict[str, Any], n: int, ttd_key: str | None, errors: Errors) -> None:
    """``refineTransporterInfos`` for transporter ``n``."""
    prefix = f"transporter{n}"
    mode, kind = item.get(f"{prefix}TransportMode"), item.get(f"{prefix}CompanyType")
    if mode and not kind:
        errors.append((f"{prefix}CompanyType", "Le mode de transport sans transporteur"))
    if not mode and kind:
        errors.append((f"{prefix}TransportMode", "Le mode de transport doit être renseigné"))
    if not kind:
        return
    foreign = kind in ("ENTREPRISE_UE", "ENTREPRISE_HORS_UE")
    exempted = item.get(f"{prefix}RecepisseIsExempted")
    if not exempted and not foreign and not item.get(f"{prefix}RecepisseNumber"):
        errors.append((f"{prefix}RecepisseNumber", "Le numéro de récépissé est obligatoire"))
    if foreign and ttd_key and item.get(ttd_key):
        return
    refine_actor(item, f"{prefix}Company", errors)


def refine_transporters_consistency(item: dict[str, Any], errors: Errors) -> None:
    ids = [item.get(f"transporter{n}CompanyOrgId") for n in range(1, 6)]
    if item.get("isDirectSupply") and ids[0]:
        errors.append(("transporter1CompanyOrgId", "pas de transporteur en fourniture directe"))
    if not item.get("isDirectSupply") and not ids[0]:
        errors.append(("transporter1CompanyOrgId", "Le transporteur 1 doit être renseigné"))
    for n in range(1, 5):
        if ids[n] and not ids[n - 1]:
            errors.append((f"transporter{n + 1}CompanyOrgId", f"sans transporteur {n}"))


def refine_operation(item: dict[str, Any], incoming: bool, errors: Errors) -> None:
    """Required mode (incoming), mode consistency, traceability of non-final codes (incoming)."""
    code, mode = item.get("operationCode"), item.get("operationMode")
    final = code in FINAL_CODES
    if incoming and final and not mode:
        errors.append(("operationMode", "Le mode de traitement est requis"))
    if final and code.startswith("D") and mode and mode != "ELIMINATION":
        errors.append(("operationMode", "doit être Élimination"))
    if mode and mode not in EXPECTED_MODES.get(code or "", ()):
        errors.append(("operationMode", "n'est pas compatible avec le code"))
    if incoming and code in NOT_FINAL:
        if item.get("noTraceability") is None:
            errors.append(("noTraceability", "L'information sur la rupture est requise"))
        if item.get("nextOperationCode") is None:
            errors.append(("nextOperationCode", "Le code de traitement ultérieur est requis"))


def limit() -> datetime:
    """``sub(new Date(), MIN_DATE_FOR_REGISTRY)``: now less a year and six months (date-fns
    keeps the day, or the month's last day)."""
    now = datetime.now(UTC)
    months = now.year * 12 + now.month - 1 - 18
    year, month = divmod(months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def refine_common(item: dict[str, Any], date_key: str, errors: Errors) -> None:
    """Date limits, dangerousness, communes, eco-organism, broker and trader."""
    when: date | None = item.get(date_key)
    if when is not None and datetime(when.year, when.month, when.day, tzinfo=UTC) < limit():
        errors.append((date_key, "La date ne peut pas être antérieure à J-18 mois"))
    pop, code = item.get("wastePop"), item.get("wasteCode") or ""
    if item.get("wasteIsDangerous") is False and (pop or "*" in code):
        errors.append(("wasteIsDangerous", "POP ou code étoilé: dangereux"))
    communes = item.get("initialEmitterMunicipalitiesInseeCodes") or []
    if item.get("initialEmitterCompanyType") == "COMMUNES" and not communes:
        errors.append(("initialEmitterMunicipalitiesInseeCodes", "codes INSEE requis"))
    if (
        item.get("weightIsEstimate")
        and code
        and item.get("operationCode") in ("R 1", "D 10", "D 5")
    ):
        errors.append(("weightIsEstimate", "le poids ne peut pas être estimé"))
    if item.get("ecoOrganismeSiret") and not item.get("ecoOrganismeName"):
        errors.append(("ecoOrganismeName", "raison sociale de l'éco-organisme obligatoire"))
    for who in ("broker", "trader"):
        if item.get(f"{who}CompanySiret"):
            for part in ("CompanyName", "RecepisseNumber"):
                if not item.get(f"{who}{part}"):
                    errors.append((f"{who}{part}", "obligatoire si le SIRET est renseigné"))


def check_row(row: dict[str, str | None], direction: str) -> Errors:
    """Every error Trackdéchets' schema and refinements find in one row (none: it is accepted)."""
    schema = fields.INCOMING if direction == "incoming" else fields.OUTGOING
    errors: Errors = [(key, "colonne hors du modèle") for key in row if key not in schema]
    item: dict[str, Any] = {}
    for key, check in schema.items():
        try:
            item[key] = check(row.get(key))
        except fields.Invalid as error:
            errors.append((key, str(error)))
    incoming = direction == "incoming"
    refine_common(item, "receptionDate" if incoming else "dispatchDate", errors)
    if incoming:
        road = any(item.get(f"transporter{n}TransportMode") == "ROAD" for n in range(1, 6))
        weight = item.get("weightValue")
        if road and item.get("weighingHour") and weight is not None and weight > 40:
            errors.append(("weightValue", "40 tonnes au plus par la route"))
    refine_actor(item, "initialEmitterCompany", errors)
    refine_actor(item, "emitterCompany" if incoming else "destinationCompany", errors)
    refine_operation(item, incoming, errors)
    for n in range(1, 6):
        refine_transporter(item, n, "ttdImportNumber" if incoming else None, errors)
    refine_transporters_consistency(item, errors)
    return errors
