"""The words of the desk pages, in French (the default) and English.

Each area of the ledger keeps its own catalog, ``ledger/web/i18n/<area>.json``:
``{"key": {"fr": "…", "en": "…"}}``; keys are dotted and start with the area's name
(``admin.tokens.title``). A key missing in English falls back to French, then to the key itself,
so a missing word shows as its key (and a test lists keys without both languages).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import Request

CATALOGS = Path(__file__).resolve().parents[1] / "i18n"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "ledger_lang"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every key of every area's catalog (a key defined twice is an error)."""
    words: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGS.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in words:
                raise ValueError(f"{path.name}: the key {key!r} is defined twice")
            words[key] = texts
    return words


def translate(lang: str, key: str, **params: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    texts = catalog().get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in catalog()


def choose_language(request: Request) -> str:
    """``?lang=`` (kept in a cookie by the response), else the cookie, else the browser's
    preference between French and English, else French."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(LANGUAGE_COOKIE)
    if kept in LANGUAGES:
        return kept
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
