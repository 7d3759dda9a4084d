"""The CBV 2.0 pre-hash string of an EPCIS 2.0 JSON event, as GS1's reference implementation
writes it.

This is a port, for JSON events, of ``epcis-event-hash-generator`` 1.9.3 (MIT licence,
© 2019-2021 Ralph Troeger and Sebastian Schmittner, github.com/RalphTro/epcis-event-hash-generator),
the implementation that CBV 2.0 points to; the ledger's event ids must equal what it computes,
quirks included, so the steps below follow its code rather than a reading of the standard:

1. the event becomes a tree of ``(name, text, children)`` nodes; a JSON list gives one node per
   element under the list's name; children are sorted, except in objects naming a ``source``,
   ``destination`` or ``bizTransaction``; extension keys (``fl:route``) are written
   ``{namespace}route`` and values with a known prefix get their namespace;
2. the JSON model is corrected to the XML one (``epcList`` holds ``epc`` children, quantity list
   entries are ``quantityElement``s, source and destination entries are (type, value) pairs);
3. the fields of the canonical property order come first, each ``name=value`` with values
   trimmed, times in UTC at millisecond precision, numbers in their shortest form, bare CBV
   words as web IRIs, values of one name sorted; what is left (extensions, ``ilmd``,
   ``sourceList`` and ``destinationList``, which the implementation does not reach through its
   property order) follows, sorted, without ``eventID``, ``recordTime``, ``type`` and
   ``errorDeclaration``.

Two of the implementation's steps are not reproduced, for ids that depend on the event alone:
it expands bare CBV words wherever they appear in the whole document (the ledger expands them in
the vocabulary fields only: ``bizStep``, ``disposition``, source, destination and business
transaction types), and it rewrites GS1 keys (EPC URNs, GS1 Digital Link URIs) in their
canonical Digital Link form (the ledger names its batches, sites and materials by its own URIs,
never by GS1 keys).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger.audit.epcis_context import cbv_terms

Node = tuple[Any, ...]  # (name, text, children), or a (type, value) pair of source lists

PAIR_LISTS = ("sourceList", "destinationList", "bizTransactionList")
UNSORTED = ("bizTransaction", "source", "destination")
IGNORED = ("recordTime", "eventID", "type", "errorDeclaration")
QUANTITY = [("quantityElement", [("epcClass", None), ("quantity", None), ("uom", None)])]
EPC = [("epc", None)]
SENSOR_METADATA = ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData"]
SENSOR_METADATA += ["dataProcessingMethod", "bizRules"]
SENSOR_REPORT = ["type", "exception", "deviceID", "deviceMetadata", "rawData"]
SENSOR_REPORT += ["dataProcessingMethod", "time", "microorganism", "chemicalSubstance", "value"]
SENSOR_REPORT += ["component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue"]
SENSOR_REPORT += ["minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue", "uom"]
SENSOR_REPORT += ["coordinateReferenceSystem"]
SENSOR_ELEMENT = [
    ("sensorMetadata", [(name, None) for name in SENSOR_METADATA]),
    ("sensorReport", [(name, None) for name in SENSOR_REPORT]),
]
PROPERTY_ORDER: list[tuple[str, Any]] = [
    ("eventTime", None),
    ("eventTimeZoneOffset", None),
    ("certificationInfo", None),
    ("parentID", None),
    ("epcList", EPC),
    ("inputEPCList", EPC),
    ("childEPCs", EPC),
    ("quantityList", QUANTITY),
    ("childQuantityList", QUANTITY),
    ("inputQuantityList", QUANTITY),
    ("outputEPCList", EPC),
    ("outputQuantityList", QUANTITY),
    ("action", None),
    ("transformationID", None),
    ("bizStep", None),
    ("disposition", None),
    ("persistentDisposition", [("set", None), ("unset", None)]),
    ("readPoint", [("id", None)]),
    ("bizLocation", [("id", None)]),
    ("bizTransactionList", [(("type", None), ("bizTransaction", None))]),
    ("sourceList", [(("type", None), ("source", None))]),
    ("destinationList", [(("type", None), ("destination", None))]),
    ("sensorElementList", [("sensorElement", SENSOR_ELEMENT)]),
]
OLD_VOCABULARY = (
    ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
    ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
    ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
    ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
)


def pre_hash(event: dict[str, Any], prefixes: dict[str, str]) -> str:
    """The pre-hash string of an event, given the prefixes its document's ``@context`` binds."""
    namespaces = {prefix: "{" + iri + "}" for prefix, iri in prefixes.items()}
    root = corrected(to_node(with_cbv_iris(event), namespaces))
    children = root[2]
    return "eventType=" + str(root[0]) + ordered(children, PROPERTY_ORDER) + remaining(children)


# -- 1. the tree -----------------------------------------------------------------------------


def with_cbv_iris(event: dict[str, Any]) -> dict[str, Any]:
    """The event with the bare CBV words of its vocabulary fields written as web IRIs."""
    found = dict(event)
    for field in ("bizStep", "disposition"):
        if isinstance(found.get(field), str):
            found[field] = cbv_terms(field).get(found[field], found[field])
    persistent = found.get("persistentDisposition")
    if isinstance(persistent, dict):
        terms = cbv_terms("disposition")
        found["persistentDisposition"] = {
            key: [terms.get(v, v) for v in values] if isinstance(values, list) else values
            for key, values in persistent.items()
        }
    for key in PAIR_LISTS:
        if isinstance(found.get(key), list):
            terms = cbv_terms(f"{key}.type")
            found[key] = [typed(entry, terms) for entry in found[key]]
    return found


def typed(entry: Any, terms: dict[str, str]) -> Any:
    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        return entry
    return {**entry, "type": terms.get(entry["type"], entry["type"])}


def to_node(value: Any, namespaces: dict[str, str]) -> Node:
    """A JSON value as a node; its name is its ``type``, if it has one."""
    if isinstance(value, list):
        node: Node = ("", "", [to_node(element, namespaces) for element in value])
    elif isinstance(value, dict):
        node = (value.get("type", ""), value.get("#text", ""), [])
        for key, item in value.items():
            if key in ("#text", "rdfs:comment", "comment"):
                continue
            if key.startswith("@xmlns"):
                namespaces[key[7:]] = "{" + str(item) + "}"
                node = (with_namespace(node[0], namespaces), node[1], node[2])
                continue
            child = to_node(item, namespaces)
            name = with_namespace(key, namespaces)
            if isinstance(item, list):
                node[2].extend((name, element[1], element[2]) for element in child[2])
            else:
                node[2].append((name, child[1], child[2]))
    else:
        return ("", str(with_namespace(value, namespaces, is_value=True)), [])
    if not any(key in value for key in UNSORTED):
        node[2].sort()
    return node


def with_namespace(text: Any, namespaces: dict[str, str], is_value: bool = False) -> Any:
    """``fl:route`` as ``{namespace}route`` (a key) or ``namespaceroute`` (a value)."""
    if not isinstance(text, str):
        return text
    parts = text.split(":", 1)
    if len(parts) > 1 and parts[0] in namespaces:
        namespace = namespaces[parts[0]]
        if is_value:
            return namespace.replace("{", "").replace("}", "") + parts[1]
        return namespace + parts[1]
    return text


# -- 2. the XML model ------------------------------------------------------------------------


def corrected(node: Node) -> Node:
    """The node with JSON's lists named and shaped as in EPCIS XML."""
    children = list(node[2]) if len(node) > 2 else []
    lists: dict[str, list[Node]] = {}
    for element in [e for e in children if not isinstance(e[0], tuple) and e[0].endswith("List")]:
        lists.setdefault(element[0], []).append((element[0][:-4], element[1], element[2]))
        children.remove(element)
    for name, elements in lists.items():
        if name in PAIR_LISTS:
            children.append((name, "", [(e[2][0], e[2][1]) for e in elements]))
        else:
            children.append((name, "", elements))
    child_epcs = [e for e in children if e[0] == "childEPCs"]
    for element in child_epcs:
        children.remove(element)
    if child_epcs:
        children.append(("childEPCs", "", [("epc", e[1], []) for e in child_epcs]))
    children = [e if e[0] in PAIR_LISTS else corrected(e) for e in children]
    return renamed((node[0], node[1], children))


def renamed(node: Node) -> Node:
    name = node[0]
    if name in ("inputEPC", "outputEPC"):
        return ("epc", node[1], node[2])
    quantities = ("inputQuantity", "outputQuantity", "childQuantity")
    if name in quantities or (name == "quantity" and len(node[2]) > 0):
        return ("quantityElement", node[1], node[2])
    return node


# -- 3. the string ---------------------------------------------------------------------------


def ordered(children: list[Node], order: list[tuple[Any, Any]]) -> str:
    """The fields of a property order, consumed from ``children`` (what is left stays)."""
    text = ""
    extensions = nested_extensions(children)
    for name, sub_order in order:
        values = []
        for child in [c for c in children if c[0] == name]:
            value = field_text(child, sub_order)
            if value:
                values.append(value)
            if len(child[2]) == 0:
                children.remove(child)
        values.sort()
        if "".join(values):
            text = "".join([text, *values]) if text else "".join(values)
    if extensions:
        text += generic(extensions)
    return text


def field_text(child: Node, sub_order: Any) -> str:
    nested = ordered(child[2], sub_order) if sub_order else ""
    value = ""
    if child[1]:
        value = child[1].strip()
        lowered = child[0].lower()
        is_time = "time" in lowered and "offset" not in lowered
        value = utc_millis(value) if is_time else canonical(value)
        value = "=" + value if value else ""
    return str(child[0]) + value + nested if value or nested else ""


def nested_extensions(children: list[Node]) -> list[Node]:
    """Extensions inside a standard field (``readPoint``…), not at the top of the event."""
    if len(children) <= 1:
        return []
    if any("eventTime" in c[0] or "action" in c[0] for c in children):
        return []
    found = [c for c in children if isinstance(c, tuple) and "{" in c[0] and "/}" in c[0]]
    for child in found:
        children.remove(child)
    return found


def remaining(children: list[Node]) -> str:
    """What the property order left: extensions, ``ilmd``, source and destination lists."""
    left = [c for c in children if c[0] not in IGNORED]
    return generic(left) if left else ""


def generic(children: list[Node]) -> str:
    values = []
    for child in children:
        if isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], tuple):
            values.append(generic(list(child)))
        else:
            value = child[1].strip()
            value = "=" + canonical(value) if value else ""
            values.append(child[0] + value + generic(child[2]))
    if len(children) > 1 and not any(c[0] in UNSORTED for c in children):
        values.sort()
    return "".join(values)


def canonical(text: str) -> str:
    """Old CBV URNs as web IRIs, numbers in their shortest form."""
    for old, new in OLD_VOCABULARY:
        text = text.replace(old, new)
    try:
        number: float | int = float(text)
        if int(number) == number:
            number = int(number)
        return str(number)
    except (ValueError, OverflowError):
        return text


def utc_millis(text: str) -> str:
    """A time in UTC at millisecond precision: ``2026-08-12T05:00:00.000Z``."""
    try:
        moment = datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return text
    millis = round(moment.microsecond, -3)
    if millis >= 1_000_000:  # the reference implementation fails there; round down instead
        millis = 999_000
    moment = moment.replace(microsecond=millis)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
