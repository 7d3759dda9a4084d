"""A realistic import file for benchmarks and tests: containers emptied week after week.

Collections dominate a national year (DESIGN §6: ~2.4 million collections among ~13 million
events), followed by transfers to sorting centres, sortings and the valorisation of their outputs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

NAMESPACE = UUID("6f0c1d5e-2b1a-4f64-9d51-0e5b8f6a7c21")


def uid(*parts: object) -> str:
    return str(uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def line(op: str, key: str, body: dict[str, Any], batch_id: str | None = None) -> str:
    data: dict[str, Any] = {"op": op, "client_event_id": key, "body": body}
    if batch_id:
        data["batch_id"] = batch_id
    return json.dumps(data)


def registry(containers: int) -> Iterator[str]:
    yield line("territory", "t", {"name": "Bench", "communes_insee": ["76384", "76114"]})
    yield line(
        "organisation", "o1", {"id": uid("org", 1), "name": "Collectors", "kinds": ["collector"]}
    )
    yield line("organisation", "o2", {"id": uid("org", 2), "name": "Sorters", "kinds": ["sorter"]})
    yield line(
        "site",
        "s-centre",
        {
            "id": uid("centre"),
            "organisation_id": uid("org", 2),
            "name": "Centre",
            "kind": "sorting_centre",
            "commune_insee": "76114",
        },
    )
    for c in range(containers):
        body = {
            "id": uid("container", c),
            "organisation_id": uid("org", 1),
            "name": f"C{c}",
            "kind": "collection_point",
            "commune_insee": "76384",
        }
        yield line("site", f"s-{c}", body)


def activity(rounds: int, containers: int, seed: int = 7) -> Iterator[str]:
    """Each round: every container emptied, bags trucked and received, then one sorting."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 7, tzinfo=UTC)
    for r in range(rounds):
        day = start + timedelta(minutes=10 * r)
        bags = []
        for c in range(containers):
            batch_id = uid("bag", r, c)
            kg = round(rng.uniform(60, 140), 1)
            bags.append((batch_id, kg))
            yield line(
                "collect",
                f"c-{r}-{c}",
                {
                    "id": batch_id,
                    "material": "textile.collected",
                    "mass_kg": kg,
                    "site_id": uid("container", c),
                    "occurred_at": day.isoformat(),
                },
            )
        for batch_id, _ in bags:
            yield line(
                "dispatch",
                f"d-{batch_id}",
                {
                    "to_site_id": uid("centre"),
                    "occurred_at": (day + timedelta(minutes=1)).isoformat(),
                },
                batch_id,
            )
            yield line(
                "receive",
                f"r-{batch_id}",
                {"occurred_at": (day + timedelta(minutes=2)).isoformat()},
                batch_id,
            )
        total = sum(kg for _, kg in bags)
        outputs = [
            ("textile.reuse.export", 0.55),
            ("textile.recycling.fraying", 0.30),
            ("textile.csr", 0.10),
        ]
        body = {
            "id": uid("sorting", r),
            "process": "sorting",
            "site_id": uid("centre"),
            "occurred_at": (day + timedelta(minutes=3)).isoformat(),
            "inputs": [{"batch_id": b} for b, _ in bags],
            "outputs": [
                {"batch_id": uid("lot", r, m), "material": m, "mass_kg": round(total * share, 3)}
                for m, share in outputs
            ],
            "loss_kg": round(total - sum(round(total * s, 3) for _, s in outputs), 3),
        }
        yield line("transform", f"t-{r}", body)
        for material, _ in outputs:
            route = material.split(".")[1] if material != "textile.csr" else "csr"
            yield line(
                "valorise",
                f"v-{r}-{material}",
                {"route": route, "occurred_at": (day + timedelta(minutes=4)).isoformat()},
                uid("lot", r, material),
            )


def workload(rounds: int, containers: int = 30) -> list[str]:
    return [*registry(containers), *activity(rounds, containers)]
