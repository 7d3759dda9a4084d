"""The HTML shell every phone page shares, and the version of the assets it loads.

Pages are rendered in the browser from JSON (the same code must render them offline, from the
phone's own queue), so the server sends one small shell per page with the page's data embedded.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

WEB = Path(__file__).parent
STATIC = WEB / "static"
TEMPLATE = WEB / "templates" / "page.html"
PAGES = ("scan", "label", "login", "outbox", "sorting")
TITLES = {
    "scan": "Scanner une étiquette",
    "label": "Étiquette",
    "login": "Connexion",
    "outbox": "À synchroniser",
    "sorting": "Tri en cours",
}


@cache
def assets_version() -> str:
    """A digest of every static file: it names the service worker's cache, so a new release
    replaces what phones keep offline."""
    digest = hashlib.sha256()
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        digest.update(path.relative_to(STATIC).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def embed(data: Any) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_shell(page: str, data: dict[str, Any] | None = None) -> str:
    """The shell of a page, with its data (None when served from the phone's cache)."""
    return (
        template()
        .replace("{{page}}", page)
        .replace("{{title}}", TITLES[page])
        .replace("{{version}}", assets_version())
        .replace("{{data}}", embed(data))
    )
