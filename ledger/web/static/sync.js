// Commands go through the phone's queue, online or not: each has a client event id, sent as the
// Idempotency-Key header, and the phone's time of the action. They are sent in order; a repeat
// (an answer lost on a bad network) is answered by the ledger without a second write.
import { t } from "./i18n.js";
import {
  addCommand,
  batchByCode,
  commands,
  pruneDone,
  putCommand,
  rememberBatch,
} from "./store.js";
import { uuid4 } from "./core.js";

const RETRY_LATER = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(["concurrent_change"]);
const KEEP_DONE = 200; // what the phone shows of its past, on /outbox
const listeners = new Set();
let running = null;

export function onQueueChange(listener) {
  listeners.add(listener);
}

async function changed() {
  const items = await commands();
  for (const listener of listeners) listener(items);
}

/** Queue a command and try to send it at once. ``local`` is how the phone shows the batch until
 * the ledger answers. */
export async function enqueue({ kind, path, body, labelCode, dependsOn, local }) {
  const item = {
    id: uuid4(),
    kind,
    path,
    body,
    label_code: labelCode ?? null,
    depends_on: dependsOn ?? null,
    created_at: new Date().toISOString(),
    status: "waiting",
  };
  await addCommand(item);
  // A batch collected offline remembers its collection: what is queued for it depends on it.
  const origin = kind === "collect" ? { created_by: item.id } : {};
  if (local) await rememberBatch({ ...local, ...origin, pending: true });
  await changed();
  if (navigator.onLine) await syncOutbox();
  return (await commands()).find((c) => c.id === item.id);
}

/** Send every waiting command in order; stop at the first that cannot reach the ledger. */
export function syncOutbox() {
  running ??= sendWaiting().finally(() => {
    running = null;
  });
  return running;
}

async function sendWaiting() {
  const all = await commands();
  const status = new Map(all.map((c) => [c.id, c.status]));
  for (const item of all.filter((c) => c.status === "waiting")) {
    if (item.depends_on && status.get(item.depends_on) === "refused") {
      await settle(item, "refused", { code: "depends_on_refused", message: t("sync.dependency") });
      status.set(item.id, "refused");
      continue;
    }
    const outcome = await send(item);
    if (outcome === "stop") break;
    status.set(item.id, item.status);
  }
  await pruneDone(KEEP_DONE);
  await changed();
}

async function send(item) {
  let response;
  try {
    response = await fetch(item.path, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": item.id,
        "X-Ledger-Client": "phone",
      },
      body: JSON.stringify(item.body),
    });
  } catch {
    return "stop"; // no network: keep the order, try again later
  }
  const data = await response.json().catch(() => null);
  if (response.status === 401) {
    localStorage.setItem("needs_login", "1");
    return "stop";
  }
  if (RETRY_LATER.has(response.status) || RETRY_CODES.has(data?.error?.code)) return "stop";
  if (response.ok) {
    item.replayed = response.headers.get("Idempotent-Replay") === "true";
    await settle(item, "done", null, data);
  } else {
    await settle(item, "refused", data?.error ?? { code: `http_${response.status}`, message: "" });
  }
  return "sent";
}

async function settle(item, status, error, result) {
  item.status = status;
  item.error = error;
  item.synced_at = new Date().toISOString();
  if (result) item.result = { id: result.id, version: result.version, state: result.state };
  await putCommand(item);
  if (!item.label_code) return;
  const known = await batchByCode(item.label_code);
  if (status === "done" && result?.label_code) await rememberBatch({ ...result, pending: false });
  else if (known && status === "refused") await rememberBatch({ ...known, refused: error });
}

export function waitingCount(items) {
  return {
    waiting: items.filter((c) => c.status === "waiting").length,
    refused: items.filter((c) => c.status === "refused" && !c.seen).length,
  };
}

export function startSyncLoop() {
  window.addEventListener("online", () => syncOutbox());
  setInterval(() => navigator.onLine && syncOutbox(), 20000);
  if (navigator.onLine) syncOutbox();
  changed();
}
