"""Stock as the ledger had recorded it at a time, folded from the flow facts recorded by then.

The batches view holds each batch as it is now; the flow facts are append-only and carry their
recording time, corrections included as signed restatements, so a batch as known at a time is
the fold of its facts recorded by then: its mass is what was collected or made, less
adjustments, plus what receipts found more or less than was dispatched; its place, holder and
state are those of its latest movement (the fact of its highest version that is not an
adjustment), and its material the one that movement's facts net to.

This reads every fact recorded by the time (1.5 s at the middle of the benchmark's million-event
log, 3.1 s at its end: `bench/stock_as_of.py`): it is for audits, not for the phone pages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.indicators.stock import stock_row
from ledger.indicators.views import views_position
from ledger.projections.base import utc_text
from ledger.projections.db import ViewDatabase

STATE_OF_KIND = {
    "collected": "held",
    "produced": "held",
    "received": "held",
    "dispatched": "in_transit",
    "refused": "held",  # a refused receipt: back at the site it left (its dispatch restated)
    "consumed": "consumed",
    "valorised": "valorised",
}
FACTS_SQL = """
SELECT batch_id, version, kind, site_id, other_site_id, organisation_id, material, filiere,
       mass_g, reference_g
FROM view_flows WHERE recorded_at <= ? ORDER BY position
"""


@dataclass
class BatchThen:
    """One batch as folded from its facts so far."""

    mass_g: int = 0
    version: int = 0
    kind: str = ""
    site_id: str = ""
    destination_site_id: str | None = None
    holder_id: str = ""
    materials: Counter[tuple[str, str | None]] = field(default_factory=Counter)

    def add(self, fact: tuple[Any, ...]) -> None:
        _, version, kind, site, other, holder, material, filiere, mass, reference = fact
        if kind in ("collected", "produced"):
            self.mass_g += mass
        elif kind == "adjusted":
            self.mass_g -= mass
            return
        elif kind == "received":
            self.mass_g += mass - (reference or 0)
        if version > self.version:
            self.version, self.kind, self.site_id, self.holder_id = version, kind, site, holder
            self.destination_site_id = other if kind == "dispatched" else None
            self.materials = Counter()
        if version == self.version:
            self.materials[(material, filiere)] += mass

    @property
    def material(self) -> tuple[str, str | None]:
        """The material (and filière) the latest movement's facts net to."""
        return max(self.materials.items(), key=lambda item: item[1])[0]


def stock_as_recorded(
    db: ViewDatabase,
    as_of: datetime,
    site_id: UUID | str | None = None,
    organisation_id: UUID | str | None = None,
    filiere: str | None = None,
    material: str | None = None,
) -> dict[str, Any]:
    """The stock representation, as the ledger had recorded it at ``as_of``."""
    with db.snapshot():
        facts = db.query(FACTS_SQL, (utc_text(as_of),))
        position = views_position(db, "batches")
    batches: dict[str, BatchThen] = defaultdict(BatchThen)
    for fact in facts:
        batches[str(fact[0])].add(fact)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for batch in batches.values():
        state = STATE_OF_KIND.get(batch.kind)
        if state not in ("held", "in_transit"):
            continue
        found, its_filiere = batch.material
        key = (batch.site_id, found, state, batch.holder_id, its_filiere, batch.destination_site_id)
        groups[key][0] += batch.mass_g
        groups[key][1] += 1
    wanted = {"site": site_id, "holder": organisation_id, "filiere": filiere, "material": material}
    data = [
        stock_row((*key, mass_g, count))
        for key, (mass_g, count) in sorted(
            groups.items(), key=lambda item: tuple(str(part or "") for part in item[0])
        )
        if matches((key[0], key[3], key[4], key[1]), wanted)  # site, holder, filière, material
    ]
    return {"data": data, "count": len(data), "position": position, "as_of": as_of}


def matches(values: tuple[Any, ...], wanted: dict[str, Any]) -> bool:
    for value, chosen in zip(values, wanted.values(), strict=True):
        if chosen is not None and str(chosen) != value:
            return False
    return True
