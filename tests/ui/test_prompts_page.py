"""Demand prompts in the browser: the profile tab tells an employee where recent requests went
without good help near one of their strengths (the API's counts per topic), never a request's text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from builders import put
from insights_org import EXCEL, MORE_WOUNDS, WOUNDS
from ui.browser import PHONE, serious_accessibility_violations, sign_in, token

from matcher.app.wiring import Velho

pytestmark = pytest.mark.no_postgres

REQUESTS = EXCEL + WOUNDS + MORE_WOUNDS
VAGUE = "Ihon hoito ja ikäihmisten kotikäynnit"
NURSES = [
    "Haavojen hoito ja haavasidokset kotihoidossa",
    "Haavahoitaja: painehaavat, säärihaavat ja diabeetikon jalkahaavat",
    "Wound care nurse: pressure ulcers, leg ulcers and dressings",
    "Säärihaavat ja painehaavat, wound dressing at home",
]


def test_the_profile_tab_shows_unserved_demand_near_your_strengths(
    page: Any, live: str, velho: Velho, tmp_path: Path
) -> None:
    # Wound nurses enough that a vague line sits below the third of them on every wound request.
    for n, line in enumerate(NURSES):
        put(velho, f"emp-nurse-{n}", f"Nurse {n}", [line], unit="Kotihoito")
    asker = token(live, "req-1")
    for text in REQUESTS:
        assert httpx.post(f"{live}/v1/match", json={"text": text, "k": 3}, headers=asker, timeout=30).status_code == 200
    # Joined after the requests were filed, with a vague line: nobody was shown them for it.
    put(velho, "emp-vague", "Ville Vähäsanainen", [VAGUE], unit="Kotihoito")
    api = httpx.get(f"{live}/v1/me/prompts", headers=token(live, "emp-vague")).json()
    assert api["prompts"], api

    sign_in(page, live, "emp-vague")
    page.click("#tab-profile")
    page.locator("#prompts-list").wait_for()
    items = page.locator("#prompts-list li")
    assert items.count() == len(api["prompts"])
    first = api["prompts"][0]
    assert items.first.get_attribute("data-requests") == str(first["requests"]) and first["requests"] >= 5
    assert first["label"]["fi"] in items.first.inner_text()
    assert first["reason"]["fi"] in items.first.inner_text() and VAGUE in items.first.inner_text()
    assert not [t for t in REQUESTS if t in page.content()]

    # Acting on it opens an empty strength row, focused, with the topic as the hint; nothing is saved.
    before = httpx.get(f"{live}/v1/me", headers=token(live, "emp-vague")).json()
    items.first.get_by_role("button").click()
    rows = page.locator("#p-strengths input")
    assert rows.count() == 2 and rows.nth(1).input_value() == ""
    assert first["label"]["fi"] in (rows.nth(1).get_attribute("placeholder") or "")
    assert page.evaluate("document.activeElement === document.querySelectorAll('#p-strengths input')[1]")
    assert httpx.get(f"{live}/v1/me", headers=token(live, "emp-vague")).json() == before

    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "prompts-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_someone_with_nothing_near_them_is_told_so(page: Any, live: str) -> None:
    sign_in(page, live, "emp-new")
    page.click("#tab-profile")
    page.locator("#prompts-none").wait_for()
    assert "Ei nyt mitään" in page.locator("#prompts-body").inner_text()
