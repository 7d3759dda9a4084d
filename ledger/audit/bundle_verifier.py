#!/usr/bin/env python3
"""Verify an evidence bundle of the filière ledger with nothing but this file and Python 3.

    python3 verify.py [BUNDLE_DIR_OR_ZIP]

Checks, from the bundle alone:
1. the stored records recompute the hash chain from the checkpoint digest to the head digest
   printed on the statement (a record changed after the statement was issued breaks it);
2. every event listed as evidence says exactly what its chained record says, and every chained
   event of a batch or work log it names is listed;
3. every figure of the statement follows from those records (up to the statement's position)
   and the rates of the year.
Exit status 0 when everything holds; otherwise 1, naming the figure, event or record at fault.
This file imports only the standard library on purpose: an auditor need not trust the ledger.

Corrections follow the ledger's one rule (its batches view applies the same): correcting the
mass a batch holds now, while it is held or in transit, is an adjustment counted in losses when
it is made, so the sorting that produced the batch keeps its output; any other correction (a
mass since consumed, re-weighed or sold, a material, a time, a work log's hours or date)
restates the event it changes, so figures move to the corrected value, route or period.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
STATES = {
    "Batch.Collected": "held",
    "Batch.Produced": "held",
    "Batch.Received": "held",
    "Batch.Dispatched": "in_transit",
    "Batch.ReceiptRefused": "held",  # back at the site it left, with its sender
    "Batch.Consumed": "consumed",
    "Batch.Valorised": "valorised",
}
HIDDEN = {"originator_topic", "timestamp", "organisation_id", "token_id", "request_digest"}
try:
    PARIS: ZoneInfo | None = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # a Python without time-zone data (Windows without tzdata)
    PARIS = None


class Problem(Exception):
    """One thing in the bundle that does not hold."""


@dataclass(frozen=True)
class Stored:
    """One chained event of an aggregate, decoded."""

    version: int
    kind: str  # the event's class, e.g. Batch.Corrected
    state: dict[str, Any]


@dataclass(frozen=True)
class Fact:
    """A batch consumed or produced by a transformation, as the figures count it."""

    kind: str  # consumed or produced
    batch_id: str
    transformation_id: str
    process: str
    material: str
    mass_g: int
    day: str  # the Paris date it occurred, corrections applied
    holder: str  # the organisation holding the batch then


NEEDED = ("statement.json", "chain.json", "records.jsonl", "events.jsonl", "context.json")


def read_bundle(path: Path) -> dict[str, str]:
    if path.is_dir():
        return {name: (path / name).read_text("utf-8") for name in NEEDED}
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in NEEDED}


def digest(previous: bytes, record: dict[str, Any]) -> bytes:
    """One step of the chain (the ledger's ``audit/chain.py``): a whole record's content is
    recomputed here; a sealed one (not behind any figure) gives the digest of its content."""
    if "state" in record:
        content = record["topic"].encode() + b"|" + base64.b64decode(record["state"])
        sealed = hashlib.sha256(content).digest()
    else:
        sealed = bytes.fromhex(record["sealed"])
    place = f"ledger-record/v2|{record['position']}|{record['originator_id']}|{record['version']}|"
    step = hashlib.sha256(place.encode() + sealed).digest()
    return hashlib.sha256(previous + step).digest()


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
        if record is None or "state" not in record:
            raise Problem(f"event {event['position']} has no chained record in the bundle")
        if record["topic"].split(":")[-1] != event["type"]:
            raise Problem(f"event {event['position']}: type {event['type']} is not the record's")
        if (dashed(record["originator_id"]), record["version"]) != (
            event["aggregate_id"],
            event["version"],
        ):
            raise Problem(f"event {event['position']}: aggregate or version is not the record's")
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


def summer_time(moment: datetime) -> bool:
    """The EU rule France keeps since 1996: from 01:00 UTC on the last Sunday of March to
    01:00 UTC on the last Sunday of October (``moment`` in UTC)."""

    def last_sunday(month: int) -> datetime:
        end = datetime(moment.year, month, 31, 1, tzinfo=UTC)
        return end - timedelta(days=(end.weekday() + 1) % 7)

    return last_sunday(3) <= moment < last_sunday(10)


def paris_date(text: str) -> str:
    """The Europe/Paris calendar date of a time: periods are dates there (tz data when this
    Python has it, else the EU summer-time rule)."""
    moment = datetime.fromisoformat(text).astimezone(UTC)
    if PARIS is not None:
        return moment.astimezone(PARIS).date().isoformat()
    return (moment + timedelta(hours=2 if summer_time(moment) else 1)).date().isoformat()


def dashed(hex_id: str) -> str:
    return decode({"_type_": "uuid_hex", "_data_": hex_id}) if len(hex_id) == 32 else hex_id


def histories(
    events: list[dict[str, Any]], records: dict[int, dict[str, Any]], through: int
) -> dict[str, list[Stored]]:
    """The chained events of each aggregate the bundle names, in version order, up to the
    statement's position. The rule of corrections reads a batch's whole history, so the bundle
    must list every one of them."""
    listed = {event["position"] for event in events}
    named = {records[position]["originator_id"] for position in listed}
    found: dict[str, list[Stored]] = {}
    for position in sorted(records):
        record = records[position]
        if position > through or record["originator_id"] not in named:
            continue
        if "state" not in record:
            aggregate = dashed(record["originator_id"])
            raise Problem(f"record {position} of {aggregate} is sealed, yet the bundle names it")
        kind = record["topic"].split(":")[-1]
        if position not in listed:
            aggregate = dashed(record["originator_id"])
            raise Problem(f"record {position} ({kind} of {aggregate}) is not in events.jsonl")
        history = found.setdefault(dashed(record["originator_id"]), [])
        history.append(Stored(record["version"], kind, state_of(record)))
    for aggregate, history in found.items():
        if [item.version for item in history] != list(range(1, len(history) + 1)):
            raise Problem(f"the bundle lacks events of {aggregate}: versions must run from 1")
    return found


def adjusting(history: list[Stored]) -> set[int]:
    """The corrections (by version) that adjust: those of the mass the batch holds now, while
    it is held or in transit, decided on the events as recorded."""
    state, mass_version, found = "held", 0, set()
    for item in history:
        state = STATES.get(item.kind, state)
        if item.kind in MASS_EVENTS:
            mass_version = item.version
        elif (
            item.kind == "Batch.Corrected"
            and item.state.get("mass_g") is not None
            and item.state["corrects_version"] == mass_version
            and state in ("held", "in_transit")
        ):
            found.add(item.version)
    return found


def restated(history: list[Stored], adjusts: set[int]) -> dict[int, dict[str, Any]]:
    """The corrected values of each corrected event (the latest correction wins)."""
    patches: dict[int, dict[str, Any]] = {}
    for item in history:
        if item.kind != "Batch.Corrected":
            continue
        patch = patches.setdefault(item.state["corrects_version"], {})
        if item.state.get("material") is not None:
            patch["material"] = item.state["material"]
        if item.state.get("corrected_occurred_at") is not None:
            patch["occurred_at"] = item.state["corrected_occurred_at"]
        if item.state.get("mass_g") is not None and item.version not in adjusts:
            patch["mass_g"] = item.state["mass_g"]
    return patches


def batch_facts(batch_id: str, history: list[Stored]) -> list[Fact]:
    """What the batch consumed into and produced from transformations, corrections applied."""
    adjusts = adjusting(history)
    patches = restated(history, adjusts)
    facts, mass, material, holder = [], 0, "", ""
    for item in history:
        state = {**item.state, **patches.get(item.version, {})}
        if item.kind in ("Batch.Collected", "Batch.Produced"):
            material, holder = state["material"], state["holder_id"]
        if item.kind in MASS_EVENTS or item.version in adjusts:
            mass = int(state["mass_g"])
        if item.kind == "Batch.Received":
            holder = state["holder_id"]
        if item.kind in ("Batch.Produced", "Batch.Consumed"):
            kind = "produced" if item.kind == "Batch.Produced" else "consumed"
            day = paris_date(state["occurred_at"])
            transformation, process = state["transformation_id"], state["process"]
            facts.append(Fact(kind, batch_id, transformation, process, material, mass, day, holder))
    return facts


def figures(
    statement: dict[str, Any], found: dict[str, list[Stored]], context: dict[str, Any]
) -> dict[str, Any]:
    """The statement's figures recomputed from the chained records only."""
    routes, rates = context["routes"], context["rates"]
    organisation, start, end = statement["organisation_id"], statement["from"], statement["to"]
    outputs = {"reuse": 0, "recycling": 0, "csr": 0, "energy": 0, "disposal": 0}
    sorted_input = 0
    for fact in counted_facts(found, organisation, start, end):
        if fact.kind == "consumed":
            sorted_input += fact.mass_g
        elif routes.get(fact.material) in outputs:
            outputs[routes[fact.material]] += fact.mass_g
    sorting_hours = insertion = 0
    for log in filter(None, map(work_log, found.values())):
        if log["site_organisation_id"] != organisation or log["activity"] != "sorting":
            continue
        if start <= log["work_date"] <= end:
            sorting_hours += log["hours_centi"]
            insertion += log["hours_centi"] if log["contract"] == "insertion" else 0
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


def counted_facts(
    found: dict[str, list[Stored]], organisation: str, start: str, end: str
) -> list[Fact]:
    """The organisation's sorting inputs and outputs dated in the period, each checked against
    the transformation that records it."""
    sortings = {
        aggregate: history[0].state
        for aggregate, history in found.items()
        if history[0].kind == "Transformation.Recorded"
    }
    counted = []
    for aggregate, history in found.items():
        if not history[0].kind.startswith("Batch."):
            continue
        for fact in batch_facts(aggregate, history):
            if fact.process != "sorting" or fact.holder != organisation:
                continue
            if not start <= fact.day <= end:
                continue
            sorting = sortings.get(fact.transformation_id, {"process": None})
            side = "inputs" if fact.kind == "consumed" else "outputs"
            listed = {item["batch_id"] for item in sorting.get(side, ())}
            if sorting["process"] != "sorting" or fact.batch_id not in listed:
                raise Problem(
                    f"batch {fact.batch_id} is {fact.kind} by sorting {fact.transformation_id}, "
                    "whose record in the bundle does not list it"
                )
            counted.append(fact)
    return counted


def work_log(history: list[Stored]) -> dict[str, Any] | None:
    """A work log as it stands, corrections applied; None for another aggregate."""
    if history[0].kind != "WorkLog.Logged":
        return None
    log = dict(history[0].state)
    for item in history[1:]:
        if item.kind == "WorkLog.Corrected":
            log.update(item.state["changes"])
    return log


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
    found = histories(events, records, statement["position"])
    check_figures(statement, figures(statement, found, context))


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
