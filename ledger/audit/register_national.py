"""A site's incoming or outgoing register for the national waste register (RNDTS).

The file is Trackdéchets' import template (``register_national_columns``): its headers in its
order, ``;`` between fields, UTF-8 with a byte order mark (spreadsheets need it to read the
accents; Trackdéchets' import trims it with the header), CRLF line ends, the values its row rules
accept (``register_national_rows``). Only rows with every required value go in the file. The
others are listed in the report beside it, each with the columns that are missing or wrong, so
that someone completes the ledger's data (an organisation's SIRET, a carrier's receipt) and
exports again; nothing is guessed. Movements this register does not declare are listed too,
with their reason.

The rows are a site's register rows (``ledger.audit.register``) for the direction asked.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application.queries import Queries
from ledger.audit.register import site_register
from ledger.audit.register_national_columns import INCOMING, OUTGOING
from ledger.audit.register_national_rows import Context, Declared, incoming, outgoing
from ledger.audit.register_walk import INCOMING as IN
from ledger.audit.register_walk import RegisterRow
from ledger.indicators.periods import Period
from ledger.projections.db import ViewDatabase

DIRECTIONS = ("incoming", "outgoing")
MEDIA_TYPE = "text/csv; charset=utf-8"
TEMPLATE_SOURCE = (
    "MTES-MCT/trackdechets@779f59bf47dc94712a476946cb8c55873f7b690a "
    "libs/back/registry/src/{}/constants.ts"
)
ABROAD = Declared(not_declared="site_abroad")  # the French register is for sites in France
IDENTITY = ("name", "siret", "vat_number", "address", "postal_code", "city", "country")


@dataclass(frozen=True)
class NationalRegister:
    """The rows of a site's register that can be declared, and those that cannot (yet)."""

    site_id: UUID
    direction: str
    period: Period
    rows: list[dict[str, str]]  # by Trackdéchets' field name
    reported: list[dict[str, Any]]  # rows lacking a value: what, and which columns
    not_declared: list[dict[str, Any]]  # movements this register does not declare, and why

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return INCOMING if self.direction == "incoming" else OUTGOING

    def csv(self) -> str:
        """The template's header row, then one line per declared row."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(header for _, header in self.columns)
        for row in self.rows:
            writer.writerow(row.get(key, "") for key, _ in self.columns)
        return out.getvalue()

    def report(self) -> dict[str, Any]:
        """What the file holds and what it leaves out, for the person who declares it."""
        name = "incomingWaste" if self.direction == "incoming" else "outgoingWaste"
        return {
            "site_id": str(self.site_id),
            "direction": self.direction,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "template": TEMPLATE_SOURCE.format(name),
            "rows": len(self.rows),
            "reported": self.reported,
            "not_declared": self.not_declared,
        }


def national_register(
    ledger: Queries, views: ViewDatabase, site_id: UUID, direction: str, period: Period
) -> NationalRegister:
    """A site's incoming or outgoing register for a period, as the national register takes it."""
    found = site_register(ledger, views, site_id, period)  # UnknownSite for an unknown site
    ctx = context(ledger, site_id)
    build = incoming if direction == "incoming" else outgoing
    rows: list[dict[str, str]] = []
    reported: list[dict[str, Any]] = []
    not_declared: list[dict[str, Any]] = []
    for row in found:
        if (row.direction == IN) != (direction == "incoming"):
            continue
        declared = build(row, ctx) if ctx.site["country"] == "FR" else ABROAD
        if declared.not_declared:
            not_declared.append({**where(row), "reason": declared.not_declared})
        elif declared.problems:
            reported.append({**where(row), "problems": problems_json(declared, direction)})
        else:
            rows.append({key: value for key, value in declared.values.items() if value})
    return NationalRegister(site_id, direction, period, rows, reported, not_declared)


def context(ledger: Queries, site_id: UUID) -> Context:
    """The register's site, and lookups of the others, each read once."""
    sites: dict[Any, dict[str, Any]] = {}
    owners: dict[str, dict[str, str]] = {}

    def site_of(site: Any) -> dict[str, Any]:
        if site not in sites:
            sites[site] = ledger.site_json(UUID(str(site)))
        return sites[site]

    def organisation(organisation_id: str) -> dict[str, str]:
        if organisation_id not in owners:
            found = ledger.organisation_json(UUID(organisation_id))
            owners[organisation_id] = {k: str(found[k]) for k in IDENTITY if found.get(k)}
        return owners[organisation_id]

    def owner_of(site: Any) -> dict[str, str]:
        return organisation(site["organisation_id"])

    site = site_of(site_id)
    return Context(site, owner_of(site), site_of, owner_of, ledger.material, organisation)


def where(row: RegisterRow) -> dict[str, Any]:
    """Enough to find a row's event: the batch, its version, what happened and when."""
    return {
        "batch_id": str(row.batch_id),
        "version": row.version,
        "movement": row.movement,
        "occurred_at": row.occurred_at.isoformat(),
        "material": row.material,
    }


def problems_json(declared: Declared, direction: str) -> list[dict[str, str]]:
    """Each problem with the header of its column, as the person declaring reads it."""
    headers = dict(INCOMING if direction == "incoming" else OUTGOING)
    return [
        {**problem.to_json(), "header": headers.get(problem.column, problem.column)}
        for problem in declared.problems
    ]
