"""The ledger's cache of sites: changes made by another process are seen within seconds, and
the sites nobody changed are not read again (a national import touches 47,000 of them)."""

from __future__ import annotations

from ledger.application.commands import UpdateSite
from ledger.application.core import UnitOfWork
from ledger.application.ledger import Ledger
from ledger.settings import Settings
from tests.territory import ADMIN, register, site


def test_another_process_change_is_seen_and_nothing_else_is_read_again(
    ledger: Ledger, settings: Settings
) -> None:
    owner = register(ledger, "Tri Caux", ["sorter"])
    changed_id = site(ledger, owner, "Centre de tri", "sorting_centre", "76384")
    kept_id = site(ledger, owner, "Point d'apport", "collection_point", "76114")
    other = Ledger(settings)  # another process on the same ledger
    try:
        before = other.site(UnitOfWork(other), changed_id)
        kept = other.site(UnitOfWork(other), kept_id)
        assert before.name == "Centre de tri"
        ledger.update_site(ADMIN, changed_id, UpdateSite({"name": "Centre de tri de Lillebonne"}))
        assert other.site(UnitOfWork(other), changed_id).name == "Centre de tri"  # within 10 s
        other._sites_renewed -= 60  # ten seconds later
        assert other.site(UnitOfWork(other), changed_id).name == "Centre de tri de Lillebonne"
        assert other.site(UnitOfWork(other), kept_id) is kept  # the cached object, not read again
        other._sites_renewed -= 60  # nothing stored since: nothing forgotten
        assert other.site(UnitOfWork(other), changed_id) is other.site(
            UnitOfWork(other), changed_id
        )
    finally:
        other.close()
