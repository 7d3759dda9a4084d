"""``ledger import``: commands in the API's JSON shapes, one per line, in large transactions.

Each line is ``{"op", "client_event_id", "batch_id"?, "body"}``; ``body`` is exactly the body of
the matching endpoint. Lines are applied in order inside chunks that commit as one transaction; a
line that fails is reported and does not stop the others. If a chunk cannot commit (another
writer changed the same batch meanwhile) or a failed line left changes behind, the chunk is
replayed line by line, each line in its own transaction, so nothing is lost or counted twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic
from pydantic import BaseModel, ValidationError

import labels
from ledger.api import schemas
from ledger.api.territory_schemas import FlowCreate
from ledger.application.commands import (
    Actor,
    Collect,
    Correct,
    CorrectWorkLog,
    DefineTerritory,
    Dispatch,
    Idempotency,
    IssueToken,
    Label,
    LogWork,
    Outcome,
    Outlet,
    Receive,
    RegisterOrganisation,
    RegisterSite,
    Valorise,
    Weigh,
)
from ledger.application.core import RecentAggregates, UnitOfWork
from ledger.application.ledger import Ledger
from ledger.application.territory_commands import DeclareFlow
from ledger.cli.fastlane import fast_command
from ledger.domain.batch import Batch, BatchState
from ledger.domain.errors import BatchNotFound, ConcurrentChange, InvalidInput, LedgerError
from ledger.domain.indexes import IdempotencyRecord, LabelBinding
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.storage.gcpause import paused_gc

_RESULT_JSON = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps's, made once
_TEXT = json.encoder.encode_basestring  # how that encoder writes a string
# The planner's statistics of the events and keys tables are taken again (PostgreSQL) once the
# events an import wrote since they were last taken outnumber both this and the events they
# counted: a doubling each time, a few ANALYZEs for a national year.
ANALYZE_FROM = 20_000
Handler = Callable[[Ledger, Actor, "Line", Any, Idempotency | None, UnitOfWork], Outcome]


class ChunkTainted(Exception):
    """A failed line left pending changes in the chunk's unit of work."""


@dataclass(slots=True)
class Line:
    """One parsed line of an import file."""

    number: int
    op: str
    client_event_id: str | None
    batch_id: UUID | None  # or the work log id of a work log correction
    body: dict[str, Any]
    territory: str | None = None  # the territory code of a declared flow


@dataclass(slots=True)
class LineResult:
    number: int
    client_event_id: str | None
    status: str  # ok, duplicate or error
    id: str | None = None
    code: str | None = None
    message: str | None = None

    def to_json(self) -> str:
        if self.code is None and self.message is None and type(self.id) is str:
            # the result of most lines, written as the encoder below writes it
            key = self.client_event_id
            return (
                f'{{"number": {int.__repr__(self.number)}, '
                + ("" if key is None else f'"client_event_id": {_TEXT(key)}, ')
                + f'"status": {_TEXT(self.status)}, "id": {_TEXT(self.id)}}}'
            )
        fields = ("number", "client_event_id", "status", "id", "code", "message")
        data = {k: v for k in fields if (v := getattr(self, k)) is not None}
        return _RESULT_JSON(data)


def batch_command(command: Callable[..., Outcome], make: Callable[[Any], Any]) -> Handler:
    def handle(
        ledger: Ledger, actor: Actor, line: Line, body: Any, idem: Any, uow: UnitOfWork
    ) -> Outcome:
        if line.batch_id is None:
            raise InvalidInput("This op needs a batch_id.")
        return command(ledger, actor, line.batch_id, make(body), idem, uow)

    return handle


def valorisation(body: schemas.ValorisationCreate) -> Valorise:
    outlet = Outlet(**body.outlet.model_dump()) if body.outlet else None
    return Valorise(**body.model_dump(exclude={"outlet"}), outlet=outlet)


def issue_token(
    ledger: Ledger, actor: Actor, line: Line, body: Any, idem: Any, uow: UnitOfWork
) -> Outcome:
    outcome, _secret = ledger.issue_token(actor, IssueToken(**body.model_dump()), idem, uow)
    return (
        outcome  # an imported token's secret is not shown: issue tokens with `ledger token create`
    )


def declare_flow(
    ledger: Ledger, actor: Actor, line: Line, body: Any, idem: Any, uow: UnitOfWork
) -> Outcome:
    """``{"op": "flow", "territory": CODE, "body": {…}}``: a declared flow of a territory."""
    if not line.territory:
        raise InvalidInput('A flow line names its territory: "territory": CODE.')
    return ledger.declare_flow(actor, line.territory, DeclareFlow(**body.model_dump()), idem, uow)


def transform(
    ledger: Ledger, actor: Actor, line: Line, body: Any, idem: Any, uow: UnitOfWork
) -> Outcome:
    from ledger.api.routers.transformations import transform_command  # FastAPI: only if needed

    return ledger.transform(actor, transform_command(body), idem, uow)


OPS: dict[str, tuple[type[BaseModel], Handler]] = {
    "organisation": (
        schemas.OrganisationCreate,
        lambda ldg, a, _, b, i, u: ldg.register_organisation(
            a, RegisterOrganisation(**b.model_dump()), i, u
        ),
    ),
    "site": (
        schemas.SiteCreate,
        lambda ldg, a, _, b, i, u: ldg.register_site(a, RegisterSite(**b.model_dump()), i, u),
    ),
    "territory": (
        schemas.TerritoryUpdate,
        lambda ldg, a, _, b, i, u: ldg.define_territory(a, DefineTerritory(**b.model_dump()), i, u),
    ),
    "token": (schemas.TokenCreate, issue_token),
    "flow": (FlowCreate, declare_flow),
    "collect": (
        schemas.CollectionCreate,
        lambda ldg, a, _, b, i, u: ldg.collect(a, Collect(**b.model_dump()), i, u),
    ),
    "weigh": (
        schemas.WeighingCreate,
        batch_command(Ledger.weigh, lambda b: Weigh(**b.model_dump())),
    ),
    "label": (
        schemas.LabellingCreate,
        batch_command(Ledger.label, lambda b: Label(**b.model_dump())),
    ),
    "dispatch": (
        schemas.DispatchCreate,
        batch_command(Ledger.dispatch, lambda b: Dispatch(**b.model_dump())),
    ),
    "receive": (
        schemas.ReceiptCreate,
        batch_command(Ledger.receive, lambda b: Receive(**b.model_dump())),
    ),
    "valorise": (schemas.ValorisationCreate, batch_command(Ledger.valorise, valorisation)),
    "correct": (
        schemas.CorrectionCreate,
        batch_command(Ledger.correct, lambda b: Correct(**b.model_dump())),
    ),
    "transform": (schemas.TransformationCreate, transform),
    "work": (
        schemas.WorkLogCreate,
        lambda ldg, a, _, b, i, u: ldg.log_work(a, LogWork(**b.model_dump()), i, u),
    ),
    "correct_work": (
        schemas.WorkLogCorrection,
        lambda ldg, a, line, b, i, u: ldg.correct_work_log(
            a, line.batch_id or UUID(int=0), CorrectWorkLog(**b.model_dump()), i, u
        ),
    ),
}


FAST_OPS: dict[str, Handler] = {
    # the fast lane's commands (ledger.cli.fastlane) go to the same handlers as the others
    "collect": lambda ldg, a, _, cmd, i, u: ldg.collect(a, cmd, i, u),
    "dispatch": batch_command(Ledger.dispatch, lambda cmd: cmd),
    "receive": batch_command(Ledger.receive, lambda cmd: cmd),
    "work": lambda ldg, a, _, cmd, i, u: ldg.log_work(a, cmd, i, u),
}


def parse(number: int, text: str) -> Line:
    """One JSON line into a ``Line`` (or ``InvalidInput``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"Line is not JSON: {error.msg}.") from None
    if not isinstance(data, dict) or data.get("op") not in OPS:
        raise InvalidInput(f"op must be one of {', '.join(OPS)}.")
    body = data.get("body")
    if not isinstance(body, dict):
        raise InvalidInput("body must be a JSON object.")
    client_event_id = data.get("client_event_id")
    if client_event_id is not None and not (
        isinstance(client_event_id, str) and 0 < len(client_event_id) <= 200
    ):
        raise InvalidInput("client_event_id is a string of 1 to 200 characters.")
    try:
        target = data.get("batch_id") or data.get("work_log_id")
        batch_id = UUID(target) if target else None
    except (ValueError, TypeError):
        raise InvalidInput("batch_id must be a UUID.") from None
    territory = data.get("territory") if isinstance(data.get("territory"), str) else None
    return Line(number, data["op"], client_event_id, batch_id, body, territory)


Parsed = Line | InvalidInput  # a line, or why it is not one


class Importer:
    """Applies import lines to a ledger in chunks, acting for the organisation concerned.

    A line's idempotency depends only on the line: its ``client_event_id`` is a key of the
    import's own scope (the ledger's system organisation, for whom ``ledger import`` runs), so a
    repeated line is a duplicate whoever holds its batch by then. Keys that earlier versions
    scoped to the batch's holder are still found when the ledger holds such records.
    """

    def __init__(
        self,
        ledger: Ledger,
        chunk_size: int = 2000,
        token_id: str = "import",
        fast_lane: bool = True,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.ledger = ledger
        self.chunk_size = chunk_size
        self.token_id = token_id
        self.fast_lane = fast_lane  # plain lines of the commonest ops skip the schemas
        self.events_written = 0
        self.counted: int | None = None  # events the planner's statistics count, once read
        self.written_when_counted = 0
        self.scope = SYSTEM_ORGANISATION_ID
        self.legacy_keys = ledger.event_log.has_topic(get_topic(IdempotencyRecord.Recorded))
        self.recent = RecentAggregates()

    def run(self, texts: Iterable[str]) -> Iterator[LineResult]:
        """Apply every line in order; yields one result per non-blank line."""
        for results in self.run_chunks(texts):
            yield from results

    def run_chunks(self, texts: Iterable[str]) -> Iterator[list[LineResult]]:
        """Apply every line in order; yields the results of each chunk once it is committed."""
        chunk: list[tuple[int, str]] = []
        for number, text in enumerate(texts, start=1):
            if text.strip():
                chunk.append((number, text))
            if len(chunk) >= self.chunk_size:
                yield self.apply_chunk(chunk)
                self.keep_statistics()
                chunk = []
        if chunk:
            yield self.apply_chunk(chunk)
        self.keep_statistics(at_end=True)

    def keep_statistics(self, at_end: bool = False) -> None:
        """Take the planner's statistics of the store again when this import has outgrown them.

        A ledger filled in bulk, on a server whose autovacuum is off or behind, keeps the
        statistics of an empty table: PostgreSQL then plans a batch's four events, read by the
        store's key, as a parallel scan of the table with JIT compilation (148 ms at 3 million
        events, 0.09 ms once analysed), for the import's own reads, a batch's history and the
        figures that read a batch. At the end of an import, a tenth more than they counted is
        enough."""
        log = self.ledger.event_log
        if log.backend != "postgres":
            return
        if self.counted is None:
            self.counted = log.planner_rows()
        since = self.events_written - self.written_when_counted
        enough = self.counted / 10 if at_end else max(ANALYZE_FROM, self.counted)
        if since > 0 and since >= enough:
            log.analyze()
            self.counted = log.planner_rows()
            self.written_when_counted = self.events_written

    @staticmethod
    def parse_all(chunk: list[tuple[int, str]]) -> list[tuple[int, Parsed]]:
        parsed: list[tuple[int, Parsed]] = []
        for number, text in chunk:
            try:
                parsed.append((number, parse(number, text)))
            except InvalidInput as error:
                parsed.append((number, error))
        return parsed

    def unit_of_work(self, recent: RecentAggregates | None = None) -> UnitOfWork:
        uow = UnitOfWork(self.ledger, recent)
        uow.legacy_keys = self.legacy_keys
        return uow

    def apply_chunk(self, chunk: list[tuple[int, str]]) -> list[LineResult]:
        """Apply a chunk's lines in one transaction (or one by one if it cannot commit), the
        garbage collector paused (``ledger.storage.gcpause``): it found nothing to free in a
        chunk, and its full collections over the recent aggregates and sites took a fifth of
        an import."""
        with paused_gc():
            return self._apply_chunk(chunk)

    def _apply_chunk(self, chunk: list[tuple[int, str]]) -> list[LineResult]:
        lines = self.parse_all(chunk)
        uow = self.unit_of_work(self.recent)
        self.prefetch(uow, lines)
        try:
            results = [self.apply(uow, number, line) for number, line in lines]
            self.events_written += uow.commit()
        except (ChunkTainted, IntegrityError):
            # The lines run again on fresh reads, one by one; what the chunk took from the
            # recent aggregates may hold changes never saved, and what it did not take may be
            # changed by the lines now: forget them all.
            self.recent.aggregates.clear()
            return self.apply_one_by_one(lines)
        self.recent.put_back(uow)
        return results

    def prefetch(self, uow: UnitOfWork, lines: list[tuple[int, Parsed]]) -> None:
        """Learn in a few queries what the chunk will look up and is probably new.

        Idempotency keys, client-chosen ids and label bindings are usually new; asking for each
        one separately would cost one read per line.
        """
        scope = str(self.scope)
        keys = [
            (scope, line.client_event_id)
            for _, line in lines
            if isinstance(line, Line) and line.client_event_id
        ]
        uow.prefetch_keys(keys)
        owners: dict[UUID, UUID] = {}
        destinations: dict[UUID, UUID] = {}
        ids: list[UUID] = []
        for _, line in lines:
            if isinstance(line, Line):
                try:
                    ids.extend(self.ids_of(line, owners, destinations))
                except (LedgerError, ValueError, TypeError, KeyError, AttributeError):
                    continue
        uow.prefetch_absent(ids)

    def ids_of(
        self, line: Line, owners: dict[UUID, UUID], destinations: dict[UUID, UUID]
    ) -> list[UUID]:
        body = line.body
        new_ids = [UUID(str(body["id"]))] if body.get("id") else []
        new_ids += [UUID(str(o["batch_id"])) for o in body.get("outputs", []) if o.get("batch_id")]
        codes = [body.get("label_code")] + [o.get("label_code") for o in body.get("outputs", [])]
        ids = new_ids + [LabelBinding.create_id(code) for code in well_formed(codes)]
        if not self.legacy_keys or not line.client_event_id:
            return ids
        # Keys of earlier versions were scoped to the organisation acting: guessed by following
        # the chunk's own collections and dispatches (a wrong guess costs the usual read).
        owner = self.guess_owner(line, owners, destinations)
        for batch_id in new_ids:
            if owner is not None:
                owners[batch_id] = owner
        if owner is not None:
            ids.append(IdempotencyRecord.create_id(str(owner), line.client_event_id))
        return ids

    def guess_owner(
        self, line: Line, owners: dict[UUID, UUID], destinations: dict[UUID, UUID]
    ) -> UUID | None:
        if line.op in ("organisation", "site", "territory", "token", "correct_work", "flow"):
            return SYSTEM_ORGANISATION_ID
        site_id = line.body.get("site_id")
        if line.op in ("collect", "transform", "work") and site_id:
            site = self.ledger._sites.get(UUID(str(site_id)))
            return None if site is None else site.owner_id
        if line.batch_id is None:
            return None
        if line.op == "dispatch" and line.body.get("to_site_id"):
            destinations[line.batch_id] = UUID(str(line.body["to_site_id"]))
        if line.op == "receive" and line.batch_id in destinations:
            site = self.ledger._sites.get(destinations.pop(line.batch_id))
            if site is not None:
                owners[line.batch_id] = site.owner_id
        return owners.get(line.batch_id)

    def apply_one_by_one(self, lines: list[tuple[int, Parsed]]) -> list[LineResult]:
        results = []
        for number, line in lines:
            uow = self.unit_of_work()
            try:
                result = self.apply(uow, number, line)
                self.events_written += uow.commit()
            except ChunkTainted:
                result = LineResult(
                    number, None, "error", code="internal", message="Line left changes."
                )
            except IntegrityError:
                error = ConcurrentChange("Another writer changed the same thing; import it again.")
                result = LineResult(number, None, "error", code=error.code, message=error.message)
            results.append(result)
        return results

    def apply(self, uow: UnitOfWork, number: int, line: Parsed) -> LineResult:
        """Apply one line inside the chunk; a refused line must leave the chunk unchanged."""
        if isinstance(line, InvalidInput):
            return LineResult(number, None, "error", code=line.code, message=line.message)
        uow.begin_command()
        client_event_id = line.client_event_id
        try:
            schema, handler = OPS[line.op]
            body = fast_command(line.op, line.body) if self.fast_lane else None
            if body is None:
                body = schema.model_validate(line.body)
            else:
                handler = FAST_OPS[line.op]
            actor = self.actor_for(uow, line, body)
            idem = None
            if client_event_id:
                idem = Idempotency(client_event_id, self.scope, legacy_scope=actor.organisation_id)
            outcome = handler(self.ledger, actor, line, body, idem, uow)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            message = f"Invalid body: {where}: {first.get('msg', 'invalid')}."
            return LineResult(
                number, client_event_id, "error", code="invalid_input", message=message
            )
        except LedgerError as error:
            if uow.command_changed_something():
                raise ChunkTainted from error
            return LineResult(
                number, client_event_id, "error", code=error.code, message=error.message
            )
        status = "duplicate" if outcome.duplicate else "ok"
        return LineResult(number, client_event_id, status, id=outcome.ref.id)

    def actor_for(self, uow: UnitOfWork, line: Line, body: Any) -> Actor:
        """The organisation that owns the site concerned (DESIGN §4.3), acting as an importer."""
        site_id = getattr(body, "site_id", None)
        if line.op in ("collect", "transform", "work") and site_id is not None:
            owner = self.ledger.site(uow, site_id).owner_id
        elif line.op in ("organisation", "site", "territory", "token", "flow"):
            owner = SYSTEM_ORGANISATION_ID
        else:
            owner = self.batch_owner(uow, line)
        return Actor(owner, "admin", self.token_id)

    def batch_owner(self, uow: UnitOfWork, line: Line) -> UUID:
        if line.op == "correct_work":
            return SYSTEM_ORGANISATION_ID
        batch = uow.get(line.batch_id, Batch) if line.batch_id else None
        if batch is None:
            raise BatchNotFound(f"No batch {line.batch_id}.", batch_id=str(line.batch_id))
        if (
            line.op == "receive"
            and batch.state is BatchState.IN_TRANSIT
            and batch.destination_site_id
        ):
            return self.ledger.site(uow, batch.destination_site_id).owner_id
        assert batch.holder_id is not None
        return batch.holder_id


def well_formed(codes: list[Any]) -> list[str]:
    """The canonical form of the codes that are valid (others fail later, line by line)."""
    found = []
    for code in codes:
        if isinstance(code, str) and labels.is_valid(code):
            found.append(labels.normalize(code))
    return found
