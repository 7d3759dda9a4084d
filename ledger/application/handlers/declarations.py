"""Declaring a statement to the eco-organism."""

from __future__ import annotations

from ledger.application.commands import Actor, Declare, DeclaredFigures, Idempotency, Outcome, Ref
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.declaration import AlreadyDeclared, Declaration
from ledger.domain.errors import OrganisationNotAllowed

SCHEME = "refashion"


class DeclarationCommands(LedgerCore):
    """A sorting operator's supervisor (or an admin) declares a period's statement once."""

    def declare(
        self,
        actor: Actor,
        cmd: Declare,
        read: DeclaredFigures,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Freeze a statement's figures and the log position they were read at."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor, "supervisor")
            declarant = self.organisation(uow, cmd.declarant_id)
            if not actor.is_admin and declarant.id != actor.organisation_id:
                raise OrganisationNotAllowed(
                    "An organisation declares its own statements.",
                    organisation_id=str(declarant.id),
                )
            declaration_id = Declaration.create_id(SCHEME, declarant.id, cmd.period)
            found = uow.get(declaration_id, Declaration)
            if found is not None:
                raise AlreadyDeclared(
                    f"{cmd.period} is already declared; changes since then are listed in the "
                    "next statements.",
                    period=cmd.period,
                    declaration_id=str(declaration_id),
                )
            declaration = Declaration.declare(
                SCHEME,
                declarant.id,
                cmd.period,
                period_start=read.period_start,
                period_end=read.period_end,
                through_position=read.through_position,
                chain_head=read.chain_head,
                figures=dict(read.figures),
                **self.acted(actor),
            )
            uow.add(declaration)
            return Outcome(Ref("declaration", str(declaration.id), declaration.version))

        return self.command("declare", cmd.declarant_id, cmd, idempotency, uow, action)
