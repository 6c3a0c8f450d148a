"""The profile's live preview in the browser: while a strength is typed, the page shows which recent
demand the draft would be found by (the API's counts per topic), never a request's text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from insights_org import EXCEL, MORE_WOUNDS, WOUNDS
from ui.browser import PHONE, serious_accessibility_violations, sign_in, token

pytestmark = pytest.mark.no_postgres

# Half the wound requests are in English: the draft says it in both languages, as bilingual staff do.
DRAFT = ["haavanhoito, painehaavat ja haavasidokset kotikäynneillä", "wound care, pressure ulcers and dressings"]

REQUESTS = EXCEL + WOUNDS + MORE_WOUNDS


def test_typing_a_strength_previews_who_would_find_you(page: Any, live: str, tmp_path: Path) -> None:
    asker = token(live, "req-1")
    for text in REQUESTS:
        assert httpx.post(f"{live}/v1/match", json={"text": text, "k": 3}, headers=asker, timeout=30).status_code == 200
    saved = httpx.get(f"{live}/v1/me", headers=token(live, "emp-new")).json()
    previews: list[str] = []
    page.on("request", lambda r: previews.append(r.url) if r.url.endswith("/v1/me/preview") else None)

    sign_in(page, live, "emp-new")
    page.click("#tab-profile")
    # The saved profile (customer service on the phone) answers none of this demand.
    page.locator("#preview-found").wait_for()
    assert page.locator("#preview-found").get_attribute("data-found") == ""
    assert "alle 5" in page.locator("#preview-found").inner_text()

    for text in DRAFT:
        page.click("#add-strength")
        page.keyboard.type(text)
    page.wait_for_function("document.querySelector('#preview-found')?.dataset.found !== ''")
    found = int(page.locator("#preview-found").get_attribute("data-found"))

    # The page shows what the API answers for the same draft (a kept statement keeps its language).
    kept = [{"text": s["text"], "language": s["language"]} for s in saved["strengths"]]
    api = httpx.post(
        f"{live}/v1/me/preview",
        json={"strengths": [*kept, *({"text": t} for t in DRAFT)]},
        headers=token(live, "emp-new"),
    ).json()
    assert found == api["found"] and found >= 5
    topics = page.locator("#preview-body li")
    assert topics.count() == len(api["topics"]) >= 1
    assert topics.first.inner_text() == f"{api['topics'][0]['label']['fi']} – {api['topics'][0]['found']} pyyntöä"
    # Debounced: one preview for the saved profile, then one for the typed draft, not one per key.
    assert len(previews) == 2, previews

    html = page.content()
    assert not [t for t in REQUESTS if t in html]
    # Nothing was saved: the draft lives in the page only.
    me = httpx.get(f"{live}/v1/me", headers=token(live, "emp-new")).json()
    assert me["strengths"] == saved["strengths"] and me["version"] == saved["version"]

    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "preview-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_accessibility_violations(page) == []

    # Removing the draft rows previews the saved statement again.
    page.get_by_role("button", name="Poista vahvuus 3").click()
    page.get_by_role("button", name="Poista vahvuus 2").click()
    page.wait_for_function("document.querySelector('#preview-found')?.dataset.found === ''")
