"""Domain events to stored events: the library's JSON, written without a call per value.

The library's ``Mapper`` with its ``JSONTranscoder`` encodes an event's state with a JSON encoder
that calls back into Python for each UUID, time and decimal (the transcodings ``uuid_hex``,
``datetime_iso`` and ``decimal_str``), and makes a stored event and a notification through frozen
dataclasses' ``__init__``: a third of a bulk import's save. :class:`EventEncoder` writes the same
JSON text, byte for byte, from the event's attributes in one loop (anything but the common kinds
goes through the library's own encoder), so stored events read exactly as before and nothing
else changes: topics, ``class_version``, upcasting, the hash chain's bytes. A mapper with a
cipher, a compressor or other transcodings is used as it is.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Notification,
    Recording,
    StoredEvent,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

_string = json.encoder.encode_basestring  # what the library's encoder (ensure_ascii=False) uses
LIBRARY_TRANSCODINGS = {UUID: UUIDAsHex, Decimal: DecimalAsStr, datetime: DatetimeAsISO}


def exact_library_mapper(mapper: Mapper[Any]) -> bool:
    """Whether the mapper is the library's, with only its default transcodings."""
    transcoder = mapper.transcoder
    return (
        type(mapper) is Mapper
        and type(transcoder) is JSONTranscoder
        and mapper.cipher is None
        and mapper.compressor is None
        and {t: type(c) for t, c in transcoder.types.items()} == LIBRARY_TRANSCODINGS
    )


class EventEncoder:
    """``Mapper.to_stored_event``, faster, for the library's mapper with default transcodings."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        self.exact = exact_library_mapper(mapper)
        self.encode_value = mapper.transcoder.encoder.encode if self.exact else None  # type: ignore[attr-defined]
        self.classes: dict[type[Any], tuple[str, str]] = {}  # class → topic, class_version text
        self.keys: dict[str, str] = {}  # attribute name → its JSON text and a colon
        self.writers: dict[type[Any], Any] = {}  # event class → its state_writer (or None)

    def to_stored_event(self, event: Any) -> StoredEvent:
        if not self.exact:
            return self.mapper.to_stored_event(event)
        cls = type(event)
        found = self.classes.get(cls)
        if found is None:
            version = getattr(cls, "class_version", 1)
            suffix = f',"class_version":{int(version)}' if version > 1 else ""
            found = self.classes[cls] = (get_topic(cls), suffix)
        topic, suffix = found
        state = event.__dict__
        write = self.writers.get(cls)
        if write is None:
            write = self.writers[cls] = state_writer(tuple(state), self.encode_value)
        text = write(state) if write is not None else None
        if text is None:
            text = self.state_text(state)
        stored = object.__new__(StoredEvent)  # a frozen dataclass: its fields set directly
        stored.__dict__.update(
            originator_id=state["originator_id"],
            originator_version=state["originator_version"],
            topic=topic,
            state=(text + suffix + "}").encode("utf8"),
        )
        return stored

    def state_text(self, state: dict[str, Any]) -> str:
        """The event's JSON up to its closing brace, attribute by attribute."""
        keys, encode_value = self.keys, self.encode_value
        parts = []
        for name, value in state.items():
            if name == "originator_id" or name == "originator_version":
                continue
            key = keys.get(name)
            if key is None:
                key = keys[name] = _string(name) + ":"
            parts.append(key + value_text(value, encode_value))
        return "{" + ",".join(parts)


def value_text(value: Any, encode_value: Any) -> str:
    """One value as the library's encoder writes it (its transcodings of UUID and datetime)."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is UUID:
        return '{"_type_":"uuid_hex","_data_":"' + str(value.hex) + '"}'
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is datetime:
        return '{"_type_":"datetime_iso","_data_":"' + str(value.isoformat()) + '"}'
    if kind is list and value and all(type(item) is UUID for item in value):
        items = '"},{"_type_":"uuid_hex","_data_":"'.join([item.hex for item in value])
        return '[{"_type_":"uuid_hex","_data_":"' + items + '"}]'
    text: str = encode_value(value)  # bool, float, Decimal, lists, dicts, subclasses
    return text


def state_writer(names: tuple[str, ...], encode_value: Any) -> Any:
    """A function writing the JSON of an event class's state, its attributes named in order.

    An event class's instances hold the same attributes in the same order (the dataclass's
    ``__init__`` sets them), so the keys' texts and the loop are written once, as code; a state
    with other attributes answers None and is written by :meth:`EventEncoder.state_text`.
    """
    fields = [n for n in names if n not in ("originator_id", "originator_version")]
    if not all(n.isidentifier() for n in fields):
        return None
    lines = ["def write(state):", f"    if len(state) != {len(names)}:", "        return None"]
    lines.append("    try:")
    for i, name in enumerate(fields):
        key = _string(name) + ":"
        lead = "{" + key if i == 0 else "," + key
        lines += [
            f"        v{i} = state[{name!r}]",
            f"        t = type(v{i})",
            f"        if t is str: v{i} = {lead!r} + _string(v{i})",
            f"        elif v{i} is None: v{i} = {lead + 'null'!r}",
            f"        elif t is UUID: v{i} = {lead + _UUID_OPEN!r} + v{i}.hex + '\"}}'",
            f"        elif t is int: v{i} = {lead!r} + int.__repr__(v{i})",
            f"        elif t is datetime: v{i} = {lead + _TIME_OPEN!r} + v{i}.isoformat() + '\"}}'",
            f"        else: v{i} = {lead!r} + value_text(v{i}, encode_value)",
        ]
    lines += ["    except KeyError:", "        return None"]
    lines.append("    return " + (" + ".join(f"v{i}" for i in range(len(fields))) or "'{'"))
    scope = {
        "_string": _string,
        "UUID": UUID,
        "datetime": datetime,
        "value_text": value_text,
        "encode_value": encode_value,
    }
    exec("\n".join(lines), scope)  # code made of the event class's own attribute names
    return scope["write"]


_UUID_OPEN = '{"_type_":"uuid_hex","_data_":"'
_TIME_OPEN = '{"_type_":"datetime_iso","_data_":"'


def recording(event: Any, stored: StoredEvent, position: int) -> Recording[Any]:
    """The library's ``Recording`` of a stored event (frozen dataclasses, fields set directly)."""
    notification = object.__new__(Notification)
    notification.__dict__.update(stored.__dict__, id=position)
    made: Recording[Any] = object.__new__(Recording)
    made.__dict__.update(domain_event=event, notification=notification)
    return made
