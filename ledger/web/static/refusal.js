// The label card's refusal of a receipt: a batch sent to the wrong site goes back to its sender.
// Queued like every command (sync.js); the ledger checks that it is on its way to this site.
import { t } from "./i18n.js";
import { el, nowIso } from "./core.js";
import { enqueue } from "./sync.js";

/** Whether this user may refuse the batch: it is in transit to one of their sites. */
export function mayRefuse(batch, me) {
  const admin = me.role === "admin";
  const field = admin || ["collector", "sorter", "transporter", "outlet"].includes(me.role);
  const incoming = admin || batch.destination_site_organisation_id === me.organisation_id;
  return field && batch.state === "in_transit" && incoming;
}

export function refuseForm(batch, done) {
  const reason = el("textarea", {
    id: "refuse-reason",
    name: "reason",
    rows: 2,
    maxlength: 1000,
    required: true,
  });
  const problem = el("p", { class: "field-error", role: "alert" });
  const node = el(
    "form",
    { class: "card action-form", id: "refuse-form" },
    el("p", { class: "hint" }, t("refuse.about")),
    el("label", { class: "field" }, el("span", {}, t("refuse.reason")), reason),
    el("button", { class: "big primary", type: "submit" }, t("refuse.submit")),
    problem,
  );
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      problem.textContent = t("refuse.reason_needed");
      return;
    }
    const item = await enqueue({
      kind: "refuse",
      path: `/api/v1/batches/${batch.id}/refusals`,
      body: { reason: text, occurred_at: nowIso() },
      labelCode: batch.label_code,
      dependsOn: batch.created_by ?? null,
      local: {
        ...batch,
        state: "held",
        destination_site_id: null,
        destination_site_organisation_id: null,
      },
    });
    await done(item);
  });
  return node;
}
