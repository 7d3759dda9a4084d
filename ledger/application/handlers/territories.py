"""Territories of the accounts (DESIGN §8) and the flows declared for them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from ledger.application.commands import Actor, Idempotency, Outcome, Ref
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.application.territory_commands import CorrectFlow, DeclareFlow, DescribeTerritory
from ledger.domain.declared_flow import (
    DeclaredFlow,
    FlowFacts,
    grams_from_tonnes,
    kj_from_gj,
)
from ledger.domain.errors import (
    DeclaredFlowNotFound,
    IdAlreadyUsed,
    InvalidInput,
    InvalidTerritory,
    LedgerError,
    NotWithinParent,
    RoleNotAllowed,
    TerritoryNotFound,
    UnknownTerritory,
    YearOutsideTerritoryData,
)
from ledger.domain.ewmfa import REST_OF_FRANCE
from ledger.domain.quantities import check_commune
from ledger.domain.territory import (
    CODE,
    MAIN,
    MAX_GDP_EUR,
    MAX_POPULATION,
    Territory,
    check_code,
    check_traced,
    check_yearly,
)
from ledger.domain.text import check_text

MAX_DEPTH = 16  # nesting levels: commune groups, EPCIs, departments, regions… with room to spare
FLOW_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {  # field → how the facts keep it
    "year": ("year", int),
    "direction": ("direction", str),
    "category": ("category", str),
    "mass_t": ("mass_g", grams_from_tonnes),
    "energy_gj": ("energy_kj", kj_from_gj),
    "partner": ("partner", str),
    "output_to": ("output_to", str),
    "energy_carrier": ("energy_carrier", bool),
    "source": ("source", str),
    "quality": ("quality", str),
    "note": ("note", str),
}


class TerritoryCommands(LedgerCore):
    """Administrators describe territories; the authority's supervisors declare their flows."""

    def describe_territory(
        self,
        actor: Actor,
        cmd: DescribeTerritory,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Define or change a territory: boundary, parent, population, GDP, traced categories."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor)
            code = check_code(cmd.code)
            name = check_text(cmd.name, "name", 200, required=True) or ""
            if not cmd.communes_insee:
                raise InvalidTerritory("A territory has at least one commune.")
            communes = sorted({check_commune(c) for c in cmd.communes_insee})
            population = check_yearly(cmd.population, MAX_POPULATION, "population")
            gdp = check_yearly(cmd.gdp_eur, MAX_GDP_EUR, "gdp_eur")
            traced = check_traced(cmd.traced_categories)
            parent = self.parent_territory(uow, code, cmd.parent, communes)
            acted = self.acted(actor)
            territory = uow.get(Territory.create_id(code), Territory)
            if territory is None:
                territory = Territory.register(code, name, communes, **acted)
                uow.add(territory)
            else:
                self.check_children_within(uow, territory, communes)
                territory.redefine(name, communes, **acted)
            self.move_under(uow, territory, parent)
            territory.describe(parent.code if parent else None, population, gdp, traced, **acted)
            if code == MAIN:
                self.forget_territory()
            return Outcome(Ref("territory", code, territory.version), status=200)

        return self.command("territory_accounts", None, cmd, idempotency, uow, action)

    def parent_territory(
        self, uow: UnitOfWork, code: str, parent_code: str | None, communes: list[str]
    ) -> Territory | None:
        """The parent a territory names: known, not itself nor below it, containing it."""
        if parent_code is None:
            return None
        parent = self.known_territory(uow, parent_code, UnknownTerritory)
        ancestor: Territory | None = parent
        for _ in range(MAX_DEPTH):
            if ancestor is None:
                break
            if ancestor.code == code:
                raise InvalidTerritory(
                    f"{parent_code} lies inside {code}: it cannot be its parent.",
                    parent=parent_code,
                )
            above = ancestor.parent
            ancestor = None if above is None else uow.get(Territory.create_id(above), Territory)
        else:
            raise InvalidTerritory(f"Territories nest at most {MAX_DEPTH} levels deep.")
        parent.check_contains(code, communes)
        return parent

    def check_children_within(
        self, uow: UnitOfWork, territory: Territory, communes: list[str]
    ) -> None:
        """A parent cannot shrink below one of its children."""
        for child_code in territory.children:
            child = uow.get(Territory.create_id(child_code), Territory)
            outside = sorted(set(child.communes_insee) - set(communes)) if child else []
            if outside:
                raise NotWithinParent(
                    f"Territory {child_code} would have communes outside {territory.code}.",
                    child=child_code,
                    outside=outside[:50],
                    count=len(outside),
                )

    def move_under(self, uow: UnitOfWork, territory: Territory, parent: Territory | None) -> None:
        """Keep each parent's list of children in step with the children's own parent."""
        before = territory.parent
        if before == (parent.code if parent else None):
            return
        if before is not None:
            previous = uow.get(Territory.create_id(before), Territory)
            if previous is not None:
                previous.detach(territory.code)
        if parent is not None:
            parent.attach(territory.code)

    def check_boundary(self, uow: UnitOfWork, territory: Territory, communes: list[str]) -> None:
        """A new boundary stays inside the territory's parent and around its children."""
        if territory.parent is not None:
            parent = uow.get(Territory.create_id(territory.parent), Territory)
            if parent is not None:
                parent.check_contains(territory.code, communes)
        self.check_children_within(uow, territory, communes)

    def known_territory(
        self, uow: UnitOfWork, code: str, missing: type[LedgerError] = TerritoryNotFound
    ) -> Territory:
        territory = uow.get(Territory.create_id(code), Territory) if CODE.match(code) else None
        if territory is None or territory.code != code:
            raise missing(f"No territory has the code {code!r}.", territory=code)
        return territory

    # -- declared flows ---------------------------------------------------------------------

    def require_authority(self, uow: UnitOfWork, actor: Actor) -> None:
        """Admins, and the supervisors of an authority, declare a territory's flows."""
        if actor.is_admin:
            return
        organisation = self.organisation(uow, actor.organisation_id)
        if actor.role == "supervisor" and "authority" in organisation.kinds:
            return
        raise RoleNotAllowed(
            "Flows are declared by an admin or a supervisor of the territory's authority.",
            role=actor.role,
        )

    def declare_flow(
        self,
        actor: Actor,
        code: str,
        cmd: DeclareFlow,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Record a yearly flow of a territory from a statistical source."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_authority(uow, actor)
            territory = self.known_territory(uow, code)
            facts = self.checked_facts(uow, territory, FlowFacts(
                year=cmd.year,
                direction=cmd.direction,
                category=cmd.category,
                mass_g=grams_from_tonnes(cmd.mass_t),
                energy_kj=kj_from_gj(cmd.energy_gj),
                source=check_text(cmd.source, "source", 200, required=True) or "",
                quality=cmd.quality,
                partner=cmd.partner,
                output_to=cmd.output_to,
                energy_carrier=cmd.energy_carrier,
                note=check_text(cmd.note, "note", 1000),
            ))  # fmt: skip
            if cmd.id is not None and uow.exists(cmd.id):
                return self.repeat_declaration(uow, cmd.id, request_digest)
            flow = DeclaredFlow.declare(
                cmd.id or uuid4(), code, facts, request_digest, **self.acted(actor)
            )
            uow.add(flow)
            return Outcome(Ref("declared_flow", str(flow.id), flow.version, {"territory": code}))

        target = Territory.create_id(code) if CODE.match(code) else None
        return self.command("flow", target, cmd, idempotency, uow, action)

    def repeat_declaration(self, uow: UnitOfWork, flow_id: UUID, request_digest: str) -> Outcome:
        found = uow.get(flow_id, DeclaredFlow)
        if found is None or found.request_digest != request_digest:
            raise IdAlreadyUsed(f"Id {flow_id} is already used by something else.")
        ref = Ref("declared_flow", str(flow_id), 1, {"territory": found.territory})
        return Outcome(ref, duplicate=True)

    def checked_facts(self, uow: UnitOfWork, territory: Territory, facts: FlowFacts) -> FlowFacts:
        """The facts hold together, their year is one the territory has data for, and their
        partner is somewhere the ledger can place."""
        facts.checked()
        if str(facts.year) not in territory.population:
            raise YearOutsideTerritoryData(
                f"{territory.code} has no population for {facts.year}: give it first.",
                year=facts.year,
                years=sorted(territory.population),
            )
        self.check_partner(uow, territory.code, facts.partner)
        return facts

    def check_partner(self, uow: UnitOfWork, code: str, partner: str | None) -> None:
        """Another territory's code, a country code (not FR) or ``rest_of_france``."""
        if partner is None or partner == REST_OF_FRANCE:
            return
        if len(partner) == 2 and partner.isascii() and partner.isalpha() and partner.isupper():
            if partner == "FR":
                raise InvalidInput("Inside France, name the territory or rest_of_france.")
            return
        if partner == code:
            raise InvalidInput("A territory is not its own partner.", partner=partner)
        self.known_territory(uow, partner, UnknownTerritory)

    def correct_flow(
        self,
        actor: Actor,
        code: str,
        flow_id: UUID,
        cmd: CorrectFlow,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Correct a declared flow; the original stays in the log."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_authority(uow, actor)
            territory = self.known_territory(uow, code)
            flow = uow.get(flow_id, DeclaredFlow)
            if flow is None or flow.territory != code:
                raise DeclaredFlowNotFound(f"{code} has no declared flow {flow_id}.")
            reason = check_text(cmd.reason, "reason", 500, required=True) or ""
            changes = flow_changes(cmd.changes)
            corrected = flow.check_correction(cmd.corrects_version, changes)
            self.checked_facts(uow, territory, corrected)
            flow.correct(cmd.corrects_version, reason, changes, **self.acted(actor))
            ref = Ref("declared_flow", str(flow.id), flow.version, {"territory": code})
            return Outcome(ref)

        return self.command("correct_flow", flow_id, cmd, idempotency, uow, action)


def flow_changes(given: dict[str, Any]) -> dict[str, Any]:
    """A correction's fields as the flow's facts name and keep them."""
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if name not in FLOW_FIELDS:
            raise InvalidInput(f"{name} is not a field of a declared flow.", field=name)
        if value is None:
            continue
        target, convert = FLOW_FIELDS[name]
        if name == "source":
            value = check_text(value, "source", 200, required=True)
        elif name == "note":
            value = check_text(value, "note", 1000)
        changes[target] = convert(value)
    return changes
