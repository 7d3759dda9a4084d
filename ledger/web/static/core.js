// Shared helpers of the phone pages: DOM, formats, label codes, the ledger's JSON API.
import { LANG, t } from "./i18n.js";

/** Build an element: el("button", {class: "big", onclick}, "text", child…). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function render(...nodes) {
  const main = document.getElementById("app");
  main.replaceChildren(
    ...nodes.flat().filter((node) => node !== null && node !== undefined && node !== false),
  );
  return main;
}

export function pageData() {
  return JSON.parse(document.getElementById("page-data").textContent || "null");
}

// -- formats ----------------------------------------------------------------------------------

const LOCALE = LANG === "fr" ? "fr-FR" : "en-GB";

export function kg(value) {
  return `${Number(value).toLocaleString(LOCALE, { maximumFractionDigits: 3 })} kg`;
}

export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(LOCALE, { dateStyle: "short", timeStyle: "short" });
}

/** The phone's time, with its offset: the ledger keeps it as ``occurred_at``. */
export function nowIso() {
  return new Date().toISOString();
}

/** Kilograms typed by a person ("412,5"), as a number, or null when not acceptable. */
export function parseKg(text, optional = false) {
  const clean = String(text ?? "")
    .trim()
    .replace(/\s/g, "")
    .replace(",", ".");
  if (clean === "" && optional) return undefined;
  if (!/^\d+(\.\d{1,3})?$/.test(clean)) return null;
  const value = Number(clean);
  return value > 0 && value <= 40000 ? value : null;
}

/** A random UUID (v4), also where crypto.randomUUID is missing (plain http on a LAN). */
export function uuid4() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Great-circle distance in km. */
export function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

// -- label codes (the same rules as the ledger's, so a typo is caught offline too) ------------

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ALIASES = { I: "1", L: "1", O: "0" };

function gfMul(a, b) {
  let product = 0;
  while (b) {
    if (b & 1) product ^= a;
    b >>= 1;
    a <<= 1;
    if (a & 0b100000) a ^= 0b100101;
  }
  return product;
}

/** ``{code}`` in display form (XXX-XXX-XXX), or ``{error}`` for a person. */
export function normalizeCode(text) {
  const symbols = [];
  for (let char of String(text).toUpperCase()) {
    if (" \t\n\r-_.\u2010\u2011\u2012\u2013\u2014\u2212".includes(char)) continue;
    char = ALIASES[char] ?? char;
    if (!ALPHABET.includes(char)) return { error: t("code.char", { c: char }) };
    symbols.push(char);
  }
  if (symbols.length !== 9) return { error: t("code.length") };
  let check = 0;
  let weight = 1;
  for (let i = 0; i < 8; i++) {
    weight = gfMul(weight, 2);
    check ^= gfMul(weight, ALPHABET.indexOf(symbols[i]));
  }
  const code = [0, 3, 6].map((i) => symbols.slice(i, i + 3).join("")).join("-");
  if (ALPHABET[check] !== symbols[8]) return { error: t("code.check", { code }) };
  return { code };
}

/** The label code and signature in a scanned text: a label URL, or a bare code. */
export function parseScan(text) {
  const trimmed = String(text).trim();
  try {
    const url = new URL(trimmed);
    const match = url.pathname.match(/\/l\/([^/]+)\/?$/);
    if (!match) return null;
    const { code } = normalizeCode(decodeURIComponent(match[1]));
    return code ? { code, signature: url.searchParams.get("s") ?? "" } : null;
  } catch {
    const { code } = normalizeCode(trimmed);
    return code ? { code, signature: null } : null;
  }
}

export function labelPath(code, signature) {
  const compact = code.replaceAll("-", "");
  return signature === null || signature === undefined
    ? `/l/${compact}`
    : `/l/${compact}?s=${encodeURIComponent(signature)}`;
}

// -- the ledger's API ---------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? `http_${status}`;
  }
}

/** JSON from the ledger, authenticated by the session cookie. Throws ApiError or TypeError
 * (no network). */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: {
      "X-Ledger-Client": "phone",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.error);
  return { data, response };
}

let contextLoad = null;

/** Who I am, every site and the catalogue: fetched when online (once per page, unless
 * ``fresh``), kept for offline use. */
export function loadContext(fresh = false) {
  if (fresh || !contextLoad) contextLoad = fetchContext();
  return contextLoad;
}

async function fetchContext() {
  try {
    const { data } = await api("/web/api/context");
    localStorage.setItem("context", JSON.stringify(data));
    return data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      localStorage.removeItem("context");
      return null;
    }
    return JSON.parse(localStorage.getItem("context") || "null");
  }
}

export function materialName(material) {
  return (LANG === "en" ? material.name_en : material.name_fr) || material.code;
}

export function loginPath() {
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}
