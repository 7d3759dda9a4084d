"""A fake camera for Chromium: a label photographed still, as a Y4M video file."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 640, 480


def label_video(png: bytes, path: Path, frames: int = 3) -> Path:
    """A 640 x 480 YUV 4:2:0 video of the label on a grey bale-wrap background."""
    label = Image.open(io.BytesIO(png)).convert("RGB")
    label.thumbnail((WIDTH - 60, HEIGHT - 60))
    scene = Image.new("RGB", (WIDTH, HEIGHT), (118, 120, 112))
    scene.paste(label, ((WIDTH - label.width) // 2, (HEIGHT - label.height) // 2))
    y, cb, cr = scene.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = (
        b"FRAME\n"
        + y.tobytes()
        + cb.resize(half, Image.Resampling.BILINEAR).tobytes()
        + cr.resize(half, Image.Resampling.BILINEAR).tobytes()
    )
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path
