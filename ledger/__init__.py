"""Filière ledger: an event-sourced traceability ledger for a territory's circular-economy chains.

One folder per concern (docs/architecture.md): domain, application, storage, projections,
indicators, territory, audit, api, web, cli, demo; ``settings.py`` is read once and passed down.
"""
