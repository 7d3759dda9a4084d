"""The library's aggregate construction, without its per-argument look-ups.

A bulk import creates a batch or a work log per line. The library's ``BaseAggregate._create``
filters every keyword argument against ``create_id``'s parameters (a dictionary look-up per
argument, even when the id is given), and ``CanInitAggregate.mutate`` filters the event's
attributes twice against the aggregate's ``__init__`` signatures. For the ledger's aggregates,
created with an explicit id, :func:`create` makes the same event and the same aggregate in fewer
steps; :class:`PlainCreated` is the created event of an aggregate whose ``__init__`` takes no
argument (its state comes from the event's ``apply``). Stored events are unchanged: same class,
same attributes, same topic.
"""

from __future__ import annotations

import sys
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

_TOPICS: dict[type[Any], str] = {}  # an aggregate class → its topic
_OWNERS: dict[str, Any] = {}  # a created event's originator topic → the aggregate class


def topic_of(cls: type[Any]) -> str:
    """The library's topic of a class (module and qualified name), made once."""
    topic = _TOPICS.get(cls)
    if topic is None:
        topic = _TOPICS[cls] = f"{cls.__module__}:{cls.__qualname__}"
    return topic


LIBRARY_CREATE = Aggregate._create.__func__  # type: ignore[attr-defined]


def create(cls: Any, /, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:
    """``BaseAggregate._create`` for an aggregate given its id (others take the library's)."""
    if type(id) is not UUID or getattr(cls, "TOPIC", None):
        return LIBRARY_CREATE(cls, event_class, id=id, **kwargs)
    kwargs["originator_topic"] = topic_of(cls)
    kwargs["originator_id"] = id
    kwargs["originator_version"] = cls.INITIAL_VERSION
    if kwargs.get("timestamp") is None:
        kwargs["timestamp"] = event_class.create_timestamp()
    created = event_class(**kwargs)
    aggregate = created.mutate(None)
    aggregate.pending_events.append(created)
    return aggregate


class PlainCreated(Aggregate.Created):
    """A created event whose aggregate's ``__init__`` takes no argument but ``self``."""

    def mutate(self, aggregate: Any) -> Any:
        cls: Any = _OWNERS.get(self.originator_topic)
        if cls is None:
            cls = self.owner()
            if cls is None:  # another aggregate class than the event's own: the library's way
                return super().mutate(aggregate)
        assert aggregate is None
        made = cls.__new__(cls)
        made.__base_init__(self.originator_id, self.originator_version, self.timestamp)
        made.__init__()
        self.apply(made)
        return made

    def owner(self) -> type[Any] | None:
        """The aggregate class this event class is defined in, if the event names it."""
        event_class = type(self)
        found: Any = sys.modules[event_class.__module__]
        for name in event_class.__qualname__.split(".")[:-1]:
            found = getattr(found, name, None)
        if not isinstance(found, type) or topic_of(found) != self.originator_topic:
            return None
        _OWNERS[self.originator_topic] = found
        return found
