"""The ``ledger`` command: one module per group of sub-commands, and the bulk importer.

Imports the application, the projections and the audit tools, lazily, so ``--help`` is fast.
"""
