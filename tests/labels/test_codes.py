from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labels import codes
from labels.codes import (
    ALPHABET,
    InvalidLabelCode,
    check_character,
    compact,
    generate_codes,
    is_valid,
    normalize,
)

DISPLAY = re.compile(rf"[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}")
SAMPLE = [compact(code) for code in generate_codes(200, random.Random(20250314))]


def test_generated_codes_are_distinct_valid_and_in_display_form() -> None:
    generated = generate_codes(2000, random.Random(1))
    assert len(set(generated)) == 2000
    assert all(DISPLAY.fullmatch(code) and is_valid(code) for code in generated)


def test_generate_codes_is_reproducible_with_a_seed_and_random_without() -> None:
    assert generate_codes(5, random.Random(7)) == generate_codes(5, random.Random(7))
    assert generate_codes(5) != generate_codes(5)
    assert generate_codes(0) == []
    with pytest.raises(ValueError, match="count"):
        generate_codes(-1)


def test_check_character_catches_every_single_substitution() -> None:
    for code in SAMPLE:
        for position in range(len(code)):
            for symbol in ALPHABET:
                if symbol != code[position]:
                    typo = code[:position] + symbol + code[position + 1 :]
                    assert not is_valid(typo), (code, typo)


def test_check_character_catches_every_adjacent_transposition() -> None:
    swaps = 0
    for code in SAMPLE:
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not is_valid(swapped), (code, swapped)
                swaps += 1
    assert swaps > 1500  # the sample really exercised the property


def test_check_detects_every_substitution_and_transposition_in_every_code() -> None:
    # The check is linear: an error changes the weighted sum by an amount that depends only on
    # the positions and the symbols involved, never on the rest of the code. So checking every
    # (position, symbol) combination proves detection for all 32**8 codes, not just a sample.
    weights = [*codes._WEIGHTS, 1]  # the check symbol has weight a^0 = 1
    mul = codes._gf_mul
    assert len(set(weights)) == len(weights)
    assert 0 not in weights
    for i, wi in enumerate(weights):
        for a in range(32):
            for b in range(32):
                if a == b:
                    continue
                assert mul(wi, a) != mul(wi, b)  # substitution a -> b at position i
                for wj in weights[i + 1 :]:  # transposition of positions i < j
                    assert mul(wi, a) ^ mul(wj, b) != mul(wi, b) ^ mul(wj, a)


def test_weights_are_powers_of_a_primitive_element_of_gf32() -> None:
    powers, value = [], 1
    for _ in range(31):
        powers.append(value)
        value = codes._gf_mul(value, 2)
    assert value == 1
    assert len(set(powers)) == 31


def test_check_character_values_are_stable() -> None:
    # Printed labels live for years: the algorithm must never change. a^8 = 13 = "D".
    assert check_character("00000000") == "0"
    assert check_character("10000000") == "2"
    assert check_character("00000001") == "D"
    assert check_character("7k4-m9q-pr") == check_character("7K4M9QPR")


def test_normalize_ignores_case_spaces_hyphens_and_applies_aliases() -> None:
    code = generate_codes(1, random.Random(3))[0]
    assert normalize(code) == code
    assert normalize(f"  {code.lower().replace('-', ' ')} ") == code
    assert normalize(code.replace("-", "")) == code
    data = "11101000"
    full = data + check_character(data)
    expected = normalize(full)
    assert normalize("IlIo LOoo" + full[-1]) == expected
    assert normalize(full[:3] + "\u2013" + full[3:6] + "\u2014" + full[6:]) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7K4-M9Q", "9 characters"),
        ("7K4-M9Q-PRXX", "9 characters"),
        ("", "9 characters"),
        ("7K4-M9Q-PRU", "letter U is never used"),
        ("7K4-M9Q-PR#", "cannot appear"),
        ("7K4-M9Q-PRÉ", "cannot appear"),
    ],
)
def test_normalize_explains_why_text_is_not_a_code(text: str, message: str) -> None:
    with pytest.raises(InvalidLabelCode, match=message):
        normalize(text)
    assert not is_valid(text)


def test_normalize_rejects_a_wrong_check_character() -> None:
    code = compact(generate_codes(1, random.Random(4))[0])
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % 32]
    with pytest.raises(InvalidLabelCode, match="mistyped"):
        normalize(code[:-1] + wrong)
    assert issubclass(InvalidLabelCode, ValueError)


def test_check_character_needs_exactly_eight_data_symbols() -> None:
    with pytest.raises(InvalidLabelCode, match="8 data characters"):
        check_character("1234567")


data_symbols = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@given(
    data=data_symbols,
    seps=st.lists(st.sampled_from(["", " ", "-", "  "]), min_size=10, max_size=10),
    lower=st.booleans(),
)
def test_any_spelling_of_a_code_normalizes_to_its_display_form(
    data: str, seps: list[str], lower: bool
) -> None:
    code = data + check_character(data)
    spelled = "".join(sep + symbol for sep, symbol in zip(seps, code, strict=False)) + seps[-1]
    if lower:
        spelled = spelled.lower()
    display = normalize(spelled)
    assert DISPLAY.fullmatch(display)
    assert compact(display) == code
    assert normalize(display) == display


@given(text=st.text(max_size=12))
def test_normalize_either_returns_a_valid_code_or_raises_invalid_label_code(text: str) -> None:
    try:
        display = normalize(text)
    except InvalidLabelCode:
        assert not is_valid(text)
    else:
        assert is_valid(display)
        assert DISPLAY.fullmatch(display)
