// /sorting: a sorting run built on the phone: input batches scanned one by one, outputs weighed,
// then one transformation sent to the ledger and the outputs' labels printed.
import { errorText, t } from "./i18n.js";
import { api, el, kg, loadContext, materialName, nowIso, parseKg, render, uuid4 } from "./core.js";
import { commands } from "./store.js";
import { enqueue } from "./sync.js";

const KEY = "sorting-run";

function load() {
  return JSON.parse(localStorage.getItem(KEY) || '{"inputs": [], "outputs": []}');
}

function save(run) {
  localStorage.setItem(KEY, JSON.stringify(run));
}

/** Add a held batch to the run (from its label page) and open the run. */
export function addInput(batch) {
  const run = load();
  delete run.last;
  if (!run.inputs.some((i) => i.batch_id === batch.id)) {
    run.inputs.push({
      batch_id: batch.id,
      label_code: batch.label_code,
      material: batch.material,
      mass_kg: batch.mass_kg,
      site_id: batch.site_id,
    });
  }
  save(run);
  location.assign("/sorting");
}

const sum = (rows) => rows.reduce((total, r) => total + (Number(r.mass_kg) || 0), 0);
const round3 = (value) => Math.round(value * 1000) / 1000;

function outputRow(run, index, context, redraw) {
  const output = run.outputs[index];
  const sorted = context.materials.filter(
    (m) => m.route !== null && (!run.filiere || m.filiere === run.filiere),
  );
  const select = el(
    "select",
    { class: "material", "aria-label": t("collect.material") },
    sorted.map((m) =>
      el("option", { value: m.code, selected: m.code === output.material }, materialName(m)),
    ),
  );
  const mass = el("input", {
    class: "mass",
    inputmode: "decimal",
    value: output.text ?? "",
    "aria-label": t("collect.mass"),
  });
  select.addEventListener("change", () => {
    output.material = select.value;
    save(run);
  });
  mass.addEventListener("change", () => {
    output.text = mass.value;
    output.mass_kg = parseKg(mass.value);
    save(run);
    redraw();
  });
  output.material ??= select.value;
  const remove = el(
    "button",
    {
      type: "button",
      class: "small",
      onclick: () => {
        run.outputs.splice(index, 1);
        save(run);
        redraw();
      },
    },
    "×",
  );
  return el("li", { class: "output-row" }, select, mass, el("span", {}, t("common.kg")), remove);
}

async function record(run, context, status) {
  const outputs = run.outputs.filter((o) => o.mass_kg);
  if (!outputs.length) return (status.textContent = t("sorting.need_output"));
  const sites = new Set(run.inputs.map((i) => i.site_id));
  if (sites.size !== 1) return (status.textContent = t("sorting.one_site"));
  let codes = [];
  try {
    codes = (
      await api("/api/v1/labels", {
        method: "POST",
        body: { count: outputs.length, filiere: run.filiere ?? null },
      })
    ).data.codes;
  } catch {
    codes = []; // offline: outputs are recorded without labels
  }
  // What the scale did not see (dust, moisture) is declared as the loss; the ledger checks it
  // against its own masses of the inputs.
  const loss = round3(sum(run.inputs) - sum(outputs));
  const body = {
    id: uuid4(),
    process: "sorting",
    site_id: [...sites][0],
    occurred_at: nowIso(),
    ...(loss >= 0 ? { loss_kg: loss } : {}),
    inputs: run.inputs.map((i) => ({ batch_id: i.batch_id })),
    outputs: outputs.map((o, n) => ({
      batch_id: uuid4(),
      material: o.material,
      mass_kg: o.mass_kg,
      ...(codes[n] ? { label_code: codes[n] } : {}),
    })),
  };
  const item = await enqueue({ kind: "transform", path: "/api/v1/transformations", body });
  // A refused run stays on the phone, to be corrected; a recorded or queued one is done here.
  const kept = item.status === "refused" ? run : { inputs: [], outputs: [] };
  save({ ...kept, last: { codes: item.status === "refused" ? [] : codes, id: item.id } });
  location.reload();
}

async function printLabels(codes) {
  const response = await fetch("/api/v1/labels/sheet.pdf", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Ledger-Client": "phone" },
    body: JSON.stringify({ codes, layout: "2x5" }),
  });
  if (response.ok) window.open(URL.createObjectURL(await response.blob()), "_blank");
}

/** How the last recorded run went: in the ledger, queued, or refused (and why). */
async function lastRun(last) {
  const item = (await commands()).find((c) => c.id === last.id);
  if (item?.status === "refused")
    return [
      el(
        "p",
        { class: "notice bad", role: "alert" },
        `${t("sync.refused_item")} : ${errorText(item.error)}`,
      ),
    ];
  const parts = [
    el(
      "p",
      { class: "notice good" },
      item?.status === "done" ? t("sorting.recorded") : t("queued.offline"),
    ),
  ];
  if (last.codes.length)
    parts.push(
      el(
        "button",
        { class: "big primary", type: "button", onclick: () => printLabels(last.codes) },
        t("sorting.print"),
      ),
    );
  else parts.push(el("p", { class: "notice warn" }, t("sorting.labels_later")));
  return parts;
}

export async function show() {
  const context = await loadContext();
  const run = load();
  const status = el("p", { class: "field-error", role: "alert" });
  const redraw = () => show();
  const parts = [el("h1", {}, t("sorting.title"))];
  if (run.last) parts.push(...(await lastRun(run.last)));
  if (!run.inputs.length || !context) {
    parts.push(
      el("p", { class: "hint" }, t("sorting.empty")),
      el("a", { class: "big button", href: "/scan" }, t("nav.scan")),
    );
    return render(...parts);
  }
  const material = context.materials.find((m) => m.code === run.inputs[0].material);
  run.filiere = material?.filiere ?? null;
  const inputs = el(
    "ul",
    { class: "inputs" },
    run.inputs.map((input, index) =>
      el(
        "li",
        {},
        el("strong", {}, input.label_code ?? "—"),
        ` ${kg(input.mass_kg)} `,
        el(
          "button",
          {
            type: "button",
            class: "small",
            onclick: () => {
              run.inputs.splice(index, 1);
              save(run);
              redraw();
            },
          },
          t("sorting.remove"),
        ),
      ),
    ),
  );
  const outputs = el(
    "ol",
    { class: "outputs" },
    run.outputs.map((_, index) => outputRow(run, index, context, redraw)),
  );
  const add = el(
    "button",
    {
      class: "big",
      type: "button",
      onclick: () => {
        run.outputs.push({});
        save(run);
        redraw();
      },
    },
    t("sorting.add_output"),
  );
  const inKg = round3(sum(run.inputs));
  const outKg = round3(sum(run.outputs));
  parts.push(
    el(
      "section",
      { class: "card" },
      el("h2", {}, t("sorting.inputs")),
      inputs,
      el("a", { class: "big button", href: "/scan" }, t("sorting.scan_more")),
    ),
    el(
      "section",
      { class: "card" },
      el("h2", {}, t("sorting.outputs")),
      outputs,
      add,
      el(
        "p",
        { class: "hint" },
        t("sorting.balance", { in: inKg, out: outKg, loss: round3(inKg - outKg) }),
      ),
    ),
    status,
    el(
      "button",
      { class: "big primary", type: "button", onclick: () => record(run, context, status) },
      t("sorting.submit"),
    ),
  );
  render(...parts);
}
