// The forms of the label page: record a collection on a free label, act on a labelled batch.
// Every form queues its command (sync.js); the ledger decides, the phone only proposes.
import { t } from "./i18n.js";
import { el, kg, materialName, nowIso, parseKg, uuid4 } from "./core.js";
import { accepts, siteChoices, sitePicker, tiles } from "./sites.js";
import { enqueue } from "./sync.js";

const FIELD_ROLES = ["collector", "sorter", "transporter", "outlet"];
const ROUTES = ["reuse", "recycling", "csr", "energy", "disposal"];

function massInput(id, label, optional = false) {
  const input = el("input", {
    id,
    name: id,
    inputmode: "decimal",
    autocomplete: "off",
    class: "mass",
    required: !optional,
  });
  return [
    el("label", { class: "field" }, el("span", {}, label), input),
    () => parseKg(input.value, optional),
  ];
}

function form(onsubmit, ...children) {
  const problem = el("p", { class: "field-error", role: "alert" });
  const node = el("form", { class: "card action-form" }, ...children, problem);
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = await onsubmit();
    problem.textContent = error ?? "";
  });
  return node;
}

function submitButton(text) {
  return el("button", { class: "big primary", type: "submit" }, text);
}

function locate() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      () => resolve(null),
      { timeout: 8000, maximumAge: 120000 },
    );
  });
}

/** Materials a collector is offered: those of the label's filière, else of the organisation's
 * filières; materials that must still be sorted first (what a container holds). */
function collectable(context, filiere, everything) {
  const filieres = filiere ? [filiere] : context.me.filieres;
  const ours = context.materials.filter(
    (m) => everything || !filieres.length || filieres.includes(m.filiere),
  );
  const unsorted = ours.filter((m) => m.route === null);
  const offered = everything || !unsorted.length ? ours : unsorted;
  return offered.sort(
    (a, b) =>
      (a.route === null ? 0 : 1) - (b.route === null ? 0 : 1) || a.code.localeCompare(b.code),
  );
}

export function collectForm(code, context, filiere, done) {
  const ours = context.sites.filter((s) => s.organisation_id === context.me.organisation_id);
  if (!ours.length) return el("p", { class: "notice warn" }, t("collect.no_site"));
  const fitting = ours.filter((s) => accepts(s, filiere)); // the label's filière, when it has one
  const mine = fitting.length ? fitting : ours;
  const materials = collectable(context, filiere, false);
  const toChoice = (m) => ({ value: m.code, label: materialName(m) });
  let [materialSet, material] = tiles(
    "material",
    t("collect.material"),
    materials.map(toChoice),
    materials.length === 1 ? materials[0].code : materials[0]?.code,
  );
  const more = el("button", { type: "button", class: "link" }, t("collect.other_materials"));
  more.addEventListener("click", () => {
    const [all, getter] = tiles(
      "material",
      t("collect.material"),
      collectable(context, null, true).map(toChoice),
      material(),
    );
    materialSet.replaceWith(all);
    materialSet = all;
    material = getter;
    more.remove();
  });
  const [massField, mass] = massInput("mass", t("collect.mass"));
  let [siteSet, site] = sitePicker("site", t("collect.container"), siteChoices(mine, null), null);
  const locating = el("p", { class: "hint" }, t("collect.locating"));
  locate().then((position) => {
    locating.remove();
    const typing =
      siteSet.contains(document.activeElement) ||
      siteSet.querySelector("input[type=search]")?.value;
    if (!position || typing) return; // never reorder what the user is choosing from
    const chosen = site();
    const nearest = siteChoices(mine, position);
    const [sorted, getter] = sitePicker(
      "site",
      t("collect.container"),
      nearest,
      chosen ?? nearest[0].value,
    );
    siteSet.replaceWith(sorted);
    siteSet = sorted;
    site = getter;
  });
  return form(
    async () => {
      const body = {
        id: uuid4(),
        label_code: code,
        material: material(),
        mass_kg: mass(),
        site_id: site(),
        occurred_at: nowIso(),
      };
      if (!body.material) return t("choose.material");
      if (!body.mass_kg) return t("mass.invalid");
      if (!body.site_id) return t("choose.site");
      const local = { ...body, state: "held", holder_id: context.me.organisation_id };
      await done(
        await enqueue({ kind: "collect", path: "/api/v1/batches", body, labelCode: code, local }),
      );
    },
    el("h2", {}, t("collect.title")),
    materialSet,
    more,
    massField,
    siteSet,
    locating,
    submitButton(t("collect.submit")),
  );
}

/** Which actions this user may take on this batch (the ledger checks again). */
export function allowedActions(batch, me) {
  const admin = me.role === "admin";
  const field = admin || FIELD_ROLES.includes(me.role);
  const mine = admin || batch.holder_id === me.organisation_id;
  const incoming =
    batch.state === "in_transit" &&
    (admin || batch.destination_site_organisation_id === me.organisation_id);
  const held = batch.state === "held";
  return {
    weigh: field && (mine || incoming) && (held || batch.state === "in_transit"),
    dispatch: field && mine && held,
    receive: field && incoming,
    valorise:
      (admin || ["outlet", "sorter"].includes(me.role)) &&
      mine &&
      held &&
      batch.material_route !== null,
    sort: (admin || me.role === "sorter") && mine && held,
  };
}

function batchCommand(batch, kind, path, body, local) {
  return enqueue({
    kind,
    path: `/api/v1/batches/${batch.id}/${path}`,
    body,
    labelCode: batch.label_code,
    dependsOn: batch.created_by ?? null,
    local: { ...batch, ...local },
  });
}

export function weighForm(batch, done) {
  const [field, mass] = massInput("weigh-mass", t("collect.mass"));
  return form(
    async () => {
      const mass_kg = mass();
      if (!mass_kg) return t("mass.invalid");
      await done(
        await batchCommand(
          batch,
          "weigh",
          "weighings",
          { mass_kg, occurred_at: nowIso() },
          { mass_kg },
        ),
      );
    },
    field,
    submitButton(t("action.weigh_submit")),
  );
}

/** The batch's filière: from the ledger's card, else from the catalogue (a batch known offline). */
function filiereOf(batch, context) {
  return batch.filiere ?? context.materials.find((m) => m.code === batch.material)?.filiere ?? null;
}

export function dispatchForm(batch, context, done) {
  const here = context.sites.find((s) => s.id === batch.site_id);
  const filiere = filiereOf(batch, context);
  const others = context.sites.filter(
    (s) => s.id !== batch.site_id && s.kind !== "collection_point" && accepts(s, filiere),
  );
  if (!others.length) return el("p", { class: "notice warn" }, t("dispatch.no_site"));
  const [set, site] = sitePicker(
    "destination",
    t("action.dispatch_to"),
    siteChoices(others, here?.latitude != null ? here : null),
    null,
  );
  return form(
    async () => {
      const to_site_id = site();
      if (!to_site_id) return t("choose.site");
      const destination = context.sites.find((s) => s.id === to_site_id);
      const local = {
        state: "in_transit",
        destination_site_id: to_site_id,
        destination_site_organisation_id: destination?.organisation_id,
      };
      await done(
        await batchCommand(
          batch,
          "dispatch",
          "dispatches",
          { to_site_id, occurred_at: nowIso() },
          local,
        ),
      );
    },
    set,
    submitButton(t("action.dispatch_submit")),
  );
}

export function receiveForm(batch, context, done) {
  const [field, mass] = massInput("receive-mass", t("action.receive_mass"), true);
  return form(
    async () => {
      const mass_kg = mass();
      if (mass_kg === null) return t("mass.invalid");
      const body = { occurred_at: nowIso(), ...(mass_kg === undefined ? {} : { mass_kg }) };
      const local = {
        state: "held",
        site_id: batch.destination_site_id,
        holder_id: context.me.organisation_id,
      };
      await done(await batchCommand(batch, "receive", "receipts", body, local));
    },
    field,
    submitButton(t("action.receive_submit")),
  );
}

export function valoriseForm(batch, done) {
  const routes = ROUTES.map((r) => ({ value: r, label: t(`route.${r}`) }));
  const [set, route] = tiles("route", t("action.valorise_route"), routes, batch.material_route);
  return form(
    async () => {
      await done(
        await batchCommand(
          batch,
          "valorise",
          "valorisations",
          { route: route(), occurred_at: nowIso() },
          { state: "valorised" },
        ),
      );
    },
    set,
    submitButton(t("action.valorise_submit")),
  );
}

export function massLine(batch) {
  return kg(batch.mass_kg);
}
