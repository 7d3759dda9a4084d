// /login: exchange a token for a session cookie, once per phone.
import { t } from "./i18n.js";
import { api, el, loadContext, render } from "./core.js";

function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/scan";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/scan";
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
    el("a", { class: "big button primary", href: nextPath() }, t("nav.scan")),
    el("button", { class: "big", type: "button", onclick: logout }, t("login.logout")),
  );
}

function loginForm() {
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
      problem.textContent = error instanceof TypeError ? t("login.offline") : t("login.failed");
      return;
    }
    localStorage.removeItem("needs_login");
    await loadContext(true);
    location.assign(nextPath());
  };
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
  const context = navigator.onLine ? await loadContext() : null;
  render(el("h1", {}, t("login.title")), context ? loggedIn(context) : loginForm());
}
