"""The material catalogue's revisions: a material's names, route and defaults changed."""

from __future__ import annotations

from ledger.application.commands import Actor, Idempotency, Outcome, Ref, ReviseMaterial
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.catalogue import Material, MaterialCatalogue
from ledger.domain.errors import UnknownMaterial


class CatalogueCommands(LedgerCore):
    """Revising the materials of the catalogue (the ledger's admins)."""

    def revise_material(
        self,
        actor: Actor,
        cmd: ReviseMaterial,
        in_use: bool,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Replace a material's definition by its current one with ``cmd.changes``.

        ``in_use``: whether batches of the material exist (read by the caller from the views,
        caught up with the log); then what past figures read from it may not change."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor)
            catalogue = uow.get(MaterialCatalogue.create_id(), MaterialCatalogue)
            if catalogue is None:
                catalogue = MaterialCatalogue.start()
                uow.add(catalogue)
            before = catalogue.current(cmd.code, self.default_materials)
            if before is None:
                raise UnknownMaterial(f"Unknown material '{cmd.code}'.", material=cmd.code)
            after = Material.from_dict({**before.to_dict(), **cmd.changes, "code": cmd.code})
            catalogue.revise(after, self.default_materials, in_use, **self.acted(actor))
            self._catalogue = None
            return Outcome(Ref("material", cmd.code), status=200)

        return self.command("material_revise", None, cmd, idempotency, uow, action)
