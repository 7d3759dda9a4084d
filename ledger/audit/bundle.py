"""Evidence bundles: a statement with everything needed to check it without trusting the ledger.

A bundle is a zip holding the statement (JSON, CSV and a PDF a person can read and sign), the
events behind every figure (``events.jsonl``), the stored records from the chain checkpoint
before the first of them up to the head (``records.jsonl``, DESIGN §7), the checkpoint and head
digests (``chain.json``), the material routes and the year's rates (``context.json``), and
``verify.py``, a standard-library script that recomputes the digests and the figures.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from importlib import resources
from typing import Any
from uuid import UUID

from ledger.application.core import LedgerCore
from ledger.application.queries import recorded_at
from ledger.application.representations import event_payload, iso
from ledger.audit.chain import CHECKPOINT_EVERY, GENESIS, HashChain, hex_id, sealed_content
from ledger.indicators.periods import parse_period
from ledger.indicators.refashion import rates_for, refashion_statement
from ledger.indicators.statement_csv import statement_csv
from ledger.indicators.statement_pdf import statement_pdf
from ledger.projections.db import ViewDatabase

README = """Evidence bundle of the filière ledger

statement.json / .csv / .pdf  the Refashion sorting-support statement
events.jsonl                  the events behind every figure (sortings and work logs)
records.jsonl                 the stored records, checkpoint to head, as the ledger chained them
chain.json                    checkpoint and head digests of the hash chain
context.json                  material routes and the year's support rates
verify.py                     run `python3 verify.py` here: standard library only
"""


def evidence_ids(db: ViewDatabase, organisation_id: str, start: str, end: str) -> list[str]:
    """The sortings, their batches and the work logs the statement's figures come from.

    Facts are read as the views keep them, restatements included: a batch or a work log a
    correction moved into the period, or out of it, is evidence of the period either way (the
    verifier decides from its events whether it counts).
    """
    facts = db.query(  # corrections to these batches change the figures
        "SELECT DISTINCT transformation_id, batch_id FROM view_flows "
        "WHERE kind IN ('consumed', 'produced') AND process = 'sorting' "
        "AND organisation_id = ? AND occurred_date BETWEEN ? AND ?",
        (organisation_id, start, end),
    )
    logs = db.query(
        "SELECT work_log_id FROM view_work_logs WHERE organisation_id = ? "
        "AND work_date BETWEEN ? AND ?",
        (organisation_id, start, end),
    )
    ids = {str(value) for row in facts for value in row} | {str(row[0]) for row in logs}
    return sorted(ids)


def evidence_positions(ledger: LedgerCore, ids: list[str]) -> list[int]:
    positions: list[int] = []
    for aggregate_id in ids:
        positions += ledger.event_log.positions(UUID(aggregate_id)).values()
    return sorted(positions)


def records_between(ledger: LedgerCore, after: int, last: int) -> list[Any]:
    records: list[Any] = []
    while after < last:
        page = ledger.recorder.select_notifications(
            start=after, limit=min(5000, last - after), inclusive_of_start=False
        )
        if not page:
            break
        records += page
        after = page[-1].id
    return records


def record_json(record: Any, whole: bool) -> dict[str, Any]:
    """A chained record: whole when it is behind a figure, else sealed (its place and the digest
    of its content: enough to recompute the chain, nothing of what it says)."""
    placed = {
        "position": record.id,
        "originator_id": hex_id(record.originator_id),
        "version": record.originator_version,
    }
    if not whole:
        return {**placed, "sealed": sealed_content(record.topic, record.state).hex()}
    return {
        **placed,
        "topic": record.topic,
        "state": base64.b64encode(bytes(record.state)).decode(),
    }


def event_json(ledger: LedgerCore, record: Any) -> dict[str, Any]:
    event = ledger.mapper.to_domain_event(record)
    return {
        "position": record.id,
        "type": type(event).__qualname__,
        "aggregate_id": str(event.originator_id),
        "version": event.originator_version,
        "occurred_at": iso(getattr(event, "occurred_at", None)),
        "recorded_at": iso(recorded_at(event)),
        "payload": event_payload(event),
    }


def build_bundle(
    ledger: LedgerCore, db: ViewDatabase, organisation_id: str, period_text: str
) -> tuple[bytes, dict[str, Any]]:
    """The zip of a statement's evidence, and the statement."""
    # The statement first, then the chain up to the log's head: every event the statement's
    # views had applied is then among the records (the verifier counts up to its position).
    statement = refashion_statement(db, organisation_id, period_text)
    chain = HashChain(ledger, db=db)
    chain.catch_up()
    head_position, head_digest = chain.head()
    statement["chain_head"] = head_digest.hex()
    period = parse_period(period_text)
    ids = evidence_ids(db, organisation_id, period.start.isoformat(), period.end.isoformat())
    positions = evidence_positions(ledger, ids)
    first = positions[0] if positions else head_position
    checkpoint = (max(first - 1, 0) // CHECKPOINT_EVERY) * CHECKPOINT_EVERY
    checkpoint_digest = GENESIS.hex()
    if checkpoint:
        checkpoint_digest = str(
            db.scalar("SELECT digest FROM audit_chain WHERE position = ?", (checkpoint,))
        )
    records = records_between(ledger, checkpoint, head_position)
    wanted = set(positions)
    files = {
        "statement.json": json.dumps(statement, ensure_ascii=False, indent=2),
        "statement.csv": statement_csv(statement),
        "events.jsonl": lines(event_json(ledger, r) for r in records if r.id in wanted),
        "records.jsonl": lines(record_json(r, r.id in wanted) for r in records),
        "chain.json": json.dumps(
            {
                "checkpoint": {"position": checkpoint, "digest": checkpoint_digest},
                "head": {"position": head_position, "digest": head_digest.hex()},
            },
            indent=2,
        ),
        "context.json": json.dumps(context(ledger, period.year), indent=2),
        "verify.py": verifier_source(),
        "README.txt": README,
    }
    return zipped(files, statement_pdf(statement)), statement


def lines(items: Any) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def context(ledger: LedgerCore, year: int | None) -> dict[str, Any]:
    rates = rates_for(year) if year is not None else None
    return {
        "routes": {m.code: m.route for m in ledger.catalogue().all()},
        "rates": {
            "sbase": str(rates.sbase),
            "scomp_recycling": str(rates.scomp_recycling),
            "scomp_csr": str(rates.scomp_csr),
            "svalo_e": str(rates.svalo_e),
        }
        if rates
        else {},
    }


def verifier_source() -> str:
    return resources.files("ledger.audit").joinpath("bundle_verifier.py").read_text("utf-8")


def zipped(files: dict[str, str], pdf: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("statement.pdf", pdf)
    return buffer.getvalue()
