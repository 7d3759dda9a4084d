"""Indicators: the figures of DESIGN §5 as SQL aggregations over the views, and their pictures.

Every figure is a pure function of a :class:`~ledger.projections.db.ViewDatabase` that reads in one
snapshot and says which position of the views it reflects. Nothing here replays the event log.
"""

from ledger.indicators.circularity import circularity
from ledger.indicators.jobs import jobs
from ledger.indicators.metabolism import metabolism
from ledger.indicators.periods import Period, parse_period, resolve_period
from ledger.indicators.refashion import refashion_statement
from ledger.indicators.stock import stock

__all__ = [
    "Period",
    "circularity",
    "jobs",
    "metabolism",
    "parse_period",
    "refashion_statement",
    "resolve_period",
    "stock",
]
