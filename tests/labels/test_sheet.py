from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pytest
from PIL import Image

from labels import LAYOUTS, LabelContent, render_sheet_pdf
from labels.sheet import PAGE_HEIGHT_MM, PAGE_WIDTH_MM, SheetLayout
from tests.labels.helpers import contents, decode, is_blank, save_artifact

DPI = 200
PX = DPI / 25.4
FOOTER = "chain head 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@dataclass
class Sheet:
    layout: SheetLayout
    labels: list[LabelContent]
    pdf: bytes
    pages: list[Image.Image]
    texts: list[str]


def _rasterise(pdf: bytes) -> tuple[list[Image.Image], list[str]]:
    document = pdfium.PdfDocument(pdf)
    try:
        pages, texts = [], []
        for page in document:
            pages.append(page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L"))
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages, texts
    finally:
        document.close()


@pytest.fixture(scope="module", params=list(LAYOUTS))
def sheet(request: pytest.FixtureRequest) -> Sheet:
    layout = LAYOUTS[request.param]
    labels = contents(layout.per_page + 5, seed=len(request.param))  # a second, partial page
    pdf = render_sheet_pdf(labels, layout.name, footer=FOOTER)
    pages, texts = _rasterise(pdf)
    save_artifact(f"sheet_{layout.name}_page1.png", pages[0])
    return Sheet(layout, labels, pdf, pages, texts)


def _cell(layout: SheetLayout, index: int, inset: float = 0.0) -> tuple[int, int, int, int]:
    x, y = layout.cell_origin(index)
    return (
        round((x + inset) * PX),
        round((y + inset) * PX),
        round((x + layout.label_width - inset) * PX),
        round((y + layout.label_height - inset) * PX),
    )


def test_every_label_on_every_page_decodes_to_its_exact_url(sheet: Sheet) -> None:
    layout = sheet.layout
    assert len(sheet.pages) == 2
    for number, label in enumerate(sheet.labels):
        page = sheet.pages[number // layout.per_page]
        assert page.size == (round(PAGE_WIDTH_MM * PX), round(PAGE_HEIGHT_MM * PX))
        cell = page.crop(_cell(layout, number))
        assert decode(cell) == [label.url], (layout.name, number)


def test_unused_cells_of_the_last_page_stay_blank(sheet: Sheet) -> None:
    used = len(sheet.labels) - sheet.layout.per_page
    for index in range(used, sheet.layout.per_page):
        assert is_blank(sheet.pages[1], _cell(sheet.layout, index))


def test_nothing_is_printed_in_the_crop_safe_margin_of_a_cell(sheet: Sheet) -> None:
    layout = sheet.layout
    m = round(layout.margin * PX) - 1  # one pixel of anti-aliasing tolerance
    for index in range(layout.per_page):
        left, top, right, bottom = _cell(layout, index)
        for band in [
            (left, top, right, top + m),
            (left, bottom - m, right, bottom),
            (left, top, left + m, bottom),
            (right - m, top, right, bottom),
        ]:
            assert is_blank(sheet.pages[0], band), (layout.name, index, band)


def test_footer_and_page_number_are_printed_under_the_labels_on_every_page(sheet: Sheet) -> None:
    for number, (page, text) in enumerate(zip(sheet.pages, sheet.texts, strict=True), start=1):
        assert FOOTER in text
        assert f"{number}/2" in text
        strip_top = round((PAGE_HEIGHT_MM - sheet.layout.bottom_space) * PX)
        assert not is_blank(page, (0, strip_top, page.width, page.height))


def test_layouts_fit_a4_without_overlapping_cells() -> None:
    for layout in LAYOUTS.values():
        boxes = [_cell(layout, index) for index in range(layout.per_page)]
        for left, top, right, bottom in boxes:
            assert left >= 0
            assert top >= 0
            assert right <= PAGE_WIDTH_MM * PX + 1
            assert bottom <= PAGE_HEIGHT_MM * PX + 1
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert layout.bottom_space >= 4.0  # room for the footer
    assert LAYOUTS["3x8"].per_page == 24
    assert LAYOUTS["2x5"].per_page == 10


def test_sheet_pdf_is_deterministic_and_has_no_footer_unless_asked() -> None:
    labels = contents(3, seed=9)
    assert render_sheet_pdf(labels) == render_sheet_pdf(labels)
    pages, texts = _rasterise(render_sheet_pdf(labels, "2x5"))
    assert len(pages) == 1
    assert "1/1" not in texts[0]
    strip_top = round((PAGE_HEIGHT_MM - LAYOUTS["2x5"].bottom_space) * PX)
    assert is_blank(pages[0], (0, strip_top, pages[0].width, pages[0].height))


def test_outlines_draw_the_cell_borders_for_cutting_by_hand() -> None:
    labels = contents(1, seed=9)
    plain, _ = _rasterise(render_sheet_pdf(labels, "2x5"))
    outlined, _ = _rasterise(render_sheet_pdf(labels, "2x5", outlines=True))
    left, top, right, _ = _cell(LAYOUTS["2x5"], 0)
    edge = (left + 20, top - 2, right - 20, top + 2)
    assert is_blank(plain[0], edge)
    assert not is_blank(outlined[0], edge)


def test_unknown_layout_and_empty_sheet_are_refused() -> None:
    with pytest.raises(ValueError, match="3x8"):
        render_sheet_pdf(contents(1), "4x10")
    with pytest.raises(ValueError, match="no labels"):
        render_sheet_pdf([])
