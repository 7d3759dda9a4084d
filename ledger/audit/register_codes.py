"""Waste treatment operation codes (R and D codes) for the register and the EPCIS export.

The codes are those of annexes I (disposal, D1–D15) and II (recovery, R1–R13) of Directive
2008/98/EC, which the French waste register asks for as the "code du traitement". The ledger
does not record a treatment code; it derives one, as follows, and every choice below is a
reading of what the ledger knows, to be confirmed with the territory's operators:

- **valorisations** (the batch leaves the chain), by route:
  - ``reuse`` → no code (empty): what leaves is a sorted reuse grade sold as a product. The
    preparation for reuse (Directive 2008/98/EC art. 3(16)) happened at sorting, and the goods
    are no longer waste when they are sold. (As amended in 2018, annex II seems to file
    preparing for re-use under R3 to R5: to be confirmed before giving such rows a code.)
  - ``recycling`` → ``R3`` (recycling or reclamation of organic substances: fraying, wipers,
    flax fibre and tow).
  - ``csr`` and ``energy`` → ``R1`` (use principally as a fuel to generate energy). A batch sent
    to a plant that only prepares fuel should be dispatched there, not valorised.
  - ``disposal`` → ``D5`` (specially engineered landfill) when the outlet is a ``landfill``
    site, otherwise ``D10`` (incineration on land): an assumption when the outlet is unknown.
- **receipts, collections and dispatches**, by the kind of the site that receives the batch:
  ``collection_point`` and ``warehouse`` → ``R13`` (storage pending recovery),
  ``sorting_centre`` and ``processing`` → ``R12`` (sorting, baling, chipping before recovery),
  ``recycler`` → ``R3``, ``boiler`` → ``R1``, ``landfill`` → ``D5``, ``shop`` → none (reuse).

Uncertain: whether French practice files textile sorting for reuse under R12 or under R3
(preparation for reuse), and container collection under R13 or no code at all; flax
co-products and virgin energy wood are usually products or by-products, not waste, and their
rows carry codes only so the figures stay complete.
"""

from __future__ import annotations

SITE_OPERATIONS: dict[str, str] = {
    "collection_point": "R13",
    "warehouse": "R13",
    "sorting_centre": "R12",
    "processing": "R12",
    "recycler": "R3",
    "boiler": "R1",
    "landfill": "D5",
    "shop": "",
}
ROUTE_OPERATIONS: dict[str, str] = {"reuse": "", "recycling": "R3", "csr": "R1", "energy": "R1"}
# The routes a site of each kind carries out itself: a batch valorised there without an outlet
# was treated there (a boiler burns it, a shop sells it); elsewhere it must name its outlet.
ON_SITE_ROUTES: dict[str, frozenset[str]] = {
    "shop": frozenset({"reuse"}),
    "recycler": frozenset({"recycling"}),
    "boiler": frozenset({"csr", "energy"}),
    "landfill": frozenset({"disposal"}),
}


def site_operation(site_kind: str) -> str:
    """The operation a site of this kind performs on the batches it receives."""
    return SITE_OPERATIONS.get(site_kind, "")


def valorisation_operation(route: str, outlet_kind: str | None) -> str:
    """The operation a valorisation by this route stands for, given the outlet's site kind."""
    if route == "disposal":
        return "D5" if outlet_kind == "landfill" else "D10"
    return ROUTE_OPERATIONS.get(route, "")


def treats_on_site(site_kind: str, route: str) -> bool:
    """Whether a site of this kind valorises batches by this route itself."""
    return route in ON_SITE_ROUTES.get(site_kind, frozenset())
