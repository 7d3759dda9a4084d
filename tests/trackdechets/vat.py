"""jsvat's ``checkVAT`` for the countries the tests meet (Trackdéchets checks EU VAT numbers so).

``removeExtraChars`` (upper case, no spaces, dashes, dots or slashes), the country found by the
number's prefix, its regular expression, then its ``calcFn`` on the digits: Poland
(``countries/poland.ts``) and Italy (``countries/italy.ts``). A number of any other country is
reported as not checked, so a test meeting one fails until its rule is added here.
"""

from __future__ import annotations

import re

POLAND = (6, 5, 7, 2, 3, 4, 5, 6, 7)
ITALY = (1, 2, 1, 2, 1, 2, 1, 2, 1, 2)


def poland(digits: str) -> bool:
    total = sum(int(digits[i]) * POLAND[i] for i in range(9)) % 11
    total = 0 if total > 9 else total
    return total == int(digits[9])


def italy(digits: str) -> bool:
    if int(digits[:7]) == 0:
        return False
    office = int(digits[7:10])
    if office < 1 or (office > 201 and office not in (999, 888)):
        return False
    total = 0
    for i in range(10):
        product = int(digits[i]) * ITALY[i]
        total += product // 10 + product % 10 if product > 9 else product
    check = 10 - total % 10
    return (0 if check > 9 else check) == int(digits[10])


COUNTRIES = {
    "PL": (re.compile(r"^(PL)(\d{10})$"), poland),
    "IT": (re.compile(r"^(IT)(\d{11})$"), italy),
}


def check_vat(vat: str) -> tuple[bool, str | None]:
    """Whether the number is valid, and the country its prefix names (None: not re-implemented)."""
    clean = re.sub(r"(\s|-|\.|/)+", "", vat.upper())
    country = clean[:2]
    if country not in COUNTRIES:
        return False, None
    pattern, calc = COUNTRIES[country]
    found = pattern.match(clean)
    return bool(found and calc(found.group(2))), country
