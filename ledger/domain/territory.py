"""Territories: the communes whose flows are accounted, nested one in another, with their people.

The territory of DESIGN §2 (``PUT /territory``) is the territory with code ``main``: its aggregate
keeps the id and the ``Defined``/``Redefined`` events it always had, which the registry view and
the filière metabolism read. Every other code is ``Registered`` and then ``Delimited``. Both kinds
are ``Described`` by a parent, a population and a GDP per year, and the EW-MFA categories the
ledger's own batches cover (``traced_categories``). A parent knows its children, so that it can
refuse a boundary that would leave one of them outside.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import InvalidTerritory, NotWithinParent
from ledger.domain.ewmfa import TOP_LEVEL

MAIN = "main"
CODE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
MAX_POPULATION = 200_000_000
MAX_GDP_EUR = 10**15
YEARS = (1900, 2999)


def check_code(code: str) -> str:
    """A territory code: 2–32 lower-case letters, digits, ``-`` or ``_``, starting with a letter."""
    if not isinstance(code, str) or not CODE.match(code):
        raise InvalidTerritory(
            "A territory code has 2 to 32 lower-case letters, digits, - or _, e.g. cvs.", code=code
        )
    return code


def check_yearly(values: dict[str, int], limit: int, what: str) -> dict[str, int]:
    """``{year: n}`` with years 1900–2999 and whole numbers from 0 to ``limit``."""
    checked: dict[str, int] = {}
    for year, value in values.items():
        text = str(year).strip()
        if not (text.isdigit() and YEARS[0] <= int(text) <= YEARS[1]):
            raise InvalidTerritory(f"{what} is given per year, 1900 to 2999.", year=str(year))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise InvalidTerritory(
                f"{what} of {text} must be a whole number from 0 to {limit}.", year=text
            )
        checked[str(int(text))] = value
    return dict(sorted(checked.items()))


def check_traced(categories: list[str]) -> list[str]:
    """Top-level EW-MFA codes (a code covers its sub-codes)."""
    for category in categories:
        if category not in TOP_LEVEL:
            raise InvalidTerritory(
                "traced_categories are top-level EW-MFA codes: MF1 to MF6.", category=category
            )
    return sorted(set(categories))


class Territory(Aggregate):
    """A set of INSEE communes whose flows are accounted, inside an optional parent."""

    class Defined(Aggregate.Created):
        """The boundary of ``main`` first set (DESIGN §2)."""

        name: str
        communes_insee: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.name = self.name
            aggregate.communes_insee = list(self.communes_insee)

    class Redefined(Aggregate.Event):
        """The boundary of ``main`` changed."""

        name: str
        communes_insee: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.name = self.name
            aggregate.communes_insee = list(self.communes_insee)

    class Registered(Aggregate.Created):
        """A territory other than ``main`` first defined."""

        code: str
        name: str
        communes_insee: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.code = self.code
            aggregate.name = self.name
            aggregate.communes_insee = list(self.communes_insee)

    class Delimited(Aggregate.Event):
        """The name or communes of a territory other than ``main`` changed."""

        name: str
        communes_insee: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.name = self.name
            aggregate.communes_insee = list(self.communes_insee)

    class Described(Aggregate.Event):
        """Parent, population and GDP per year, and the categories the ledger traces."""

        parent: str | None
        population: dict[str, int]
        gdp_eur: dict[str, int]
        traced_categories: list[str]
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.parent = self.parent
            aggregate.population = dict(self.population)
            aggregate.gdp_eur = dict(self.gdp_eur)
            aggregate.traced_categories = list(self.traced_categories)

    class ChildAttached(Aggregate.Event):
        child: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.children = sorted({*aggregate.children, self.child})

    class ChildDetached(Aggregate.Event):
        child: str

        def apply(self, aggregate: Territory) -> None:
            aggregate.children = [c for c in aggregate.children if c != self.child]

    def __init__(self) -> None:
        self.code = MAIN
        self.name = ""
        self.communes_insee: list[str] = []
        self.parent: str | None = None
        self.population: dict[str, int] = {}
        self.gdp_eur: dict[str, int] = {}
        self.traced_categories: list[str] = []
        self.children: list[str] = []

    @staticmethod
    def create_id(code: str = MAIN) -> UUID:
        """``main`` keeps the id the single territory always had."""
        if code == MAIN:
            return uuid5(NAMESPACE_URL, "/ledger/territory")
        return uuid5(NAMESPACE_URL, f"/ledger/territories/{code}")

    @classmethod
    def define(cls, name: str, communes_insee: list[str], **acted: Any) -> Territory:
        """The first definition of ``main``."""
        return cls._create(
            cls.Defined, id=cls.create_id(), name=name, communes_insee=communes_insee, **acted
        )

    @classmethod
    def register(cls, code: str, name: str, communes_insee: list[str], **acted: Any) -> Territory:
        """The first definition of any territory (``main`` as it always was)."""
        if code == MAIN:
            return cls.define(name, communes_insee, **acted)
        return cls._create(
            cls.Registered,
            id=cls.create_id(code),
            code=code,
            name=name,
            communes_insee=communes_insee,
            **acted,
        )

    def redefine(self, name: str, communes_insee: list[str], **acted: Any) -> bool:
        """Change the boundary; the same boundary again changes nothing (returns False)."""
        if name == self.name and sorted(communes_insee) == sorted(self.communes_insee):
            return False
        event = self.Redefined if self.code == MAIN else self.Delimited
        self.trigger_event(event, name=name, communes_insee=communes_insee, **acted)
        return True

    def describe(
        self,
        parent: str | None,
        population: dict[str, int],
        gdp_eur: dict[str, int],
        traced_categories: list[str],
        **acted: Any,
    ) -> bool:
        """Set parent, population, GDP and traced categories; the same again changes nothing."""
        same = (
            parent == self.parent
            and population == self.population
            and gdp_eur == self.gdp_eur
            and traced_categories == self.traced_categories
        )
        if same:
            return False
        self.trigger_event(
            self.Described,
            parent=parent,
            population=population,
            gdp_eur=gdp_eur,
            traced_categories=traced_categories,
            **acted,
        )
        return True

    def check_contains(self, code: str, communes: list[str]) -> None:
        """A child's communes are all communes of its parent (this territory)."""
        outside = sorted(set(communes) - set(self.communes_insee))
        if outside:
            raise NotWithinParent(
                f"Territory {code} has communes outside its parent {self.code}.",
                parent=self.code,
                outside=outside[:50],
                count=len(outside),
            )

    def attach(self, child: str) -> None:
        if child not in self.children:
            self.trigger_event(self.ChildAttached, child=child)

    def detach(self, child: str) -> None:
        if child in self.children:
            self.trigger_event(self.ChildDetached, child=child)
