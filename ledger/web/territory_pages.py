"""The territory officer's pages: ``/territory`` (the EW-MFA accounts of a territory and year, its
energy, a Sankey of its whole metabolism, parent beside child) and ``/map`` (communes against
potential, sites, flows between sites)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import HTMLResponse

from ledger.domain.ewmfa import TOP_LEVEL
from ledger.projections.db import ViewDatabase
from ledger.territory.boundaries import Territories, TerritoryState, territories_at
from ledger.territory.communes import potentials
from ledger.territory.mapdata import map_data
from ledger.territory.report import accounts, read
from ledger.territory.sankey import sankey_svg
from ledger.web.desk import formats
from ledger.web.desk.context import Desk, DeskDep, desk_router
from ledger.web.desk.templating import trusted

router = desk_router()
CodeQuery = Annotated[str | None, Query(max_length=32)]
YearQuery = Annotated[int | None, Query(ge=1900, le=2999)]
FIGURES = ("de", "imp", "exp", "dmi", "dmc", "ptb", "dpo", "bi", "bo", "nas")


def views(desk: Desk) -> ViewDatabase:
    db: ViewDatabase = desk.request.app.state.views.db
    return db


def chosen(known: Territories, code: str | None) -> TerritoryState | None:
    """The territory asked for, else ``main``, else the first one."""
    if code and known.get(code):
        return known.get(code)
    return known.get("main") or (known.get(known.codes[0]) if known.codes else None)


def chosen_year(territory: TerritoryState, year: int | None) -> int | None:
    """The year asked for if the territory has data for it, else its latest up to this year."""
    years = sorted(int(y) for y in territory.population)
    if year in years:
        return year
    current = date.today().year
    return max((y for y in years if y <= current), default=years[-1] if years else None)


def accounts_of(desk: Desk, code: str, year: int) -> dict[str, Any]:
    return accounts(read(views(desk), desk.ledger.catalogue(), code, year))


def relatives(
    desk: Desk, known: Territories, territory: TerritoryState, year: int
) -> list[dict[str, Any]]:
    """The parent and the children of a territory that have data for the year."""
    codes = [territory.parent] if territory.parent else []
    codes += [child.code for child in known.children(territory.code)]
    found = []
    for code in codes:
        relative = known.get(code) if code else None
        if relative is not None and str(year) in relative.population:
            found.append(accounts_of(desk, relative.code, year))
    return found


@router.get("/territory", response_class=HTMLResponse)
def territory_page(desk: DeskDep, code: CodeQuery = None, year: YearQuery = None) -> HTMLResponse:
    """The EW-MFA accounts of a territory and year, in tonnes and joules."""
    desk.signed_in  # noqa: B018 (every reader may read the figures; signed-out: sign in)
    known = territories_at(views(desk))
    territory = chosen(known, code)
    picked = chosen_year(territory, year) if territory else None
    context: dict[str, Any] = {
        "territories": [known.by_code[c] for c in known.codes],
        "territory": territory,
        "year": picked,
        "accounts": None,
        "categories": TOP_LEVEL,
        "figures": FIGURES,
    }
    if territory is not None and picked is not None:
        found = accounts_of(desk, territory.code, picked)
        number = lambda value: formats.number(value, 0, desk.lang)  # noqa: E731
        context.update(
            accounts=found,
            relatives=relatives(desk, known, territory, picked),
            sankey=trusted(sankey_svg(found, desk.t, number)),
            years=sorted(int(y) for y in territory.population),
        )
    return desk.render("territory.html", **context)


@router.get("/map", response_class=HTMLResponse)
def map_page(
    desk: DeskDep,
    code: CodeQuery = None,
    year: YearQuery = None,
    filiere: Annotated[str, Query(max_length=32)] = "textile",
) -> HTMLResponse:
    """Sites, communes by kg per inhabitant against potential, and flows between sites."""
    desk.signed_in  # noqa: B018
    known = territories_at(views(desk))
    territory = chosen(known, code)
    picked = chosen_year(territory, year) if territory else None
    filieres = sorted(potentials())
    data = None
    if territory is not None and picked is not None:
        shown = filiere if filiere in filieres else "textile"
        data = map_data(views(desk), desk.ledger.catalogue(), territory.code, picked, shown)
    return desk.render(
        "map.html",
        territories=[known.by_code[c] for c in known.codes],
        territory=territory,
        year=picked,
        years=sorted(int(y) for y in territory.population) if territory else [],
        filieres=filieres,
        filiere=filiere if filiere in filieres else "textile",
        data=data,
        tile_url=desk.ledger.settings.map_tile_url,
    )
