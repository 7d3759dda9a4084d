"""The registry view: organisations, sites, tokens and the territory's communes.

Indicators join sites and organisations; the pages list them; administrators list an
organisation's tokens from here (id, role, label, when issued and revoked: never the hash).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ledger.projections.base import Page, topic_name, utc_text
from ledger.projections.db import ViewDatabase

SITE_COLUMNS = (
    "site_id", "owner_id", "name", "kind", "commune_insee", "country", "latitude_e6",
    "longitude_e6", "address", "postal_code", "city", "accepts_filieres",
)  # fmt: skip
ORGANISATION_COLUMNS = (
    "organisation_id", "name", "kinds", "siret", "vat_number", "address", "postal_code", "city",
    "country",
)  # fmt: skip
TOKEN_COLUMNS = (
    "token_uuid", "token_id", "owner_id", "role", "label", "issued_at", "issued_by", "revoked_at",
)  # fmt: skip
# A site is inside iff it is in France and its commune is in the territory as it is now: the
# figures decide it at query time for every period (DESIGN §5), from this view's tables.
INSIDE_SITES = (
    "SELECT s.site_id FROM view_sites s "
    "JOIN view_communes c ON c.commune_insee = s.commune_insee WHERE s.country = 'FR'"
)


def columns_sql(names: tuple[str, ...], key: str) -> str:
    return ", ".join(f"{n} TEXT PRIMARY KEY" if n == key else f"{n} TEXT" for n in names)


def stored(name: str, value: Any) -> Any:
    """A detail as the view keeps it: lists as JSON (accepted filières) or commas (kinds)."""
    if name == "kinds":
        return ",".join(value)
    if name == "accepts_filieres":
        return json.dumps(list(value))
    if name.endswith("_e6"):
        return None if value is None else str(value)
    return value


class RegistryView:
    """Sites, organisations and tokens as they are now, and the communes of the territory."""

    name: ClassVar[str] = "registry"
    tables: ClassVar[tuple[str, ...]] = (
        "view_sites", "view_organisations", "view_communes", "view_tokens",
    )  # fmt: skip
    topics: ClassVar[frozenset[str]] = frozenset(
        (
            "Site.Registered",
            "Site.Updated",
            "Organisation.Registered",
            "Organisation.Updated",
            "Token.Issued",
            "Token.Revoked",
            "Territory.Defined",
            "Territory.Redefined",
        )
    )

    def create(self, db: ViewDatabase) -> None:
        db.execute(
            f"CREATE TABLE IF NOT EXISTS view_sites ({columns_sql(SITE_COLUMNS, 'site_id')})"
        )
        organisations = columns_sql(ORGANISATION_COLUMNS, "organisation_id")
        db.execute(f"CREATE TABLE IF NOT EXISTS view_organisations ({organisations})")
        db.execute("CREATE TABLE IF NOT EXISTS view_communes (commune_insee TEXT PRIMARY KEY)")
        db.execute(
            f"CREATE TABLE IF NOT EXISTS view_tokens ({columns_sql(TOKEN_COLUMNS, 'token_uuid')})"
        )
        db.execute("CREATE INDEX IF NOT EXISTS view_tokens_owner ON view_tokens (owner_id)")

    def apply(self, db: ViewDatabase, page: Page) -> None:
        communes: list[str] | None = None
        row: list[Any]
        for _, event in page:  # in order: a site may be registered and updated in one page
            topic = topic_name(event)
            if topic == "Site.Registered":
                row = [str(event.originator_id), str(event.owner_id)]
                row += [stored(n, getattr(event, n)) for n in SITE_COLUMNS[2:]]
                insert(db, "view_sites", SITE_COLUMNS, row)
            elif topic == "Organisation.Registered":
                row = [str(event.originator_id)]
                row += [stored(n, getattr(event, n)) for n in ORGANISATION_COLUMNS[1:]]
                insert(db, "view_organisations", ORGANISATION_COLUMNS, row)
            elif topic == "Site.Updated":
                update(db, "view_sites", SITE_COLUMNS, str(event.originator_id), event.changes)
            elif topic == "Organisation.Updated":
                update(
                    db,
                    "view_organisations",
                    ORGANISATION_COLUMNS,
                    str(event.originator_id),
                    event.changes,
                )
            elif topic == "Token.Issued":
                row = [
                    str(event.originator_id), event.originator_id.hex[:12], str(event.owner_id),
                    event.role, event.label, utc_text(event.timestamp), event.token_id, None,
                ]  # fmt: skip
                insert(db, "view_tokens", TOKEN_COLUMNS, row)
            elif topic == "Token.Revoked":
                db.execute(
                    "UPDATE view_tokens SET revoked_at = ? WHERE token_uuid = ?",
                    (utc_text(event.timestamp), str(event.originator_id)),
                )
            elif topic in ("Territory.Defined", "Territory.Redefined"):
                communes = list(event.communes_insee)
        if communes is not None:  # the territory as it is now: the last definition wins
            db.execute("DELETE FROM view_communes")
            db.executemany("INSERT INTO view_communes VALUES (?)", [(c,) for c in communes])


def insert(db: ViewDatabase, table: str, names: tuple[str, ...], row: list[Any]) -> None:
    marks = ", ".join("?" * len(names))
    db.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks}) "
        f"ON CONFLICT ({names[0]}) DO NOTHING",
        row,
    )


def update(
    db: ViewDatabase, table: str, names: tuple[str, ...], key: str, changes: dict[str, Any]
) -> None:
    """Set the changed columns of one row (only the table's own columns: nothing else is
    ever written into the statement)."""
    known = {name: value for name, value in changes.items() if name in names[1:]}
    if not known:
        return
    assignments = ", ".join(f"{name} = ?" for name in known)
    values = [stored(name, value) for name, value in known.items()]
    db.execute(f"UPDATE {table} SET {assignments} WHERE {names[0]} = ?", [*values, key])


def token_records(
    db: ViewDatabase, organisation_id: Any, last_used: dict[str, str]
) -> list[dict[str, Any]]:
    """An organisation's tokens, newest first, as administrators list them."""
    rows = db.query(
        "SELECT token_uuid, token_id, owner_id, role, label, issued_at, revoked_at "
        "FROM view_tokens WHERE owner_id = ? ORDER BY issued_at DESC",
        (str(organisation_id),),
    )
    names = ("id", "token_id", "organisation_id", "role", "label", "issued_at", "revoked_at")
    records = [dict(zip(names, row, strict=True)) for row in rows]
    for record in records:
        record["last_used_at"] = last_used.get(record["token_id"])
    return records
