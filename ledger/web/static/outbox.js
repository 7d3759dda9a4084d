// /outbox: what the phone recorded, in order, and whether the ledger has it yet.
import { errorText, t } from "./i18n.js";
import { el, render, when } from "./core.js";
import { commands, putCommand } from "./store.js";
import { onQueueChange, syncOutbox } from "./sync.js";

const SHOWN_DONE = 30;

function item(command) {
  const status = {
    waiting: "sync.waiting_item",
    done: "sync.done_item",
    refused: "sync.refused_item",
  }[command.status];
  const target = command.label_code
    ? el("a", { href: `/l/${command.label_code.replaceAll("-", "")}` }, command.label_code)
    : null;
  return el(
    "li",
    {
      class: `queue-item ${command.status}`,
      dataset: { status: command.status, kind: command.kind },
    },
    el(
      "div",
      { class: "queue-line" },
      el("strong", {}, t(`kind.${command.kind}`)),
      target,
      el("span", { class: "time" }, when(command.body.occurred_at)),
    ),
    el("div", { class: "queue-status" }, t(status)),
    command.status === "refused"
      ? el("div", { class: "queue-error" }, errorText(command.error))
      : null,
  );
}

async function draw() {
  const all = await commands();
  const open = all.filter((c) => c.status !== "done");
  const done = all.filter((c) => c.status === "done").slice(-SHOWN_DONE);
  const list = [...open, ...done].sort((a, b) => a.seq - b.seq);
  const needsLogin = localStorage.getItem("needs_login") === "1";
  render(
    el("h1", {}, t("outbox.title")),
    needsLogin
      ? el(
          "p",
          { class: "notice bad" },
          el("a", { href: "/login?next=/outbox" }, t("sync.login_needed")),
        )
      : null,
    el(
      "button",
      { class: "big primary", id: "sync-now", type: "button", onclick: () => syncOutbox() },
      t("outbox.sync_now"),
    ),
    open.length ? null : el("p", { class: "notice good" }, t("outbox.empty")),
    el("ol", { class: "queue", id: "queue" }, list.map(item)),
  );
  // Refusals count in the badge until they have been seen here.
  for (const command of all.filter((c) => c.status === "refused" && !c.seen)) {
    await putCommand({ ...command, seen: true });
  }
}

export async function show() {
  onQueueChange(() => draw());
  await draw();
}
