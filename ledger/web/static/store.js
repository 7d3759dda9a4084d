// The phone's own records, in IndexedDB: the queue of commands to send, and the batches it knows
// (seen online, or created offline) so that a label scanned without network still shows them.

const DB_NAME = "ledger-phone";
let opening = null;

function db() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const database = request.result;
      const outbox = database.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("id", "id", { unique: true });
      database.createObjectStore("batches", { keyPath: "label_code" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

async function run(storeName, mode, work) {
  const database = await db();
  return new Promise((resolve, reject) => {
    const transaction = database.transaction(storeName, mode);
    const request = work(transaction.objectStore(storeName));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/** Queue a command: it gets the next sequence number, so commands are sent in order. */
export function addCommand(item) {
  return run("outbox", "readwrite", (store) => store.add(item));
}

export function putCommand(item) {
  return run("outbox", "readwrite", (store) => store.put(item));
}

/** Every queued command, oldest first. */
export function commands() {
  return run("outbox", "readonly", (store) => store.getAll());
}

export function rememberBatch(batch) {
  if (!batch?.label_code) return Promise.resolve();
  return run("batches", "readwrite", (store) => store.put(batch));
}

export function batchByCode(code) {
  return run("batches", "readonly", (store) => store.get(code));
}

/** Forget the oldest commands the ledger already has, keeping the last ``keep`` of them. */
export async function pruneDone(keep) {
  const done = (await commands()).filter((c) => c.status === "done");
  const old = done.slice(0, Math.max(0, done.length - keep));
  if (old.length)
    await run("outbox", "readwrite", (store) => {
      let request = null;
      for (const item of old) request = store.delete(item.seq);
      return request;
    });
}
