// Entry point of every phone page: language, service worker, sync badge, then the page itself.
import { LANG, t, toggleLanguage } from "./i18n.js";
import { loadContext } from "./core.js";
import { onQueueChange, startSyncLoop, waitingCount } from "./sync.js";

const PAGES = {
  scan: () => import("./scan.js"),
  label: () => import("./label.js"),
  login: () => import("./login.js"),
  outbox: () => import("./outbox.js"),
  sorting: () => import("./sorting.js"),
};

function translateShell() {
  document.documentElement.lang = LANG;
  for (const node of document.querySelectorAll("[data-i18n]"))
    node.textContent = t(node.dataset.i18n);
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = LANG === "fr" ? "EN" : "FR";
  toggle.addEventListener("click", toggleLanguage);
}

function showBadge(items) {
  const badge = document.getElementById("sync-badge");
  const { waiting, refused } = waitingCount(items);
  const parts = [];
  if (waiting) parts.push(t("sync.waiting", { n: waiting }));
  if (refused) parts.push(t("sync.refused", { n: refused }));
  badge.hidden = parts.length === 0;
  badge.textContent = parts.join(" · ");
  badge.classList.toggle("bad", refused > 0);
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch (error) {
    console.warn("No offline pages:", error);
  }
}

translateShell();
loadContext(); // every page refreshes what the phone keeps for offline use
onQueueChange(showBadge);
registerServiceWorker();
startSyncLoop();
const page = document.body.dataset.page;
const module = await PAGES[page]();
await module.show();
document.body.dataset.ready = "true";
