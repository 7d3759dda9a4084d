"""Transports and companies named in movements: checked, and registered carriers looked up.

A carrier registered in the ledger is named by ``carrier_organisation_id``; its name, SIRET or
VAT number and address are copied into the event as they are at the time of the movement, so
the register shows who carried the batch then, whatever changes later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.batch import Batch
from ledger.domain.errors import InvalidInput, InvalidTransport
from ledger.domain.registry import Organisation
from ledger.domain.transport import COMPANY_FIELDS, check_company, check_transport


def identity(organisation: Organisation) -> dict[str, str]:
    """A registered organisation as a movement names a company: its non-empty details."""
    values = {name: getattr(organisation, name, None) for name in COMPANY_FIELDS}
    return {name: str(value) for name, value in values.items() if value}


def company(values: Mapping[str, Any] | None, what: str) -> dict[str, str] | None:
    """A company named without being registered (a supplier, an outside outlet)."""
    checked = check_company(values, what)
    return checked or None


def transport(
    core: LedgerCore,
    uow: UnitOfWork,
    values: Mapping[str, Any] | None,
    carrier_name: str | None = None,
) -> dict[str, Any] | None:
    """A movement's transport, checked, with a registered carrier's identity copied in.

    ``carrier_name`` is the carrier's name given beside the transport (a dispatch's
    ``carrier``): it must agree with the carrier's name when both are given.
    """
    checked = check_transport(values)
    organisation_id = checked.get("carrier_organisation_id")
    if organisation_id is not None:
        try:
            carrier_id = UUID(organisation_id)
        except ValueError:
            raise InvalidInput("carrier_organisation_id is an organisation's id.") from None
        checked["carrier"] = identity(core.organisation(uow, carrier_id))
    if carrier_name and checked.get("carrier"):
        named = checked["carrier"].setdefault("name", carrier_name)
        if named != carrier_name:
            raise InvalidTransport(
                "carrier and the transport's carrier name differ.",
                carrier=carrier_name,
                transport_carrier=named,
            )
    return checked or None


def carrier_name(given: str | None, checked: Mapping[str, Any] | None) -> str | None:
    """The carrier's name an event keeps in ``carrier``: as given, or the transport's."""
    if given:
        return given
    if checked and checked.get("carrier"):
        return str(checked["carrier"].get("name")) if checked["carrier"].get("name") else None
    return None


def to_outlet(
    core: LedgerCore,
    uow: UnitOfWork,
    values: Mapping[str, Any] | None,
    outlet: Mapping[str, object],
    batch: Batch,
) -> dict[str, Any] | None:
    """How a batch got to the outlet of its valorisation: only an outlet elsewhere (an outside
    outlet, or another site) is reached by a transport."""
    elsewhere = outlet.get("name") is not None or outlet.get("site_id") not in (None, batch.site_id)
    if values and not elsewhere:
        raise InvalidTransport(
            "A batch valorised where it is travels nowhere: give a transport only with an "
            "outlet elsewhere."
        )
    return transport(core, uow, values)
