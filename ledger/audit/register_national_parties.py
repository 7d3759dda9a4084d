"""The companies of a national register row: their type, identifier, name and address.

Trackdéchets asks each company's type, which the ledger derives instead of recording it: a
company in France is an ``ETABLISSEMENT_FR`` identified by its SIRET; elsewhere in the European
Union an ``ENTREPRISE_UE`` identified by its VAT number (whose prefix is its country's, EL for
Greece); elsewhere an ``ENTREPRISE_HORS_UE`` identified by its VAT or tax number. (An
association with a SIRET is an establishment like any other; the ledger names no private
persons.) Producers of collected waste are named, as the arrêté du 31 mai 2021 allows for waste
from many producers, by the INSEE codes of the communes of collection (type ``COMMUNES``).

Each value is checked against what Trackdéchets' row rules accept (lengths, postal code
formats); a missing or unacceptable value is a ``Problem`` naming the column, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

EU_COUNTRIES = frozenset(
    {
        *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
        *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
    }
)
POSTAL_CODE_FR = re.compile(r"^[0-9]{5,6}$")
POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\- ]{2,9}[A-Za-z0-9]$")
LIMITS = {"Name": 250, "Address": 250, "City": 45, "OrgId": 27}


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be declared as it is: the column and what is wrong with its value."""

    column: str  # Trackdéchets' field name, e.g. emitterCompanyOrgId
    problem: str  # missing or invalid
    message: str

    def to_json(self) -> dict[str, str]:
        return {"column": self.column, "problem": self.problem, "message": self.message}


Values = dict[str, str]


def company_type(identity: Mapping[str, str]) -> tuple[str, str] | None:
    """The company's type and identifier in the register, when the ledger knows them."""
    country = identity.get("country") or "FR"
    if country == "FR":
        siret = identity.get("siret")
        return ("ETABLISSEMENT_FR", siret) if siret else None
    vat = identity.get("vat_number")
    if not vat:
        return None
    return ("ENTREPRISE_UE" if country in EU_COUNTRIES else "ENTREPRISE_HORS_UE"), vat


def company(
    prefix: str, identity: Mapping[str, str] | None, what: str
) -> tuple[Values, list[Problem]]:
    """The columns ``{prefix}Type``, ``OrgId``, ``Name``, ``Address``, ``PostalCode``, ``City``
    and ``CountryCode`` of one company (``identity``: its name, SIRET or VAT, address…)."""
    identity = identity or {}
    problems: list[Problem] = []
    found = company_type(identity)
    country = identity.get("country") or "FR"
    if found is None:
        wanted = "SIRET" if country == "FR" else "VAT number"
        problems.append(missing(f"{prefix}OrgId", f"The {what} has no {wanted}."))
        found = ("", "")
    kind, org_id = found
    if kind == "ENTREPRISE_UE" and org_id[:2] != ("EL" if country == "GR" else country):
        problems.append(invalid(f"{prefix}OrgId", f"The {what}'s VAT number is not of {country}."))
    values = {
        f"{prefix}Type": kind,
        f"{prefix}OrgId": org_id,
        f"{prefix}Name": identity.get("name", ""),
        f"{prefix}Address": identity.get("address", ""),
        f"{prefix}PostalCode": identity.get("postal_code", ""),
        f"{prefix}City": identity.get("city", ""),
        f"{prefix}CountryCode": country,
    }
    for part in ("Name", "Address", "PostalCode", "City"):
        if not values[f"{prefix}{part}"]:
            problems.append(missing(f"{prefix}{part}", f"The {what} has no {words(part)}."))
    problems += address_problems(prefix, values, what, french=kind == "ETABLISSEMENT_FR")
    return values, problems


def place(prefix: str, site: Mapping[str, str | None], name_column: bool) -> Values:
    """A site's name and address, for the optional pickup and drop-off columns: each given
    part, or none of them when the site has no address."""
    if not site.get("address"):
        return {}
    values = {
        f"{prefix}Address": site.get("address") or "",
        f"{prefix}PostalCode": site.get("postal_code") or "",
        f"{prefix}City": site.get("city") or "",
        f"{prefix}CountryCode": site.get("country") or "FR",
    }
    if name_column:
        values[f"{prefix}Name"] = site.get("name") or ""
    return {key: value for key, value in values.items() if value}


def address_problems(prefix: str, values: Values, what: str, french: bool) -> list[Problem]:
    """Values Trackdéchets refuses: too long, or a postal code not in its format."""
    problems = [
        invalid(f"{prefix}{part}", f"The {what}'s {words(part)} has more than {limit} characters.")
        for part, limit in LIMITS.items()
        if len(values.get(f"{prefix}{part}", "")) > limit
    ]
    postal_code = values.get(f"{prefix}PostalCode", "")
    pattern = POSTAL_CODE_FR if french else POSTAL_CODE
    if postal_code and not pattern.match(postal_code):
        problems.append(invalid(f"{prefix}PostalCode", f"The {what}'s postal code is malformed."))
    return problems


def words(part: str) -> str:
    return {"PostalCode": "postal code", "OrgId": "identifier"}.get(part, part.lower())


def missing(column: str, message: str) -> Problem:
    return Problem(column, "missing", message)


def invalid(column: str, message: str) -> Problem:
    return Problem(column, "invalid", message)
