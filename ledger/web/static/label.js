// /l/{code}: what a scanned label is, and what the user can do with it, online or not.
import { LANG, errorText, t } from "./i18n.js";
import {
  api,
  el,
  kg,
  loadContext,
  loginPath,
  materialName,
  normalizeCode,
  pageData,
  render,
  when,
} from "./core.js";
import {
  allowedActions,
  collectForm,
  dispatchForm,
  receiveForm,
  valoriseForm,
  weighForm,
} from "./forms.js";
import { mayRefuse, refuseForm } from "./refusal.js";
import { addInput } from "./sorting.js";
import { batchByCode, commands } from "./store.js";

const place = { code: null, signature: null };

function fromLocation() {
  const raw = decodeURIComponent(location.pathname.split("/").pop() || "");
  const signature = new URLSearchParams(location.search).get("s");
  return { raw, signature };
}

/** The card from the ledger, or null without network (the phone then uses what it knows). */
async function fetchCard(raw, signature) {
  const query = signature === null ? "" : `?s=${encodeURIComponent(signature)}`;
  try {
    return (await api(`/web/api/card/${encodeURIComponent(raw)}${query}`)).data;
  } catch (error) {
    if (error.status === 401)
      return { code: raw, valid: true, authenticated: false, signature: "absent" };
    return null;
  }
}

function panel(kind, title, text, ...more) {
  return el(
    "section",
    { class: `panel ${kind}`, role: kind === "bad" ? "alert" : null },
    title ? el("h2", {}, title) : null,
    text ? el("p", {}, text) : null,
    ...more,
  );
}

function scanAgain() {
  return el("a", { class: "big button", href: "/scan" }, t("common.back_to_scan"));
}

function heading(code, signature) {
  const chip = {
    valid: ["good", t("label.signature_ok")],
    absent: ["neutral", t("label.signature_absent")],
    offline: ["neutral", t("common.offline")],
  }[signature];
  return el(
    "div",
    { class: "label-head" },
    el("p", { class: "code", id: "label-code" }, code),
    chip ? el("span", { class: `chip ${chip[0]}` }, chip[1]) : null,
  );
}

function row(term, value) {
  return value === null || value === undefined || value === ""
    ? null
    : [el("dt", {}, term), el("dd", {}, value)];
}

function siteName(context, id) {
  return context?.sites.find((s) => s.id === id)?.name ?? null;
}

function batchCard(batch, events, context) {
  const material = context?.materials.find((m) => m.code === batch.material);
  const name =
    (LANG === "en" ? batch.material_name_en : batch.material_name_fr) ??
    (material ? materialName(material) : batch.material);
  const list = el(
    "dl",
    { class: "facts" },
    row(t("batch.material"), name),
    row(t("batch.mass"), kg(batch.mass_kg)),
    row(t("batch.state"), t(`state.${batch.state}`)),
    row(t("batch.site"), batch.site_name ?? siteName(context, batch.site_id)),
    row(
      t("batch.destination"),
      batch.destination_site_name ?? siteName(context, batch.destination_site_id),
    ),
    row(
      t("batch.holder"),
      batch.holder_name ??
        (batch.holder_id === context?.me.organisation_id ? context.me.organisation_name : null),
    ),
  );
  const card = el("section", { class: "card batch", id: "batch-card" }, list);
  if (batch.pending) card.prepend(el("span", { class: "chip waiting" }, t("label.pending")));
  if (events?.length) {
    card.append(
      el("h3", {}, t("batch.events")),
      el(
        "ol",
        { class: "events" },
        events.map((e) =>
          el(
            "li",
            {},
            el("strong", {}, t(`event.${e.type}`)),
            " ",
            when(e.occurred_at),
            e.mass_kg ? ` · ${kg(e.mass_kg)}` : "",
          ),
        ),
      ),
    );
  }
  return card;
}

async function queueNotes(code) {
  const mine = (await commands()).filter((c) => c.label_code === code && c.status !== "done");
  return mine.map((c) =>
    el(
      "p",
      {
        class: `notice ${c.status === "refused" ? "bad" : "waiting"}`,
        dataset: { status: c.status },
      },
      el("strong", {}, t(`kind.${c.kind}`)),
      c.body.mass_kg ? ` ${kg(c.body.mass_kg)}` : "",
      " · ",
      c.status === "refused"
        ? `${t("sync.refused_item")} : ${errorText(c.error)}`
        : t("sync.waiting_item"),
    ),
  );
}

function actions(batch, context, refresh, mayCorrect = false) {
  const allowed = allowedActions(batch, context.me);
  const slot = el("div", { id: "action-form" });
  const button = (name, make) =>
    el(
      "button",
      { class: "big", type: "button", onclick: () => slot.replaceChildren(make()) },
      t(`action.${name}`),
    );
  const buttons = [
    allowed.weigh && button("weigh", () => weighForm(batch, refresh)),
    allowed.dispatch && button("dispatch", () => dispatchForm(batch, context, refresh)),
    allowed.receive && button("receive", () => receiveForm(batch, context, refresh)),
    allowed.valorise && button("valorise", () => valoriseForm(batch, refresh)),
    allowed.sort &&
      el(
        "button",
        { class: "big", type: "button", onclick: () => addInput(batch) },
        t("action.sort"),
      ),
    mayRefuse(batch, context.me) && button("refuse", () => refuseForm(batch, refresh)),
    mayCorrect &&
      el(
        "a",
        { class: "big button", id: "correct-link", href: `/batches/${batch.id}/correct` },
        t("action.correct"),
      ),
  ].filter(Boolean);
  if (!buttons.length) return el("p", { class: "hint" }, t("action.none"));
  return el("section", { class: "actions" }, el("div", { class: "buttons" }, buttons), slot);
}

/** What became of the command just made: in the ledger, or kept on the phone for later. */
function flash(item) {
  if (!item || item.status === "refused") return null; // the refusal shows with the queue notes
  const done = item.status === "done";
  return el(
    "p",
    { class: `notice ${done ? "good" : "waiting"}`, id: "flash" },
    t(done ? "queued.done" : "queued.offline"),
  );
}

async function show_(card, context, item = null) {
  const code = card.code;
  const refresh = (done) => showFresh(context, done);
  const notes = [flash(item), ...(await queueNotes(code))];
  if (card.signature === "invalid") {
    return render(
      heading(code, null),
      panel("bad", t("label.forged_title"), t("label.forged_text")),
      scanAgain(),
    );
  }
  if (!card.authenticated || !context) {
    return render(
      heading(code, card.signature),
      panel(
        "neutral",
        null,
        t("label.login_text"),
        el("a", { class: "big button primary", href: loginPath() }, t("login.go")),
      ),
    );
  }
  const parts = [heading(code, card.signature), ...notes];
  const collector = ["collector", "admin"].includes(context.me.role);
  if (card.batch) {
    parts.push(
      batchCard(card.batch, card.events, context),
      actions(card.batch, context, refresh, Boolean(card.may_correct) && !card.offline),
    );
  } else if (card.label && !card.label.known) {
    const slot = el("div", {});
    const anyway =
      collector &&
      el(
        "button",
        {
          class: "big",
          type: "button",
          onclick: () => slot.replaceChildren(collectForm(code, context, null, refresh)),
        },
        t("label.unknown_collect"),
      );
    parts.push(
      panel("warn", t("label.unknown_title"), t("label.unknown_text"), anyway || null),
      slot,
    );
  } else {
    if (card.offline) parts.push(el("p", { class: "notice neutral" }, t("label.offline_note")));
    else
      parts.push(
        el(
          "p",
          { class: "notice neutral" },
          el("strong", {}, t("label.free_title")),
          " · ",
          t("label.free_text"),
        ),
      );
    parts.push(
      collector
        ? collectForm(code, context, card.label?.filiere, refresh)
        : el("p", { class: "hint" }, t("label.free_not_collector")),
    );
  }
  parts.push(scanAgain());
  render(...parts);
}

/** Offline: a card made of what the phone knows of this code. */
async function localCard(code) {
  const batch = await batchByCode(code);
  return {
    code,
    valid: true,
    signature: "offline",
    authenticated: true,
    offline: true,
    batch: batch ?? null,
    label: { known: true, filiere: null },
  };
}

async function showFresh(context, item = null) {
  const card = (await fetchCard(place.code, place.signature)) ?? (await localCard(place.code));
  if (card.batch === null && card.offline) {
    const known = await batchByCode(place.code);
    if (known) card.batch = known;
  }
  await show_(card, context, item);
  window.scrollTo(0, 0);
}

export async function show() {
  const { raw, signature } = fromLocation();
  const context = await loadContext();
  const embedded = pageData();
  const { code, error } = normalizeCode(raw);
  if (!code || (embedded && !embedded.valid)) {
    const scanned = el("p", { class: "code bad-code", id: "label-code" }, raw);
    return render(
      scanned,
      panel("bad", t("label.invalid_title"), error ?? embedded.message),
      scanAgain(),
    );
  }
  place.code = code;
  place.signature = signature;
  if (embedded) return show_(embedded, context);
  return showFresh(context);
}
