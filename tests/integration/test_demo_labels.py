"""The demo carries labels: its bags and bales answer a scan, and their sheet prints signed."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

import labels
from ledger.api import create_app
from ledger.application.commands import Actor, Collect, RegisterOrganisation, RegisterSite
from ledger.application.core import PARIS
from ledger.application.handlers.allocation import AllocateLabels
from ledger.application.ledger import Ledger
from ledger.cli.main import app as cli
from ledger.demo.data import demo_id
from ledger.demo.labelling import labels_in_stock
from ledger.demo.loader import load_demo
from ledger.domain.errors import IdAlreadyUsed, InvalidInput, LabelAlreadyAllocated
from ledger.domain.registry import SYSTEM_ORGANISATION_ID
from ledger.settings import Settings
from tests.labels.helpers import decode

END = date(2026, 9, 30)
ADMIN = {"Authorization": "Bearer admin-secret-for-tests"}
DPI = 200
BAG_DAY = datetime(2026, 9, 29, 9, 30, tzinfo=PARIS)


def sheet_cells(pdf: bytes, layout: labels.SheetLayout) -> list[Image.Image]:
    """Every cell of every page of a label sheet, as a grey image."""
    document = pdfium.PdfDocument(pdf)
    cells = []
    try:
        for page in document:
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
            px = DPI / 25.4
            for index in range(layout.per_page):
                x, y = layout.cell_origin(index)
                box = (x, y, x + layout.label_width, y + layout.label_height)
                cells.append(image.crop(tuple(round(v * px) for v in box)))
    finally:
        document.close()
    return cells


def test_the_demos_labels_resolve_to_batches_and_print_signed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        ledger: Ledger = app.state.ledger
        load_demo(ledger, seed=2026, end=END)
        in_stock = labels_in_stock(ledger)

        materials = Counter(label.material for label in in_stock)
        assert {"textile.collected", "textile.reuse.export", "flax.fibre"} <= set(materials)
        assert len(in_stock) > 40
        for label in in_stock[::10]:
            found = client.get(f"/api/v1/labels/{label.code}", headers=ADMIN).json()
            assert found["batch_id"] == str(label.batch_id)
            batch = client.get(f"/api/v1/batches/{label.batch_id}", headers=ADMIN).json()
            assert (batch["label_code"], batch["state"]) == (label.code, "held")
        bags = client.get(f"/api/v1/labels/{in_stock[0].code}", headers=ADMIN).json()
        assert bags["organisation_id"] == str(demo_id("organisation", "collective"))

    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("LEDGER_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("LEDGER_PUBLIC_BASE_URL", settings.public_base_url)
    pdf = tmp_path / "demo-labels.pdf"
    result = CliRunner().invoke(cli, ["labels", "demo", "--output", str(pdf)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [label.code for label in in_stock]
    assert all(
        line.endswith(f"batch {label.batch_id}")
        for line, label in zip(lines, in_stock, strict=True)
    )
    assert "Teillage de Nointot" in result.stdout  # the flax bales wait at the mill
    key = settings.signing_key()
    scanned = [decode(cell) for cell in sheet_cells(pdf.read_bytes(), labels.LAYOUTS["3x8"])]
    urls = [found[0] for found in scanned if found]
    assert len(urls) == len(in_stock)
    for url, label in zip(urls, in_stock, strict=True):
        assert url.startswith(f"{settings.public_base_url}/l/")
        code, signature = labels.parse_label_url(url)
        assert code == label.code
        assert labels.verify_signature(code, signature, key)
        assert not labels.verify_signature(code, signature, b"another ledger's key")


def test_a_block_of_chosen_codes_is_allocated_once(ledger: Ledger) -> None:
    admin = Actor(SYSTEM_ORGANISATION_ID, "admin", "tests")
    collective = ledger.register_organisation(
        admin, RegisterOrganisation("Collectif", ["collector"])
    )
    holder = UUID(collective.ref.id)
    container = RegisterSite(holder, "Conteneur Lillebonne – Mairie", "collection_point", "76384")
    site = UUID(ledger.register_site(admin, container).ref.id)
    free, bound, *codes = labels.generate_codes(4, random.Random(12))
    block_id = UUID("5d2a6c1e-0b7f-4c39-9a55-3f1e8d2b7a10")
    block = AllocateLabels(3, holder, "textile", id=block_id, codes=[*codes, free])

    first = ledger.allocate_labels(admin, block)
    position = ledger.event_log.max_position()
    again = ledger.allocate_labels(admin, block)

    assert again.duplicate
    assert again.ref == first.ref
    assert ledger.event_log.max_position() == position
    assert ledger.label_block_codes(block_id) == [*codes, free]
    assert ledger.label_status(free)["organisation_id"] == str(holder)
    with pytest.raises(IdAlreadyUsed):
        ledger.allocate_labels(admin, AllocateLabels(3, holder, "flax", id=block_id))
    with pytest.raises(LabelAlreadyAllocated):
        ledger.allocate_labels(admin, AllocateLabels(1, holder, codes=[free]))
    bag = Collect("textile.collected", Decimal("412.5"), site, BAG_DAY, label_code=bound)
    ledger.collect(Actor(holder, "admin", "tests"), bag)  # printed elsewhere, bound at once
    with pytest.raises(LabelAlreadyAllocated):
        ledger.allocate_labels(admin, AllocateLabels(1, holder, codes=[bound.replace("-", "")]))
    with pytest.raises(InvalidInput):
        ledger.allocate_labels(admin, AllocateLabels(2, holder, codes=[free]))
