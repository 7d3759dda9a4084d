"""An evidence bundle verifies from itself alone, and fails naming what was changed."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from ledger.application.commands import (
    Correct,
    Dispatch,
    LogWork,
    Receive,
    Transform,
    TransformInput,
    TransformOutput,
)
from ledger.application.ledger import Ledger
from ledger.audit.bundle import build_bundle
from ledger.projections.runner import ProjectionRunner
from tests.territory import Territory, build_territory, collect, hours_ago


def sorted_quarter(ledger: Ledger, world: Territory) -> UUID:
    """Two bales sorted at the workshop, and a day of insertion and employee hours."""
    bales = [collect(ledger, world, kg, hours=48) for kg in ("412.5", "387.5")]
    for bale in bales:
        ledger.dispatch(
            world.actor("collector"), bale, Dispatch(world.sorting_centre, hours_ago(30))
        )
        ledger.receive(world.actor("sorter"), bale, Receive(hours_ago(29)))
    outputs = [
        ("textile.reuse.export", "400"), ("textile.recycling.fraying", "250.5"),
        ("textile.csr", "100"), ("textile.energy", "20"), ("textile.waste", "14"),
    ]  # fmt: skip
    cmd = Transform(
        "sorting", world.sorting_centre, hours_ago(20), [TransformInput(b) for b in bales],
        [TransformOutput(m, Decimal(kg)) for m, kg in outputs], loss_kg=Decimal("15.5"),
    )  # fmt: skip
    sorting = UUID(ledger.transform(world.actor("sorter"), cmd).ref.id)
    today = ledger.today()
    for worker, contract, hours in (("W-INS-01", "insertion", "7"), ("W-EMP-01", "employee", "14")):
        cmd = LogWork(world.sorting_centre, worker, contract, "sorting", Decimal(hours), today)
        ledger.log_work(world.actor("supervisor"), cmd)
    return sorting


def period_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@pytest.fixture
def bundle(ledger: Ledger, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    world = build_territory(ledger)
    sorted_quarter(ledger, world)
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    content, statement = build_bundle(
        ledger, runner.db, str(world.workshop), period_of(ledger.today())
    )
    runner.close()
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(__import__("io").BytesIO(content)) as archive:
        archive.extractall(folder)
    return folder, statement


def verify(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(folder / "verify.py"), str(folder)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def rewrite(path: Path, change: Any) -> None:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line]
    path.write_text("".join(json.dumps(change(item)) + "\n" for item in lines))


def test_a_genuine_bundle_verifies_with_the_standard_library_alone(
    bundle: tuple[Path, dict[str, Any]],
) -> None:
    folder, statement = bundle
    result = verify(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert statement["tonnes"]["recycling"] == 0.2505
    assert statement["support_cents"]["sbase"] == 2804  # (250.5 + 100) kg × 80 €/t
    assert statement["insertion_share"] == pytest.approx(0.3333)
    assert len(statement["chain_head"]) == 64
    assert {"statement.pdf", "statement.csv", "README.txt"} <= {p.name for p in folder.iterdir()}


def test_corrections_after_the_sorting_change_the_figures_and_still_verify(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A bale's receipt re-weighed 10 kg lighter after it was sorted, and an output found to
    be recycling, not csr: the statement and the standalone verifier both use the corrections."""
    world = build_territory(ledger)
    sorting = sorted_quarter(ledger, world)
    sorter = world.actor("sorter")
    bale = next(b for b in world_bales(ledger, sorting) if b["mass_kg"] == 412.5)
    received = next(e["seq"] for e in ledger.history(bale["id"]) if e["type"] == "Received")
    ledger.correct(sorter, bale["id"], Correct(received, "scale drift", mass_kg=Decimal("402.5")))
    csr = next(b for b in world_bales(ledger, sorting) if b["material"] == "textile.csr")
    cmd = Correct(1, "mislabelled bale", material="textile.recycling.fraying")
    ledger.correct(sorter, csr["id"], cmd)
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    content, statement = build_bundle(
        ledger, runner.db, str(world.workshop), period_of(ledger.today())
    )
    runner.close()
    assert statement["sorted_input_tonnes"] == 0.79  # 402.5 + 387.5 kg
    assert statement["tonnes"]["recycling"] == 0.3505  # 250.5 + 100 kg
    assert statement["tonnes"]["csr"] == 0
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(__import__("io").BytesIO(content)) as archive:
        archive.extractall(folder)
    result = verify(folder)
    assert result.returncode == 0, result.stdout + result.stderr

    # The corrections cannot be left out of the evidence: the verifier reads every chained
    # event of the batches it names.
    events = (folder / "events.jsonl").read_text().splitlines()
    kept = [line for line in events if '"Batch.Corrected"' not in line]
    assert len(kept) == len(events) - 2
    (folder / "events.jsonl").write_text("".join(line + "\n" for line in kept))
    result = verify(folder)
    assert result.returncode == 1
    assert "(Batch.Corrected of" in result.stdout
    assert "is not in events.jsonl" in result.stdout


def test_a_bundle_made_while_the_views_are_behind_verifies_at_their_position(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A correction the views have not applied yet is in the chained records, not in the
    statement: the verifier counts the events up to the statement's position."""
    world = build_territory(ledger)
    sorting = sorted_quarter(ledger, world)
    runner = ProjectionRunner(ledger)
    runner.catch_up()
    bale = next(b for b in world_bales(ledger, sorting) if b["mass_kg"] == 412.5)
    received = next(e["seq"] for e in ledger.history(bale["id"]) if e["type"] == "Received")
    cmd = Correct(received, "scale drift", mass_kg=Decimal("402.5"))
    ledger.correct(world.actor("sorter"), bale["id"], cmd)
    content, statement = build_bundle(
        ledger, runner.db, str(world.workshop), period_of(ledger.today())
    )
    runner.close()
    assert statement["sorted_input_tonnes"] == 0.8  # without the correction
    assert statement["position"] < ledger.event_log.max_position()
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(__import__("io").BytesIO(content)) as archive:
        archive.extractall(folder)
    assert '"Batch.Corrected"' in (folder / "events.jsonl").read_text()
    result = verify(folder)
    assert result.returncode == 0, result.stdout + result.stderr


def world_bales(ledger: Ledger, sorting: UUID) -> list[dict[str, Any]]:
    """The batches the sorting used and made, with their id, material and mass."""
    made = ledger.transformation_json(sorting)
    return [
        {"id": UUID(item["batch_id"]), "material": item["material"], "mass_kg": item["mass_kg"]}
        for item in (*made["inputs"], *made["outputs"])
    ]


def test_one_changed_mass_in_the_events_is_named(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = bundle

    def lighter(event: dict[str, Any]) -> dict[str, Any]:
        if event["type"] == "Transformation.Recorded":
            event["payload"]["outputs"][1]["mass_kg"] = 205.5
        return event

    rewrite(folder / "events.jsonl", lighter)
    result = verify(folder)
    assert result.returncode == 1
    assert "Transformation.Recorded" in result.stdout
    assert "outputs" in result.stdout


def test_one_changed_mass_in_a_record_breaks_the_chain(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = bundle

    def forged(record: dict[str, Any]) -> dict[str, Any]:
        if "state" not in record:  # sealed: behind no figure
            return record
        state = base64.b64decode(record["state"])
        if b"textile.recycling.fraying" in state and b"250500" in state:
            record["state"] = base64.b64encode(state.replace(b"250500", b"290500")).decode()
        return record

    rewrite(folder / "records.jsonl", forged)
    result = verify(folder)
    assert result.returncode == 1
    assert "chain head" in result.stdout


def test_a_changed_figure_is_named(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, statement = bundle
    statement["tonnes"]["recycling"] = 0.3
    (folder / "statement.json").write_text(json.dumps(statement))
    result = verify(folder)
    assert result.returncode == 1
    assert "figure tonnes.recycling" in result.stdout


def test_the_statement_endpoint_prints_the_chain_head_and_serves_the_bundle(
    ledger: Ledger, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from ledger.api import create_app

    world = build_territory(ledger)
    sorted_quarter(ledger, world)
    app = create_app(ledger.settings, ledger=ledger)
    query = {"organisation_id": str(world.workshop), "period": period_of(ledger.today())}
    headers = {"Authorization": f"Bearer {ledger.settings.bootstrap_admin_token}"}
    with TestClient(app) as client:
        app.state.views.wait_for(ledger.event_log.max_position(), timeout=20)
        for _ in range(100):  # the chain keeper follows the log in its own thread
            statement = client.get(
                "/api/v1/reports/refashion", params=query, headers=headers
            ).json()
            if statement["chain_head"]:
                break
            time.sleep(0.1)
        assert len(statement["chain_head"]) == 64
        answer = client.get(
            "/api/v1/reports/refashion", params={**query, "format": "bundle"}, headers=headers
        )
    assert answer.headers["content-type"] == "application/zip"
    archive = tmp_path / "evidence.zip"
    archive.write_bytes(answer.content)
    script = tmp_path / "verify.py"
    script.write_bytes(zipfile.ZipFile(archive).read("verify.py"))
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(archive)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_verifier_dates_events_in_paris_without_time_zone_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where Python has no tz data, the EU summer-time rule gives the dates the ledger gives."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from ledger.audit import bundle_verifier

    paris = ZoneInfo("Europe/Paris")
    monkeypatch.setattr(bundle_verifier, "PARIS", None)
    moments = []
    for year in range(2000, 2041):
        for month, day in ((3, 24), (10, 24), (12, 31)):  # the week of each change, a new year
            start = datetime(year, month, day, tzinfo=UTC)
            moments += [start + timedelta(minutes=30 * step) for step in range(8 * 48)]
    for moment in moments:
        expected = moment.astimezone(paris).date().isoformat()
        assert bundle_verifier.paris_date(moment.isoformat()) == expected, moment


def test_a_bundle_seals_what_is_behind_no_figure(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = bundle
    records = [json.loads(line) for line in (folder / "records.jsonl").read_text().splitlines()]
    whole = [r for r in records if "state" in r]
    sealed = [r for r in records if "sealed" in r]
    assert whole
    assert sealed  # the registry, the tokens, other sortings' batches…
    for record in sealed:
        assert set(record) == {"position", "originator_id", "version", "sealed"}
    tokens = [r for r in whole if "Token" in r["topic"]]
    assert tokens == []  # a token's hash never leaves the ledger in a bundle
