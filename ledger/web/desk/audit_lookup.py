"""Finding a batch from what an auditor has in hand: a label code (typed with or without dashes,
in any case), the address a label's QR code holds (with its signature, checked), a batch id, or
the first characters of a code or an id as pages and exports print them.

A whole label code is checked by its check character first (a mistyped character is said so,
not searched for); a whole id or code finds its batch or nothing; a beginning finds every batch
it starts, up to a page of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from uuid import UUID

import labels
from labels.codes import CODE_LENGTH
from ledger.application.ledger import Ledger
from ledger.domain.errors import BatchNotFound, LabelNotFound
from ledger.projections.db import ViewDatabase
from ledger.web.card import signature_verdict

MOST = 20  # candidates listed for a beginning
SHORTEST = 4  # characters of a beginning worth searching for
HEX = re.compile(r"^[0-9a-f-]+$")
CROCKFORD = re.compile(r"^[0-9A-HJKMNP-TV-Z]+$")
ID_PREFIX_SQL = "SELECT batch_id FROM view_batches WHERE SUBSTR(batch_id, 1, ?) = ? ORDER BY 1"
CODE_PREFIX_SQL = (
    "SELECT batch_id FROM view_batches WHERE label_code IS NOT NULL "
    "AND SUBSTR(REPLACE(label_code, '-', ''), 1, ?) = ? ORDER BY label_code"
)


@dataclass
class Lookup:
    """What a search found: the batches it may mean, and what to tell the reader."""

    asked: str
    batch_ids: list[str] = field(default_factory=list)
    problem: str = ""  # a catalog key: why nothing could be searched for, or what is wrong
    detail: str = ""  # the label library's own sentence, for a code it refused
    code: str = ""  # the label code read, in its printed form
    signature: str = ""  # "valid" or "invalid" when the text held a signed address
    more: bool = False  # more candidates than listed

    @property
    def single(self) -> str | None:
        """The one batch meant, when nothing is left to say about it."""
        clear = self.signature != "invalid" and not self.more
        return self.batch_ids[0] if len(self.batch_ids) == 1 and clear else None


def find_batches(ledger: Ledger, db: ViewDatabase, text: str) -> Lookup:
    """The batches ``text`` may mean (see the module's docstring for what it may be)."""
    asked = text.strip()[:300]
    found = Lookup(asked)
    if not asked:
        return found
    if "/" in asked:
        return by_address(ledger, found)
    try:
        return by_id(ledger, found, UUID(asked))
    except ValueError:
        pass
    symbols = asked.upper().replace("-", "").replace(" ", "")
    if len(symbols) == CODE_LENGTH and (labels.is_valid(asked) or not HEX.match(asked.lower())):
        return by_code(ledger, found)  # a whole code (or a mistyped one: said so)
    return by_beginning(db, found, asked)


def by_address(ledger: Ledger, found: Lookup) -> Lookup:
    """The address a label's QR code holds: its code, and whether the ledger signed it."""
    address = found.asked if "://" in found.asked else f"https://{found.asked}"
    try:
        code, signature = labels.parse_label_url(address)
    except labels.InvalidLabelCode as error:
        found.problem, found.detail = "audit.find.not_a_label", str(error)
        return found
    found.signature = signature_verdict(code, signature, ledger.settings.signing_key())
    if found.signature == "absent":
        found.signature = ""
    return bound_batch(ledger, found, code)


def by_code(ledger: Ledger, found: Lookup) -> Lookup:
    try:
        code = labels.normalize(found.asked)
    except labels.InvalidLabelCode as error:
        found.problem, found.detail = "audit.find.invalid_code", str(error)
        return found
    return bound_batch(ledger, found, code)


def bound_batch(ledger: Ledger, found: Lookup, code: str) -> Lookup:
    found.code = code
    try:
        found.batch_ids = [ledger.label_lookup(code)["batch_id"]]
    except LabelNotFound:
        found.problem = "audit.find.unbound_code"
    return found


def by_id(ledger: Ledger, found: Lookup, batch_id: UUID) -> Lookup:
    try:
        ledger.get_batch(batch_id)
    except BatchNotFound:
        found.problem = "audit.find.unknown_id"
        return found
    found.batch_ids = [str(batch_id)]
    return found


def by_beginning(db: ViewDatabase, found: Lookup, text: str) -> Lookup:
    """Batches whose id or label code starts with ``text`` (dashes of a code ignored)."""
    lowered, symbols = text.lower(), text.upper().replace("-", "").replace(" ", "")
    if len(symbols) < SHORTEST:
        found.problem = "audit.find.too_short"
        return found
    ids: list[str] = []
    with db.snapshot():
        if HEX.match(lowered):
            ids += [str(r[0]) for r in db.query(ID_PREFIX_SQL, (len(lowered), lowered))]
        if CROCKFORD.match(symbols):
            rows = db.query(CODE_PREFIX_SQL, (len(symbols), symbols))
            ids += [str(r[0]) for r in rows if str(r[0]) not in ids]
    if not HEX.match(lowered) and not CROCKFORD.match(symbols):
        found.problem = "audit.find.not_understood"
    elif not ids:
        found.problem = "audit.find.nothing_starts"
    found.batch_ids, found.more = ids[:MOST], len(ids) > MOST
    return found
