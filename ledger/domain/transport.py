"""How a batch travelled, and the companies a movement names without registering them.

The waste registers name, for every movement, the company that handed the waste over, the one
that received it and each carrier: SIRET (or VAT number abroad), name and address; for a
carrier also the transport mode and the receipt of its declaration as a waste carrier
(récépissé de déclaration, code de l'environnement art. R. 541-50), or that it is exempted. A
batch that goes direct (a conveyor between two buildings, a pipe) has no carrier.

These values are stored in the events as plain dicts of their non-empty fields, so an event
written without them (or with some missing) reads the same; the registers report what is
missing rather than guess it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ledger.domain.errors import InvalidInput, InvalidTransport
from ledger.domain.registry import check_siret
from ledger.domain.text import check_text

TRANSPORT_MODES = ("road", "rail", "river", "sea", "air")
COMPANY_FIELDS = ("name", "siret", "vat_number", "address", "postal_code", "city", "country")
TRANSPORT_FIELDS = (
    "mode",
    "direct",
    "carrier_organisation_id",
    "carrier",
    "receipt_number",
    "receipt_exempt",
)
POSTAL_CODE_FR = re.compile(r"^\d{5}$")
VAT_NUMBER = re.compile(r"^[A-Z]{2}[0-9A-Z+*]{2,13}$")


def check_country(value: object, what: str = "country") -> str:
    """An ISO 3166 alpha-2 country code, e.g. FR or PL."""
    country = str(value).strip().upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise InvalidInput(f"{what} is a 2-letter ISO code, e.g. FR or PL.", **{what: value})
    return country


def check_vat_number(value: object) -> str | None:
    """An intra-EU VAT number: its country prefix and 2 to 13 letters or digits (the check
    digits, which differ by country, are not verified here)."""
    text = check_text(value, "vat_number", 20)
    if text is None:
        return None
    vat = "".join(text.split()).upper()
    if not VAT_NUMBER.match(vat):
        raise InvalidInput("vat_number starts with its country code, e.g. PL7251234567.", vat=vat)
    return vat


def check_company(values: Mapping[str, Any] | None, what: str) -> dict[str, str]:
    """A company as a movement names it: only the fields given, each checked.

    A SIRET (Luhn-checked) identifies a French establishment, so its country is FR; a postal
    code in France is 5 digits.
    """
    if not values:
        return {}
    unknown = sorted(set(values) - set(COMPANY_FIELDS))
    if unknown:
        raise InvalidInput(f"{what} has unknown fields: {', '.join(unknown)}.", fields=unknown)
    company: dict[str, str] = {}
    for name, limit in (("name", 200), ("address", 300), ("city", 100)):
        text = check_text(values.get(name), f"{what}.{name}", limit)
        if text is not None:
            company[name] = text
    siret = check_text(values.get("siret"), f"{what}.siret", 20)
    if siret is not None:
        company["siret"] = check_siret(siret.replace(" ", ""))
    vat_number = check_vat_number(values.get("vat_number"))
    if vat_number is not None:
        company["vat_number"] = vat_number
    if values.get("country"):
        company["country"] = check_country(values["country"], f"{what}.country")
    elif "siret" in company:
        company["country"] = "FR"
    if "siret" in company and company["country"] != "FR":
        raise InvalidInput(f"A SIRET identifies an establishment in France: {what}.country is FR.")
    postal_code = check_text(values.get("postal_code"), f"{what}.postal_code", 16)
    if postal_code is not None:
        if company.get("country", "FR") == "FR" and not POSTAL_CODE_FR.match(postal_code):
            raise InvalidInput(
                "A French postal_code is 5 digits, e.g. 76170.", postal_code=postal_code
            )
        company["postal_code"] = postal_code
    return company


def check_transport(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """A transport as a movement declares it: mode, carrier, receipt, or that it went direct.

    ``carrier_organisation_id`` is kept as given (text); the application checks that the
    organisation exists and copies its identity into ``carrier``.
    """
    if not values:
        return {}
    unknown = sorted(set(values) - set(TRANSPORT_FIELDS))
    if unknown:
        raise InvalidInput(f"transport has unknown fields: {', '.join(unknown)}.", fields=unknown)
    transport: dict[str, Any] = {}
    mode = values.get("mode")
    if mode is not None:
        if mode not in TRANSPORT_MODES:
            raise InvalidTransport(
                f"transport.mode must be one of {', '.join(TRANSPORT_MODES)}.", mode=mode
            )
        transport["mode"] = mode
    carrier = check_company(values.get("carrier"), "transport.carrier")
    if carrier:
        transport["carrier"] = carrier
    if values.get("carrier_organisation_id"):
        transport["carrier_organisation_id"] = str(values["carrier_organisation_id"])
    receipt = check_text(values.get("receipt_number"), "transport.receipt_number", 50)
    if receipt is not None:
        transport["receipt_number"] = receipt
    if values.get("receipt_exempt"):
        transport["receipt_exempt"] = True
    if values.get("direct"):
        transport["direct"] = True
    check_consistent(transport)
    return transport


def check_consistent(transport: Mapping[str, Any]) -> None:
    """A direct transfer has no carrier; a receipt is either numbered or exempted."""
    if transport.get("direct") and set(transport) - {"direct"}:
        raise InvalidTransport(
            "A batch that goes direct (conveyor, pipe) has no carrier, mode or receipt.",
            fields=sorted(set(transport) - {"direct"}),
        )
    if transport.get("receipt_number") and transport.get("receipt_exempt"):
        raise InvalidTransport("Give the carrier's receipt_number or receipt_exempt, not both.")
    if "carrier" in transport and "carrier_organisation_id" in transport:
        raise InvalidTransport(
            "Name the carrier by carrier_organisation_id or by its details, not both."
        )
