"""The figures' words and numbers in a reader's language: tonnes with the decimals a reader
needs, gigajoules, periods, filière and route names; and the voice the Sankey speaks with.

Tonnes keep the narrow no-break space before their unit ("0,413 t"), as the dashboard and the
Sankey have always written them; a filière or route the catalogs do not name (a material a user
defined) is shown as its code, which the templates and the Sankey escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ledger.indicators.periods import Period
from ledger.web.desk import formats, i18n

NARROW = "\u202f"  # the narrow no-break space between a figure and its unit


@dataclass(frozen=True)
class PageVoice:
    """How a page in ``lang`` writes its figures (implements ``ledger.indicators.sankey.Voice``)."""

    lang: str

    def t(self, key: str, **values: object) -> str:
        return i18n.translate(self.lang, key, **values)

    def say(self, key: str, **values: object) -> str:
        return self.t(f"dashboard.sankey.{key}", **values)

    def filiere(self, code: str) -> str:
        """The dashboard's name of a filière ("Textiles usagés"), else its code."""
        for key in (f"dashboard.filiere.{code}", f"filiere.{code}"):
            if i18n.has(key):
                return self.t(key)
        return code

    def route(self, code: str) -> str:
        """ "Recyclage" / "Recycling"; "Non trié" for exports of a material without route."""
        for key in (f"route.{code}", f"dashboard.route.{code}"):
            if i18n.has(key):
                return self.t(key)
        return code

    def number(self, value: float | int, decimals: int = 0) -> str:
        return formats.number(value, decimals, self.lang)

    def tonnes_figure(self, grams: int) -> str:
        """Tonnes without their unit: 1 234 (from 100 t), 56,3 (from 1 t), else 0,412."""
        size = abs(grams)
        if size == 0:
            return "0"
        decimals = 0 if size >= 100_000_000 else 1 if size >= 1_000_000 else 3
        return formats.number(grams / 1_000_000, decimals, self.lang)

    def tonnes(self, grams: int) -> str:
        return f"{self.tonnes_figure(grams)}{NARROW}t"

    def gigajoules(self, kilojoules: int, decimals: int = 1) -> str:
        return f"{formats.number(kilojoules / 1_000_000, decimals, self.lang)}{NARROW}GJ"

    def percent(self, share: float | None, decimals: int = 1) -> str:
        return formats.percent(share, self.lang, decimals)

    def moment(self, when: datetime) -> str:
        return formats.moment(when, self.lang)

    def count(self, key: str, number: int) -> str:
        """ "1 lot", "3 lots": ``<key>.one`` or ``<key>.many`` (French counts 0 as one)."""
        one = number <= 1 if self.lang == "fr" else number == 1
        return self.t(f"{key}.{'one' if one else 'many'}", n=self.number(number))

    def period(self, period: Period) -> str:
        start, end = (formats.long_date(day, self.lang) for day in (period.start, period.end))
        return self.t("dashboard.period_words", start=start, end=end)
