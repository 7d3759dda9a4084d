"""The territory's summaries (by day and by month) follow the territory's sites: when the
territory is redefined, when a site is registered inside, when a view is rebuilt alone, the
month's metabolism read from it equals the one read from the facts, and the summary equals the
facts summed again from nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ledger.indicators.sums import inside_summary_current
from ledger.projections import flow_sums
from ledger.projections.db import ViewDatabase
from ledger.projections.flow_sums import FLAGS_KEY, SUMMARIES, TOTALS, resum_inside
from ledger.projections.runner import ProjectionRunner
from ledger.settings import Settings
from tests.api.conftest import WAIT, Api
from tests.api.test_indicators_api import sorted_in_august  # noqa: F401 (a fixture)

LATER = "2999-01-01T00:00:00Z"  # as recorded then: the facts, not the sums


@pytest.fixture
def views(settings: Settings) -> Iterator[ViewDatabase]:
    db = ViewDatabase(settings)
    yield db
    db.close()


def textile(api: Api, **query: str) -> dict[str, Any]:
    response = api.get("auditor", "/metabolism", period="2026-08", **query)
    assert response.status_code == 200, response.text
    figures: dict[str, Any] = response.json()["filieres"]["textile"]
    return figures


def summary(db: ViewDatabase) -> list[tuple[Any, ...]]:
    """Both summaries' rows, the day's first."""
    order = ", ".join(str(i + 1) for i in range(9))  # the key: one order on both databases
    columns = ", ".join((*FLAGS_KEY, *TOTALS))
    return [
        row
        for table, first, _ in SUMMARIES
        for row in db.query(f"SELECT {first}, {columns} FROM {table} ORDER BY {order}")
    ]


class Undone(Exception):
    """Leaves a transaction without keeping what was done in it."""


def kept_and_summed_again(db: ViewDatabase) -> tuple[list[Any], list[Any]]:
    """The summary, and the summary as the monthly sums give it from nothing, both in one
    transaction that is then undone."""
    kept: list[Any] = []
    again: list[Any] = []
    try:
        with db.transaction():
            assert inside_summary_current(db)
            kept = summary(db)
            resum_inside(db)
            again = summary(db)
            raise Undone
    except Undone:
        pass
    return kept, again


def agrees(api: Api, db: ViewDatabase) -> dict[str, Any]:
    """The month's figures, once checked against the facts and the summary against its sums."""
    figures = textile(api)
    assert figures == textile(api, as_of=LATER)
    kept, again = kept_and_summed_again(db)
    assert kept == again
    assert kept
    return figures


def territory(api: Api, communes: list[str]) -> None:
    body = {"name": "Caux Vallée de Seine", "communes_insee": communes}
    headers = {**api.headers("admin"), **WAIT}
    response = api.client.put("/api/v1/territory", json=body, headers=headers)
    assert response.status_code == 200, response.text


def test_the_summary_follows_the_territory_s_sites(
    sorted_in_august: Api,  # noqa: F811 (the fixture imported above)
    views: ViewDatabase,
) -> None:
    api = sorted_in_august
    first = agrees(api, views)
    assert (first["local_collection_kg"], first["exports_kg"]) == (412.5, 250)

    territory(api, ["76384"])  # Bolbec's workshop is outside now: the bag left when dispatched
    outside = agrees(api, views)
    assert (outside["exports_kg"], outside["losses_kg"]) == (412.5, 0)

    # The workshop's commune comes back, with a new site in a new commune (no flows yet).
    territory(api, ["76384", "76114", "76305"])
    assert agrees(api, views) == first
    api.site("depot", "collectors", "collection_point", "76305")
    assert agrees(api, views) == first

    ledger = api.client.app.state.ledger  # type: ignore[attr-defined]
    for names in (["registry"], ["batches"], None):  # one view rebuilt alone, then all
        runner = ProjectionRunner(ledger)
        try:
            runner.rebuild(names)
        finally:
            runner.close()
        assert agrees(api, views) == first


def test_a_summary_behind_the_territory_is_not_read(
    sorted_in_august: Api,  # noqa: F811 (the fixture imported above)
    views: ViewDatabase,
) -> None:
    """Were the summary to miss a change of the territory's sites (its view stopped), the
    figures read the monthly sums: the same answer."""
    api = sorted_in_august
    before = textile(api)
    with views.transaction():  # the summary, wrong, and the sites it kept, one short
        for table, _, _ in SUMMARIES:
            views.execute(f"UPDATE {table} SET mass_g = 2 * mass_g")
        views.execute(
            "DELETE FROM view_flow_inside_sites WHERE site_id = ?", (api.ids["container"],)
        )
        assert not inside_summary_current(views)
    assert textile(api) == before


@pytest.mark.parametrize("why", ["index dropped", "many sites"])
def test_the_summary_summed_again_whole_gives_the_same_figures(
    sorted_in_august: Api,  # noqa: F811 (the fixture imported above)
    views: ViewDatabase,
    why: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While a rebuild has dropped the facts' site and date index, or when more sites come in
    or go out than ``RESUM_ABOVE`` (a territory redefined), a change of the territory's sites
    sums the summaries again from the facts in one statement: the same figures."""
    api = sorted_in_august
    first = agrees(api, views)
    if why == "index dropped":
        with views.transaction():
            views.execute("DROP INDEX view_flows_site_date")
    else:
        monkeypatch.setattr(flow_sums, "RESUM_ABOVE", 0)
    territory(api, ["76384"])
    outside = agrees(api, views)
    assert (outside["exports_kg"], outside["losses_kg"]) == (412.5, 0)
    territory(api, ["76384", "76114"])
    assert agrees(api, views) == first
