"""Command handlers of the ledger application, one module per kind of thing they change."""
