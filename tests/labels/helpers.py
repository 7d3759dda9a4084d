"""Shared helpers for the label tests: decoding, sample labels, artefacts, an SVG QR reader."""

from __future__ import annotations

import io
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw

from labels import LabelContent, generate_codes, label_url

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "labels"
KEY = b"label-test-key-not-a-real-secret"
BASE_URL = "https://ledger.example"
SVG_NS = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in the image, as text."""
    return [
        barcode.text
        for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def contents(count: int, seed: int = 1) -> list[LabelContent]:
    """Sample labels with a variety of content: unbound, bound, long, with markup characters."""
    materials = [None, "Coton", "Coton / polyester mélangé, couleurs foncées", "Laine & <soie>"]
    filieres = ["Textiles usagés", "Lin fibre", "Bois énergie", None]
    made = []
    for i, code in enumerate(generate_codes(count, random.Random(seed))):
        material = materials[i % len(materials)]
        made.append(
            LabelContent(
                code=code,
                url=label_url(code, BASE_URL, KEY),
                filiere=filieres[i % len(filieres)],
                material=material,
                mass_kg=f"{400 + i},5" if material else None,
                date="2025-03-14" if material else None,
            )
        )
    return made


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def save_artifact(name: str, image: Image.Image) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / name)


def save_text_artifact(name: str, text: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(text, encoding="utf-8")


def dark_bbox(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Bounding box, in image coordinates, of the pixels darker than mid-grey inside ``box``."""
    region = image.convert("L").crop(box).point(lambda v: 255 if v < 128 else 0)
    found = region.getbbox()
    assert found is not None, "no dark pixel in the region"
    return found[0] + box[0], found[1] + box[1], found[2] + box[0], found[3] + box[1]


def is_blank(image: Image.Image, box: tuple[int, int, int, int], threshold: int = 250) -> bool:
    """True when every pixel in ``box`` is (almost) white."""
    low, _ = image.convert("L").crop(box).getextrema()
    return bool(low >= threshold)


_TRANSFORM = re.compile(r"translate\(([\d.]+) ([\d.]+)\) scale\(([\d.]+)\)")
_RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")


def rasterise_svg_qr(svg: str, dpi: int) -> tuple[Image.Image, tuple[float, float, float, int]]:
    """Draw the QR path of one of our SVG labels on a white page of the label's size.

    A strict reader of exactly the path syntax render_svg writes (anything else fails),
    so that the test checks the geometry in the SVG itself, not a renderer's tolerance.
    Returns the image and (x, y, module, modules per side) in millimetres.
    """
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    (path,) = root.iter(f"{SVG_NS}path")
    match = _TRANSFORM.fullmatch(path.attrib["transform"])
    assert match is not None
    x, y, module = (float(v) for v in match.groups())
    d = path.attrib["d"]
    runs = [tuple(int(v) for v in m.groups()) for m in _RUN.finditer(d)]
    assert "".join(m.group() for m in _RUN.finditer(d)) == d, "unexpected path syntax"
    px = dpi / 25.4
    image = Image.new("L", (round(width * px), round(height * px)), 255)
    draw = ImageDraw.Draw(image)
    size = 0
    for col, row, length, back in runs:
        assert back == length
        size = max(size, col + length, row + 1)
        left, right = round((x + col * module) * px), round((x + (col + length) * module) * px)
        top, bottom = round((y + row * module) * px), round((y + (row + 1) * module) * px)
        draw.rectangle((left, top, right - 1, bottom - 1), fill=0)
    return image, (x, y, module, size)
