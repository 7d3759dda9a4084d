// Choosing a site on a phone: the nearest few as big tiles, the others found by typing a few
// letters of their name or commune; and which sites may receive a batch of a filière.
import { LANG, t } from "./i18n.js";
import { distanceKm, el } from "./core.js";

const LOCALE = LANG === "fr" ? "fr-FR" : "en-GB";
export const NEAREST = 5; // tiles shown before the search field
const RESULTS = 8; // search results shown at most

/** The ledger's rule (Site.accepts): a site that declares no filière takes every filière. */
export function accepts(site, filiere) {
  const declared = site.accepts_filieres ?? [];
  return !filiere || declared.length === 0 || declared.includes(filiere);
}

/** Sites as choices, nearest first once the phone knows where it is, else by name. */
export function siteChoices(sites, position) {
  const rows = sites.map((site) => {
    const hasPlace = position && site.latitude !== null && site.longitude !== null;
    const km = hasPlace ? distanceKm(position, site) : null;
    const where = site.commune_name ?? site.city ?? null;
    const distance =
      km === null ? null : `${km.toLocaleString(LOCALE, { maximumFractionDigits: 1 })} km`;
    const note = [where, distance].filter(Boolean).join(" · ") || null;
    return {
      value: site.id,
      label: site.name,
      km,
      note,
      words: folded([site.name, site.commune_name, site.city, site.postal_code].join(" ")),
    };
  });
  rows.sort((a, b) => (a.km ?? Infinity) - (b.km ?? Infinity) || a.label.localeCompare(b.label));
  return rows;
}

/** Lower case without accents or dashes, so that "saint nicolas" finds "Saint-Nicolas". */
function folded(text) {
  return String(text ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function matches(row, query) {
  return folded(query)
    .split(" ")
    .every((word) => row.words.includes(word));
}

function tile(name, choice, checked) {
  return el(
    "label",
    { class: choice.words ? "tile site-tile" : "tile" },
    el("input", { type: "radio", name, value: choice.value, checked }),
    el("span", {}, choice.label),
    choice.note ? el("small", {}, choice.note) : null,
  );
}

/** Big radio tiles, one per choice; returns the fieldset and a getter of the chosen value. */
export function tiles(name, legend, choices, chosen) {
  const set = el(
    "fieldset",
    { class: "tiles", id: `${name}-choices` },
    el("legend", {}, legend),
    choices.map((choice) => tile(name, choice, choice.value === chosen)),
  );
  return [set, () => set.querySelector("input:checked")?.value];
}

/** The nearest sites as tiles and, when there are more, a search over all of them. */
export function sitePicker(name, legend, choices, chosen) {
  if (choices.length <= NEAREST) return tiles(name, legend, choices, chosen);
  const [nearest] = tiles(name, legend, choices.slice(0, NEAREST), chosen);
  const found = el("fieldset", { class: "tiles search-results", id: `${name}-results` });
  const count = el("p", { class: "hint", id: `${name}-count`, "aria-live": "polite" });
  const search = el("input", {
    type: "search",
    id: `${name}-search`,
    autocomplete: "off",
    enterkeyhint: "search",
    "aria-controls": `${name}-results`,
    "aria-describedby": `${name}-count`,
  });
  const chosenRow = () => {
    const value = picker.querySelector("input:checked")?.value;
    return choices.find((c) => c.value === value) ?? null;
  };
  const show = () => {
    const query = search.value.trim();
    const kept = chosenRow();
    const hits = query ? choices.filter((c) => matches(c, query)) : [];
    const listed = hits.slice(0, RESULTS);
    if (kept && !listed.includes(kept) && !choices.slice(0, NEAREST).includes(kept))
      listed.unshift(kept); // what was picked stays in view while typing on
    found.replaceChildren(
      el("legend", { class: "visually-hidden" }, t("site.results")),
      ...listed.map((c) => tile(name, c, c === kept)),
    );
    found.hidden = listed.length === 0;
    count.textContent = !query
      ? ""
      : hits.length === 0
        ? t("site.none", { q: query })
        : hits.length > RESULTS
          ? t("site.more", { n: RESULTS, total: hits.length })
          : t("site.found", { n: hits.length });
  };
  search.addEventListener("input", show);
  search.addEventListener("keydown", (event) => {
    const first = found.querySelector("input");
    if (event.key === "Enter") {
      event.preventDefault(); // Enter picks the first result, never sends the form
      if (first) first.checked = true;
    }
    if ((event.key === "Enter" || event.key === "ArrowDown") && first) {
      event.preventDefault();
      first.focus();
    }
  });
  const picker = el(
    "div",
    { class: "site-picker" },
    nearest,
    el(
      "label",
      { class: "field search-field" },
      el("span", {}, t("site.search", { n: choices.length })),
      search,
    ),
    count,
    found,
  );
  found.hidden = true;
  return [picker, () => picker.querySelector("input:checked")?.value];
}
