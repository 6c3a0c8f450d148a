"""Match strength on the page: each result's band in words, and a notice when no match is strong."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from ui.browser import serious_accessibility_violations, sign_in, token

pytestmark = pytest.mark.no_postgres

BANDS_FI = {"strong": "Vahva vastaavuus", "fair": "Kohtalainen vastaavuus", "weak": "Heikko vastaavuus"}
BANDS_EN = {"strong": "Strong match", "fair": "Fair match", "weak": "Weak match"}


def search(page: Any, text: str) -> list[dict[str, str | None]]:
    page.fill("#request", text)
    page.click("#find-form button[type=submit]")
    page.locator("#results .count").wait_for()
    items = page.locator("#results li.item")
    return [
        {"id": items.nth(i).get_attribute("data-provider"), "band": items.nth(i).locator(".band").inner_text()}
        for i in range(items.count())
    ]


def api_bands(base: str, text: str) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The same request through the API (as another employee, so the list is the page's)."""
    r = httpx.post(f"{base}/v1/match", json={"text": text, "k": 5}, headers=token(base, "req-1")).json()
    return [(x["external_id"], x["strength"]) for x in r["results"]], r


def test_each_result_shows_its_band_in_words(page: Any, live: str) -> None:
    text = "Asiakkaalla on painehaava, tarvitsen neuvoa haavanhoitoon kotikäynnillä"
    sign_in(page, live, "req-1")
    shown = search(page, text)
    expected, body = api_bands(live, text)
    assert body["best_strength"] == "strong" and not body["no_strong_match"]
    # The page shows the API's band for every result, as text (the dots beside it are aria-hidden).
    assert sorted((x["id"], x["band"].split(" ", 1)[1]) for x in shown) == sorted((i, BANDS_FI[b]) for i, b in expected)
    assert shown[0]["id"] == "emp-wound" and shown[0]["band"].endswith("Vahva vastaavuus")
    assert page.locator("#no-strong").count() == 0
    assert serious_accessibility_violations(page) == []


def test_no_strong_match_says_so_and_what_to_do(page: Any, live: str) -> None:
    text = "Traktorin hydrauliikka vuotaa, kuka osaa korjata maatalouskoneita?"
    sign_in(page, live, "req-1")
    shown = search(page, text)
    expected, body = api_bands(live, text)
    assert body["no_strong_match"] and body["best_strength"] in ("fair", "weak")
    assert "strong" not in {b for _, b in expected}
    assert sorted(x["id"] for x in shown) == sorted(i for i, _ in expected)
    notice = page.locator("#no-strong")
    assert notice.inner_text().startswith("Profiilit eivät kerro tästä selvästi.")
    assert "toisin sanoin" in notice.inner_text() and "organisaati" in notice.inner_text()
    # The notice comes before the list, so it is read first.
    assert page.evaluate(
        "document.querySelector('#no-strong').compareDocumentPosition(document.querySelector('#results ol'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert serious_accessibility_violations(page) == []

    page.click("#lang")
    shown = search(page, text)
    assert page.locator("#no-strong").inner_text().startswith("The profiles don't say it clearly.")
    assert {x["band"].split(" ", 1)[1] for x in shown} <= {BANDS_EN["fair"], BANDS_EN["weak"]}
