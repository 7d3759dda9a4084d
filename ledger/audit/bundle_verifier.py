#!/usr/bin/env python3
"""Verify an evidence bundle of the filière ledger with nothing but this file and Python 3.

    python3 verify.py [BUNDLE_DIR_OR_ZIP]

Checks, from the bundle alone:
1. the stored records recompute the hash chain from the checkpoint digest to the head digest
   printed on the statement (a record changed after the statement was issued breaks it);
2. every event listed as evidence says exactly what its chained record says;
3. every figure of the statement follows from those records and the rates of the year.
Exit status 0 when everything holds; otherwise 1, naming the figure, event or record at fault.
This file imports only the standard library on purpose: an auditor need not trust the ledger.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

UNITS = (
    ("_g", "_kg", 1000),
    ("moisture_bp", "moisture_pct", 100),
    ("hours_centi", "hours", 100),
    ("distance_m", "distance_km", 1000),
)
MASS_EVENTS = {
    "Batch.Collected",
    "Batch.Produced",
    "Batch.Weighed",
    "Batch.Received",
    "Batch.Valorised",
}
HIDDEN = {"originator_topic", "timestamp", "organisation_id", "token_id", "request_digest"}


class Problem(Exception):
    """One thing in the bundle that does not hold."""


NEEDED = ("statement.json", "chain.json", "records.jsonl", "events.jsonl", "context.json")


def read_bundle(path: Path) -> dict[str, str]:
    if path.is_dir():
        return {name: (path / name).read_text("utf-8") for name in NEEDED}
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in NEEDED}


def digest(previous: bytes, record: dict[str, Any]) -> bytes:
    head = (
        f"|{record['position']}|{record['originator_id']}|{record['version']}|{record['topic']}|"
    ).encode()
    return hashlib.sha256(previous + head + base64.b64decode(record["state"])).digest()


def check_chain(
    records: list[dict[str, Any]], chain: dict[str, Any], statement: dict[str, Any]
) -> None:
    value = bytes.fromhex(chain["checkpoint"]["digest"])
    expected_position = chain["checkpoint"]["position"] + 1
    for record in records:
        if record["position"] != expected_position:
            raise Problem(f"record {expected_position} is missing from the bundle")
        value = digest(value, record)
        expected_position += 1
    if expected_position - 1 != chain["head"]["position"] or value.hex() != chain["head"]["digest"]:
        raise Problem(
            f"the records do not recompute the chain head {chain['head']['digest'][:16]}… "
            f"at position {chain['head']['position']}: a record was changed"
        )
    if statement.get("chain_head") != chain["head"]["digest"]:
        raise Problem("the statement's chain head differs from the bundle's chain")


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            data = value["_data_"]
            if value["_type_"] == "uuid_hex":
                return f"{data[:8]}-{data[8:12]}-{data[12:16]}-{data[16:20]}-{data[20:]}"
            return decode(data)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def api_units(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {}
        for name, item in value.items():
            for suffix, replacement, divisor in UNITS:
                if name.endswith(suffix) and (item is None or type(item) is int):
                    name = name[: -len(suffix)] + replacement
                    item = None if item is None else item / divisor
                    break
            converted[name] = api_units(item)
        return converted
    if isinstance(value, list):
        return [api_units(v) for v in value]
    return value


def state_of(record: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = decode(json.loads(base64.b64decode(record["state"])))
    return state


def check_events(events: list[dict[str, Any]], records: dict[int, dict[str, Any]]) -> None:
    for event in events:
        record = records.get(event["position"])
        if record is None:
            raise Problem(f"event {event['position']} has no chained record in the bundle")
        if record["topic"].split(":")[-1] != event["type"]:
            raise Problem(f"event {event['position']}: type {event['type']} is not the record's")
        stored = api_units({k: v for k, v in state_of(record).items() if k not in HIDDEN})
        for field, value in event["payload"].items():
            if stored.get(field) != value:
                raise Problem(
                    f"event {event['position']} ({event['type']}): {field} is {value!r} in "
                    f"events.jsonl but {stored.get(field)!r} in the chained record"
                )


def half_up(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def cents(grams: int, rate: str) -> int:
    exact = Decimal(grams) * Decimal(rate) * 100 / 1_000_000
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def figures(
    events: list[dict[str, Any]],
    records: dict[int, dict[str, Any]],
    routes: dict[str, Any],
    rates: dict[str, str],
) -> dict[str, Any]:
    """The statement's figures recomputed from the chained records only."""
    outputs = {"reuse": 0, "recycling": 0, "csr": 0, "energy": 0, "disposal": 0}
    sorted_input = 0
    logs: dict[str, dict[str, Any]] = {}
    batches = corrected_batches(events, records)
    for event in sorted(events, key=lambda e: e["position"]):
        state = state_of(records[event["position"]])
        if event["type"] == "Transformation.Recorded":
            for item in state["inputs"]:
                sorted_input += consumed_mass(batches, item, event["aggregate_id"])
            for item in state["outputs"]:
                batch = batches.get(item["batch_id"])
                material = batch["material"] if batch else item["material"]
                route = routes.get(material)
                if route in outputs:
                    outputs[route] += batch["mass"][1] if batch else item["mass_g"]
        elif event["type"] == "WorkLog.Logged":
            logs[event["aggregate_id"]] = dict(state)
        elif event["type"] == "WorkLog.Corrected":
            logs[event["aggregate_id"]].update(state["changes"])
    sorting = [log for log in logs.values() if log["activity"] == "sorting"]
    sorting_hours = sum(log["hours_centi"] for log in sorting)
    insertion = sum(log["hours_centi"] for log in sorting if log["contract"] == "insertion")
    lines = {
        "sbase": cents(outputs["recycling"] + outputs["csr"], rates["sbase"]),
        "scomp_recycling": cents(outputs["recycling"], rates["scomp_recycling"]),
        "scomp_csr": cents(outputs["csr"], rates["scomp_csr"]),
        "svalo_e": cents(outputs["energy"], rates["svalo_e"]),
    }
    not_reused = sorted_input - outputs["reuse"]
    return {
        "tonnes": {route: half_up(Decimal(g) / 1_000_000, 6) for route, g in outputs.items()},
        "sorted_input_tonnes": half_up(Decimal(sorted_input) / 1_000_000, 6),
        "support_cents": {**lines, "total": sum(lines.values())},
        "recycling_rate": half_up(Decimal(outputs["recycling"]) / not_reused, 4)
        if not_reused
        else None,
        "insertion_share": half_up(Decimal(insertion) / sorting_hours, 4)
        if sorting_hours
        else None,
    }


def corrected_batches(
    events: list[dict[str, Any]], records: dict[int, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each batch's mass by version, material and consumptions, with corrections applied.

    As the ledger does: an event that sets a mass sets it at its version, a correction replaces
    the mass of the version it corrects (or the material), and a batch goes into a
    transformation with the mass of its latest version that set one.
    """
    batches: dict[str, dict[str, Any]] = {}
    for event in sorted(events, key=lambda e: e["position"]):
        kind = event["type"]
        if not kind.startswith("Batch."):
            continue
        state = state_of(records[event["position"]])
        batch = batches.setdefault(
            event["aggregate_id"], {"mass": {}, "material": None, "consumed": {}}
        )
        if kind in MASS_EVENTS:
            batch["mass"][event["version"]] = state["mass_g"]
        if kind in ("Batch.Collected", "Batch.Produced"):
            batch["material"] = state["material"]
        elif kind == "Batch.Consumed":
            batch["consumed"][state["transformation_id"]] = max(batch["mass"])
        elif kind == "Batch.Corrected":
            if state.get("mass_g") is not None:
                batch["mass"][state["corrects_version"]] = state["mass_g"]
            if state.get("material") is not None:
                batch["material"] = state["material"]
    return batches


def consumed_mass(
    batches: dict[str, dict[str, Any]], item: dict[str, Any], transformation_id: str
) -> int:
    """An input's mass as it went into the transformation, corrections included."""
    batch = batches.get(item["batch_id"])
    if batch is None or transformation_id not in batch["consumed"]:
        return int(item["mass_g"])
    return int(batch["mass"][batch["consumed"][transformation_id]])


def check_figures(statement: dict[str, Any], computed: dict[str, Any]) -> None:
    for name, value in computed.items():
        if isinstance(value, dict):
            for part, number in value.items():
                if statement[name].get(part) != number:
                    raise Problem(
                        f"figure {name}.{part}: the statement says {statement[name].get(part)!r}, "
                        f"the events give {number!r}"
                    )
        elif statement.get(name) != value:
            said = statement.get(name)
            raise Problem(f"figure {name}: the statement says {said!r}, the events give {value!r}")


def verify(path: Path) -> None:
    files = read_bundle(path)
    statement = json.loads(files["statement.json"])
    chain = json.loads(files["chain.json"])
    records_list = [json.loads(line) for line in files["records.jsonl"].splitlines() if line]
    events = [json.loads(line) for line in files["events.jsonl"].splitlines() if line]
    context = json.loads(files["context.json"])
    check_chain(records_list, chain, statement)
    records = {r["position"]: r for r in records_list}
    check_events(events, records)
    check_figures(statement, figures(events, records, context["routes"], context["rates"]))


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    try:
        verify(target)
    except Problem as problem:
        print(f"FAILED: {problem}")
        return 1
    print("OK: the chain, the events and every figure of the statement hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
