"""The demo's metabolism: the Seine estuary around Caux Vallée de Seine, and a year of statistics.

The estuary (``estuaire``) is four EPCIs on both banks (``estuary.json``: Le Havre Seine
Métropole, Caux Seine Agglo, Pays de Honfleur-Beuzeville, Pont-Audemer / Val de Risle); its
children are the demo's territory (``main``: its 15 communes) and Le Havre Seine Métropole
(``lhsm``). Populations are INSEE's legal populations shipped with the ledger; GDP and every
declared flow are plausible orders of magnitude invented for the demo (each source says
"démo"): the estuary declares its biomass, minerals, products and waste, its two refining
children their fossil energy (crude oil reaching Port-Jérôme from the port of Le Havre is
internal to the estuary). Loading it again writes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

from ledger.application.commands import Actor
from ledger.application.ledger import Ledger
from ledger.application.territory_commands import DeclareFlow, DescribeTerritory
from ledger.demo.data import COMMUNES, TERRITORY_NAME, demo_id
from ledger.territory.communes import shipped_communes

GDP_PER_INHABITANT = {"main": 48_000, "lhsm": 41_000, "estuaire": 40_000}  # €, demo values
ESTUARY = "estuaire"
LE_HAVRE = "lhsm"

# (territory, direction, category, tonnes, partner, source, quality, extra fields)
Row = tuple[str, str, str, int, str | None, str, str, dict[str, Any]]
FLOWS: tuple[Row, ...] = (
    (ESTUARY, "extraction", "MF1.1", 720_000, None, "Démo : ordre de grandeur Agreste (SAA)",
     "estimated", {"note": "céréales, lin, betteraves des terres de l'estuaire"}),
    (ESTUARY, "extraction", "MF1.2", 540_000, None, "Démo : ordre de grandeur Agreste (SAA)",
     "estimated", {"note": "pailles récoltées, fourrages, herbe pâturée"}),
    (ESTUARY, "extraction", "MF1.3", 35_000, None, "Démo : observatoire régional bois-énergie",
     "estimated", {"energy_carrier": True, "note": "bois de chauffage et plaquettes"}),
    (ESTUARY, "import", "MF1", 310_000, "rest_of_france", "Démo : modèle de consommation",
     "modelled", {"note": "produits alimentaires"}),
    (ESTUARY, "export", "MF1.1", 500_000, "rest_of_france", "Démo : ordre de grandeur Agreste",
     "estimated", {"note": "céréales vers le port de Rouen"}),
    (ESTUARY, "import", "MF2", 12_000, "SE", "Démo : statistiques portuaires", "estimated", {}),
    (ESTUARY, "extraction", "MF3", 2_300_000, None, "Démo : ordre de grandeur UNICEM",
     "estimated", {"note": "sables et graviers de la vallée de la Seine"}),
    (ESTUARY, "export", "MF3", 250_000, "rest_of_france", "Démo : ordre de grandeur UNICEM",
     "estimated", {}),
    (ESTUARY, "import", "MF5", 3_400_000, "rest_of_france", "Démo : modèle entrées-sorties",
     "modelled", {}),
    (ESTUARY, "export", "MF5", 4_100_000, "rest_of_france", "Démo : modèle entrées-sorties",
     "modelled", {"note": "chimie, plastiques, véhicules"}),
    (ESTUARY, "export", "MF6", 70_000, "rest_of_france", "Démo : observatoire des déchets",
     "measured", {"note": "déchets envoyés en traitement hors de l'estuaire"}),
    (ESTUARY, "output", "MF6", 48_000, None, "Démo : observatoire des déchets", "measured",
     {"output_to": "land", "note": "déchets enfouis"}),
    ("main", "import", "MF4", 11_000_000, LE_HAVRE, "Démo : statistiques de raffinage",
     "measured", {"note": "pétrole brut par oléoduc depuis le port du Havre"}),
    ("main", "import", "MF4", 350_000, "rest_of_france", "Démo : bilan énergétique", "estimated",
     {"energy_gj": 16_800_000, "note": "gaz naturel"}),
    ("main", "export", "MF4", 9_600_000, "rest_of_france", "Démo : statistiques de raffinage",
     "measured", {"note": "produits raffinés"}),
    ("main", "output", "MF4", 2_700_000, None, "Démo : inventaire des émissions", "modelled",
     {"output_to": "air", "note": "CO₂ du raffinage et de la production d'énergie"}),
    ("main", "balancing_input", "MF4", 2_000_000, None, "Démo : inventaire des émissions",
     "modelled", {"note": "oxygène de la combustion"}),
    ("main", "balancing_output", "MF4", 750_000, None, "Démo : inventaire des émissions",
     "modelled", {"note": "vapeur d'eau de la combustion"}),
    (LE_HAVRE, "import", "MF4", 13_000_000, "NO", "Démo : statistiques portuaires", "measured",
     {"note": "pétrole brut"}),
    (LE_HAVRE, "import", "MF4", 10_500_000, "SA", "Démo : statistiques portuaires", "measured",
     {"note": "pétrole brut"}),
    (LE_HAVRE, "export", "MF4", 11_000_000, "main", "Démo : statistiques de raffinage",
     "measured", {"note": "brut vers Port-Jérôme"}),
    (LE_HAVRE, "export", "MF4", 9_800_000, "rest_of_france", "Démo : statistiques de raffinage",
     "measured", {"note": "produits raffinés"}),
    (LE_HAVRE, "output", "MF4", 3_100_000, None, "Démo : inventaire des émissions", "modelled",
     {"output_to": "air"}),
    (LE_HAVRE, "balancing_input", "MF4", 2_300_000, None, "Démo : inventaire des émissions",
     "modelled", {}),
    (LE_HAVRE, "balancing_output", "MF4", 850_000, None, "Démo : inventaire des émissions",
     "modelled", {}),
)  # fmt: skip


def estuary_epcis() -> list[dict[str, Any]]:
    text = resources.files("ledger.demo").joinpath("estuary.json").read_text("utf-8")
    epcis: list[dict[str, Any]] = json.loads(text)["epci"]
    return epcis


def boundaries() -> dict[str, tuple[str, list[str]]]:
    """Each demo territory's name and communes."""
    epcis = estuary_epcis()
    everything = sorted({code for epci in epcis for code in epci["communes"]})
    return {
        ESTUARY: ("Estuaire de la Seine", everything),
        "main": (TERRITORY_NAME, sorted(c.insee for c in COMMUNES)),
        LE_HAVRE: ("Le Havre Seine Métropole", epcis[0]["communes"]),
    }


def describe(code: str, name: str, communes: list[str], years: list[int]) -> DescribeTerritory:
    people = sum(shipped_communes()[c].population or 0 for c in communes)
    return DescribeTerritory(
        code=code,
        name=name,
        communes_insee=communes,
        parent=None if code == ESTUARY else ESTUARY,
        population={str(y): people for y in years},
        gdp_eur={str(y): people * GDP_PER_INHABITANT[code] for y in years},
    )


def flow_command(row: Row, year: int) -> DeclareFlow:
    territory, direction, category, tonnes, partner, source, quality, extra = row
    energy = extra.get("energy_gj")
    return DeclareFlow(
        year=year,
        direction=direction,
        category=category,
        mass_t=Decimal(tonnes),
        source=source,
        quality=quality,
        energy_gj=None if energy is None else Decimal(energy),
        partner=partner,
        output_to=extra.get("output_to"),
        energy_carrier=extra.get("energy_carrier"),
        note=extra.get("note"),
        id=demo_id("flow", year, territory, direction, category, partner, tonnes),
    )


def load_metabolism(ledger: Ledger, actor: Actor, years: list[int]) -> int:
    """The estuary, its two children and the last year's declared flows; returns the events
    written (none when loaded before)."""
    before = ledger.event_log.max_position()
    for code, (name, communes) in boundaries().items():
        ledger.describe_territory(actor, describe(code, name, communes, years))
    for row in FLOWS:
        ledger.declare_flow(actor, row[0], flow_command(row, max(years)))
    return ledger.event_log.max_position() - before
