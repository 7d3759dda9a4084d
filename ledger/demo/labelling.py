"""The demo's labels: blocks of codes for the organisations that stick them, and which lots do.

The collective labels the bags it empties from the street containers, the insertion workshop its
export bales and fraying press bales, the flax cooperative its fibre and tow bales. Each started
halfway through the demo's three months (the earlier lots went unlabelled) with one block of
sheets, and stops when the block is used up. Codes come from a generator seeded by the demo's
run, so the same demo has the same labels; they are allocated through the ledger's own command,
in the registry's transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import labels
from ledger.application.core import UnitOfWork
from ledger.application.handlers.allocation import AllocateLabels
from ledger.application.ledger import Ledger
from ledger.demo.data import demo_id
from ledger.domain.allocation import LabelRegister

LABELS_PER_SHEET = 24  # the 3 x 8 sheet


@dataclass(frozen=True)
class Labeller:
    """An organisation that labels some kinds of lots (a material, or a pile: press bales)."""

    organisation: str
    filiere: str
    sheets: int
    kinds: tuple[str, ...]


LABELLERS = (
    Labeller("collective", "textile", 10, ("textile.collected",)),
    Labeller("workshop", "textile", 10, ("textile.reuse.export", "press_bale")),
    Labeller("flax_cooperative", "flax", 4, ("flax.fibre", "flax.tow")),
)


class DemoLabels:
    """The codes each labeller still has, handed out lot by lot from the day labels came in."""

    def __init__(self, run_key: str, start: date, days: int) -> None:
        self.run_key = run_key
        self.since = start + timedelta(days=days // 2)
        self.blocks = {
            labeller.organisation: labels.generate_codes(
                labeller.sheets * LABELS_PER_SHEET,
                random.Random(f"{run_key}/labels/{labeller.organisation}"),
            )
            for labeller in LABELLERS
        }
        self.unused = {key: list(codes) for key, codes in self.blocks.items()}
        self.labelled = {
            kind: labeller.organisation for labeller in LABELLERS for kind in labeller.kinds
        }

    def allocations(self) -> list[tuple[str, AllocateLabels]]:
        """The blocks to allocate, each for its organisation, with fixed ids and codes."""
        return [
            (
                labeller.organisation,
                AllocateLabels(
                    len(self.blocks[labeller.organisation]),
                    demo_id("organisation", labeller.organisation),
                    labeller.filiere,
                    id=demo_id("label_block", self.run_key, labeller.organisation),
                    codes=list(self.blocks[labeller.organisation]),
                ),
            )
            for labeller in LABELLERS
        ]

    def next_code(self, organisation: str, kind: str, at: datetime) -> str | None:
        """The code to stick on a new lot of this kind, if its holder labels such lots then."""
        if self.labelled.get(kind) != organisation or at.date() < self.since:
            return None
        unused = self.unused[organisation]
        return unused.pop(0) if unused else None


@dataclass(frozen=True)
class LabelInStock:
    """A demo label on a batch still held at a site: what to print, and what it is on."""

    code: str
    batch_id: UUID
    material: str
    mass_kg: float
    site_id: UUID


def labels_in_stock(ledger: Ledger) -> list[LabelInStock]:
    """The labels of the demo's labellers bound to batches still held, block by block."""
    uow = UnitOfWork(ledger)
    found: list[LabelInStock | None] = []
    for labeller in LABELLERS:
        holder = demo_id("organisation", labeller.organisation)
        register = uow.get(LabelRegister.create_id(holder), LabelRegister)
        for block_id in register.blocks if register else []:
            found += [held_batch(ledger, code) for code in ledger.label_block_codes(block_id)]
    return [label for label in found if label is not None]


def held_batch(ledger: Ledger, code: str) -> LabelInStock | None:
    """The label and its batch, when it is on a batch held at a site."""
    batch_id = ledger.label_status(code)["batch_id"]
    if batch_id is None:
        return None
    batch = ledger.batch(UUID(batch_id))
    if batch["state"] != "held":
        return None
    site_id = UUID(batch["site_id"])
    return LabelInStock(code, UUID(batch_id), batch["material"], batch["mass_kg"], site_id)
