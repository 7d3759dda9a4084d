"""Offline first: collections and a dispatch recorded without network reach the ledger once each,
in order, with the phone's times, when the network returns; a refusal shows on its item."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from playwright.sync_api import Page, expect

from tests.web.conftest import opened, screenshot
from tests.web.live import LiveServer, Territory
from tests.web.test_collect import signed_path

OUTBOX = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("ledger-phone");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction("outbox").objectStore("outbox").getAll();
    read.onsuccess = () => { resolve(read.result); open.result.close(); };
  };
})"""

SEND_AGAIN = """() => new Promise((resolve) => {
  const open = indexedDB.open("ledger-phone");
  open.onsuccess = () => {
    const transaction = open.result.transaction("outbox", "readwrite");
    const store = transaction.objectStore("outbox");
    store.getAll().onsuccess = (event) => {
      for (const item of event.target.result) store.put({ ...item, status: "waiting" });
    };
    transaction.oncomplete = () => { open.result.close(); resolve(); };
  };
})"""


def collect_offline(page: Page, path: str, mass: str) -> None:
    opened(page, path)
    expect(page.get_by_text("Hors ligne : l'étiquette sera vérifiée")).to_be_visible()
    page.fill("#mass", mass)
    page.get_by_role("button", name="Enregistrer la collecte").click()
    expect(page.locator("#batch-card")).to_contain_text("En attente de synchronisation")


def wait_until_synced(page: Page) -> None:
    opened(page, "/outbox")
    page.get_by_role("button", name="Synchroniser maintenant").click()
    expect(page.locator("#queue [data-status='waiting']")).to_have_count(0)


def history(world: Territory, batch_id: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = world.get("admin", f"/batches/{batch_id}/history")["data"]
    return entries


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (polled from here: the pages' policy
    forbids the eval that a waiting predicate would need)."""
    for _ in range(200):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the service worker never took control of the page")


def test_offline_commands_reach_the_ledger_once_in_order_with_the_phones_times(
    phone: Callable[[str | None], Page], live: LiveServer, world: Territory
) -> None:
    first, second, taken = world.codes[8], world.codes[9], world.codes[10]
    page = phone(world.tokens["collector"])
    opened(page, "/scan")  # online once: the phone keeps the pages and the reference data
    controlled(page)
    # Counted from before the phone goes offline: were a request to slip out before the network
    # is cut, the ledger would keep it and answer its resending as a replay, and a count begun
    # later would miss it.
    position_before = world.get("admin", "/health")["event_position"]

    page.context.set_offline(True)
    collect_offline(page, signed_path(live, first), "380")
    collect_offline(page, signed_path(live, second), "255,75")
    # Meanwhile a colleague, online, sticks the same label on another bag.
    world.post(
        "colleague",
        "/batches",
        {
            "label_code": taken,
            "material": "textile.collected",
            "mass_kg": 120,
            "site_id": world.ids["lillebonne"],
            "occurred_at": "2026-01-05T09:00:00+01:00",
        },
    )
    collect_offline(page, signed_path(live, taken), "99")
    opened(page, signed_path(live, first))
    page.get_by_role("button", name="Expédier").click()
    page.get_by_text("Atelier de tri de Bolbec").click()
    page.get_by_role("button", name="Enregistrer l'expédition").click()
    expect(page.locator("#batch-card")).to_contain_text("En transit")
    opened(page, "/outbox")
    expect(page.locator("#queue [data-status='waiting']")).to_have_count(4)
    screenshot(page, "outbox_offline")
    queued = page.evaluate(OUTBOX)

    page.context.set_offline(False)  # the phone notices the network and sends the queue itself
    expect(page.locator("#queue [data-status='waiting']")).to_have_count(0)
    screenshot(page, "outbox_synced_with_a_refusal")

    collect_a, collect_b, collect_taken, dispatch_a = queued
    batch_a, batch_b = collect_a["body"]["id"], collect_b["body"]["id"]
    events_a, events_b = history(world, batch_a), history(world, batch_b)
    assert [e["type"] for e in events_a] == ["Collected", "Dispatched"]
    assert [e["type"] for e in events_b] == ["Collected"]
    assert [instant(e["occurred_at"]) for e in events_a] == [
        instant(collect_a["body"]["occurred_at"]),
        instant(dispatch_a["body"]["occurred_at"]),
    ]
    assert instant(events_b[0]["occurred_at"]) == instant(collect_b["body"]["occurred_at"])
    assert events_a[0]["position"] < events_b[0]["position"] < events_a[1]["position"]
    assert world.get("admin", f"/batches/{batch_a}")["mass_kg"] == 380
    assert world.get("admin", f"/batches/{batch_b}")["mass_kg"] == 255.75
    assert world.get("admin", f"/labels/{taken}")["batch_id"] != collect_taken["body"]["id"]
    statuses = [item["status"] for item in page.evaluate(OUTBOX)]
    assert statuses == ["done", "done", "refused", "done"]
    refused = page.locator("#queue [data-status='refused']")
    expect(refused).to_contain_text("Cette étiquette est déjà sur un autre lot")
    opened(page, signed_path(live, taken))
    expect(page.get_by_text("Refusé par le registre")).to_be_visible()
    screenshot(page, "label_refused_after_sync")
    # 3 commands, each written once: 2 collections (the batch and its label's binding) and a
    # dispatch, beside the colleague's collection. Idempotency records are rows beside the
    # events, not events.
    written = world.get("admin", "/health")["event_position"] - position_before
    assert written == 2 + 2 * 2 + 1

    # The answers were lost, say: the phone sends everything again. The ledger writes nothing.
    page.evaluate(SEND_AGAIN)
    wait_until_synced(page)
    assert world.get("admin", "/health")["event_position"] == position_before + written
    again = page.evaluate(OUTBOX)
    assert [item["status"] for item in again] == ["done", "done", "refused", "done"]
    assert [item.get("replayed") for item in again if item["status"] == "done"] == [True] * 3


def instant(text: str) -> datetime:
    """A time as the phone wrote it (``…Z``, milliseconds) or as the ledger answers it."""
    return datetime.fromisoformat(text)
