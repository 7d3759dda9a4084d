"""The chronological waste register of a site: what came in and what went out, in order.

French waste holders keep a "registre chronologique" of the waste they receive and send (code
de l'environnement, art. R. 541-43; content fixed by the arrêté du 31 mai 2021 fixant le contenu
des registres déchets, JORF of 3 August 2021, in force since 1 January 2022: sorting and transit
sites keep incoming waste, producers and senders outgoing waste). A site's register has:

- **incoming** rows: collections at the site, receipts at the site, and valorisations whose
  outlet is the site (a batch sold straight to it);
- **outgoing** rows: dispatches from the site, and valorisations of batches held at the site
  (to an outlet site, an outside outlet, or on the site itself, e.g. burnt in its boiler).

Each row has its date (``occurred_at`` on the Paris wall clock), the material, the mass, whether
the mass was measured or estimated, where it came from (the sending site) and the commune where
the waste was produced (where it was collected: the collection's ``source_commune_insee`` when
the collector gave it, otherwise the collection site's commune, as the arrêté asks "le ou les
codes INSEE de la commune de collecte" for waste from many producers; for a transformation's
output, the commune of the transformation's site), where it went, the carrier, the R/D operation
code (``ledger.audit.register_codes``) and the route.

Masses are those the events recorded, with corrections of that very event applied (a corrected
collection mass shows the corrected mass; a later dispatch shows the mass it recorded). A
receipt or valorisation whose mass differs from the batch's is a new weighing ("measured");
otherwise the row inherits the batch's last weighing method. Outputs of a transformation count
as measured.

The batches concerned are found in the ``view_flows`` view (by site and date, indexed); their
rows are then built from their events in the log. A batch whose only event at the site was
moved into the period by a time correction is not found (the view keeps first-recorded dates).
"""

from __future__ import annotations

from uuid import UUID

from ledger.application.core import UnitOfWork
from ledger.application.queries import Queries
from ledger.audit.register_walk import RegisterRow, RegisterWalk
from ledger.indicators.periods import Period
from ledger.projections.db import ViewDatabase

__all__ = ["RegisterRow", "site_register"]

BATCHES_AT_SITE = """
SELECT DISTINCT batch_id FROM view_flows
WHERE occurred_date BETWEEN ? AND ? AND (site_id = ? OR other_site_id = ?)
  AND kind IN ('collected', 'dispatched', 'received', 'valorised')
ORDER BY batch_id
"""


def site_register(
    ledger: Queries, views: ViewDatabase, site_id: UUID, period: Period
) -> list[RegisterRow]:
    """The register of a site for a period, in chronological order."""
    uow = UnitOfWork(ledger)
    site = ledger.site(uow, site_id)
    walker = RegisterWalk(site, period, lambda i: ledger.site(uow, i), ledger)
    rows: list[RegisterRow] = []
    for (batch_id,) in views.query(BATCHES_AT_SITE, (*period.bounds, str(site_id), str(site_id))):
        rows.extend(walker.rows(list(ledger.events.get(UUID(str(batch_id))))))
    rows.sort(key=lambda row: (row.occurred_at, str(row.batch_id), row.version))
    return rows
