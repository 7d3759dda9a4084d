"""Label codes allocated in blocks for pre-printing.

A block of codes is allocated for one organisation and, optionally, one filière (the filière is
printed on the labels and tells a collector's phone which materials to offer). Each code also gets
an index aggregate with a deterministic id, saved in the same transaction as its block, so that no
code is ever handed out twice. A printed label that is never used costs nothing: allocation writes
no batch, and binding a code (``LabelBinding``) is a separate fact.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.catalogue import FILIERES
from ledger.domain.errors import InvalidInput

MAX_CODES_PER_BLOCK = 1000  # about 42 sheets of 24 labels: more is a mistake, not a print run


def check_block_size(count: int) -> int:
    """A block has 1 to 1,000 codes."""
    if not 1 <= count <= MAX_CODES_PER_BLOCK:
        raise InvalidInput(
            f"Allocate 1 to {MAX_CODES_PER_BLOCK} label codes at a time.", count=count
        )
    return count


def check_filiere(filiere: str | None) -> str | None:
    """A block's filière, when it has one, is one of the catalogue's."""
    if filiere is not None and filiere not in FILIERES:
        raise InvalidInput(f"filiere must be one of {', '.join(FILIERES)}.", filiere=filiere)
    return filiere


class LabelBlock(Aggregate):
    """Codes allocated together, for one organisation to print and stick on its batches."""

    class Allocated(Aggregate.Created):
        codes: list[str]
        holder_id: UUID  # the organisation the labels are printed for
        filiere: str | None
        organisation_id: UUID  # who asked for them
        token_id: str

    def __init__(self, codes: list[str], holder_id: UUID, filiere: str | None) -> None:
        self.codes = list(codes)
        self.holder_id = holder_id
        self.filiere = filiere


class AllocatedCode(Aggregate):
    """One allocated code: unique by its deterministic id, and a one-read look-up of its block."""

    class Allocated(Aggregate.Created):
        code: str
        block_id: UUID
        holder_id: UUID
        filiere: str | None

    def __init__(self, code: str, block_id: UUID, holder_id: UUID, filiere: str | None) -> None:
        self.code = code
        self.block_id = block_id
        self.holder_id = holder_id
        self.filiere = filiere

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/labels/{code}/allocation")

    @classmethod
    def allocate(cls, code: str, block: LabelBlock) -> AllocatedCode:
        return cls._create(
            cls.Allocated,
            id=cls.create_id(code),
            code=code,
            block_id=block.id,
            holder_id=block.holder_id,
            filiere=block.filiere,
        )


class LabelRegister(Aggregate):
    """The blocks allocated for one organisation; their filières are the ones it works in."""

    class Opened(Aggregate.Created):
        holder_id: UUID

    class BlockAdded(Aggregate.Event):
        block_id: UUID
        filiere: str | None
        count: int

        def apply(self, aggregate: LabelRegister) -> None:
            aggregate.blocks.append(self.block_id)
            if self.filiere and self.filiere not in aggregate.filieres:
                aggregate.filieres.append(self.filiere)
            aggregate.codes_allocated += self.count

    def __init__(self, holder_id: UUID) -> None:
        self.holder_id = holder_id
        self.blocks: list[UUID] = []
        self.filieres: list[str] = []
        self.codes_allocated = 0

    @staticmethod
    def create_id(holder_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"/ledger/labels/register/{holder_id}")

    @classmethod
    def open(cls, holder_id: UUID) -> LabelRegister:
        return cls._create(cls.Opened, id=cls.create_id(holder_id), holder_id=holder_id)

    def add(self, block: LabelBlock) -> None:
        """Note a new block of this organisation's labels."""
        self.trigger_event(
            self.BlockAdded, block_id=block.id, filiere=block.filiere, count=len(block.codes)
        )
