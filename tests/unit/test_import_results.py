"""An import's per-line results and its keys' stored results are the JSON the encoders write.

Both are written directly for the common shapes (a line that went in, a reference without
extra); the text must be what ``json`` writes, whatever the ids and keys hold.
"""

from __future__ import annotations

import json

import pytest

from ledger.cli.importer import LineResult
from ledger.storage.idempotency import result_text

HOSTILE = ["c-17", "sac «Lillebonne» n°7", 'quote " and \\ back', "line\nbreak\u2028", "\x00\x1f"]


def encoded(result: LineResult) -> str:
    fields = ("number", "client_event_id", "status", "id", "code", "message")
    data = {k: v for k in fields if (v := getattr(result, k)) is not None}
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_line_s_result_is_the_json_encoder_s(text: str) -> None:
    results = [
        LineResult(1, text, "ok", id="00000000-0000-4003-8000-000000000001"),
        LineResult(2_000_017, None, "duplicate", id=text),
        LineResult(3, text, "error", code="unknown_site", message=f"Unknown site {text}."),
        LineResult(4, None, "error", code="invalid_input", message=text),
    ]
    for result in results:
        assert result.to_json() == encoded(result)
        assert json.loads(result.to_json())["number"] == result.number


@pytest.mark.parametrize(
    "result",
    [
        {"kind": "batch", "id": "00000000-0000-4003-8000-000000000001", "version": 1, "extra": {}},
        {"kind": "work_log", "id": HOSTILE[2], "version": None, "extra": None},
        {"kind": HOSTILE[3], "id": HOSTILE[1], "version": 12, "extra": {}},
        {"kind": "label", "id": "x", "version": 1, "extra": {"code": "LBL-0001"}},
        {"kind": "batch", "id": "x", "version": True, "extra": {}},
        {"kind": "batch", "id": "x", "version": 1, "extra": []},
        {"kind": "batch", "id": "x", "version": 1},
    ],
)
def test_a_key_s_stored_result_is_the_compact_sorted_json(result: dict[str, object]) -> None:
    assert result_text(result) == json.dumps(result, separators=(",", ":"), sort_keys=True)
