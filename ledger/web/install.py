"""Wiring the phone pages into the API app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ledger.web import territory_pages
from ledger.web.desk import (
    admin,
    admin_labels,
    admin_materials,
    admin_registry,
    admin_territory,
    admin_tokens,
    work_figures,
)
from ledger.web.desk import audit as audit_pages
from ledger.web.desk import corrections as correction_pages
from ledger.web.desk import dashboard as dashboard_page
from ledger.web.desk import pages as desk_pages
from ledger.web.desk import work as work_pages
from ledger.web.pages import api, pages
from ledger.web.shell import STATIC


def install_web(app: FastAPI) -> None:
    """Pages at the root (``/scan``, ``/l/{code}``…), their JSON under ``/web/api``, and their
    scripts, styles and vendored QR decoder under ``/static/web`` (no page uses a CDN)."""
    app.include_router(desk_pages.router)
    app.include_router(territory_pages.router)
    app.include_router(dashboard_page.router)
    app.include_router(audit_pages.router)
    app.include_router(correction_pages.router)
    admin_areas = (admin, admin_registry, admin_tokens, admin_materials, admin_labels)
    for area in (*admin_areas, admin_territory):
        app.include_router(area.router)
    app.include_router(work_pages.router)
    app.include_router(work_figures.router)
    app.include_router(pages)
    app.include_router(api)
    app.mount("/static/web", StaticFiles(directory=STATIC), name="web-assets")
