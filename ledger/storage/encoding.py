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
        keys, encode_value = self.keys, self.encode_value
        parts = []
        for name, value in state.items():
            if name == "originator_id" or name == "originator_version":
                continue
            key = keys.get(name)
            if key is None:
                key = keys[name] = _string(name) + ":"
            kind = type(value)
            if kind is str:
                parts.append(key + _string(value))
            elif kind is UUID:
                parts.append(key + '{"_type_":"uuid_hex","_data_":"' + value.hex + '"}')
            elif kind is int:
                parts.append(key + int.__repr__(value))
            elif value is None:
                parts.append(key + "null")
            elif kind is bool:
                parts.append(key + ("true" if value else "false"))
            elif kind is datetime:
                parts.append(key + '{"_type_":"datetime_iso","_data_":"' + value.isoformat() + '"}')
            elif kind is list and value and all(type(item) is UUID for item in value):
                items = '"},{"_type_":"uuid_hex","_data_":"'.join([item.hex for item in value])
                parts.append(key + '[{"_type_":"uuid_hex","_data_":"' + items + '"}]')
            else:  # float, Decimal, other lists, dicts, subclasses: as the library writes them
                assert encode_value is not None
                parts.append(key + encode_value(value))
        text = "{" + ",".join(parts) + suffix + "}"
        stored = object.__new__(StoredEvent)  # a frozen dataclass: its fields set directly
        stored.__dict__.update(
            originator_id=state["originator_id"],
            originator_version=state["originator_version"],
            topic=topic,
            state=text.encode("utf8"),
        )
        return stored


def recording(event: Any, stored: StoredEvent, position: int) -> Recording[Any]:
    """The library's ``Recording`` of a stored event (frozen dataclasses, fields set directly)."""
    notification = object.__new__(Notification)
    notification.__dict__.update(stored.__dict__, id=position)
    made: Recording[Any] = object.__new__(Recording)
    made.__dict__.update(domain_event=event, notification=notification)
    return made
