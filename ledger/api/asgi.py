"""ASGI entry point for servers that import an app (``uvicorn --factory``, several workers)."""

from __future__ import annotations

from fastapi import FastAPI

from ledger.api.app import create_app
from ledger.settings import Settings


def app_from_env() -> FastAPI:
    """The API configured by the ``LEDGER_*`` environment variables."""
    return create_app(Settings.from_env())
