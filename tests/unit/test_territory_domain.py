"""Territories with codes, declared flows and the catalogue's EW-MFA fields: the pure domain."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.utils import resolve_topic

from ledger.domain.catalogue import Material, default_materials
from ledger.domain.declared_flow import DeclaredFlow, FlowFacts, grams_from_tonnes
from ledger.domain.errors import (
    InvalidFlowQuantity,
    NothingToCorrect,
    NotWithinParent,
    StaleFlowVersion,
    UnknownCategory,
)
from ledger.domain.territory import MAIN, Territory

ACTED = {"organisation_id": uuid4(), "token_id": "test"}


def test_events_stored_before_territories_had_codes_still_resolve() -> None:
    assert resolve_topic("ledger.domain.registry:Territory") is Territory
    assert resolve_topic("ledger.domain.registry:Territory.Defined") is Territory.Defined
    assert resolve_topic("ledger.domain.registry:Territory.Redefined") is Territory.Redefined


def test_main_keeps_its_id_and_events_other_territories_have_their_own() -> None:
    main = Territory.register(MAIN, "Caux Vallée de Seine", ["76384", "76114"], **ACTED)
    assert main.id == Territory.create_id()
    assert main.code == MAIN
    main.redefine("Caux Vallée de Seine", ["76384"], **ACTED)
    estuary = Territory.register("estuaire", "Estuaire", ["76384", "76114", "76351"], **ACTED)
    estuary.redefine("Estuaire de la Seine", ["76384", "76114", "76351"], **ACTED)
    names = [type(e).__name__ for e in (*main.collect_events(), *estuary.collect_events())]
    assert names == ["Defined", "Redefined", "Registered", "Delimited"]
    assert estuary.id != main.id


def test_a_parent_refuses_a_child_with_communes_outside_it() -> None:
    estuary = Territory.register("estuaire", "Estuaire", ["76384", "76114"], **ACTED)
    estuary.check_contains("cvs", ["76384"])
    with pytest.raises(NotWithinParent) as refused:
        estuary.check_contains("cvs", ["76384", "59350"])
    assert refused.value.details["outside"] == ["59350"]


def facts(**changes: object) -> FlowFacts:
    base = {"year": 2026, "direction": "import", "category": "MF4", "mass_g": 10**9,
            "source": "Douanes", "quality": "measured"}  # fmt: skip
    return FlowFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_correction_changes_what_it_names_and_keeps_the_original_event() -> None:
    flow = DeclaredFlow.declare(uuid4(), "cvs", facts(), "digest", **ACTED)
    flow.correct(1, "Revised figure", {"mass_g": 900_000_000}, **ACTED)
    assert (flow.version, flow.facts.mass_g, flow.facts.category) == (2, 900_000_000, "MF4")
    events = flow.collect_events()
    assert [type(e).__name__ for e in events] == ["Declared", "Corrected"]
    assert events[0].mass_g == 10**9  # type: ignore[attr-defined]
    with pytest.raises(StaleFlowVersion):
        flow.correct(1, "again", {"mass_g": 1}, **ACTED)
    with pytest.raises(NothingToCorrect):
        flow.correct(2, "same", {"mass_g": 900_000_000}, **ACTED)


def test_fossil_fuels_are_energy_carriers_unless_said_otherwise() -> None:
    assert facts().carries_energy
    assert not facts(energy_carrier=False).carries_energy
    assert not facts(category="MF3").carries_energy


@pytest.mark.parametrize("tonnes", ["-1", "1e10", "0.0000001", "12345678901234567890123"])
def test_declared_masses_are_bounded_and_exact(tonnes: str) -> None:
    with pytest.raises(InvalidFlowQuantity):
        grams_from_tonnes(tonnes)


def test_the_catalogue_maps_materials_to_ewmfa_categories() -> None:
    catalogue = default_materials()
    assert catalogue["wood.logs"].ewmfa_category == "MF1.3"
    assert catalogue["wood.logs"].origin == "extraction"
    assert catalogue["wood.pallets"].origin == "economy"
    assert catalogue["flax.straw"].ewmfa_category == "MF1.1"
    assert catalogue["flax.shives"].ewmfa_category == "MF1.2"
    assert catalogue["textile.waste"].ewmfa_category == "MF6"
    assert catalogue["textile.reuse.cream"].ewmfa_category == "MF5"
    shoes = Material.from_dict({"code": "textile.reuse.shoes", "route": "reuse"})
    assert (shoes.ewmfa_category, shoes.origin) == ("MF5", "economy")
    with pytest.raises(UnknownCategory):
        Material.from_dict({"code": "textile.reuse.shoes", "ewmfa_category": "MF9"})
