"""Operation codes, treatment modes and transport modes in the national register's vocabulary.

Trackdéchets writes the R and D codes of ``ledger.audit.register_codes`` with a space ("R 12",
"D 10") and adds "R 0", réutilisation – réemploi, which only outgoing registers accept (its
incoming template takes R 1–R 13 and D codes). A final code needs a "mode de traitement" among
those it allows; the codes that only prepare a later treatment (R 12, R 13, D 9, D 13–D 15) take
none and ask instead for the next operation planned (read from Trackdéchets'
``libs/shared/constants/src/PROCESSING_OPERATIONS.ts`` at commit
779f59bf47dc94712a476946cb8c55873f7b690a).

Reuse: a batch of a reuse grade leaving a sorting centre for a shop or a buyer was prepared
for re-use there; it is declared as it leaves, with R 0 and the mode REUTILISATION, and it is no
longer waste when it reaches the shop (whose incoming register therefore has no row for it).

The next operation after sorting or storage is the one the batch's material is headed for:
its route's operation when it has one, else by filière: textiles and flax R 3 (recycling of
organic substances, which since Directive (EU) 2018/851 includes preparing for re-use), wood
R 1 (energy).
"""

from __future__ import annotations

from ledger.audit.register_codes import ROUTE_OPERATIONS, site_operation

NOT_FINAL = frozenset({"R 12", "R 13", "D 9", "D 13", "D 14", "D 15"})
MODES_ALLOWED: dict[str, tuple[str, ...]] = {
    "R 0": ("REUTILISATION",),
    "R 1": ("VALORISATION_ENERGETIQUE",),
    "R 3": ("RECYCLAGE", "AUTRES_VALORISATIONS"),
    "D 5": ("ELIMINATION",),
    "D 10": ("ELIMINATION",),
}
ROUTE_MODES = {
    "reuse": "REUTILISATION",
    "recycling": "RECYCLAGE",
    "csr": "VALORISATION_ENERGETIQUE",
    "energy": "VALORISATION_ENERGETIQUE",
    "disposal": "ELIMINATION",
}
NEXT_BY_FILIERE = {"textile": "R 3", "flax": "R 3", "wood": "R 1"}
TRANSPORT_MODES = {
    "road": "ROUTE",
    "rail": "FERRE",
    "river": "FLUVIAL",
    "sea": "MARITIME",
    "air": "AERIEN",
}


def spaced(code: str) -> str:
    """``R12`` as the national register writes it: ``R 12``; ``D9F`` → ``D 9 F``."""
    if not code:
        return ""
    letter, rest = code[0], code[1:]
    digits = rest.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    suffix = rest[len(digits) :]
    return " ".join(part for part in (letter, digits, suffix) if part)


def received_operation(site_kind: str) -> str:
    """The operation a site of this kind carries out on what it receives ("" for a shop)."""
    return spaced(site_operation(site_kind))


def sent_operation(site_kind: str | None, route: str | None, derived: str) -> str:
    """The operation planned for a batch sent away: ``derived`` (``ledger.audit.register_codes``),
    or R 0 for a reuse grade."""
    if route == "reuse" and (site_kind in (None, "shop") or not derived):
        return "R 0"
    return spaced(derived)


def mode(code: str, route: str | None) -> str | None:
    """The treatment mode of a final operation code: the route's, if the code allows it, else
    the code's only mode; None for codes that take none or when neither fits."""
    allowed = MODES_ALLOWED.get(code, ())
    wanted = ROUTE_MODES.get(route or "")
    if wanted in allowed:
        return wanted
    return allowed[0] if len(allowed) == 1 else None


def next_operation(route: str | None, filiere: str) -> str:
    """The operation planned after sorting or storage, for a batch of this route and filière."""
    by_route = ROUTE_OPERATIONS.get(route or "")
    if route == "disposal":
        return "D 10"
    return spaced(by_route) if by_route else NEXT_BY_FILIERE.get(filiere, "R 3")
