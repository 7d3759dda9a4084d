"""A declared flow: one yearly flow of a territory's metabolism taken from a statistical source.

It is an event like any other: a mistake is fixed by a correction that names the version it
corrects and restates only the fields it changes, and the original stays in the log. Masses are
kept in grams and energies in kilojoules, exact integers, as everywhere in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.errors import (
    InvalidFlowQuantity,
    InvalidInput,
    NothingToCorrect,
    StaleFlowVersion,
)
from ledger.domain.ewmfa import (
    OUTPUT_TO,
    QUALITIES,
    check_category,
    check_direction,
    is_energy_carrier_by_default,
)

MAX_TONNES = Decimal(10**9)  # a billion tonnes: more than any territory's yearly flow
MAX_GJ = Decimal(10**12)


def exact_units(value: Decimal | int | str, what: str, limit: Decimal, scale: int) -> int:
    """A quantity from 0 to ``limit`` with at most 6 decimals, as an integer of its
    millionths (tonnes → grams, GJ → kJ); read from at most 20 characters."""
    text = str(value).strip()
    try:
        number = Decimal(text) if len(text) <= 20 else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise InvalidFlowQuantity(f"{what} must be a number of at most 20 characters.", field=what)
    if number < 0:
        raise InvalidFlowQuantity(f"{what} cannot be negative.", field=what)
    if number > limit:
        raise InvalidFlowQuantity(f"{what} cannot exceed {limit:,}.", field=what)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise InvalidFlowQuantity(f"{what} has more than 6 decimals.", field=what)
    return int(number * scale)


def grams_from_tonnes(value: Decimal | int | str, what: str = "mass_t") -> int:
    return exact_units(value, what, MAX_TONNES, 1_000_000)


def kj_from_gj(value: Decimal | int | str | None, what: str = "energy_gj") -> int | None:
    return None if value is None else exact_units(value, what, MAX_GJ, 1_000_000)


@dataclass(frozen=True)
class FlowFacts:
    """What a declared flow says, checked; ``energy_carrier`` None means the category's default."""

    year: int
    direction: str
    category: str
    mass_g: int
    source: str
    quality: str
    energy_kj: int | None = None
    partner: str | None = None
    output_to: str | None = None
    energy_carrier: bool | None = None
    note: str | None = None

    def checked(self) -> FlowFacts:
        """The same facts, or ``InvalidInput`` (and its kin) for what does not hold together."""
        check_direction(self.direction)
        check_category(self.category)
        if self.quality not in QUALITIES:
            raise InvalidInput(f"quality must be one of {', '.join(QUALITIES)}.")
        if self.direction == "output" and self.output_to not in OUTPUT_TO:
            raise InvalidInput("An output says where it goes: output_to is air, water or land.")
        if self.direction != "output" and self.output_to is not None:
            raise InvalidInput("output_to is for outputs only.", direction=self.direction)
        if self.partner is not None and self.direction not in ("import", "export"):
            raise InvalidInput("A partner is for imports and exports only.")
        if not self.source.strip():
            raise InvalidInput("A declared flow names its source.")
        return self

    @property
    def carries_energy(self) -> bool:
        """Used for its energy (MF4 by default)."""
        if self.energy_carrier is None:
            return is_energy_carrier_by_default(self.category)
        return self.energy_carrier

    def to_event(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


CORRECTABLE = tuple(f.name for f in fields(FlowFacts))


class DeclaredFlow(Aggregate):
    """One yearly flow of a territory, declared from a statistical source."""

    class Declared(Aggregate.Created):
        territory: str
        year: int
        direction: str
        category: str
        mass_g: int
        energy_kj: int | None
        partner: str | None
        output_to: str | None
        energy_carrier: bool | None
        source: str
        quality: str
        note: str | None
        request_digest: str
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: DeclaredFlow) -> None:
            aggregate.territory = self.territory
            aggregate.facts = FlowFacts(**{name: getattr(self, name) for name in CORRECTABLE})
            aggregate.request_digest = self.request_digest

    class Corrected(Aggregate.Event):
        corrects_version: int
        reason: str
        changes: dict[str, Any]  # the corrected fields, as FlowFacts names them
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: DeclaredFlow) -> None:
            aggregate.facts = replace(aggregate.facts, **self.changes)

    def __init__(self) -> None:
        self.territory = ""
        self.facts = FlowFacts(0, "import", "MF5", 0, "", "estimated")
        self.request_digest = ""

    @classmethod
    def declare(
        cls, flow_id: UUID, territory: str, facts: FlowFacts, request_digest: str, **acted: Any
    ) -> DeclaredFlow:
        return cls._create(
            cls.Declared,
            id=flow_id,
            territory=territory,
            request_digest=request_digest,
            **facts.checked().to_event(),
            **acted,
        )

    def check_correction(self, corrects_version: int, changes: dict[str, Any]) -> FlowFacts:
        """A correction names the version it corrects (the current one) and changes something;
        returns the facts as corrected."""
        if corrects_version != self.version:
            raise StaleFlowVersion(
                f"This flow is at version {self.version}; correct what it says now.",
                corrects_version=corrects_version,
                version=self.version,
            )
        changed = {k: v for k, v in changes.items() if getattr(self.facts, k) != v}
        if not changed:
            raise NothingToCorrect("The correction changes nothing.")
        return replace(self.facts, **changed).checked()

    def correct(
        self, corrects_version: int, reason: str, changes: dict[str, Any], **acted: Any
    ) -> None:
        corrected = self.check_correction(corrects_version, changes)
        actual = {k: getattr(corrected, k) for k in changes if getattr(self.facts, k) != changes[k]}
        self.trigger_event(
            self.Corrected,
            corrects_version=corrects_version,
            reason=reason,
            changes=actual,
            **acted,
        )
