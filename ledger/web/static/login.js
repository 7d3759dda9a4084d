// /login: exchange a token for a session cookie, once per phone.
import { t } from "./i18n.js";
import { api, el, loadContext, render } from "./core.js";

function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** A token handed over in the address's fragment (the QR code of a new token): the fragment
 * never reaches a server; it is dropped from the address at once. */
function tokenInAddress() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("token");
  if (token) history.replaceState(null, "", location.pathname + location.search);
  return token;
}

function loggedIn(context) {
  const logout = async () => {
    await api("/web/api/session", { method: "DELETE" }).catch(() => null);
    localStorage.removeItem("context");
    location.reload();
  };
  return el(
    "section",
    { class: "card" },
    el(
      "p",
      { id: "whoami" },
      t("login.as", { org: context.me.organisation_name, role: t(`role.${context.me.role}`) }),
    ),
    el("a", { class: "big button primary", href: nextPath() }, t("login.continue")),
    el("button", { class: "big", type: "button", onclick: logout }, t("login.logout")),
  );
}

function loginForm(handed) {
  const token = el("input", {
    id: "token",
    name: "token",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const problem = el("p", { class: "field-error", role: "alert" });
  const submit = async (event) => {
    event.preventDefault();
    try {
      await api("/web/api/session", { method: "POST", body: { token: token.value.trim() } });
    } catch (error) {
      problem.textContent =
        error instanceof TypeError
          ? t("login.offline")
          : error.status === 429
            ? t("login.too_many")
            : t("login.failed");
      return;
    }
    localStorage.removeItem("needs_login");
    await loadContext(true);
    location.assign(nextPath());
  };
  if (handed) {
    token.value = handed;
    queueMicrotask(() => submit(new Event("submit")));
  }
  return el(
    "form",
    { class: "card", onsubmit: submit },
    el("p", {}, t("login.text")),
    el("label", { class: "field" }, el("span", {}, t("login.token")), token),
    problem,
    el("button", { class: "big primary", type: "submit" }, t("login.submit")),
  );
}

export async function show() {
  const handed = tokenInAddress();
  const context = navigator.onLine && !handed ? await loadContext() : null;
  render(el("h1", {}, t("login.title")), context ? loggedIn(context) : loginForm(handed));
}
