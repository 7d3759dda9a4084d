"""Whatever the ledger accepts, every view can project (SQLite and PostgreSQL).

Hypothesis sends request bodies through the API's own schemas and the application, with values
at the edges of what is allowed: times from the first minute of 2000 to five minutes ahead, in
every time zone from -14:00 to +14:00; masses from a gram to 40 t; names, reasons, carriers and
tickets in any script, emoji included. Bodies the ledger refuses are skipped; after each story
the views catch up and no view may be stopped.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ledger.api import schemas
from ledger.api.routers.transformations import transform_command
from ledger.application.commands import (
    Collect,
    Correct,
    Dispatch,
    LogWork,
    Receive,
    RefuseReceipt,
    RegisterOrganisation,
    RegisterSite,
    Weigh,
)
from ledger.application.ledger import Ledger
from ledger.domain.errors import LedgerError
from ledger.projections.runner import ProjectionRunner
from tests.territory import ADMIN, Territory, build_territory

FIRST = datetime(2000, 1, 2, tzinfo=UTC)  # wall clocks west of Greenwich are still in 2000
TEXT = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Co", "Cn"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029",
    ),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")
ZONES = st.integers(-56, 56).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))
MASSES = st.integers(1, 40_000_000).map(lambda grams: Decimal(grams) / 1000)


@st.composite
def moments(draw: st.DrawFn) -> str:
    """A time from the start of 2000 to now, in some time zone, as a phone sends it."""
    share = draw(st.integers(0, 1_000_000)) / 1_000_000  # of the time since (not a clock read)
    moment = FIRST + (datetime.now(UTC) - timedelta(minutes=1) - FIRST) * share
    return moment.astimezone(draw(ZONES)).isoformat()


steps = st.lists(
    st.one_of(
        st.tuples(st.just("organisation"), TEXT, st.none()),
        st.tuples(st.just("site"), TEXT, st.floats(-90, 90).map(lambda x: round(x, 6))),
        st.tuples(st.just("collect"), MASSES, moments()),
        st.tuples(st.just("weigh"), MASSES, TEXT),
        st.tuples(st.just("dispatch"), TEXT, st.integers(0, 20_000)),
        st.tuples(st.just("receive"), MASSES, st.none()),
        st.tuples(st.just("refuse"), TEXT, st.none()),
        st.tuples(st.just("sort"), MASSES, TEXT),
        st.tuples(st.just("correct"), MASSES, TEXT),
        st.tuples(st.just("correct_time"), moments(), TEXT),
        st.tuples(st.just("work"), st.integers(1, 96), st.integers(0, 1_000_000)),
    ),
    min_size=3,
    max_size=12,
)


class Story:
    """Sends each step's body through the schemas and the application; keeps what was made."""

    def __init__(self, ledger: Ledger, world: Territory) -> None:
        self.ledger, self.world = ledger, world
        self.batches: list[UUID] = []

    def now(self) -> str:
        return datetime.now(UTC).isoformat()

    def run(self, step: tuple[str, Any, Any]) -> None:
        with contextlib.suppress(LedgerError, ValidationError):  # refused: nothing to project
            getattr(self, step[0])(step[1], step[2])

    def last(self) -> UUID:
        if not self.batches:
            raise LedgerError("no batch yet")
        return self.batches[-1]

    def organisation(self, name: str, _: Any) -> None:
        body = schemas.OrganisationCreate.model_validate({"name": name, "kinds": ["collector"]})
        self.ledger.register_organisation(ADMIN, RegisterOrganisation(**body.model_dump()))

    def site(self, name: str, latitude: float) -> None:
        raw = {"organisation_id": str(self.world.collectors), "name": name, "kind": "warehouse"}
        raw |= {"commune_insee": "76384", "latitude": latitude, "longitude": 0.5}
        body = schemas.SiteCreate.model_validate(raw)
        self.ledger.register_site(ADMIN, RegisterSite(**body.model_dump()))

    def collect(self, mass: Decimal, moment: str) -> None:
        raw = {"material": "textile.collected", "mass_kg": str(mass), "occurred_at": moment}
        raw["site_id"] = str(self.world.container_lillebonne)
        body = schemas.CollectionCreate.model_validate(raw)
        outcome = self.ledger.collect(self.world.actor("collector"), Collect(**body.model_dump()))
        self.batches.append(UUID(outcome.ref.id))

    def weigh(self, mass: Decimal, ticket: str) -> None:
        raw = {"mass_kg": str(mass), "occurred_at": self.now(), "ticket_ref": ticket}
        body = schemas.WeighingCreate.model_validate(raw)
        self.ledger.weigh(ADMIN, self.last(), Weigh(**body.model_dump()))

    def dispatch(self, carrier: str, metres: int) -> None:
        raw = {"to_site_id": str(self.world.sorting_centre), "occurred_at": self.now()}
        raw |= {"carrier": carrier, "distance_km": str(Decimal(metres) / 1000)}
        body = schemas.DispatchCreate.model_validate(raw)
        self.ledger.dispatch(ADMIN, self.last(), Dispatch(**body.model_dump()))

    def receive(self, mass: Decimal, _: Any) -> None:
        body = schemas.ReceiptCreate.model_validate(
            {"occurred_at": self.now(), "mass_kg": str(mass)}
        )
        self.ledger.receive(ADMIN, self.last(), Receive(**body.model_dump()))

    def refuse(self, reason: str, _: Any) -> None:
        raw = {"reason": reason, "occurred_at": self.now()}
        body = schemas.RefusalCreate.model_validate(raw)
        self.ledger.refuse_receipt(ADMIN, self.last(), RefuseReceipt(**body.model_dump()))

    def sort(self, mass: Decimal, _: str) -> None:
        output = str(uuid4())
        raw = {
            "process": "sorting",
            "site_id": str(self.world.sorting_centre),
            "occurred_at": self.now(),
            "inputs": [{"batch_id": str(self.last())}],
            "outputs": [
                {"material": "textile.reuse.cream", "mass_kg": str(mass), "batch_id": output}
            ],
        }
        body = schemas.TransformationCreate.model_validate(raw)
        self.ledger.transform(self.world.actor("sorter"), transform_command(body))
        self.batches.append(UUID(output))

    def correct(self, mass: Decimal, reason: str) -> None:
        raw = {"corrects_version": 1, "mass_kg": str(mass), "reason": reason}
        body = schemas.CorrectionCreate.model_validate(raw)
        self.ledger.correct(ADMIN, self.last(), Correct(**body.model_dump()))

    def correct_time(self, moment: str, reason: str) -> None:
        raw = {"corrects_version": 1, "occurred_at": moment, "reason": reason}
        body = schemas.CorrectionCreate.model_validate(raw)
        self.ledger.correct(ADMIN, self.last(), Correct(**body.model_dump()))

    def work(self, quarters: int, share: int) -> None:
        day = (FIRST + (datetime.now(UTC) - timedelta(days=1) - FIRST) * (share / 1e6)).date()
        worker = f"W-{uuid4().hex[:4].upper()}"
        raw = {"site_id": str(self.world.sorting_centre), "worker_ref": worker}
        raw |= {"contract": "insertion", "activity": "sorting", "hours": str(Decimal(quarters) / 4)}
        raw["date"] = day.isoformat()
        body = schemas.WorkLogCreate.model_validate(raw)
        self.ledger.log_work(self.world.actor("supervisor"), LogWork(**body.model_dump()))


def test_every_accepted_command_is_projected(ledger: Ledger) -> None:
    world = build_territory(ledger)
    runner = ProjectionRunner(ledger, page_size=7)
    accepted_before = ledger.event_log.max_position()

    @given(story=steps)
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def story_is_projected(story: list[tuple[str, Any, Any]]) -> None:
        teller = Story(ledger, world)
        for step in story:
            teller.run(step)
        runner.catch_up()
        assert runner.failed == {}
        assert min(runner.positions().values()) == ledger.event_log.max_position()

    try:
        story_is_projected()
        assert ledger.event_log.max_position() > accepted_before  # the stories wrote something
        rebuilt = ProjectionRunner(ledger)
        try:
            rebuilt.rebuild()
            assert rebuilt.failed == {}
        finally:
            rebuilt.close()
    finally:
        runner.close()
