// /scan: the camera finds a label's QR code (the browser's BarcodeDetector where it has one, else
// jsQR served by the ledger, in a worker); typing the printed code is the fallback.
import { t } from "./i18n.js";
import { el, labelPath, normalizeCode, parseScan, render } from "./core.js";

const FRAME_INTERVAL_MS = 120;
let stream = null;

function openLabel(code, signature) {
  stop();
  location.assign(labelPath(code, signature));
}

function stop() {
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = null;
}

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code")
      ? new window.BarcodeDetector({ formats: ["qr_code"] })
      : null;
  } catch {
    return null;
  }
}

function workerDetector() {
  const worker = new Worker("/static/web/scan-worker.js");
  let pending = null;
  worker.onmessage = (event) => {
    pending?.(event.data);
    pending = null;
  };
  return {
    detect(canvas) {
      const context = canvas.getContext("2d", { willReadFrequently: true });
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      return new Promise((resolve) => {
        pending = resolve;
        worker.postMessage(
          { width: image.width, height: image.height, pixels: image.data.buffer },
          [image.data.buffer],
        );
      });
    },
  };
}

async function startCamera(video, status) {
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
  } catch {
    status.textContent = t("scan.no_camera");
    status.className = "notice warn";
    video.parentElement.hidden = true;
    document.getElementById("code-input")?.focus();
    return;
  }
  video.srcObject = stream;
  await video.play();
  status.textContent = t("scan.hint");
  const native = await nativeDetector();
  const fallback = native ? null : workerDetector();
  video.dataset.detector = native ? "native" : "jsqr";
  const canvas = document.createElement("canvas");
  const loop = async () => {
    if (!stream) return;
    const texts = await detectFrame(video, canvas, native, fallback);
    for (const text of texts) {
      const found = parseScan(text);
      if (found) return openLabel(found.code, found.signature);
      status.textContent = t("scan.not_label");
      status.className = "notice warn";
    }
    setTimeout(loop, FRAME_INTERVAL_MS);
  };
  loop();
}

async function detectFrame(video, canvas, native, fallback) {
  if (!video.videoWidth) return [];
  if (native) {
    const codes = await native.detect(video).catch(() => []);
    return codes.map((c) => c.rawValue);
  }
  const scale = Math.min(1, 800 / video.videoWidth); // enough pixels for a label, fast to scan
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas
    .getContext("2d", { willReadFrequently: true })
    .drawImage(video, 0, 0, canvas.width, canvas.height);
  const text = await fallback.detect(canvas);
  return text ? [text] : [];
}

function manualEntry() {
  const input = el("input", {
    id: "code-input",
    class: "code-input",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    placeholder: t("scan.code_placeholder"),
    "aria-label": t("scan.manual"),
  });
  const problem = el("p", { class: "field-error", role: "alert" });
  const submit = (event) => {
    event.preventDefault();
    const { code, error } = normalizeCode(input.value);
    problem.textContent = error ?? "";
    if (code) openLabel(code, null);
  };
  return el(
    "form",
    { class: "card", onsubmit: submit },
    el("h2", {}, t("scan.manual")),
    input,
    problem,
    el("button", { class: "big", type: "submit" }, t("scan.open")),
  );
}

export async function show() {
  const video = el("video", { id: "camera", playsinline: true, muted: true });
  const status = el("p", { id: "scan-status", class: "notice" }, t("scan.hint"));
  const start = el("button", { class: "big primary", type: "button" }, t("scan.start"));
  const viewer = el("div", { class: "camera" }, video, el("div", { class: "aim" }));
  start.addEventListener("click", () => {
    start.hidden = true;
    startCamera(video, status);
  });
  render(el("h1", {}, t("scan.title")), viewer, status, start, manualEntry());
  window.addEventListener("pagehide", stop);
  // Phones that already granted the camera open it at once: one tap less with gloves on.
  const permission = await navigator.permissions?.query({ name: "camera" }).catch(() => null);
  if (permission?.state === "granted") start.click();
}
