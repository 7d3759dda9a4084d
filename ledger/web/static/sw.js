// The service worker: keeps the pages and their scripts on the phone so that scanning and
// recording work without network. Pages are fetched fresh when the network answers in time;
// the ledger's JSON is never cached here (the pages keep what they need in IndexedDB).
const VERSION = "__VERSION__";
const CACHE = `ledger-web-${VERSION}`;
const NETWORK_TIMEOUT_MS = 4000;
const SHELLS = ["scan", "label", "login", "outbox", "sorting"];
const ASSETS = [
  `/static/web/app.css?v=${VERSION}`,
  `/static/web/main.js?v=${VERSION}`,
  "/static/web/i18n.js",
  "/static/web/core.js",
  "/static/web/store.js",
  "/static/web/sync.js",
  "/static/web/forms.js",
  "/static/web/sites.js",
  "/static/web/label.js",
  "/static/web/refusal.js",
  "/static/web/scan.js",
  "/static/web/login.js",
  "/static/web/outbox.js",
  "/static/web/sorting.js",
  "/static/web/scan-worker.js",
  "/static/web/vendor/jsQR.js",
  "/static/web/icon.svg",
  "/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  const shells = SHELLS.map((name) => `/web/shell/${name}`);
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...shells, ...ASSETS]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function shellFor(path) {
  if (path.startsWith("/l/")) return "/web/shell/label";
  const name = path.replace(/^\/+|\/+$/g, "");
  return SHELLS.includes(name) ? `/web/shell/${name}` : "/web/shell/scan";
}

function withTimeout(promise, ms) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms)),
  ]);
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok || response.status < 500) return response;
  } catch {
    // no network, or too slow outdoors: the phone's copy
  }
  const cached = await caches.match(shellFor(url.pathname));
  return cached ?? Response.error();
}

async function asset(request) {
  const cached =
    (await caches.match(request)) ?? (await caches.match(request, { ignoreSearch: true }));
  return cached ?? fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const name = url.pathname.replace(/^\/+|\/+$/g, "");
  const isPage = request.mode === "navigate" && (SHELLS.includes(name) || name.startsWith("l/"));
  if (isPage) event.respondWith(page(request));
  else if (url.pathname.startsWith("/static/web/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(asset(request));
  }
});
