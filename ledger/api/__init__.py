"""The HTTP API v1 of the ledger (FastAPI).

``create_app`` is imported on first use: the schemas (``ledger.api.schemas``), which the import
command reads, do not pull in FastAPI and every router.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from ledger.api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
