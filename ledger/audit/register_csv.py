"""A site's register as CSV, for spreadsheets: the ledger's own columns, each row traced to its
event (the national register's templates are ``ledger.audit.register_national``).

Format: UTF-8 with a byte order mark (without it, spreadsheets in France read the file as
Windows-1252 and mangle "Crème" or "Effilochage"), ``;`` between fields and a decimal comma
(``412,500``), as French spreadsheets expect, CRLF line ends (RFC 4180), one header row, dates
and times in ISO 8601 on the Paris wall clock, empty cells for unknown values.

The columns, and the register field each stands for (arrêté du 31 mai 2021, articles on
incoming and outgoing waste; the French names are paraphrased, check them against the text):

- ``date`` (date de réception / d'expédition), ``occurred_at``, ``direction`` (entrant /
  sortant), ``movement``, ``batch_id`` and ``batch_version`` (the event in the ledger);
- ``label_code``; ``material``, ``material_name`` (dénomination usuelle du déchet), ``filiere``
  (the waste code and POP mention are the material's, in the national register's files);
- ``mass_kg`` and ``mass_t`` (quantité, in tonnes in the arrêté), ``quantity_basis``
  (``measured`` or ``estimated``: quantité réelle ou estimée) and ``weight_method``;
- ``origin_*``: the sending site, its name, country, organisation and SIRET (expéditeur), and
  the INSEE code of the commune where the waste was produced (commune de collecte, or of the
  transformation that produced it);
- ``destination_*``: the same for where it went (an outside outlet has a name and a country;
  a valorisation where the batch was, by a site that does not treat batches so itself, has
  none: it names no outlet);
- ``carrier`` (transporteur, as the dispatch named it; its SIRET and receipt are in the
  national register's files);
- ``operation_code`` (code du traitement, R/D), ``route`` (qualification du traitement:
  reuse, recycling, csr, energy, disposal) and ``certificate_ref``.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from ledger.application.queries import Queries
from ledger.audit.register import RegisterRow

PARIS = ZoneInfo("Europe/Paris")
MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
COLUMNS = (
    "date",
    "occurred_at",
    "direction",
    "movement",
    "batch_id",
    "batch_version",
    "label_code",
    "material",
    "material_name",
    "filiere",
    "mass_kg",
    "mass_t",
    "quantity_basis",
    "weight_method",
    *(f"origin_{part}" for part in ("site_id", "site_name", "commune_insee", "country")),
    "origin_organisation",
    "origin_siret",
    *(f"destination_{part}" for part in ("site_id", "site_name", "commune_insee", "country")),
    "destination_organisation",
    "destination_siret",
    "carrier",
    "operation_code",
    "route",
    "certificate_ref",
)


def register_csv(ledger: Queries, rows: list[RegisterRow]) -> str:
    """The register as CSV text (the byte order mark included)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    places = Places(ledger)
    for row in rows:
        writer.writerow(cell(value) for value in line(ledger, places, row))
    return out.getvalue()


def line(ledger: Queries, places: Places, row: RegisterRow) -> list[Any]:
    local = row.occurred_at.astimezone(PARIS)
    material = ledger.material(row.material)
    origin = places.site(row.origin_site_id)
    destination = places.site(row.destination_site_id)
    return [
        local.date().isoformat(),
        local.isoformat(),
        row.direction,
        row.movement,
        row.batch_id,
        row.version,
        row.label_code,
        row.material,
        material.name_fr,
        material.filiere,
        decimal_comma(row.mass_g, 3),
        decimal_comma(row.mass_g, 6),
        row.quantity_basis,
        row.weight_method,
        row.origin_site_id,
        origin["name"],
        row.origin_commune_insee,
        origin["country"],
        *places.owner(origin),
        row.destination_site_id,
        destination["name"] or row.outlet_name,
        destination["commune_insee"],
        destination["country"] or row.outlet_country,
        *places.owner(destination),
        row.carrier,
        row.operation_code,
        row.route,
        row.certificate_ref,
    ]


def decimal_comma(grams: int, decimals: int) -> str:
    """Grams as kilograms (3 decimals) or tonnes (6 decimals), exactly, with a decimal comma."""
    whole, part = divmod(grams, 10**decimals)  # a gram is 10⁻³ kg and 10⁻⁶ t
    return f"{whole},{part:0{decimals}d}"


def cell(value: Any) -> str:
    return "" if value is None else str(value)


class Places:
    """Sites and their organisations, each looked up once per register."""

    NOWHERE: dict[str, Any] = {
        "name": None,
        "commune_insee": None,
        "country": None,
        "organisation_id": None,
    }

    def __init__(self, ledger: Queries) -> None:
        self.ledger = ledger
        self.sites: dict[UUID, dict[str, Any]] = {}
        self.organisations: dict[str, dict[str, Any]] = {}

    def site(self, site_id: UUID | None) -> dict[str, Any]:
        if site_id is None:
            return self.NOWHERE
        if site_id not in self.sites:
            self.sites[site_id] = self.ledger.site_json(site_id)
        return self.sites[site_id]

    def owner(self, site: dict[str, Any]) -> tuple[str | None, str | None]:
        """The name and SIRET of the organisation that owns a site."""
        owner_id = site["organisation_id"]
        if owner_id is None:
            return None, None
        if owner_id not in self.organisations:
            self.organisations[owner_id] = self.ledger.organisation_json(UUID(owner_id))
        organisation = self.organisations[owner_id]
        return organisation["name"], organisation["siret"]
