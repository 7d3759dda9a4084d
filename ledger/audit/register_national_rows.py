"""One register row of a site, as the columns of Trackdéchets' incoming or outgoing template.

What each column holds:

- ``publicId``: the batch's id (32 hexadecimal digits) and the event's version, e.g.
  ``3f2…c9.4``: unique per site and register, and it leads an auditor back to the event;
- ``reportForCompanySiret``: the SIRET of the organisation that owns the site;
- the waste: the material's French name, European waste code and POP flag (``pop``), dangerous
  when POP or when its code has a star;
- ``receptionDate`` / ``dispatchDate`` and, incoming, ``weighingHour``: on the Paris clock;
- ``weightValue``: tonnes to 3 decimals (half up, from the grams the event recorded), with
  ``REEL`` for a scale or weighbridge and ``ESTIME`` otherwise;
- the initial producers of a collected batch: the commune of collection (``COMMUNES``);
- incoming, the sender (the owner of the site it came from; for a collection, the supplier the
  collector named) and the place it was picked up; outgoing, the destination and where it was
  dropped: ``ledger.audit.register_national_parties``;
- the operation (``ledger.audit.register_national_codes``) and, incoming, for an operation that
  is not final, that traceability is kept (``NON``) and the next operation planned;
- the transport: a batch that went direct, or the first carrier with its mode and receipt.

Collections at a collection point are households' drop-offs, declared by the establishment the
collector delivers them to (with the communes of collection as producers), not by the container.
A reuse grade arriving somewhere is no longer waste (``register_national_codes``). A valorisation
where the batch was, by a site that treats batches that way itself, is not an outgoing movement:
its incoming row says what the site did. These rows are ``not_declared``, with their reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from ledger.audit.register_national_codes import (
    NOT_FINAL,
    TRANSPORT_MODES,
    mode,
    next_operation,
    received_operation,
    sent_operation,
)
from ledger.audit.register_national_parties import (
    Problem,
    Values,
    company,
    invalid,
    missing,
    place,
)
from ledger.audit.register_walk import RegisterRow
from ledger.domain.catalogue import Material

PARIS = ZoneInfo("Europe/Paris")
FOREIGN = ("ENTREPRISE_UE", "ENTREPRISE_HORS_UE")
ESTIMATE_REFUSED = frozenset({"R 1", "D 10", "D 5"})  # weighed by law at incinerators, landfills


@dataclass
class Declared:
    """A row's values by Trackdéchets' field name, or why it cannot be declared."""

    values: Values = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    not_declared: str | None = None  # the reason a movement has no row in this register

    def add(self, found: tuple[Values, list[Problem]]) -> None:
        self.values.update(found[0])
        self.problems += found[1]


@dataclass(frozen=True)
class Context:
    """The register's site and owner, and how to look up other sites and organisations."""

    site: Mapping[str, Any]
    owner: Mapping[str, str]  # the owner's identity: name, siret, address…
    site_of: Callable[[Any], Mapping[str, Any]]
    owner_of: Callable[[Mapping[str, Any]], Mapping[str, str]]
    material: Callable[[str], Material]
    organisation: Callable[[str], Mapping[str, str]]  # a registered organisation's identity


def tonnes(grams: int) -> str:
    """Grams as tonnes to 3 decimals, half up, with a decimal comma: 412 500 g → 0,413."""
    kilograms = (grams + 500) // 1000
    return f"{kilograms // 1000},{kilograms % 1000:03d}"


def common(row: RegisterRow, ctx: Context, date_key: str) -> Declared:
    """The columns every row has: ids, the waste, its date, weight and producers."""
    out = Declared()
    material = ctx.material(row.material)
    dangerous = material.pop or (material.waste_code or "").endswith("*")
    local = row.occurred_at.astimezone(PARIS)
    public_id = f"{row.batch_id.hex}.{row.version}"
    out.values.update(
        publicId=public_id,
        reportForCompanySiret=ctx.owner.get("siret", ""),
        wasteDescription=material.name_fr or material.code,
        wasteCode=material.waste_code or "",
        wastePop="OUI" if material.pop else "NON",
        wasteIsDangerous="OUI" if dangerous else "NON",
        weightValue=tonnes(row.mass_g),
        weightIsEstimate="REEL" if row.quantity_basis == "measured" else "ESTIME",
    )
    out.values[date_key] = local.date().isoformat()
    if len(public_id) > 36:
        out.problems.append(invalid("publicId", "A batch with over 999 events: id too long."))
    if not ctx.owner.get("siret"):
        message = f"{ctx.owner.get('name') or 'The site owner'} has no SIRET."
        out.problems.append(missing("reportForCompanySiret", message))
    if not material.waste_code:
        message = f"Material {material.code} has no waste_code in the catalogue."
        out.problems.append(missing("wasteCode", message))
    if out.values["weightValue"] == "0,000":
        out.problems.append(invalid("weightValue", "Under half a kilogram: 0 t to 3 decimals."))
    if row.collected_in:
        out.values.update(
            initialEmitterCompanyType="COMMUNES",
            initialEmitterMunicipalitiesInseeCodes=row.collected_in,
        )
    return out


def transport(row: RegisterRow, ctx: Context) -> tuple[Values, list[Problem]]:
    """Direct, or the first carrier: mode, identity and receipt (or exemption).

    A registered carrier's identity is the one copied into the event when it carried the
    batch; what was missing then (a SIRET registered since) is taken from the registry now.
    """
    given = row.transport or {}
    if given.get("direct"):
        return {"isDirectSupply": "OUI"}, []
    carrier = dict(given.get("carrier") or {})
    if given.get("carrier_organisation_id"):
        carrier = {**ctx.organisation(given["carrier_organisation_id"]), **carrier}
    if row.carrier and "name" not in carrier:
        carrier["name"] = row.carrier
    values, problems = company("transporter1Company", carrier, "carrier")
    values["isDirectSupply"] = "NON"
    values["transporter1TransportMode"] = TRANSPORT_MODES.get(given.get("mode", ""), "")
    if not values["transporter1TransportMode"]:
        problems.append(missing("transporter1TransportMode", "The transport mode is not known."))
    exempt = bool(given.get("receipt_exempt"))
    values["transporter1RecepisseIsExempted"] = "OUI" if exempt else "NON"
    values["transporter1RecepisseNumber"] = given.get("receipt_number", "")
    foreign = values["transporter1CompanyType"] in FOREIGN
    if not (exempt or foreign or values["transporter1RecepisseNumber"]):
        message = "The carrier's receipt number (or its exemption) is not known."
        problems.append(missing("transporter1RecepisseNumber", message))
    return values, problems


def incoming(row: RegisterRow, ctx: Context) -> Declared:
    """A row of the site's incoming register (reception, collection or sale to the site)."""
    material = ctx.material(row.material)
    if material.route == "reuse":
        return Declared(not_declared="prepared_for_reuse")
    household = row.movement == "collected" and not row.supplier
    if household and ctx.site["kind"] == "collection_point":
        return Declared(not_declared="dropped_off_by_households")
    out = common(row, ctx, "receptionDate")
    out.values["weighingHour"] = row.occurred_at.astimezone(PARIS).strftime("%H:%M")
    if row.movement == "collected":
        out.add(company("emitterCompany", row.supplier, "supplier"))
    else:
        origin = ctx.site_of(row.origin_site_id)
        out.add(company("emitterCompany", ctx.owner_of(origin), "sender"))
        out.values.update(place("emitterPickupSite", origin, name_column=True))
    code = row_code(row, received_operation(ctx.site["kind"]))
    operation(out, code, material, "operationCode", "operationMode", final_mode=True)
    if code in NOT_FINAL:
        out.values["noTraceability"] = "NON"
        out.values["nextOperationCode"] = next_operation(material.route, material.filiere)
    out.add(transport(row, ctx))
    return out


def outgoing(row: RegisterRow, ctx: Context) -> Declared:
    """A row of the site's outgoing register (dispatch, or valorisation at an outlet)."""
    material = ctx.material(row.material)
    if row.on_site and row.destination_site_id is not None:
        return Declared(not_declared="treated_on_site")
    out = common(row, ctx, "dispatchDate")
    out.values.update(place("reportForPickupSite", ctx.site, name_column=True))
    destination_kind = None
    if row.destination_site_id is not None:
        destination = ctx.site_of(row.destination_site_id)
        destination_kind = destination["kind"]
        out.add(company("destinationCompany", ctx.owner_of(destination), "destination"))
        out.values.update(place("destinationDropSite", destination, name_column=False))
    elif row.outlet_name is not None:
        outlet = {**(row.outlet_details or {}), "name": row.outlet_name}
        outlet["country"] = row.outlet_country or "FR"
        out.add(company("destinationCompany", outlet, "outlet"))
    else:
        message = f"Valorised ({row.route}) at {ctx.site['name']}, which names no outlet."
        out.problems.append(missing("destinationCompanyOrgId", message))
    code = sent_operation(destination_kind, material.route, row.operation_code)
    operation(out, code, material, "operationCode", "operationMode", final_mode=False)
    out.add(transport(row, ctx))
    return out


def row_code(row: RegisterRow, by_site: str) -> str:
    """The operation of an incoming row: the site's, or a sale's straight to the site."""
    if row.movement == "valorised":
        return sent_operation(None, row.route, row.operation_code)
    return by_site


def operation(
    out: Declared, code: str, material: Material, code_key: str, mode_key: str, final_mode: bool
) -> None:
    """The operation code and, for a final one, its mode; a measured weight where required."""
    out.values[code_key] = code
    if not code:
        out.problems.append(missing(code_key, "No operation is known for this movement."))
        return
    if code not in NOT_FINAL:
        found = mode(code, material.route)
        out.values[mode_key] = found or ""
        if final_mode and not found:
            out.problems.append(missing(mode_key, f"No treatment mode fits {code}."))
    if code in ESTIMATE_REFUSED and out.values.get("weightIsEstimate") == "ESTIME":
        message = f"{code} needs a measured weight: weigh the batch."
        out.problems.append(invalid("weightIsEstimate", message))
