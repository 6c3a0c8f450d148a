"""The Insights tab in the browser: signed in with an insights key (dev sign-in or pasted), charts
with text alternatives that show the API's numbers, no request text, keyboard and phone use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ADMIN_TOKEN
from insights_org import EXCEL, WOUNDS
from ui.browser import PHONE, serious_accessibility_violations, sign_in, token

pytestmark = pytest.mark.no_postgres

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
MORE_PEOPLE = [
    ("emp-it", "Iiro Itä", ["tietokoneen ja tulostimen ongelmat"], "Tietohallinto"),
    ("emp-diet", "Dina Dahl", ["ravitsemusneuvonta ikääntyneille"], "Kotihoito"),
]


def seed(base: str) -> list[str]:
    """Two more people (six visible in all), 16 requests in two topics, and wound help accepted."""
    for external_id, name, strengths, unit in MORE_PEOPLE:
        body = {"name": name, "unit": unit, "strengths": [{"text": s} for s in strengths]}
        assert httpx.put(f"{base}/v1/employees/{external_id}", json=body, headers=ADMIN).status_code == 201
    asker = token(base, "req-1")
    wound = token(base, "emp-wound")
    for text in EXCEL + WOUNDS:
        r = httpx.post(f"{base}/v1/match", json={"text": text, "k": 3}, headers=asker, timeout=30).json()
        if text in WOUNDS[:3]:
            e = httpx.post(
                f"{base}/v1/engagements",
                json={"request_id": r["request_id"], "provider_id": "emp-wound"},
                headers=asker,
            ).json()
            assert httpx.post(f"{base}/v1/engagements/{e['id']}/accept", headers=wound).status_code == 200
    return EXCEL + WOUNDS


def insights_api(base: str, route: str, headers: dict[str, str]) -> dict[str, Any]:
    r = httpx.get(f"{base}/v1/insights/{route}", headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return dict(r.json())


def open_insights(page: Any, base: str) -> None:
    page.goto(f"{base}/ui")
    page.locator("#dev-form").wait_for()
    page.click("#dev-insights")
    page.locator("#insights [aria-labelledby=i-load]").wait_for()


def test_insights_tab_shows_the_apis_aggregates_as_accessible_charts(page: Any, live: str, tmp_path: Path) -> None:
    texts = seed(live)
    open_insights(page, live)
    # An insights credential gets the Insights tab only, and it says who is signed in.
    assert page.locator("#who").inner_text() == "Kirjautuneena: näkymien katselija"
    visible_tabs = [t.get_attribute("id") for t in page.locator('[role="tab"]:visible').all()]
    assert visible_tabs == ["tab-insights"]
    assert page.locator("#tab-insights").get_attribute("aria-selected") == "true"

    # The numbers the page draws are the API's, for the same period (8 weeks ending now: the
    # requests are all in the last week), read here with the admin token.
    demand = insights_api(live, "demand", ADMIN)
    topics = {t["id"]: t for t in demand["topics"]}
    # How the 16 requests cluster is the topic model's choice; every one is in a shown or a hidden topic.
    assert topics and sum(t["volume"] for t in topics.values()) + demand["hidden_requests"] == len(texts)
    charts = page.locator("#insights .multiples li")
    assert charts.count() == len(topics)
    for i in range(charts.count()):
        item = charts.nth(i)
        topic = topics[int(item.get_attribute("data-topic"))]
        svg = item.locator("svg[role=img]")
        assert svg.locator("title").text_content() == f"{topic['label']['fi']}: pyyntöjä viikoittain"
        desc = svg.locator("desc").text_content()
        # Eight weekly values; the last one holds every request of the topic, the others are hidden.
        assert desc.count(";") == 7 and desc.endswith(f": {topic['volume']}")
        assert svg.locator("rect.bar").count() == 1
    # The same numbers as a data table, opened from the keyboard.
    summary = page.locator("#insights [aria-labelledby=i-demand] summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#insights [aria-labelledby=i-demand] table")
    table.wait_for()
    assert table.locator("tbody tr").count() == len(topics)
    assert {r.locator("td").last.inner_text() for r in table.locator("tbody tr").all()} == {
        str(t["volume"]) for t in topics.values()
    }

    unmet = page.locator("#insights [aria-labelledby=i-unmet] li")
    assert unmet.count() == len(topics)
    for i in range(unmet.count()):
        topic = topics[int(unmet.nth(i).get_attribute("data-topic"))]
        assert f"{topic['unmet']}/{topic['volume']}" in unmet.nth(i).inner_text()

    suggestions = insights_api(live, "suggestions?limit=10", ADMIN)["suggestions"]
    assert page.locator("#insights [aria-labelledby=i-suggestions] li").count() == len(suggestions)

    spread = insights_api(live, "supply?limit=10", ADMIN)["spread"]
    assert spread["providers"] == 6 and spread["load_lorenz"] is not None
    load = page.locator("#insights [aria-labelledby=i-load]")
    assert f"kuormituksen Gini {spread['load_gini']:.2f}" in load.inner_text()
    assert len(load.locator("polyline.curve").get_attribute("points").split()) == 11
    assert "vähiten kuormitetut 50 %" in load.locator("svg[role=img] desc").text_content()

    # Labels come from employees' offers: not one request's text reaches the page.
    html = page.content()
    assert not [t for t in texts if t in html]

    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "insights-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "insights-phone.png"), full_page=True)

    # English, switched in the page: labels and chart names follow.
    page.click("#lang")
    page.locator("#insights [aria-labelledby=i-load]").wait_for()
    first = page.locator("#insights .multiples li").first
    label = topics[int(first.get_attribute("data-topic"))]["label"]["en"]
    assert first.locator("svg title").text_content() == f"{label}: requests per week"


def test_a_pasted_insights_key_signs_in_and_an_employee_never_sees_the_tab(page: Any, live: str) -> None:
    key = httpx.post(f"{live}/v1/dev/insights-token").json()["token"]
    page.goto(f"{live}/ui")
    page.fill("#token", key)
    page.click("#token-form button[type=submit]")
    page.locator("#insights [aria-labelledby=i-load]").wait_for()
    # With no requests yet there are no topics, and the page says so instead of drawing empty charts.
    assert "Ei aiheita" in page.locator("#insights [aria-labelledby=i-demand]").inner_text()
    page.click("#sign-out")

    sign_in(page, live, "emp-new")
    assert page.locator("#tab-insights").is_hidden()
    assert [t.get_attribute("id") for t in page.locator('[role="tab"]:visible').all()] == [
        "tab-find",
        "tab-profile",
        "tab-offers",
    ]
    # Behind the page, too: an employee's token may not read insights.
    assert httpx.get(f"{live}/v1/insights/demand", headers=token(live, "emp-new")).status_code == 403
