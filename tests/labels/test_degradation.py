"""Labels must still scan on dirty, crumpled bales: decode degraded renderings.

Every degradation starts from the 300 dpi PNG of a label and must decode to the exact URL.
Smudges cover 20 % of the QR symbol's area (measured, not assumed) and avoid the three
finder patterns: a reader cannot even locate a symbol whose finder is hidden, whatever the
error-correction level. "Dirt film" darkens what it covers (grease, mud: modules still show
through); the "opaque blob" hides it completely and is at the limit of level H, which is why
it is tested centred. Stacking dirt, blur, rotation *and* 150 dpi together is beyond what
the symbol survives reliably; bench/labels.py measures these limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from labels import LabelContent, render_png
from labels.label import layout_label
from labels.render import LABEL_HEIGHT_MM, LABEL_MARGIN_MM, LABEL_WIDTH_MM
from tests.labels.helpers import contents, dark_bbox, decode, open_png, save_artifact

DPI = 300
Box = tuple[int, int, int, int]
SAMPLES = contents(8, seed=42)


def _symbol_box(image: Image.Image, content: LabelContent) -> Box:
    geometry = layout_label(content, LABEL_WIDTH_MM, LABEL_HEIGHT_MM, LABEL_MARGIN_MM)
    return dark_bbox(image, (0, 0, round(geometry.texts[0].x * DPI / 25.4), image.height))


def _discs(box: Box, centres: list[tuple[float, float]], fraction: float) -> Image.Image:
    """Mask of discs at relative ``centres`` of the symbol, together ``fraction`` of its area."""
    left, top, right, bottom = box
    side = right - left
    mask = Image.new("L", (right, bottom), 0)
    # +1 px: rasterised discs are slightly smaller than the ideal ones.
    radius = math.sqrt(fraction * side * side / len(centres) / math.pi) + 1
    draw = ImageDraw.Draw(mask)
    for fx, fy in centres:
        cx, cy = left + fx * side, top + fy * side
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=255)
    covered = mask.crop(box).histogram()[255] / (side * side)
    assert covered >= fraction, covered  # the smudge really covers 20 % of the symbol
    return mask


def _film(image: Image.Image, box: Box, centres: list[tuple[float, float]]) -> Image.Image:
    """Dirt film: multiply by 0.35 (white becomes dark grey) where the discs are."""
    mask = _discs(box, centres, 0.20)
    full = Image.new("L", image.size, 0)
    full.paste(mask, (0, 0))
    dirty = image.point(lambda v: int(v * 0.35))
    return Image.composite(dirty, image, full)


def _blob(image: Image.Image, box: Box, centres: list[tuple[float, float]]) -> Image.Image:
    """Opaque black blob(s) hiding what they cover."""
    full = Image.new("L", image.size, 0)
    full.paste(_discs(box, centres, 0.20), (0, 0))
    return ImageChops.darker(image, ImageChops.invert(full))


def _module(box: Box, content: LabelContent) -> float:
    geometry = layout_label(content, LABEL_WIDTH_MM, LABEL_HEIGHT_MM, LABEL_MARGIN_MM)
    return (box[2] - box[0]) / geometry.qr.size


def _downscale(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.BOX)


def _rotate(image: Image.Image) -> Image.Image:
    return image.rotate(10, Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def _blur(image: Image.Image, module: float) -> Image.Image:
    # Sigma of 0.3 module (~0.2 mm): edges of neighbouring modules already bleed together.
    return image.filter(ImageFilter.GaussianBlur(radius=0.3 * module))


PATCHES = [(0.5, 0.3), (0.3, 0.62), (0.74, 0.72)]
Degrade = Callable[[Image.Image, Box, float], Image.Image]
DEGRADATIONS: dict[str, Degrade] = {
    "downscaled_to_150_dpi": lambda image, box, module: _downscale(image),
    "gaussian_blur": lambda image, box, module: _blur(image, module),
    "rotated_10_degrees": lambda image, box, module: _rotate(image),
    "opaque_blob_20pct_centre": lambda image, box, module: _blob(image, box, [(0.5, 0.5)]),
    "dirt_film_20pct_centre": lambda image, box, module: _film(image, box, [(0.5, 0.5)]),
    "dirt_film_20pct_lower_right": lambda image, box, module: _film(image, box, [(0.72, 0.72)]),
    "dirt_film_20pct_top_edge": lambda image, box, module: _film(image, box, [(0.5, 0.27)]),
    "dirt_patches_20pct": lambda image, box, module: _film(image, box, PATCHES),
    "blurred_rotated_and_downscaled": lambda image, box, module: _downscale(
        _rotate(_blur(image, module))
    ),
    "dirt_patches_rotated_and_downscaled": lambda image, box, module: _downscale(
        _rotate(_film(image, box, PATCHES))
    ),
}


@pytest.mark.parametrize("name", list(DEGRADATIONS))
def test_degraded_label_still_decodes_to_its_exact_url(name: str) -> None:
    for number, content in enumerate(SAMPLES):
        image = open_png(render_png(content, dpi=DPI)).convert("L")
        box = _symbol_box(image, content)
        degraded = DEGRADATIONS[name](image, box, _module(box, content))
        if number == 0:
            save_artifact(f"degraded_{name}.png", degraded)
        assert decode(degraded) == [content.url], (name, content.code)


def test_degradations_really_damage_the_symbol() -> None:
    # Guard against a degradation silently becoming a no-op (the tests above would then pass
    # for nothing): every one must change the image a lot, and a 60 % blob must kill it.
    content = SAMPLES[0]
    image = open_png(render_png(content, dpi=DPI)).convert("L")
    box = _symbol_box(image, content)
    for name, degrade in DEGRADATIONS.items():
        degraded = degrade(image, box, _module(box, content))
        if degraded.size == image.size:
            diff = ImageChops.difference(degraded, image).crop(box).histogram()
            assert sum(diff[40:]) > 0.02 * (box[2] - box[0]) ** 2, name
    full = Image.new("L", image.size, 0)
    full.paste(_discs(box, [(0.5, 0.5)], 0.6), (0, 0))
    assert decode(ImageChops.darker(image, ImageChops.invert(full))) == []
