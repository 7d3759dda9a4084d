"""The territory's accounts (DESIGN §8): EW-MFA figures in tonnes and joules for nested territories,
from declared flows and from the ledger's own batches, communes against potential, map data.

Reads the views (``ledger.projections``) and the catalogue; the batches view only through
``ledger.territory.batch_flows``. Imports nothing from the API, the pages or the command line.
"""
