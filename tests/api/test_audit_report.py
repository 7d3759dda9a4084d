"""The auditor's report page: each figure of a Refashion statement beside the events it sums."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest

from tests.api.conftest import Api

ROUTES = ("reuse", "recycling", "csr", "energy", "disposal")
BATCH_LINK = re.compile(r"^/audit/batch/([0-9a-f-]{36})#event-(\d+)$")


def written(api: Api, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return api.written(who, path, body)


def delivered_bag(api: Api, collected_kg: float, received_kg: float, day: str) -> str:
    """A bag collected at Lillebonne and received at the Bolbec workshop on the same day."""
    bag = written(
        api,
        "collector",
        "/batches",
        {
            "material": "textile.collected",
            "mass_kg": collected_kg,
            "site_id": api.ids["container"],
            "occurred_at": f"{day}T08:00:00+02:00",
        },
    )["id"]
    body = {"to_site_id": api.ids["sorting_centre"], "occurred_at": f"{day}T09:00:00+02:00"}
    written(api, "collector", f"/batches/{bag}/dispatches", body)
    body = {"mass_kg": received_kg, "occurred_at": f"{day}T11:00:00+02:00"}
    written(api, "sorter", f"/batches/{bag}/receipts", body)
    return str(bag)


def sorted_at_bolbec(
    api: Api, bag: str, day: str, outputs: list[tuple[str, float]], loss_kg: float
) -> dict[str, Any]:
    return written(
        api,
        "sorter",
        "/transformations",
        {
            "process": "sorting",
            "site_id": api.ids["sorting_centre"],
            "occurred_at": f"{day}T15:00:00+02:00",
            "inputs": [{"batch_id": bag}],
            "outputs": [{"material": m, "mass_kg": kg} for m, kg in outputs],
            "loss_kg": loss_kg,
        },
    )


@dataclass
class Quarter:
    """The workshop's third quarter, and the batches it should list."""

    api: Api
    bags: list[str]  # sorted in the quarter
    october_bag: str  # sorted on 2 October: another quarter
    outputs: dict[str, str] = field(default_factory=dict)  # by material, the August sorting's
    work_logs: dict[tuple[str, str], str] = field(default_factory=dict)  # by worker and day


@pytest.fixture
def third_quarter(api: Api) -> Quarter:
    """Two bags sorted at Bolbec in August and September, a third in October; work hours."""
    august = delivered_bag(api, 412.5, 409.5, "2026-08-03")
    sorting = sorted_at_bolbec(
        api,
        august,
        "2026-08-04",
        [("textile.reuse.cream", 60), ("textile.recycling.fraying", 250), ("textile.csr", 80),
         ("textile.waste", 10)],
        9.5,
    )  # fmt: skip
    september = delivered_bag(api, 300, 300, "2026-09-09")
    sorted_at_bolbec(
        api,
        september,
        "2026-09-10",
        [("textile.recycling.wipers", 120), ("textile.energy", 30), ("textile.collected", 140)],
        10,
    )
    october = delivered_bag(api, 100, 100, "2026-09-30")
    sorted_at_bolbec(api, october, "2026-10-02", [("textile.recycling.fraying", 95)], 5)
    work = {"site_id": api.ids["sorting_centre"], "activity": "sorting"}
    logs = {}
    for worker, contract, hours, day in [
        ("W-07", "insertion", 3, "2026-08-04"),
        ("W-07", "insertion", 3, "2026-09-10"),
        ("E-03", "employee", 9, "2026-08-04"),
        ("E-03", "employee", 9.5, "2026-09-10"),
        ("E-03", "employee", 7, "2026-10-02"),
    ]:
        body = {**work, "worker_ref": worker, "contract": contract, "hours": hours, "date": day}
        logs[(worker, day)] = written(api, "supervisor", "/work-logs", body)["id"]
    body = {**work, "activity": "transport", "worker_ref": "E-03", "contract": "employee"}
    written(api, "supervisor", "/work-logs", {**body, "hours": 4, "date": "2026-08-05"})
    outputs = {o["material"]: o["batch_id"] for o in sorting["outputs"]}
    return Quarter(api, [august, september], october, outputs, logs)


@dataclass
class Row:
    attrs: dict[str, str]
    links: list[str] = field(default_factory=list)
    text: str = ""


class ReportPage(HTMLParser):
    """The figures of the page as its ``data-`` attributes give them, and each list's rows."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lists: dict[str, dict[str, str]] = {}
        self.rows: dict[str, list[Row]] = {}
        self.support: dict[str, int] = {}
        self.shares: dict[str, str] = {}
        self.figure: str | None = None
        self.row: Row | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "details":
            self.figure = found["data-figure"]
            self.lists[self.figure] = found
            self.rows[self.figure] = []
        elif tag == "tr" and self.figure and ("data-g" in found or "data-centi" in found):
            self.row = Row(found)
            self.rows[self.figure].append(self.row)
        elif tag == "tr" and "data-line" in found:
            self.support[found["data-line"]] = int(found["data-cents"])
        elif tag == "a" and self.row is not None:
            self.row.links.append(found["href"])
        elif "data-share" in found:
            self.shares[found["id"]] = found["data-share"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.figure = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row is not None:
            self.row.text += data

    def grams(self, figure: str) -> int:
        """The sum of a list's rows, checked against the sum the list states."""
        total = sum(int(row.attrs["data-g"]) for row in self.rows[figure])
        assert int(self.lists[figure]["data-g"]) == total
        return total

    def batch_links(self, figure: str) -> list[tuple[str, int]]:
        """(batch id, version) of each row; every row of a batch list links to its batch."""
        found = []
        for row in self.rows[figure]:
            match = BATCH_LINK.match(row.links[0])
            assert match, row.links
            found.append((match.group(1), int(match.group(2))))
        return found


def report(api: Api, period: str = "2026-Q3", who: str = "auditor") -> ReportPage:
    query = {"organisation_id": api.ids["workshop"], "period": period}
    response = api.client.get("/audit/report", params=query, headers=api.headers(who))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert 'class="ko"' not in response.text  # no figure disagrees with its events
    return ReportPage(response.text)


def statement(api: Api, period: str = "2026-Q3") -> dict[str, Any]:
    query = {"organisation_id": api.ids["workshop"], "period": period}
    found: dict[str, Any] = api.get("auditor", "/reports/refashion", **query).json()
    return found


def grams_of(tonnes: float) -> int:
    return round(tonnes * 1_000_000)


def test_each_figure_of_the_statement_is_the_sum_of_its_listed_events(
    third_quarter: Quarter,
) -> None:
    api = third_quarter.api
    page, stated = report(api), statement(api)
    assert page.grams("sorted_input") == grams_of(stated["sorted_input_tonnes"]) == 709_500
    for route in ROUTES:
        assert page.grams(route) == grams_of(stated["tonnes"][route]), route
    assert page.grams("unrouted") == 140_000  # collected textiles, to be sorted again
    assert page.grams("loss") == 19_500  # 9.5 kg in August, 10 kg in September
    circularity = api.get("auditor", "/indicators/circularity", period="2026-Q3")
    assert page.grams("loss") == round(circularity.json()["loss_kg"] * 1000)
    assert page.support == stated["support_cents"]
    assert float(page.shares["recycling"]) == stated["recycling_rate"]
    assert float(page.shares["insertion"]) == stated["insertion_share"] == 0.2449  # 6 / 24.5 h
    hours = page.rows["sorting_hours"]
    assert sum(int(row.attrs["data-centi"]) for row in hours) == 2450  # not the 4 h of transport
    assert len([row for row in hours if row.attrs["data-contract"] == "insertion"]) == 2


def test_listed_batches_link_to_the_event_counted_and_only_the_quarters_sortings(
    third_quarter: Quarter,
) -> None:
    api = third_quarter.api
    page = report(api)
    # collected, dispatched, received, then consumed: the fourth event of each bag
    assert sorted(page.batch_links("sorted_input")) == sorted(
        (bag, 4) for bag in third_quarter.bags
    )
    outputs = [link for route in (*ROUTES, "unrouted") for link in page.batch_links(route)]
    assert len(outputs) == 7
    assert {version for _, version in outputs} == {1}
    assert third_quarter.october_bag not in {bag for bag, _ in outputs}
    sortings = {f"#{row.attrs['id']}" for row in page.rows["loss"]}
    assert len(sortings) == 2  # August and September: October's is another quarter's
    assert {row.links[1] for rows in page.rows.values() for row in rows if row.links} == sortings
    bag, version = page.batch_links("sorted_input")[0]
    batch_page = api.client.get(f"/audit/batch/{bag}", headers=api.headers("auditor"))
    assert f'id="event-{version}"' in batch_page.text
    assert report(api, "2026-10").grams("sorted_input") == 100_000  # the October bag alone


def test_corrections_are_listed_beside_what_they_correct(third_quarter: Quarter) -> None:
    api, cream = third_quarter.api, third_quarter.outputs["textile.reuse.cream"]
    body = {"corrects_version": 1, "material": "textile.recycling.fraying", "reason": "regradé"}
    written(api, "sorter", f"/batches/{cream}/corrections", body)
    log = third_quarter.work_logs[("W-07", "2026-09-10")]
    written(api, "supervisor", f"/work-logs/{log}/corrections", {"hours": 4, "reason": "oubli"})
    page, stated = report(api), statement(api)
    for route in ROUTES:
        assert page.grams(route) == grams_of(stated["tonnes"][route]), route
    assert page.grams("reuse") == 0  # the cream bale was fraying feedstock all along
    assert page.grams("recycling") == 430_000
    [withdrawn] = [row for row in page.rows["reuse"] if int(row.attrs["data-g"]) < 0]
    restated = [row for row in page.rows["recycling"] if cream in row.links[0]]
    for row in (withdrawn, *restated):
        assert re.search(r"correction \(position \d+\)", row.text), row.text
    hours = page.rows["sorting_hours"]
    assert sum(int(row.attrs["data-centi"]) for row in hours) == 2550
    assert [int(r.attrs["data-centi"]) for r in hours if "correction" in r.text] == [-300, 400]
    assert float(page.shares["insertion"]) == stated["insertion_share"] == 0.2745  # 7 / 25.5 h
    assert page.support == stated["support_cents"]


def test_the_report_sends_to_the_sign_in_page_then_keeps_a_session(
    third_quarter: Quarter,
) -> None:
    api = third_quarter.api
    address = f"/audit/report?organisation_id={api.ids['workshop']}&period=2026-Q3"
    anonymous = api.client.get(address, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=" + quote(address)
    signed_in = api.client.post("/web/api/session", json={"token": api.tokens["auditor"]})
    assert signed_in.status_code == 200
    page = api.client.get(address)
    assert page.status_code == 200
    assert "Entrée triée" in page.text
    chooser = api.client.get("/audit/report?period=2026-Q3")
    assert f'<option value="{api.ids["workshop"]}">workshop</option>' in chooser.text
    assert api.ids["collectors"] not in chooser.text  # collects, does not sort


def test_the_report_in_english_with_decimal_points(third_quarter: Quarter) -> None:
    api = third_quarter.api
    query = {"organisation_id": api.ids["workshop"], "period": "2026-Q3"}
    french = api.client.get("/audit/report", params=query, headers=api.headers("auditor"))
    english = api.client.get(
        "/audit/report", params={**query, "lang": "en"}, headers=api.headers("auditor")
    )
    assert english.status_code == 200
    assert '<html lang="en">' in english.text
    assert "0,7095\u00a0t" in french.text  # the 709.5 kg sorted, in tonnes to the gram
    assert "0.7095\u00a0t" in english.text
    assert "0,7095" not in english.text
    for words in ("Sorted input", "Recycling", "Sorting support", "Insertion share"):
        assert words in english.text, words
    assert "Entrée triée" not in english.text
    assert "textile.recycling.fraying" not in french.text  # materials by name
    assert "Effilochage" in french.text
    assert "Fraying feedstock" in english.text
    assert ReportPage(english.text).grams("sorted_input") == 709_500  # the same figures


def test_the_report_lists_work_logs_only_to_those_who_may_read_them(
    third_quarter: Quarter,
) -> None:
    api = third_quarter.api
    query = {"organisation_id": api.ids["workshop"], "period": "2026-Q3"}
    api.token("their_supervisor", "collectors", "supervisor")
    for who, status in (("auditor", 200), ("supervisor", 200), ("admin", 200),
                        ("their_supervisor", 403), ("collector", 403)):  # fmt: skip
        response = api.client.get("/audit/report", params=query, headers=api.headers(who))
        assert response.status_code == status, who
        if status == 403:
            assert "W-07" not in response.text
    chooser = api.client.get(
        "/audit/report", params={"period": "2026-Q3"}, headers=api.headers("their_supervisor")
    )
    assert api.ids["workshop"] not in chooser.text


@pytest.mark.parametrize(
    ("organisation", "period", "status", "title"),
    [
        (str(uuid.uuid4()), "2026-Q3", 404, "Organisation inconnue"),
        ("workshop", "2026-Q5", 422, "Période non comprise"),
        ("workshop", "2031", 422, "Période non comprise"),  # no Refashion rates for 2031 yet
        ("the-workshop", "2026-Q3", 422, "Demande non comprise"),
        ("workshop", "2026-Q3 hier", 422, "Heure d’enregistrement non comprise"),
    ],
)
def test_unknown_organisations_and_unreadable_periods_get_readable_pages(
    api: Api, organisation: str, period: str, status: int, title: str
) -> None:
    period, _, as_of = period.partition(" ")  # "2026-Q3 hier": as recorded at "hier"
    query = {"organisation_id": api.ids.get(organisation, organisation), "period": period}
    if as_of:
        query["as_of"] = as_of
    response = api.client.get("/audit/report", params=query, headers=api.headers("auditor"))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in response.text
    assert 'href="/audit/report"' in response.text
