"""The re-implemented Trackdéchets rules refuse what Trackdéchets refuses (so passing means
something): a valid row, then one fault at a time, each caught on the field it concerns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.trackdechets.fields import is_siret
from tests.trackdechets.refinements import check_row
from tests.trackdechets.vat import check_vat

TODAY = datetime.now(UTC).date()
SORTING_CENTRE = "44981207200014"
COLLECTIVE = "81276418100010"


def company(prefix: str, siret: str) -> dict[str, str]:
    return {
        f"{prefix}Type": "ETABLISSEMENT_FR",
        f"{prefix}OrgId": siret,
        f"{prefix}Name": "Collectif des collecteurs",
        f"{prefix}Address": "12 rue de la Gare",
        f"{prefix}PostalCode": "76170",
        f"{prefix}City": "Lillebonne",
        f"{prefix}CountryCode": "FR",
    }


def incoming(**changes: Any) -> dict[str, Any]:
    """A sorting centre's reception of a load from containers, as the ledger writes it."""
    row = {
        "publicId": "5a35ef38ab265d928f7281209604dea6.3",
        "reportForCompanySiret": SORTING_CENTRE,
        "wasteDescription": "Textiles collectés (en mélange)",
        "wasteCode": "20 01 10",
        "wastePop": "NON",
        "wasteIsDangerous": "NON",
        "receptionDate": (TODAY - timedelta(days=3)).isoformat(),
        "weighingHour": "14:15",
        "weightValue": "0,194",
        "weightIsEstimate": "REEL",
        "initialEmitterCompanyType": "COMMUNES",
        "initialEmitterMunicipalitiesInseeCodes": "76114",
        **company("emitterCompany", COLLECTIVE),
        "operationCode": "R 12",
        "noTraceability": "NON",
        "nextOperationCode": "R 3",
        "isDirectSupply": "NON",
        "transporter1TransportMode": "ROUTE",
        **company("transporter1Company", COLLECTIVE),
        "transporter1RecepisseIsExempted": "NON",
        "transporter1RecepisseNumber": "76-2019-0032",
    }
    row.update(changes)
    return {key: value for key, value in row.items() if value is not None}


def faults(row: dict[str, Any], direction: str = "incoming") -> set[str]:
    return {field for field, _ in check_row(row, direction)}


def test_the_ledgers_reception_row_is_accepted() -> None:
    assert check_row(incoming(), "incoming") == []
    assert check_row(incoming(wasteCode="200110", operationCode="R12"), "incoming") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reportForCompanySiret": None}, "reportForCompanySiret"),
        ({"reportForCompanySiret": "44981207200015"}, "reportForCompanySiret"),
        ({"wasteCode": "20 01 00"}, "wasteCode"),
        ({"wasteCode": "17 05 04"}, "wasteCode"),  # excavated soil: its own register
        ({"wastePop": None}, "wastePop"),
        ({"wastePop": "OUI"}, "wasteIsDangerous"),
        ({"weightValue": "0,0004"}, "weightValue"),
        ({"weightValue": "0,000"}, "weightValue"),
        ({"weightValue": "12,500000"}, None),  # trailing zeros are still 3 decimals
        ({"weightValue": "45,000"}, "weightValue"),  # by road, weighed: 40 t at most
        ({"weightIsEstimate": "measured"}, "weightIsEstimate"),
        ({"receptionDate": (TODAY + timedelta(days=2)).isoformat()}, "receptionDate"),
        ({"receptionDate": (TODAY - timedelta(days=560)).isoformat()}, "receptionDate"),
        ({"emitterCompanyType": "COMMUNES"}, "emitterCompanyType"),
        ({"emitterCompanyOrgId": None}, "emitterCompanyOrgId"),
        ({"emitterCompanyAddress": None}, "emitterCompanyAddress"),
        ({"emitterCompanyPostalCode": "7617"}, "emitterCompanyPostalCode"),
        ({"emitterCompanyCity": "x" * 46}, "emitterCompanyCity"),
        ({"operationCode": "R 0"}, "operationCode"),  # reuse: outgoing registers only
        ({"operationCode": "R 1"}, "operationMode"),  # a final code needs its mode
        ({"operationCode": "R 1", "operationMode": "RECYCLAGE"}, "operationMode"),
        ({"nextOperationCode": None}, "nextOperationCode"),
        ({"noTraceability": None}, "noTraceability"),
        ({"transporter1RecepisseNumber": None}, "transporter1RecepisseNumber"),
        ({"transporter1TransportMode": None}, "transporter1TransportMode"),
        ({"transporter1TransportMode": "CAMION"}, "transporter1TransportMode"),
        ({"isDirectSupply": "OUI"}, "transporter1CompanyOrgId"),
        (
            {"initialEmitterMunicipalitiesInseeCodes": None},
            "initialEmitterMunicipalitiesInseeCodes",
        ),
        ({"publicId": "batch 42"}, "publicId"),
        ({"Poids": "1"}, "Poids"),
    ],
)
def test_one_fault_is_refused_on_its_field(changes: dict[str, Any], field: str | None) -> None:
    row = incoming(**changes)
    assert faults(row) == ({field} if field else set())


def test_exempted_and_foreign_carriers_need_no_receipt() -> None:
    exempted = incoming(transporter1RecepisseNumber=None, transporter1RecepisseIsExempted="OUI")
    assert check_row(exempted, "incoming") == []
    polish = {
        "transporter1CompanyType": "ENTREPRISE_UE",
        "transporter1CompanyOrgId": "PL7273019456",
        "transporter1CompanyPostalCode": "93-231",
        "transporter1CompanyCountryCode": "PL",
        "transporter1RecepisseNumber": None,
    }
    assert check_row(incoming(**polish), "incoming") == []
    wrong_digit = polish | {"transporter1CompanyOrgId": "PL7273019457"}
    assert faults(incoming(**wrong_digit)) == {"transporter1CompanyOrgId"}
    german = polish | {"transporter1CompanyOrgId": "DE123456789"}
    assert faults(incoming(**german)) == {"transporter1CompanyOrgId"}  # no rule here: fails


def test_an_outgoing_reuse_row_takes_r0() -> None:
    row = {
        key: value
        for key, value in incoming().items()
        if not key.startswith(("emitter", "weighing", "noTrac", "next", "reception"))
    }
    row |= company("destinationCompany", "53318462800014")
    row |= {"dispatchDate": TODAY.isoformat(), "operationCode": "R 0"}
    assert check_row(row, "outgoing") == []
    assert check_row(row | {"operationMode": "REUTILISATION"}, "outgoing") == []
    assert faults(row | {"operationMode": "RECYCLAGE"}, "outgoing") == {"operationMode"}
    assert faults(row | {"operationCode": "R 14"}, "outgoing") == {"operationCode"}


def test_sirets_and_vat_numbers_are_checked_as_trackdechets_does() -> None:
    assert is_siret(SORTING_CENTRE)
    assert is_siret("35600000000048")
    assert not is_siret("00000000000000")
    assert not is_siret("4498120720001")
    assert check_vat("IT04826191548") == (True, "IT")
    assert check_vat("it 0482619-1548") == (True, "IT")
    assert check_vat("IT04826192548")[0] is False  # office code 254 does not exist
    assert check_vat("PL7251846034") == (True, "PL")
