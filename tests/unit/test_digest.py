"""The request digest: its text is json.dumps([op, target, _plain(command)], sort_keys=True).

Digests are stored in events and compared with later requests (a repeat, or a key reused), so
the fast path that writes a command's text directly must give the same characters as the
encoder's walk over ``_plain``, for every kind of field.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.application import commands
from ledger.application.commands import (
    Collect,
    Dispatch,
    LogWork,
    Outlet,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
    Valorise,
    digest,
)


def reference(op: str, command: Any, target: UUID | None = None) -> str:
    text = json.dumps(
        [op, str(target) if target else None, commands._plain(command)], sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()


SITE = UUID("00000000-0000-4001-8000-000000000001")
WHEN = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=1)))

COMMANDS: list[tuple[str, Any, UUID | None]] = [
    ("collect", Collect("TEX-MIX", Decimal("12.50"), SITE, WHEN), None),
    (
        "collect",
        Collect(
            "TEX-MIX",
            Decimal("1E+3"),
            SITE,
            WHEN.astimezone(UTC),
            label_code='Étiquette «é» \u2028 "q" \\',
            moisture_pct=Decimal("0.0"),
            source_commune_insee="76001",
            id=SITE,
            supplier={"name": "Société", "siret": None},
            transport={"mode": "road", "legs": [1, 2.5, True]},
        ),
        None,
    ),
    (
        "dispatch",
        Dispatch(SITE, WHEN, carrier="Transports Ödön", distance_km=Decimal("3.10")),
        SITE,
    ),
    ("dispatch", Dispatch(SITE, WHEN, transport={}), SITE),
    ("receive", Receive(WHEN), SITE),
    ("receive", Receive(WHEN, mass_kg=Decimal("-0"), site_id=SITE), SITE),
    (
        "valorise",
        Valorise("reuse", WHEN, outlet=Outlet("Acheteur", "PL", city="Łódź"), certificate_ref=""),
        SITE,
    ),
    (
        "work",
        LogWork(SITE, "W-0042", "insertion", "sorting", Decimal("7.5"), date(2026, 3, 2)),
        None,
    ),
    (
        "transform",
        Transform(
            "sorting",
            SITE,
            WHEN,
            [TransformInput(SITE)],
            [TransformOutput("TEX-REUSE", Decimal("2"), batch_id=SITE)],
            loss_kg=Decimal("0.25"),
        ),
        None,
    ),
]


@pytest.mark.parametrize(("op", "command", "target"), COMMANDS)
def test_the_digest_is_the_encoders_text(op: str, command: Any, target: UUID | None) -> None:
    assert digest(op, command, target) == reference(op, command, target)


def test_an_added_field_at_its_default_is_left_out() -> None:
    """Requests made before a field was added keep their digest."""
    plain = Dispatch(SITE, WHEN)
    assert digest("dispatch", plain, SITE) == digest(
        "dispatch", Dispatch(SITE, WHEN, transport=None), SITE
    )
    assert digest("dispatch", plain, SITE) != digest(
        "dispatch", Dispatch(SITE, WHEN, transport={"m": 1}), SITE
    )


def test_a_command_that_is_not_a_dataclass_takes_the_encoder() -> None:
    assert digest("x", {"b": [1, "é"], "a": None}) == reference("x", {"b": [1, "é"], "a": None})


@given(
    text=st.text(max_size=30),
    mass=st.decimals(allow_nan=False, allow_infinity=False, places=3),
    code=st.none() | st.text(max_size=10),
)
def test_any_text_and_number_give_the_encoders_digest(
    text: str, mass: Decimal, code: str | None
) -> None:
    command = Collect(text, mass, SITE, WHEN, label_code=code, weight_method=text)
    assert digest("collect", command) == reference("collect", command)
