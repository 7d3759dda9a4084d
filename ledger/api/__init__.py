"""The HTTP API v1 of the ledger (FastAPI)."""

from ledger.api.app import create_app

__all__ = ["create_app"]
