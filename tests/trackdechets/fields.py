"""Trackdéchets' zod schemas of the incoming and outgoing waste rows, field by field.

Each check takes a cell (text, or None when empty) and returns the parsed value, or raises
``Invalid`` with Trackdéchets' message. ``INCOMING`` and ``OUTGOING`` list the checks of every
field of ``inputIncomingWasteSchema`` and ``inputOutgoingWasteSchema``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tests.trackdechets.headers import COMBINING, js_trim

HERE = Path(__file__).parent
WASTE_CODES = frozenset(
    line.strip()
    for line in (HERE / "waste_codes.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
PROCESSING_CODES = (  # PROCESSING_OPERATIONS_CODES_ENUM
    *(f"R {n}" for n in range(1, 14)),
    *("D 1", "D 2", "D 3", "D 4", "D 5", "D 8", "D 9", "D 9 F", "D 10", "D 12"),
    *("D 13", "D 14", "D 15"),
)
ALL_TD_CODES = frozenset({"R 0", *PROCESSING_CODES})
INCOMING_CODES = frozenset(
    {"D 1", "D 3", "D 4", "D 5", "D 8", "D 9", "D 9 F", "D 10", "D 12", "D 13", "D 14", "D 15"}
    | {f"R {n}" for n in range(1, 14)}
)
OPERATION_MODES = (
    "REUTILISATION",
    "RECYCLAGE",
    "VALORISATION_ENERGETIQUE",
    "ELIMINATION",
    "AUTRES_VALORISATIONS",
)
ACTOR_TYPES = (
    "ETABLISSEMENT_FR",
    "ENTREPRISE_UE",
    "ENTREPRISE_HORS_UE",
    "ASSOCIATION",
    "PERSONNE_PHYSIQUE",
    "COMMUNES",
)
TRANSPORT_MODES = {
    "ROUTE": "ROAD",
    "AERIEN": "AIR",
    "FLUVIAL": "RIVER",
    "MARITIME": "SEA",
    "FERRE": "RAIL",
    **{mode: mode for mode in ("ROAD", "AIR", "RIVER", "SEA", "RAIL")},
}

Check = Callable[[str | None], Any]


class Invalid(Exception):
    """A value the schema refuses."""


def luhn(number: str) -> bool:
    """``luhnCheck`` of companySearchHelpers.ts: digits from the right, every second doubled."""
    digits = [int(d) for d in reversed(number)]
    total = digits[0] + sum(
        (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d for i, d in enumerate(digits[1:])
    )
    return total % 10 == 0


def is_siret(clue: str | None) -> bool:
    """``isSiret``: 14 digits, not all zeros; La Poste's establishments by their digit sum."""
    if not clue or not re.fullmatch(r"[0-9]{14}", clue) or clue == "0" * 14:
        return False
    if clue.startswith("356000000") and clue != "35600000000048":
        return sum(int(d) for d in clue) % 5 == 0
    return clue == "11111111192062" or luhn(clue)


def enum_text(value: str) -> str:
    """``enumValueAsStringSchema``: trimmed, accents removed, upper case."""
    return COMBINING.sub("", unicodedata.normalize("NFD", js_trim(value))).upper()


def required(check: Check, message: str = "Le champ est requis") -> Check:
    def run(value: str | None) -> Any:
        if value is None:
            raise Invalid(message)
        return check(value)

    return run


def nullish(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def text(low: int, high: int, trim: bool = True) -> Check:
    def run(value: str | None) -> str:
        assert value is not None
        value = js_trim(value) if trim else value
        if not low <= len(value) <= high:
            raise Invalid(f"doit faire entre {low} et {high} caractères")
        return value

    return run


def one_of(choices: Any, normalise: Callable[[str], str] = js_trim) -> Check:
    def run(value: str | None) -> str:
        assert value is not None
        found = normalise(value)
        if found not in choices:
            raise Invalid(f"{value!r} n'est pas une valeur autorisée")
        return found

    return run


def boolean(value: str | None) -> bool:
    assert value is not None
    found = js_trim(value).upper()
    if found not in ("OUI", "NON"):
        raise Invalid("Le champ n'est pas valide. Valeurs possibles: OUI, NON")
    return found == "OUI"


def siret(value: str | None) -> str:
    found = re.sub(r"\s+", "", value or "")
    if not is_siret(found):
        raise Invalid("Le SIRET n'est pas valide")
    return found


def public_id(value: str | None) -> str:
    if value is None:
        raise Invalid("L'identifiant unique est requis")
    found = text(1, 36)(value)
    if not re.fullmatch(r"[a-zA-Z0-9\-_./]+", found):
        raise Invalid("L'identifiant unique ne peut contenir que des lettres, des chiffres…")
    return found


def waste_code(value: str | None) -> str:
    """``getWasteCodeSchema``: spaces put back in a 6 or 7 character code, then the list."""
    assert value is not None
    squeezed = re.sub(r"\s+", "", value)
    if len(squeezed) in (6, 7):
        value = f"{squeezed[:2]} {squeezed[2:4]} {squeezed[4:]}"
    if value not in WASTE_CODES:
        raise Invalid("Le code déchet n'a pas une valeur autorisée")
    return value


def number(low_exclusive: Decimal, high: Decimal) -> Check:
    """``weightValueSchema``: the first comma read as a point, > 0, ≤ 10 000, 3 decimals."""

    def run(value: str | None) -> Decimal:
        assert value is not None
        trimmed = js_trim(value)
        if len(trimmed) > 50:
            raise Invalid("Le nombre ne peut pas dépasser 50 caractères")
        try:
            found = Decimal(trimmed.replace(",", ".", 1))
        except InvalidOperation:
            raise Invalid("Le poids doit être un nombre") from None
        if not low_exclusive < found <= high:
            raise Invalid("Le poids est hors des bornes")
        if found != found.quantize(Decimal("0.001")):
            raise Invalid("Le poids ne doit pas avoir plus de 3 décimales")
        return found

    return run


def weight_is_estimate(value: str | None) -> bool:
    return one_of(("ESTIME", "REEL"), enum_text)(value) == "ESTIME"


def a_date(value: str | None) -> date:
    """``dateSchema``: a date (ISO, as the ledger writes them) not in the future."""
    assert value is not None
    try:
        found = date.fromisoformat(js_trim(value))
    except ValueError:
        raise Invalid("Le format de date est invalide") from None
    if datetime(found.year, found.month, found.day, tzinfo=UTC) > datetime.now(UTC):
        raise Invalid("La date ne peut pas être dans le futur")
    return found


def weighing_hour(value: str | None) -> str:
    assert value is not None
    found = js_trim(value)
    pattern = r"([0-9]|[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.\d{1,3})?)?"
    if not re.fullmatch(pattern, found):
        raise Invalid("Le format d'heure saisi n'est pas valide")
    return found


def operation_code(codes: frozenset[str]) -> Check:
    """``getOperationCodeSchema``: D5 becomes D 5, D9F becomes D 9 F, then the list."""

    def run(value: str | None) -> str:
        assert value is not None
        found = js_trim(value)
        spaced = re.fullmatch(r"([A-Z])(\d{1,2})([A-Z]?)", found)
        if spaced:
            found = " ".join(part for part in spaced.groups() if part)
        if found not in codes:
            raise Invalid("Le code de traitement n'est pas une valeur autorisée")
        return found

    return run


def operation_mode(value: str | None) -> str:
    return one_of(OPERATION_MODES, lambda v: enum_text(v).replace(" ", "_"))(value)


def postal_code(value: str | None) -> str:
    found = js_trim(value or "")
    if found and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\- ]{2,9}[A-Za-z0-9]", found):
        raise Invalid("Le code postal n'est pas dans un format valide")
    return found


def country_code(value: str | None) -> str:
    found = js_trim(value or "")
    if found and not re.fullmatch(r"[A-Z]{2}", found):
        raise Invalid("Le code du pays n'est pas valide")
    return found


def insee_codes(value: str | None) -> list[str]:
    """``inseeCodesSchema``: a comma-separated list of 5-character codes."""
    if value is None:
        return []
    if ";" in value:
        raise Invalid("Les valeurs doivent être séparées par une virgule")
    codes = [js_trim(code) for code in value.split(",")]
    if any(len(code) != 5 for code in codes):
        raise Invalid("Le code INSEE d'une commune doit faire 5 caractères")
    return codes


def ttd_number(value: str | None) -> str:
    found = re.sub(r"\s+", "", value or "")
    if not re.fullmatch(r"(?:[A-Z]{2,3}|A7[EI])[0-9]{0,4}[0-9]{6}", found):
        raise Invalid("Le numéro de notification … ne respecte pas le format attendu")
    return found


def transport_mode(value: str | None) -> str:
    """``transportModeSchema``: French or English names, read as the English ones."""
    return TRANSPORT_MODES[one_of(TRANSPORT_MODES, enum_text)(value)]


def bale_code(value: str | None) -> str:
    raise Invalid("Basel codes are not re-implemented: the ledger never writes one")


ACTOR_TYPE = one_of(ACTOR_TYPES)
ACTOR = {
    "Type": nullish(ACTOR_TYPE),
    "OrgId": nullish(text(1, 27)),
    "Name": nullish(text(1, 250)),
    "Address": nullish(text(1, 250)),
    "PostalCode": nullish(postal_code),
    "City": nullish(text(1, 45)),
    "CountryCode": nullish(country_code),
}


def actor(prefix: str) -> dict[str, Check]:
    return {f"{prefix}{part}": check for part, check in ACTOR.items()}


def transporter(n: int) -> dict[str, Check]:
    return {
        f"transporter{n}TransportMode": nullish(transport_mode),
        **actor(f"transporter{n}Company"),
        f"transporter{n}RecepisseIsExempted": nullish(boolean),
        f"transporter{n}RecepisseNumber": nullish(text(1, 50)),
    }


def site(prefix: str) -> dict[str, Check]:
    return {
        f"{prefix}Name": nullish(text(0, 300)),
        f"{prefix}Address": nullish(text(1, 250)),
        f"{prefix}PostalCode": nullish(postal_code),
        f"{prefix}City": nullish(text(1, 45)),
        f"{prefix}CountryCode": nullish(country_code),
    }


COMMON: dict[str, Check] = {
    "reason": nullish(one_of(("MODIFIER", "EDIT", "ANNULER", "CANCEL", "IGNORER"), enum_text)),
    "publicId": public_id,
    "reportAsCompanySiret": nullish(siret),
    "reportForCompanySiret": required(siret, "Le SIRET est requis"),
    "wasteDescription": required(text(2, 300, trim=False), "La dénomination est requise"),
    "wasteCode": required(waste_code, "Le code déchet est requis"),
    "wasteCodeBale": nullish(bale_code),
    "wastePop": required(boolean),
    "wasteIsDangerous": nullish(boolean),
    "weightValue": required(number(Decimal(0), Decimal(10_000)), "Le poids est requis"),
    "weightIsEstimate": required(weight_is_estimate, "Le type de poids est requis"),
    "volume": nullish(number(Decimal(0), Decimal(10_000))),
    **actor("initialEmitterCompany"),
    "initialEmitterMunicipalitiesInseeCodes": insee_codes,
    "movementNumber": nullish(text(0, 75)),
    "ecoOrganismeSiret": nullish(siret),
    "ecoOrganismeName": nullish(text(1, 250)),
    "brokerCompanySiret": nullish(siret),
    "brokerCompanyName": nullish(text(1, 250)),
    "traderCompanySiret": nullish(siret),
    "traderCompanyName": nullish(text(1, 250)),
    "isDirectSupply": nullish(boolean),
    **{key: check for n in range(1, 6) for key, check in transporter(n).items()},
}
INCOMING: dict[str, Check] = {
    **COMMON,
    "receptionDate": required(a_date, "La date est requise"),
    "weighingHour": nullish(weighing_hour),
    **actor("emitterCompany"),
    "emitterCompanyType": required(one_of(set(ACTOR_TYPES) - {"COMMUNES"}), "Le type est requis"),
    **site("emitterPickupSite"),
    "brokerRecepisseNumber": nullish(text(0, 50)),
    "traderRecepisseNumber": nullish(text(0, 50)),
    "operationCode": required(operation_code(INCOMING_CODES), "Le code de traitement est requis"),
    "operationMode": nullish(operation_mode),
    "noTraceability": nullish(boolean),
    "ttdImportNumber": nullish(ttd_number),
    "nextOperationCode": nullish(operation_code(INCOMING_CODES)),
}
OUTGOING: dict[str, Check] = {
    **COMMON,
    **site("reportForPickupSite"),
    "dispatchDate": required(a_date, "La date est requise"),
    **actor("destinationCompany"),
    "destinationCompanyType": required(ACTOR_TYPE, "Le type est requis"),
    **{k: v for k, v in site("destinationDropSite").items() if not k.endswith("Name")},
    "gistridNumber": nullish(ttd_number),
    "operationCode": required(operation_code(ALL_TD_CODES), "Le code de traitement est requis"),
    "operationMode": nullish(operation_mode),
    "brokerRecepisseNumber": nullish(text(0, 150)),
    "traderRecepisseNumber": nullish(text(0, 150)),
}
