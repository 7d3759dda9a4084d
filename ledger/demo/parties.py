"""Who the demo's companies are, as the waste registers name them: identifiers and addresses.

SIRETs are invented (14 digits with a valid Luhn digit, like their SIREN), as are the VAT
numbers abroad (with the check digit their country's rule gives) and the street addresses;
postal codes are those of the communes. Carriers and suppliers that are not registered in the
ledger are named by the movements (``ledger.domain.transport``). A company carrying waste it
produced itself needs no carrier's receipt (code de l'environnement, art. R. 541-50); the
collective and the haulier carry under their receipts.
"""

from __future__ import annotations

from typing import Any

from ledger.demo.data import (
    BOLBEC,
    COMMUNES,
    GONFREVILLE,
    GRUCHET,
    HAULIER,
    LILLEBONNE,
    NOINTOT,
    PORT_JEROME,
    ROUBAIX,
    SAINT_NICOLAS,
    Commune,
    SiteSpec,
    demo_id,
)

# La Poste's postal codes of the demo's communes.
POSTAL_CODES = {
    "76384": "76170",
    "76114": "76210",
    "76476": "76330",
    "76329": "76210",
    "76468": "76210",
    "76281": "76170",
    "76471": "76330",
    "76499": "76330",
    "76622": "76330",
    "76626": "76490",
    "76318": "76170",
    "76712": "76170",
    "76022": "76490",
    "76421": "76170",
    "76576": "76210",
    "76305": "76700",
    "59512": "59100",
}


def in_commune(siret: str, address: str, commune: Commune) -> dict[str, str]:
    """A French company's SIRET and address, in one of the demo's communes."""
    return {
        "siret": siret,
        "address": address,
        "postal_code": POSTAL_CODES[commune.insee],
        "city": commune.name,
        "country": "FR",
    }


ORGANISATION_DETAILS: dict[str, dict[str, str]] = {
    "agglo": in_commune("20007617200010", "Allée du Catillon", PORT_JEROME),
    "collective": in_commune("81276418100010", "12 rue de la Gare", LILLEBONNE),
    "workshop": in_commune("44981207200014", "Zone d'activités du Val aux Grès", BOLBEC),
    "shops": in_commune("53318462800014", "4 place Félix Faure", LILLEBONNE),
    "flax_cooperative": in_commune("77640213300016", "Route de Bolbec", NOINTOT),
    "wood_energy": in_commune("84211970300010", "Chemin de la Briqueterie", GRUCHET),
    "fraying_mill": in_commune("39457126900015", "85 boulevard de Fourmies", ROUBAIX),
    "estuary_energy": in_commune("50862374100016", "Rue de la Chaufferie", GONFREVILLE),
    "spinning_mill": {
        "vat_number": "IT04826191548",
        "address": "Via dell'Industria 14",
        "postal_code": "24040",
        "city": "Fara Gera d'Adda",
        "country": "IT",
    },
    "wipers": in_commune("87324015400013", "Zone industrielle de Port-Jérôme", PORT_JEROME),
}

# Street addresses of the sites (postal code and city: their commune's); abroad, all three.
SITE_ADDRESSES: dict[str, tuple[str, ...]] = {
    "sorting_centre": ("Zone d'activités du Val aux Grès",),
    "shop_lillebonne": ("4 place Félix Faure",),
    "shop_bolbec": ("27 rue de la République",),
    "scutching_mill": ("Route de Bolbec",),
    "chipping_platform": ("Chemin de la Briqueterie",),
    "lillebonne_boiler": ("Rue du Stade",),
    "gonfreville_boiler": ("Rue de la Chaufferie",),
    "fraying_site": ("85 boulevard de Fourmies",),
    "spinning_site": ("Via dell'Industria 14", "24040", "Fara Gera d'Adda"),
    "wipers_workshop": ("Zone industrielle de Port-Jérôme",),
    "landfill": ("Route du Mesnil",),
}
# Where the street containers stand, by their number in their commune.
CONTAINER_PLACES = (
    "Place de la Mairie",
    "Parking de la salle des fêtes",
    "Rue du Général de Gaulle",
    "Parking du supermarché",
    "Avenue Jean Jaurès",
    "Place du Marché",
)


def site_address(site: SiteSpec) -> dict[str, str | None]:
    """A site's address, postal code and city (a container's: the place it stands at)."""
    found = SITE_ADDRESSES.get(site.key)
    if found is None and site.kind == "collection_point":
        number = int(site.name.rsplit("n°", 1)[1])
        found = (CONTAINER_PLACES[(number - 1) % len(CONTAINER_PLACES)],)
    if found is None or (site.commune is None and len(found) < 3):
        return {"address": None, "postal_code": None, "city": None}
    if site.commune is None:
        return {"address": found[0], "postal_code": found[1], "city": found[2]}
    commune = site.commune
    return {"address": found[0], "postal_code": POSTAL_CODES[commune.insee], "city": commune.name}


# -- carriers, outlets and suppliers ---------------------------------------------------------

HAULIER_COMPANY = {"name": HAULIER, **in_commune("32145076900013", "Rue du Port", PORT_JEROME)}
BY_HAULIER: dict[str, Any] = {
    "mode": "road",
    "carrier": HAULIER_COMPANY,
    "receipt_number": "76-2021-0147",
}
BY_EXPORT_HAULIER: dict[str, Any] = {
    "mode": "road",
    "carrier": {
        "name": "Trans-Łódź Sp. z o.o.",
        "vat_number": "PL7273019456",
        "address": "ul. Transportowa 8",
        "postal_code": "93-231",
        "city": "Łódź",
        "country": "PL",
    },
}
EXPORT_BUYER_DETAILS = {
    "vat_number": "PL7251846034",
    "address": "ul. Włókiennicza 21",
    "postal_code": "90-072",
    "city": "Łódź",
}
PALLET_SUPPLIER = {
    "name": "Plateforme logistique de Port-Jérôme",
    **in_commune("79032641700017", "Zone industrielle de Port-Jérôme", PORT_JEROME),
}
FARMS = (
    {"name": "EARL du Clos des Hêtres", **in_commune("42361890900018", "Le Clos", NOINTOT)},
    {"name": "GAEC de la Côte Blanche", **in_commune("49208153400017", "La Côte", GRUCHET)},
    {"name": "SCEA des Trois Mares", **in_commune("51973046900011", "Les Mares", SAINT_NICOLAS)},
)


def by_own_vehicles(organisation: str, receipt: str | None = None) -> dict[str, Any]:
    """A registered organisation carrying with its own vehicles: under its receipt, or exempted
    when it carries what it produced."""
    carrier_id = str(demo_id("organisation", organisation))
    transport: dict[str, Any] = {"mode": "road", "carrier_organisation_id": carrier_id}
    return transport | ({"receipt_number": receipt} if receipt else {"receipt_exempt": True})


BY_COLLECTIVE = by_own_vehicles("collective", "76-2019-0032")


def identity(key: str, name: str) -> dict[str, str]:
    """A demo organisation as a movement names a company (a supplier)."""
    return {"name": name, **ORGANISATION_DETAILS[key]}


def farm_delivery(commune_insee: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The member's farm a trailer of straw comes from (one of three, by the field's commune),
    carried on its own trailer."""
    farm = FARMS[[c.insee for c in COMMUNES].index(commune_insee) % len(FARMS)]
    return farm, {"mode": "road", "carrier": farm, "receipt_exempt": True}
