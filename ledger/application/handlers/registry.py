"""The registry: organisations, sites, the territory, tokens and the material catalogue."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict
from decimal import Decimal
from typing import Any
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
    UpdateOrganisation,
    UpdateSite,
)
from ledger.application.core import LedgerCore, UnitOfWork
from ledger.domain.catalogue import Material, MaterialCatalogue
from ledger.domain.errors import (
    IdAlreadyUsed,
    InvalidInput,
    OrganisationNotFound,
    SiteNotFound,
    TokenAlreadyIssued,
    TokenNotFound,
)
from ledger.domain.quantities import as_decimal, check_commune
from ledger.domain.registry import (
    ORGANISATION_DETAILS,
    ORGANISATION_KINDS,
    ROLES,
    SITE_DETAILS,
    SITE_KINDS,
    Organisation,
    Site,
    Territory,
    Token,
    check_choice,
    check_siret,
)
from ledger.domain.text import check_text

POSTAL_CODE_FR = re.compile(r"^\d{5}$")


def token_hash(token: str) -> str:
    """Tokens are stored as their SHA-256 (they are long random strings: no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def micro_degrees(value: Decimal | None, limit: int, what: str) -> int | None:
    if value is None:
        return None
    value = as_decimal(value, what)
    if not -limit <= value <= limit:
        raise InvalidInput(f"{what} must be between -{limit} and {limit}.")
    return int(value * 1_000_000)


def degrees(value_e6: int | None) -> Decimal | None:
    return None if value_e6 is None else Decimal(value_e6) / 1_000_000


def check_country(value: str) -> str:
    country = value.strip().upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise InvalidInput("country is a 2-letter ISO code, e.g. FR or BE.", country=value)
    return country


def address_details(values: dict[str, Any], country: str) -> dict[str, Any]:
    """Street address, postal code and city (a French postal code is 5 digits)."""
    postal_code = check_text(values.get("postal_code"), "postal_code", 16)
    if postal_code is not None and country == "FR" and not POSTAL_CODE_FR.match(postal_code):
        raise InvalidInput("A French postal_code is 5 digits, e.g. 76170.", postal_code=postal_code)
    return {
        "address": check_text(values.get("address"), "address", 300),
        "postal_code": postal_code,
        "city": check_text(values.get("city"), "city", 100),
    }


def organisation_details(values: dict[str, Any]) -> dict[str, Any]:
    """An organisation's checked name, kinds, identifiers and address."""
    kinds = [check_choice(k, ORGANISATION_KINDS, "kinds") for k in dict.fromkeys(values["kinds"])]
    if not kinds:
        raise InvalidInput("An organisation has at least one kind.")
    country = check_country(values.get("country") or "FR")
    siret = values.get("siret")
    vat_number = check_text(values.get("vat_number"), "vat_number", 20)
    return {
        "name": check_text(values.get("name"), "name", 200, required=True),
        "kinds": kinds,
        "siret": check_siret(siret.replace(" ", "")) if siret else None,
        "vat_number": vat_number.replace(" ", "").upper() if vat_number else None,
        "country": country,
        **address_details(values, country),
    }


class RegistryCommands(LedgerCore):
    """Administrators register who and where."""

    def register_organisation(
        self,
        actor: Actor,
        cmd: RegisterOrganisation,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Register an organisation of the territory (the ledger's admins)."""

        def action(uow: UnitOfWork, request_digest: str) -> Outcome:
            self.require_role(actor)
            details = organisation_details(asdict(cmd))
            if cmd.id is not None and (
                repeat := self.repeat_registration(uow, cmd.id, request_digest)
            ):
                return repeat
            organisation = Organisation._create(
                Organisation.Registered,
                id=cmd.id or uuid4(),
                request_digest=request_digest,
                **details,
                **self.acted(actor),
            )
            uow.add(organisation)
            self.directory(uow).list([("organisation", organisation.id)])
            return Outcome(Ref("organisation", str(organisation.id), 1))

        return self.command("organisation", None, cmd, idempotency, uow, action)

    def update_organisation(
        self,
        actor: Actor,
        organisation_id: UUID,
        cmd: UpdateOrganisation,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Change an organisation's details (the ledger's admins, or its own admin)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            self.require_admin_of(actor, organisation_id)
            organisation = uow.get(organisation_id, Organisation)
            if organisation is None:
                raise OrganisationNotFound(f"No organisation {organisation_id}.")
            current = {name: getattr(organisation, name) for name in ORGANISATION_DETAILS}
            details = organisation_details({**current, **cmd.changes})
            organisation.update(details, **self.acted(actor))
            return Outcome(Ref("organisation", str(organisation.id), organisation.version), 200)

        return self.command("organisation_update", organisation_id, cmd, idempotency, uow, action)

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
            self.require_admin_of(actor, cmd.organisation_id)
            owner = self.organisation(uow, cmd.organisation_id)
            kind = check_choice(cmd.kind, SITE_KINDS, "kind")
            commune, country = self.place(cmd)
            details = self.site_details(asdict(cmd), country)
            if cmd.id is not None and (
                repeat := self.repeat_registration(uow, cmd.id, request_digest)
            ):
                return repeat
            site = Site._create(
                Site.Registered,
                id=cmd.id or uuid4(),
                owner_id=owner.id,
                kind=kind,
                commune_insee=commune,
                country=country,
                request_digest=request_digest,
                **details,
                **self.acted(actor),
            )
            uow.add(site)
            self.directory(uow).list([("site", site.id)])
            return Outcome(Ref("site", str(site.id), 1))

        return self.command("site", None, cmd, idempotency, uow, action)

    def update_site(
        self,
        actor: Actor,
        site_id: UUID,
        cmd: UpdateSite,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Change a site's name, address, position or the filières it accepts (its kind,
        commune and owner stay: a site somewhere else is another site)."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            site = uow.get(site_id, Site)
            if site is None:
                raise SiteNotFound(f"No site {site_id}.")
            self.require_admin_of(actor, site.owner_id)
            current: dict[str, Any] = {name: getattr(site, name) for name in SITE_DETAILS}
            current["latitude"] = degrees(site.latitude_e6)
            current["longitude"] = degrees(site.longitude_e6)
            details = self.site_details({**current, **cmd.changes}, site.country)
            site.update(details, **self.acted(actor))
            return Outcome(Ref("site", str(site.id), site.version), 200)

        return self.command("site_update", site_id, cmd, idempotency, uow, action)

    def site_details(self, values: dict[str, Any], country: str) -> dict[str, Any]:
        """A site's checked name, position, address and accepted filières."""
        known = {material.filiere for material in self.catalogue().all()}
        accepts = [str(f) for f in dict.fromkeys(values.get("accepts_filieres") or [])]
        for filiere in accepts:
            if filiere not in known:
                raise InvalidInput(
                    f"accepts_filieres: unknown filière {filiere!r}; the catalogue has "
                    f"{', '.join(sorted(known))}.",
                    filiere=filiere,
                )
        return {
            "name": check_text(values.get("name"), "name", 200, required=True),
            "latitude_e6": micro_degrees(values.get("latitude"), 90, "latitude"),
            "longitude_e6": micro_degrees(values.get("longitude"), 180, "longitude"),
            "accepts_filieres": accepts,
            **address_details(values, country),
        }

    @staticmethod
    def place(cmd: RegisterSite) -> tuple[str | None, str]:
        """A French site has a commune; a site abroad has a country."""
        country = check_country(cmd.country or "FR")
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
                self.check_boundary(uow, territory, communes)
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
            self.require_admin_of(actor, cmd.organisation_id)
            owner = self.organisation(uow, cmd.organisation_id)
            role = check_choice(cmd.role, ROLES, "role")
            hashed = token_hash(secret)
            token = Token._create(
                Token.Issued,
                id=Token.id_for_hash(hashed),
                owner_id=owner.id,
                role=role,
                token_hash=hashed,
                label=check_text(cmd.label, "label", 100) or "",
                **self.acted(actor),
            )
            uow.add(token)
            return Outcome(Ref("token", str(token.id), 1, {"token_id": token.public_id}))

        outcome = self.command("token", None, cmd, idempotency, uow, action)
        return outcome, secret

    def revoke_token(
        self,
        actor: Actor,
        token_id: UUID,
        idempotency: Idempotency | None = None,
        uow: UnitOfWork | None = None,
    ) -> Outcome:
        """Revoke a token (the ledger's admins, or its organisation's admin): it opens nothing
        from then on, and the sessions opened with it end."""

        def action(uow: UnitOfWork, _: str) -> Outcome:
            token = uow.get(token_id, Token)
            if token is None:
                raise TokenNotFound(f"No token {token_id}.", token_id=str(token_id))
            self.require_admin_of(actor, token.owner_id)
            token.revoke(**self.acted(actor))
            self.forget_token(token.token_hash)
            return Outcome(Ref("token", str(token.id), token.version), 204)

        return self.command("token_revoke", token_id, None, idempotency, uow, action)

    def forget_token(self, hashed: str) -> None:
        """Drop what this process remembers of a token (it was just revoked)."""
        for name in ("_tokens", "_session_actors"):
            cache = self.__dict__.get(name)
            if isinstance(cache, dict):
                cache.pop(hashed, None)

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
