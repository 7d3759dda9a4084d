"""The work supervisor of the Bolbec sorting workshop signs in, fills a week of hours for three
insertion and salaried sorters, saves it (twice: the second time writes nothing), corrects a
cell, is refused a worker's name, reads the insertion share and FTE, declares the quarter, and
sees a later correction listed as a regularisation; in French and in English, at a desk's width
and on a phone. A collector is refused the pages; another organisation's supervisor sees none of
these hours."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ledger.web.desk import formats
from tests.web.conftest import PHONE, fits, log_in, screenshot
from tests.web.live import LiveServer, Territory

DESK = {"width": 1280, "height": 900}
# Each language works on its own week and declares its own quarter (the territory is shared).
JOURNEYS = {
    "fr": {"week": "2026-W49", "quarter": "2026-Q4", "monday": "2026-11-30", "point": ","},
    "en": {"week": "2026-W38", "quarter": "2026-Q3", "monday": "2026-09-14", "point": "."},
}
# W-0042 and ICIAD-17 in insertion, W-0007 salaried, all sorting: Monday to Saturday.
WEEK = {
    ("W-0042", "insertion"): ["7.5", "7.5", "7", "7", "6", ""],
    ("ICIAD-17", "insertion"): ["7", "7", "7", "7", "7", "3.25"],
    ("W-0007", "employee"): ["8", "8", "8", "8", "4", ""],
}
WORDS = {
    "fr": {
        "sign_in": "Se connecter",
        "saved": "Semaine enregistrée.",
        "unchanged": "Rien n'a changé : aucune écriture.",
        "refused": "Rien n'a été enregistré",
        "rule": "pseudonyme comme W-0042 ou ICIAD-17, jamais un nom",
        "jobs": "Insertion et ETP",
        "declare": "Déclarer un trimestre",
        "declared": "Déclaration enregistrée.",
        "nothing_since": "Rien n'a été enregistré dans cette période depuis la déclaration.",
        "corrected": "Correction enregistrée.",
        "regularised": "heures de W-0007 du 14 septembre 2026",
        "from_to": "corrigées de 8\u00a0h à 7\u00a0h",
    },
    "en": {
        "sign_in": "Se connecter",
        "saved": "Week saved.",
        "unchanged": "Nothing changed: nothing written.",
        "refused": "Nothing was saved",
        "rule": "pseudonym such as W-0042 or ICIAD-17, never a name",
        "jobs": "Insertion and FTE",
        "declare": "Declare a quarter",
        "declared": "Statement declared.",
        "nothing_since": "Nothing was recorded in this period since the declaration.",
        "corrected": "Correction recorded.",
        "regularised": "hours of W-0007 on 14 September 2026",
        "from_to": "corrected from 8\u00a0h to 7\u00a0h",
    },
}
WORDS["fr"]["regularised"] = "heures de W-0007 du 30 novembre 2026"


@pytest.fixture(scope="module")
def staff(world: Territory) -> dict[str, Any]:
    """The workshop's supervisor; and a second workshop in Le Havre, whose supervisor logged
    hours of its own for a worker it also calls W-0042."""
    if "supervisor" not in world.tokens:
        world.token("supervisor", "workshop", "supervisor")
    world.organisation("havre", "Ressourcerie du Havre", ["sorter"])
    world.site("havre_shop", "havre", "Atelier du Havre", "sorting_centre", "76114")
    world.token("havre_supervisor", "havre", "supervisor")
    for journey in JOURNEYS.values():
        body = {"site_id": world.ids["havre_shop"], "worker_ref": "W-0042", "contract": "insertion",
                "activity": "sorting", "hours": 5, "date": journey["monday"]}  # fmt: skip
        world.post("havre_supervisor", "/work-logs", body)
    return {"site": world.ids["sorting_centre"], "havre_site": world.ids["havre_shop"]}


def open_page(
    browser: Browser, live: LiveServer, opened: list[BrowserContext], **options: Any
) -> tuple[Page, list[str]]:
    """A browser in French at Paris time, and what went wrong in it: script errors and any
    call of the API (the journey uses the pages alone)."""
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live.url, **options
    )
    context.set_default_timeout(10_000)
    opened.append(context)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: problems.append(r.url) if "/api/v1/" in r.url else None)
    return page, problems


def position(world: Territory) -> int:
    return int(world.get("admin", "/health")["event_position"])


def sign_in(page: Page, token: str, target: str) -> None:
    page.goto(f"/login?next={target.replace('?', '%3F').replace('&', '%26')}")
    page.wait_for_selector("body[data-ready='true']")
    page.fill("#token", token)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/work/timesheet" in url and "/login" not in url)


def typed(hours: str, lang: str) -> str:
    return hours.replace(".", JOURNEYS[lang]["point"])


def fill_week(page: Page, lang: str) -> None:
    for n, ((worker, contract), days) in enumerate(WEEK.items()):
        page.fill(f'[name="r{n}.worker_ref"]', worker)
        page.select_option(f'[name="r{n}.contract"]', contract)
        page.select_option(f'[name="r{n}.activity"]', "sorting")
        for d, hours in enumerate(days):
            if hours:
                page.fill(f'[name="r{n}.d{d}"]', typed(hours, lang))


def sheet_form(page: Page) -> dict[str, str]:
    """Every field the timesheet form would send, as it stands."""
    fields: dict[str, str] = page.evaluate(
        "() => Object.fromEntries(new FormData(document.querySelector('form.work-sheet')))"
    )
    return {**fields, "action": "save"}


def logged_ids(page: Page) -> list[str]:
    rows = page.locator("table.work-logs tbody tr")
    return [str(rows.nth(i).get_attribute("id"))[4:] for i in range(rows.count())]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_supervisor_fills_a_week_corrects_it_and_declares_the_quarter(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    staff: dict[str, Any],
    contexts: list[BrowserContext],
    lang: str,
) -> None:
    journey, words = JOURNEYS[lang], WORDS[lang]
    page, problems = open_page(browser, live, contexts, viewport=DESK)
    sign_in(page, world.tokens["supervisor"], f"/work?week={journey['week']}&lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".work-rule")).to_contain_text("W-0042")
    sites = page.locator('select[name="site"] option')
    expect(sites).to_have_count(1)  # the workshop's own site only
    expect(sites).to_have_attribute("value", staff["site"])

    # A week for three workers, saved: one work log per filled cell.
    before = position(world)
    fill_week(page, lang)
    typed_total = sum(float(h) for days in WEEK.values() for h in days if h)
    week_total = page.locator("[data-week-total]")
    expect(week_total).to_have_text(formats.number(typed_total, 2, lang, trim=True))  # as typed
    sent = sheet_form(page)
    screenshot(page, f"work_sheet_filled_{lang}")
    page.get_by_role("button", name=re.compile("Enregistrer la semaine|Save the week")).click()
    expect(page.locator(".notice")).to_have_text(words["saved"])
    cells = sum(1 for days in WEEK.values() for hours in days if hours)
    assert position(world) == before + cells
    ids = logged_ids(page)
    assert len(ids) == cells
    logs = [world.get("supervisor", f"/work-logs/{i}") for i in ids]
    found = {(log["worker_ref"], log["contract"], log["date"]): log["hours"] for log in logs}
    monday = journey["monday"]
    assert found[("W-0042", "insertion", monday)] == 7.5
    assert sum(found.values()) == sum(float(h) for d in WEEK.values() for h in d if h)
    assert {log["site_id"] for log in logs} == {staff["site"]}
    expect(page.locator("table.sheet tfoot")).to_contain_text(
        formats.number(sum(found.values()), 2, lang, trim=True)
    )

    # The same form sent again, and the saved page saved again: nothing is written.
    answer = page.request.post("/work/timesheet", form=sent, max_redirects=0)
    assert answer.status == 303
    assert "work.sheet.unchanged" in answer.headers["location"]
    page.get_by_role("button", name=re.compile("Enregistrer la semaine|Save the week")).click()
    expect(page.locator(".notice")).to_have_text(words["unchanged"])
    assert position(world) == before + cells

    # One cell changed, with a reason: one correction of that log.
    page.fill('[name="r2.d0"]', typed("8.5", lang))  # rows are sorted: W-0042 is the third
    expect(page.locator('[name="r2.worker_ref"]')).to_have_value("W-0042")
    page.fill('[name="reason"]', "badge oublié le matin")
    page.get_by_role("button", name=re.compile("Enregistrer la semaine|Save the week")).click()
    expect(page.locator(".notice")).to_have_text(words["saved"])
    assert position(world) == before + cells + 1
    corrected = [world.get("supervisor", f"/work-logs/{i}") for i in ids]
    changed = [log for log in corrected if log["version"] == 2]
    assert [(c["worker_ref"], c["date"], c["hours"]) for c in changed] == [("W-0042", monday, 8.5)]

    # A name where a pseudonym belongs: refused with the rule, the name kept, nothing written.
    page.fill('[name="r3.worker_ref"]', "Fatima_Benali-1987")
    page.fill('[name="r3.d1"]', "4")
    page.get_by_role("button", name=re.compile("Enregistrer la semaine|Save the week")).click()
    expect(page.locator(".work-problems")).to_contain_text(words["refused"])
    expect(page.locator(".work-problems")).to_contain_text(words["rule"])
    expect(page.locator('[name="r3.worker_ref"]')).to_have_value("Fatima_Benali-1987")
    expect(page.locator('[name="r3.d1"]')).to_have_value("4")
    assert position(world) == before + cells + 1
    fits(page, DESK["width"])
    screenshot(page, f"work_sheet_refused_{lang}")

    # The insertion share and FTE, as the jobs indicator gives them.
    page.get_by_role("link", name=words["jobs"]).click()
    page.select_option('select[name="quarter"]', journey["quarter"])
    page.locator("form.work-choose button").click()
    for period in (journey["quarter"], journey["quarter"][:4]):
        jobs = world.get(
            "supervisor", "/indicators/jobs", organisation_id=world.ids["workshop"], period=period
        )
        card = page.locator(f'section[data-period="{period}"]')
        share = formats.percent(jobs["insertion_share_sorting"], lang)
        expect(card.locator(".insertion-share")).to_contain_text(share)
        expect(card.locator(".fte")).to_have_text(formats.number(jobs["fte"], 2, lang))
        assert jobs["hours_total"] >= sum(found.values())
    fits(page, DESK["width"])
    screenshot(page, f"work_jobs_{lang}")

    # Declaring the quarter: what will be frozen, confirmed; then the list shows it.
    page.get_by_role("link", name=words["declare"]).click()
    page.select_option('select[name="quarter"]', journey["quarter"])
    page.locator("form.work-choose button").click()
    expect(page.locator(".work-preview")).to_contain_text(journey["quarter"])
    page.locator(".work-preview button.primary").click()
    expect(page.locator(".notice")).to_have_text(words["declared"])
    listed = world.get(
        "supervisor", "/reports/refashion/declarations", organisation_id=world.ids["workshop"]
    )
    assert journey["quarter"] in [d["period"] for d in listed["data"]]
    declared = page.locator(f'article.work-declared[data-period="{journey["quarter"]}"]')
    expect(declared).to_contain_text(words["nothing_since"])

    # A correction of hours in the declared quarter, from the week's list of logs: listed as a
    # regularisation of the declared statement.
    page.goto(f"/work/timesheet?week={journey['week']}")
    row = page.locator("table.work-logs tbody tr", has_text="W-0007").first
    row.locator("summary").click()
    row.locator('input[name="hours"]').fill("7")
    row.locator('input[name="reason"]').fill("départ anticipé")
    row.locator("form button").click()
    expect(page.locator(".notice")).to_have_text(words["corrected"])
    assert position(world) == before + cells + 3  # the declaration, the correction
    page.get_by_role("link", name=words["declare"]).click()
    page.select_option('select[name="quarter"]', journey["quarter"])
    page.locator("form.work-choose button").click()
    regularisations = declared.locator(".regularisations")
    expect(regularisations).to_contain_text(words["regularised"])
    expect(regularisations).to_contain_text(words["from_to"])
    fits(page, DESK["width"])
    screenshot(page, f"work_declarations_{lang}")
    assert problems == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_supervisor_pages_read_on_a_phone(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    staff: dict[str, Any],
    contexts: list[BrowserContext],
    lang: str,
) -> None:
    page, problems = open_page(
        browser, live, contexts, viewport=PHONE, is_mobile=True, has_touch=True
    )
    sign_in(page, world.tokens["supervisor"], f"/work/timesheet?lang={lang}")
    titles = {"fr": ("Feuille d'heures", "Insertion et équivalents temps plein",
                     "Déclarer un trimestre à Refashion"),
              "en": ("Timesheet", "Insertion and full-time equivalents",
                     "Declare a quarter to Refashion")}[lang]  # fmt: skip
    paths = ("/work/timesheet", "/work/jobs", "/work/declarations")
    for path, title in zip(paths, titles, strict=True):
        page.goto(f"{path}?week={JOURNEYS[lang]['week']}&quarter={JOURNEYS[lang]['quarter']}")
        expect(page.locator("h1")).to_have_text(title)
        fits(page, PHONE["width"])
        screenshot(page, f"work_phone_{path.rsplit('/', 1)[1]}_{lang}")
    assert problems == []


def test_a_collector_is_refused_the_supervisor_pages(
    browser: Browser, live: LiveServer, world: Territory, contexts: list[BrowserContext]
) -> None:
    page, _ = open_page(browser, live, contexts, viewport=DESK)
    log_in(page.context, live, world.tokens["collector"])
    for path in ("/work/timesheet", "/work/jobs", "/work/declarations"):
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 403
        expect(page.locator("main")).not_to_contain_text("W-0042")
    nav = page.locator(".header-links")
    expect(nav).not_to_contain_text("Feuille d'heures")


def test_another_organisations_supervisor_sees_none_of_these_hours(
    browser: Browser,
    live: LiveServer,
    world: Territory,
    staff: dict[str, Any],
    contexts: list[BrowserContext],
) -> None:
    page, _ = open_page(browser, live, contexts, viewport=DESK)
    log_in(page.context, live, world.tokens["havre_supervisor"])
    page.goto(f"/work/timesheet?week={JOURNEYS['fr']['week']}")
    expect(page.locator('select[name="site"] option')).to_have_count(1)
    expect(page.locator('select[name="site"] option')).to_have_text("Atelier du Havre")
    logs = page.locator("table.work-logs tbody tr")
    expect(logs).to_have_count(1)  # its own W-0042, five hours
    expect(logs).to_contain_text("5\u00a0h")
    expect(page.locator("table.sheet")).not_to_contain_text("ICIAD-17")
    expect(page.locator("table.sheet tbody th")).to_have_count(1)  # one row of logged hours
    answer = page.goto(f"/work/timesheet?site={staff['site']}&week={JOURNEYS['fr']['week']}")
    assert answer is not None
    assert answer.status == 403
    expect(page.locator("table")).to_have_count(0)
    # And the workshop's supervisor does not see Le Havre's hours.
    log_in(page.context, live, world.tokens["supervisor"])
    answer = page.goto(f"/work/timesheet?site={staff['havre_site']}")
    assert answer is not None
    assert answer.status == 403
