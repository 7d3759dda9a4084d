"""The registry: organisations, sites, the territory, tokens and the material catalogue."""

from __future__ import annotations

import hashlib
import re
import secrets
from decimal import Decimal
from uuid import UUID, uuid4

from ledger.application.commands import (
    Actor,
    DefineMaterial,
    DefineTerritory,
    Idempotency,
    IssueToken,
    Outcome,
    Ref,
    RegisterOrganisation,
    RegisterSite,
)
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.catalogue import Material, MaterialCatalogue
from ledger.domain.errors import IdAlreadyUsed, InvalidInput, TokenAlreadyIssued
from ledger.domain.quantities import check_commune
from ledger.domain.registry import (
    ORGANISATION_KINDS,
    ROLES,
    SITE_KINDS,
    Organisation,
    Site,
    Territory,
    Token,
    check_choice,
)

SIRET = re.compile(r"^\d{14}$")


def token_hash(token: str) -> str:
    """Tokens are stored as their SHA-256 (they are long random strings: no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def micro_degrees(value: Decimal | None, limit: int, what: str) -> int | None:
    if value is None:
        return None
    if not -limit <= value <= limit:
        raise InvalidInput(f"{what} must be between -{limit} and {limit}.")
    return int(value * 1_000_000)


class RegistryCommands(LedgerCore):
    """Administrators register who and where."""

    def register_organisation(
        self,
        actor: Actor,
        cmd: RegisterOrganisation,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Register an organisation of the territory."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_role(actor)
            if not cmd.name.strip():
                raise InvalidInput("An organisation needs a name.")
            if not cmd.kinds:
                raise InvalidInput("An organisation has at least one kind.")
            kinds = [check_choice(k, ORGANISATION_KINDS, "kinds") for k in dict.fromkeys(cmd.kinds)]
            if cmd.siret is not None and not SIRET.match(cmd.siret):
                raise InvalidInput("siret is 14 digits.", siret=cmd.siret)
            if cmd.id is not None and (
                repeat := self.repeat_registration(uow, cmd.id, request_digest)
            ):
                return repeat
            organisation = Organisation._create(
                Organisation.Registered,
                id=cmd.id or uuid4(),
                name=cmd.name.strip(),
                siret=cmd.siret,
                kinds=kinds,
                request_digest=request_digest,
                **self.acted(actor),
            )
            uow.add(organisation)
            self.directory(uow).list([("organisation", organisation.id)])
            return Outcome(Ref("organisation", str(organisation.id), 1))

        return self.command("organisation", None, cmd, idempotency, uow, action)

    def repeat_registration(
        self, uow: UnitOfWork, entry_id: UUID, request_digest: str
    ) -> Outcome | None:
        if not uow.exists(entry_id):
            return None
        existing = uow.get(entry_id, Organisation) or uow.get(entry_id, Site)
        if existing is None or existing.request_digest != request_digest:
            raise IdAlreadyUsed(f"Id {entry_id} is already used by something else.")
        kind = "organisation" if isinstance(existing, Organisation) else "site"
        return Outcome(Ref(kind, str(entry_id), 1), duplicate=True)

    def register_site(
        self,
        actor: Actor,
        cmd: RegisterSite,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Register a site of an organisation, in France (commune) or abroad (country)."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_role(actor)
            owner = self.organisation(uow, cmd.organisation_id)
            kind = check_choice(cmd.kind, SITE_KINDS, "kind")
            commune, country = self.place(cmd)
            if cmd.id is not None and (
                repeat := self.repeat_registration(uow, cmd.id, request_digest)
            ):
                return repeat
            site = Site._create(
                Site.Registered,
                id=cmd.id or uuid4(),
                owner_id=owner.id,
                name=cmd.name.strip(),
                kind=kind,
                commune_insee=commune,
                country=country,
                latitude_e6=micro_degrees(cmd.latitude, 90, "latitude"),
                longitude_e6=micro_degrees(cmd.longitude, 180, "longitude"),
                request_digest=request_digest,
                **self.acted(actor),
            )
            uow.add(site)
            self.directory(uow).list([("site", site.id)])
            return Outcome(Ref("site", str(site.id), 1))

        return self.command("site", None, cmd, idempotency, uow, action)

    @staticmethod
    def place(cmd: RegisterSite) -> tuple[str | None, str]:
        """A French site has a commune; a site abroad has a country."""
        if not cmd.name.strip():
            raise InvalidInput("A site needs a name.")
        country = (cmd.country or "FR").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise InvalidInput("country is a 2-letter ISO code, e.g. FR or BE.", country=country)
        if country == "FR" and not cmd.commune_insee:
            raise InvalidInput("A site in France needs its commune_insee.")
        commune = check_commune(cmd.commune_insee) if cmd.commune_insee else None
        return commune, country

    def define_territory(
        self,
        actor: Actor,
        cmd: DefineTerritory,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Set the communes whose flows are accounted."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor)
            if not cmd.name.strip() or not cmd.communes_insee:
                raise InvalidInput("A territory has a name and at least one commune.")
            communes = sorted({check_commune(c) for c in cmd.communes_insee})
            territory = uow.get(Territory.create_id(), Territory)
            acted = self.acted(actor)
            if territory is None:
                territory = Territory.define(cmd.name.strip(), communes, **acted)
                uow.add(territory)
            else:
                territory.redefine(cmd.name.strip(), communes, **acted)
            self.forget_territory()
            return Outcome(Ref("territory", str(territory.id), territory.version), status=200)

        return self.command("territory", None, cmd, idempotency, uow, action)

    def issue_token(
        self,
        actor: Actor,
        cmd: IssueToken,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> tuple[Outcome, str]:
        """Issue a token for an organisation and role; the secret is returned once."""
        secret = "fl_" + secrets.token_urlsafe(32)

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor)
            owner = self.organisation(uow, cmd.organisation_id)
            role = check_choice(cmd.role, ROLES, "role")
            hashed = token_hash(secret)
            token = Token._create(
                Token.Issued,
                id=Token.id_for_hash(hashed),
                owner_id=owner.id,
                role=role,
                token_hash=hashed,
                **self.acted(actor),
            )
            uow.add(token)
            return Outcome(Ref("token", str(token.id), 1))

        outcome = self.command("token", None, cmd, idempotency, uow, action)
        return outcome, secret

    def refuse_replay(self, op: str) -> None:
        if op == "token":
            raise TokenAlreadyIssued("This token was already issued; it is shown only once.")

    def define_material(
        self,
        actor: Actor,
        cmd: DefineMaterial,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Add a material to the catalogue (no code change needed)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_role(actor)
            material = Material.from_dict(
                {**cmd.__dict__, "route": cmd.route, "filiere": cmd.filiere}
            )
            catalogue = uow.get(MaterialCatalogue.create_id(), MaterialCatalogue)
            if catalogue is None:
                catalogue = MaterialCatalogue.start()
                uow.add(catalogue)
            created = catalogue.define(material, self.default_materials, **self.acted(actor))
            self._catalogue = None
            return Outcome(Ref("material", material.code), status=201 if created else 200)

        return self.command("material", None, cmd, idempotency, uow, action)
