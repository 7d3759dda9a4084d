"""The templates of the desk pages: Jinja2 with autoescape, so every value a user wrote is
escaped wherever a page shows it; nothing is marked safe but markup the ledger built itself.

Templates live in ``ledger/web/templates/desk/``; each page extends ``base.html``. Filters write
numbers in the page's language (``{{ mass|kg }}``), ``t("key", name=…)`` gives the words.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ledger.web.desk import formats

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "desk"


@cache
def environment() -> jinja2.Environment:
    """One environment for the process: templates are read once, escaping is always on."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        {
            "number": lambda v, d=0, lang="fr": formats.number(v, d, lang),
            "kg": lambda v, lang="fr": formats.kg(v, lang),
            "tonnes": lambda v, lang="fr", d=3: formats.tonnes(v, lang, d),
            "percent": lambda v, lang="fr", d=1: formats.percent(v, lang, d),
            "long_date": lambda v, lang="fr": formats.long_date(v, lang),
            "moment": lambda v, lang="fr": formats.moment(v, lang),
        }
    )
    return env


def render_template(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(context)


def trusted(markup: str) -> Markup:
    """Markup the ledger drew itself (an SVG chart built with escaped values): shown as is."""
    return Markup(markup)
