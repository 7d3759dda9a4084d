"""What the ledger's records point at, by name, in the reader's language: organisations, sites,
materials, filières, routes, states, processes.

A record names others by id or code; a page shows their names instead (the catalogue's
``name_fr``/``name_en`` for materials, the catalogs' words for routes and states). Something the
ledger does not know shows as a phrase that says so, never as a bare id; a code without words (a
material or filière a user defined) shows as itself, escaped by the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from ledger.application.ledger import Ledger
from ledger.domain.errors import LedgerError
from ledger.web.desk import i18n


@dataclass
class Names:
    """Names looked up once per page."""

    ledger: Ledger
    lang: str
    _organisations: dict[str, str] = field(default_factory=dict)
    _sites: dict[str, dict[str, Any]] = field(default_factory=dict)

    def t(self, key: str, **values: object) -> str:
        return i18n.translate(self.lang, key, **values)

    def words(self, key: str, fallback: str) -> str:
        """The catalogs' words for ``key``, else ``fallback`` (a code nobody named)."""
        return self.t(key) if i18n.has(key) else fallback

    def organisation(self, organisation_id: Any) -> str:
        key = str(organisation_id or "")
        if key not in self._organisations:
            self._organisations[key] = self._organisation_name(key)
        return self._organisations[key]

    def _organisation_name(self, key: str) -> str:
        try:
            return str(self.ledger.organisation_json(UUID(key))["name"])
        except (LedgerError, ValueError):
            return self.t("audit.names.unknown_organisation")

    def site_record(self, site_id: Any) -> dict[str, Any] | None:
        key = str(site_id or "")
        if key not in self._sites:
            try:
                self._sites[key] = self.ledger.site_json(UUID(key))
            except (LedgerError, ValueError):
                return None
        return self._sites[key]

    def site(self, site_id: Any) -> str:
        found = self.site_record(site_id)
        return self.t("audit.names.unknown_site") if found is None else str(found["name"])

    def site_holder(self, site_id: Any) -> str:
        """The organisation that owns a site."""
        found = self.site_record(site_id)
        return (
            self.t("audit.names.unknown_organisation")
            if found is None
            else self.organisation(found["organisation_id"])
        )

    def material(self, code: str | None) -> str:
        """The catalogue's name of a material in the reader's language, else its code."""
        if not code:
            return "—"
        catalogue = self.ledger.catalogue()
        if code not in catalogue:
            return code
        material = catalogue.get(code)
        named = material.name_en if self.lang == "en" else material.name_fr
        return named or material.name_fr or material.name_en or code

    def filiere(self, code: str | None) -> str:
        return self.words(f"filiere.{code}", code or "—")

    def route(self, code: str | None) -> str:
        if not code:
            return self.t("audit.names.no_route")
        return self.words(f"route.{code}", code)

    def state(self, code: str | None) -> str:
        return self.words(f"state.{code}", code or "—")

    def process(self, code: str | None) -> str:
        return self.words(f"audit.process.{code}", code or "—")

    def contract(self, code: str | None) -> str:
        return self.words(f"contract.{code}", code or "—")
