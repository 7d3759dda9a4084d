"""The hash chain brought to the log's head, then verified, for tests that need both."""

from __future__ import annotations

from ledger.application.ledger import Ledger
from ledger.audit.chain import HashChain


def chain_and_verify(ledger: Ledger) -> None:
    """Chain every stored record, then check the chain against the records."""
    chain = HashChain(ledger)
    try:
        assert chain.catch_up() == ledger.event_log.max_position()
        assert chain.verify().ok
    finally:
        chain.close()
