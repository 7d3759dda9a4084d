"""The demo's registers, read as Trackdéchets' import reads them: every row is accepted.

The files go through Trackdéchets' header check and row rules, re-implemented in
``tests.trackdechets`` from its source; each movement of a site's register is a row of the file,
a row reported for a missing value, or a movement the national register does not declare, with
its reason (nothing is dropped).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from ledger.application.ledger import Ledger
from ledger.audit.register import site_register
from ledger.audit.register_national import NationalRegister, national_register
from ledger.demo.data import SITES, containers, demo_id
from ledger.demo.loader import load_demo
from ledger.indicators.periods import parse_dates
from ledger.projections.runner import ProjectionRunner
from tests.trackdechets.headers import HeaderError, normalize_header, read_import
from tests.trackdechets.refinements import check_row
from tests.trackdechets.templates import template

NOT_DECLARED = {
    "dropped_off_by_households",  # a street container's collections
    "prepared_for_reuse",  # reuse grades arriving at the shops
    "treated_on_site",  # burnt, recycled or sold where they were
    "site_abroad",  # the spinning mill in Italy
}


@pytest.fixture
def runner(ledger: Ledger) -> Iterator[ProjectionRunner]:
    runner = ProjectionRunner(ledger)
    yield runner
    runner.close()


def declared(register: NationalRegister) -> list[dict[str, str | None]]:
    """The file's rows as Trackdéchets' import reads them (its header check first)."""
    text = register.csv()
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    expected = template(register.direction)
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert [normalize_header(h) for h in header] == [normalize_header(h) for h in expected.values()]
    return read_import(text, expected)


def test_every_row_of_the_demos_registers_passes_trackdechets_rules(
    ledger: Ledger, runner: ProjectionRunner
) -> None:
    summary = load_demo(ledger, end=ledger.today())
    runner.catch_up()
    views = runner.db
    period = parse_dates(str(summary.start), str(summary.end - timedelta(days=1)))
    rows_by_site: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for site in (*SITES, *containers()):
        site_id = demo_id("site", site.key)
        movements = Counter(row.direction for row in site_register(ledger, views, site_id, period))
        for direction in ("incoming", "outgoing"):
            register = national_register(ledger, views, site_id, direction, period)
            rows = declared(register)
            assert [check_row(row, direction) for row in rows] == [[]] * len(rows), site.key
            assert register.reported == [], site.key
            found = len(rows) + len(register.not_declared)
            assert found == movements[direction], (site.key, direction)
            rows_by_site[f"{site.key} {direction}"] = len(rows)
            reasons.update(entry["reason"] for entry in register.not_declared)
    assert set(reasons) == NOT_DECLARED
    assert rows_by_site["sorting_centre incoming"] > 300  # the containers' loads, weighed in
    assert rows_by_site["sorting_centre outgoing"] > 500  # shops, mills, buyer, boiler, landfill
    for key in ("chipping_platform", "scutching_mill", "gonfreville_boiler", "landfill"):
        assert rows_by_site[f"{key} incoming"] > 0, key
    assert rows_by_site["container_01 outgoing"] > 0
    assert sum(rows_by_site.values()) > 1500


def test_trackdechets_refuses_a_file_with_a_header_it_does_not_know() -> None:
    expected = template("incoming")
    headers = ["\ufeffMOTIF ", "Identifiant unique", "Erreur", "Poids (kg)"]
    with pytest.raises(HeaderError, match='Colonne D - en-tête "Poids \\(kg\\)" inconnue'):
        read_import(";".join(headers) + "\r\n", expected)
    rows = read_import("Motif;  identifiant UNIQUE;Erreur\r\n;A-1;x\r\n;;\r\n", expected)
    assert rows == [{"reason": None, "publicId": "A-1"}]  # accents, case, spaces ignored
