from __future__ import annotations

import random

import pytest
import qrcode
from qrcode import util as qr_util

from labels import EC_LEVEL, generate_codes, label_url
from labels.qr import EC_LEVELS, penalty, qr_matrix
from tests.labels.helpers import BASE_URL, KEY


def _reference(data: str, ec: str, mask: int) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=EC_LEVELS[ec], border=0, mask_pattern=mask)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(m) for m in row] for row in code.modules]


def _as_rows(modules: list[list[bool]]) -> tuple[int, ...]:
    return tuple(int("".join("1" if m else "0" for m in row), 2) for row in modules)


# Lengths and levels giving versions 1 to 15 (7+ adds the version-information blocks).
PAYLOADS = [
    (5, "L"),
    (20, "M"),
    (40, "Q"),
    (70, "H"),
    (100, "L"),
    (130, "M"),
    (160, "Q"),
    (200, "H"),
    (230, "L"),
    (12, "M"),
    (45, "Q"),
    (61, "H"),
    (90, "H"),
]


@pytest.mark.parametrize(("length", "ec"), PAYLOADS)
def test_fast_masking_gives_the_same_symbol_as_qrcode_for_every_mask(length: int, ec: str) -> None:
    rng = random.Random(length)
    data = "".join(rng.choice("abcdefXYZ0123456789/:?=.-") for _ in range(length))
    for mask in range(8):
        ours = qr_matrix(data, ec, mask=mask)
        assert ours.rows == _as_rows(_reference(data, ec, mask)), (length, ec, mask)
        assert ours.mask == mask


def test_chosen_mask_has_the_lowest_penalty() -> None:
    data = label_url(generate_codes(1, random.Random(5))[0], BASE_URL, KEY)
    chosen = qr_matrix(data, "H")
    scores = [penalty(qr_matrix(data, "H", mask=m).rows, chosen.size) for m in range(8)]
    assert penalty(chosen.rows, chosen.size) == min(scores)
    assert chosen.mask == scores.index(min(scores))


def test_penalty_matches_qrcode_lost_point() -> None:
    rng = random.Random(11)
    for size in (21, 25, 41, 57):
        for _ in range(5):
            # Random matrices biased towards long runs and blocks, to exercise every rule.
            density = rng.choice([0.2, 0.5, 0.8])
            modules = [[rng.random() < density for _ in range(size)] for _ in range(size)]
            assert penalty(_as_rows(modules), size) == qr_util.lost_point(modules)
    real = _reference("https://ledger.example/l/XZFPEYWJ0?s=W6NBP48T", "H", 3)
    assert penalty(_as_rows(real), len(real)) == qr_util.lost_point(real)


def test_runs_cover_exactly_the_dark_modules() -> None:
    matrix = qr_matrix("https://ledger.example/l/XZFPEYWJ0?s=W6NBP48T")
    dark = {(r, c) for r in range(matrix.size) for c in range(matrix.size) if matrix.is_dark(r, c)}
    covered = [(r, c0 + i) for r, c0, length in matrix.runs() for i in range(length)]
    assert len(covered) == len(set(covered))
    assert set(covered) == dark


def test_label_urls_fit_a_version_6_symbol_at_level_h() -> None:
    # Size budget: a longer URL means a denser symbol and smaller modules on the label.
    assert EC_LEVEL == "H"
    for code in generate_codes(20, random.Random(2)):
        assert qr_matrix(label_url(code, BASE_URL, KEY), EC_LEVEL).version <= 6


def test_forcing_an_invalid_mask_is_refused() -> None:
    with pytest.raises(ValueError, match="mask"):
        qr_matrix("x", mask=8)
