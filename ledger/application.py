"""The ledger application: every command and query, on the eventsourcing library."""

from __future__ import annotations

from ledger.handlers.allocation import AllocationCommands
from ledger.handlers.batches import BatchCommands
from ledger.handlers.declarations import DeclarationCommands
from ledger.handlers.registry import RegistryCommands
from ledger.handlers.transformations import TransformationCommands
from ledger.handlers.work import WorkCommands
from ledger.queries import Queries


class Ledger(
    RegistryCommands,
    BatchCommands,
    TransformationCommands,
    WorkCommands,
    AllocationCommands,
    DeclarationCommands,
    Queries,
):
    """The filière ledger: one method per command, get → command → save."""
