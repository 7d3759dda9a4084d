from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from labels import InvalidLabelCode, LabelContent, fonts, render_png, render_sheet_pdf, render_svg
from labels.fonts import fit_text
from labels.label import layout_label
from labels.render import LABEL_HEIGHT_MM, LABEL_MARGIN_MM, LABEL_WIDTH_MM
from labels.sheet import LAYOUTS
from tests.labels.helpers import (
    SVG_NS,
    contents,
    dark_bbox,
    decode,
    is_blank,
    open_png,
    rasterise_svg_qr,
    save_artifact,
    save_text_artifact,
)

SAMPLES = contents(12, seed=3)
LONG = LabelContent(
    code=SAMPLES[0].code,
    url=SAMPLES[0].url,
    filiere="Textiles usagés, chiffons et linge de maison en fin de vie",
    material="Polyester recyclé " * 8,
    mass_kg="123 456 789,123",
    date="14 mars 2025, 17 h 45, quai de déchargement n° 3",
)


def test_png_label_decodes_to_its_exact_url() -> None:
    for content in [*SAMPLES, LONG]:
        image = open_png(render_png(content))
        assert decode(image) == [content.url]
    save_artifact("label.png", open_png(render_png(SAMPLES[2])))
    save_artifact("label_unbound.png", open_png(render_png(SAMPLES[0])))
    save_artifact("label_long_text.png", open_png(render_png(LONG)))


@pytest.mark.parametrize("dpi", [150, 203, 300, 600])
def test_png_has_the_label_size_and_records_its_dpi(dpi: int) -> None:
    image = open_png(render_png(SAMPLES[1], dpi=dpi))
    assert image.size == (round(70 * dpi / 25.4), round(37 * dpi / 25.4))
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # PNG stores dots per metre
    assert decode(image) == [SAMPLES[1].url]


def test_png_keeps_a_four_module_quiet_zone_inside_the_label() -> None:
    dpi = 300
    px = dpi / 25.4
    for content in [SAMPLES[2], LONG]:
        image = open_png(render_png(content, dpi=dpi))
        geometry = layout_label(content, LABEL_WIDTH_MM, LABEL_HEIGHT_MM, LABEL_MARGIN_MM)
        column_x = round(geometry.texts[0].x * px)
        left, top, right, bottom = dark_bbox(image, (0, 0, column_x, image.height))
        assert right - left == bottom - top  # found the square symbol, nothing else
        quiet = 4 * (right - left) / geometry.qr.size
        zone = (
            round(left - quiet),
            round(top - quiet),
            round(right + quiet),
            round(bottom + quiet),
        )
        assert zone[0] >= 0
        assert zone[1] >= 0
        assert zone[3] <= image.height
        # The whole zone around the symbol is white, on the text side as well.
        assert is_blank(image, (zone[0], zone[1], zone[2], top))
        assert is_blank(image, (zone[0], bottom, zone[2], zone[3]))
        assert is_blank(image, (zone[0], top, left, bottom))
        assert is_blank(image, (right, top, zone[2], bottom))


def test_png_leaves_the_crop_safe_margin_blank_even_with_long_text() -> None:
    dpi = 300
    margin = round(LABEL_MARGIN_MM * dpi / 25.4) - 1
    for content in [LONG, *SAMPLES[:4]]:
        image = open_png(render_png(content, dpi=dpi))
        w, h = image.size
        for band in [
            (0, 0, w, margin),
            (0, h - margin, w, h),
            (0, 0, margin, h),
            (w - margin, 0, w, h),
        ]:
            assert is_blank(image, band), band
    save_artifact("label_long_text.png", open_png(render_png(LONG)))


@pytest.mark.parametrize("size", ["single", *LAYOUTS])
def test_text_stays_out_of_the_qr_quiet_zone_and_inside_the_label(size: str) -> None:
    if size == "single":
        width, height, margin = LABEL_WIDTH_MM, LABEL_HEIGHT_MM, LABEL_MARGIN_MM
    else:
        layout = LAYOUTS[size]
        width, height, margin = layout.label_width, layout.label_height, layout.margin
    for content in [LONG, *SAMPLES]:
        g = layout_label(content, width, height, margin)
        quiet_right = g.qr_x + (g.qr.size + 4) * g.module
        assert g.qr_x - 4 * g.module >= 0
        assert g.qr_y - 4 * g.module >= 0
        assert g.qr_y + (g.qr.size + 4) * g.module <= height
        code = g.texts[0]
        assert code.baseline - 0.73 * code.size >= margin - 1e-9  # cap height of the code
        for above, below in zip(g.texts, g.texts[1:], strict=False):
            # Descenders (0.24 em) of a line never reach accents (0.93 em) of the next one.
            assert below.baseline - 0.93 * below.size >= above.baseline + 0.24 * above.size
        assert g.texts[-1].baseline + 0.24 * g.texts[-1].size <= height - margin + 1e-9
        for slot in g.texts:
            assert slot.x >= quiet_right
            assert slot.x + slot.max_width <= width - margin + 1e-9


def test_code_is_printed_grouped_and_mass_gets_its_unit_once() -> None:
    content = SAMPLES[1]
    g = layout_label(content, LABEL_WIDTH_MM, LABEL_HEIGHT_MM, LABEL_MARGIN_MM)
    texts = [slot.text for slot in g.texts]
    assert texts[0] == content.code
    assert content.code.count("-") == 2
    assert f"{content.mass_kg} kg · 2025-03-14" in texts
    assert texts[-1] == "ledger.example"
    bound = LabelContent(content.code, content.url, mass_kg="412 kg")
    assert "412 kg" in [s.text for s in layout_label(bound, 70, 37, 4).texts]


def test_svg_qr_geometry_decodes_to_the_exact_url() -> None:
    for content in [*SAMPLES, LONG]:
        image, (x, y, module, size) = rasterise_svg_qr(render_svg(content), dpi=300)
        assert decode(image) == [content.url]
        assert x - 4 * module >= 0
        assert y - 4 * module >= 0
        root = ET.fromstring(render_svg(content))
        for text in root.iter(f"{SVG_NS}text"):
            assert float(text.attrib["x"]) >= x + (size + 4) * module
    save_artifact("label_svg_qr.png", rasterise_svg_qr(render_svg(SAMPLES[2]), dpi=300)[0])


def test_svg_is_a_well_formed_document_with_escaped_text() -> None:
    content = SAMPLES[3]  # material "Laine & <soie>"
    svg = render_svg(content)
    root = ET.fromstring(svg)
    assert root.attrib["width"] == "70mm"
    assert root.attrib["viewBox"] == "0 0 70 37"
    texts = [text.text for text in root.iter(f"{SVG_NS}text")]
    assert texts[0] == content.code
    assert "Laine & <soie>" in texts
    assert root.find(f"{SVG_NS}title").text == content.code  # type: ignore[union-attr]
    save_text_artifact("label.svg", render_svg(SAMPLES[2]))


def test_a_label_with_an_invalid_code_is_never_rendered() -> None:
    bad = LabelContent(code="XZF-PEY-WJ1", url="https://ledger.example/l/XZFPEYWJ1")
    with pytest.raises(InvalidLabelCode):
        render_png(bad)
    with pytest.raises(InvalidLabelCode):
        render_svg(bad)
    with pytest.raises(ValueError, match="dpi"):
        render_png(SAMPLES[0], dpi=20)


def test_fit_text_shrinks_then_ellipsises() -> None:
    def measure(text: str, size: float) -> float:
        return len(text) * size

    assert fit_text("abcd", 40, 10, measure) == ("abcd", 10)
    assert fit_text("abcd", 32, 10, measure) == ("abcd", 8)  # 80 % is enough
    text, size = fit_text("abcdefghij", 40, 10, measure)
    assert size == 7.5
    assert text.endswith("…")
    assert measure(text, size) <= 40


def test_rendering_falls_back_to_bundled_fonts_without_dejavu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def clear() -> None:
        fonts.pil_font.cache_clear()
        fonts.pdf_font.cache_clear()

    clear()
    monkeypatch.setattr(fonts, "font_path", lambda role: None)
    try:
        assert fonts.pdf_font("code") == "Courier-Bold"
        for content in [SAMPLES[2], LONG]:
            assert decode(open_png(render_png(content))) == [content.url]
            assert "<text" in render_svg(content)
        assert render_sheet_pdf([SAMPLES[2], LONG]).startswith(b"%PDF")
        # Pillow's bundled font has no "é": accents are dropped rather than drawn as boxes.
        assert fonts.pil_text("text", "Bois énergie · fin") == "Bois energie · fin"
        save_artifact("label_fallback_font.png", open_png(render_png(SAMPLES[2])))
    finally:
        monkeypatch.undo()
        clear()
