"""The ledger application: every command and query, on the eventsourcing library."""

from __future__ import annotations

from ledger.application.handlers.allocation import AllocationCommands
from ledger.application.handlers.batches import BatchCommands
from ledger.application.handlers.catalogue import CatalogueCommands
from ledger.application.handlers.communes import CommuneCommands
from ledger.application.handlers.correction_preview import CorrectionPreviews
from ledger.application.handlers.declarations import DeclarationCommands
from ledger.application.handlers.registry import RegistryCommands
from ledger.application.handlers.subscriptions import SubscriptionCommands
from ledger.application.handlers.territories import TerritoryCommands
from ledger.application.handlers.transformations import TransformationCommands
from ledger.application.handlers.work import WorkCommands
from ledger.application.queries import Queries
from ledger.application.territory_queries import TerritoryQueries


class Ledger(
    RegistryCommands,
    CorrectionPreviews,
    CatalogueCommands,
    BatchCommands,
    TransformationCommands,
    WorkCommands,
    AllocationCommands,
    DeclarationCommands,
    SubscriptionCommands,
    TerritoryCommands,
    CommuneCommands,
    TerritoryQueries,
    Queries,
):
    """The filière ledger: one method per command, get → command → save."""
