"""The web page in headless chromium, against the real app: the three flows of issue 12, an
axe-core accessibility check on each view, and screenshots at desktop and phone size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from ui.browser import PHONE, serious_accessibility_violations, sign_in, sign_out, token

pytestmark = pytest.mark.no_postgres


def results(page: Any) -> Any:
    return page.locator("#results li.item")


def offered(live: str, requester: dict[str, str], text: str, provider: str) -> tuple[Any, Any]:
    """Through the API: the requester's match for `text`, and its offer to `provider`."""
    match = httpx.post(f"{live}/v1/match", json={"text": text, "k": 3}, headers=requester).json()
    offer = httpx.post(
        f"{live}/v1/engagements", json={"request_id": match["request_id"], "provider_id": provider}, headers=requester
    ).json()
    return match, offer


def find_help(page: Any, text: str) -> None:
    page.click("#tab-find")
    page.fill("#request", text)
    page.click("#find-form button[type=submit]")
    page.locator("#results .count").wait_for()


def test_request_results_propose(page: Any, live: str, tmp_path: Path) -> None:
    sign_in(page, live, "req-1")
    # The picker never lists a hidden profile.
    assert "emp-hidden" not in page.locator("#dev-employee").inner_html()
    find_help(page, "Asiakkaalla on painehaava, tarvitsen neuvoa haavanhoitoon kotikäynnillä")

    best = results(page).first
    assert best.get_attribute("data-provider") == "emp-wound"
    assert "Bo Berg" in best.locator("h3").inner_text()
    assert "haavanhoito ja painehaavojen ehkäisy kotihoidossa" in best.inner_text()
    assert best.locator(".badge").inner_text() == "Käytettävissä"
    providers = [results(page).nth(i).get_attribute("data-provider") for i in range(results(page).count())]
    assert "emp-hidden" not in providers and "req-1" not in providers
    # The results are announced: they sit in a polite live region.
    assert page.locator("#results").get_attribute("aria-live") == "polite"

    best.get_by_role("button", name="Ehdota").click()
    page.locator("#notice", has_text="Ehdotus lähetetty: Bo Berg.").wait_for()
    assert best.get_by_role("button").inner_text() == "Ehdotettu"

    offers = httpx.get(f"{live}/v1/me/offers", headers=token(live, "emp-wound")).json()
    assert [(o["requester_id"], o["status"]) for o in offers] == [("req-1", "proposed")]

    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "find-help-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(tmp_path / "find-help-phone.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    # Nothing wider than a small phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_profile_edit_is_found_by_a_matching_request(page: Any, live: str, tmp_path: Path) -> None:
    sign_in(page, live, "emp-new")
    # Tabs work from the keyboard: arrow to "My profile" from "Find help".
    page.focus("#tab-find")
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-profile").get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "tab-profile"
    assert page.locator("#p-name").input_value() == "Veera Virta"

    page.click("#add-strength")
    page.keyboard.type("ruotsin kielen opetus ja keskusteluharjoitukset")
    page.check('input[name="availability"][value="limited"]')
    page.fill("#p-languages", "fi, sv")
    page.click("#profile-form button[type=submit]")
    page.locator("#notice", has_text="Profiili tallennettu (versio 2).").wait_for()
    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "profile-desktop.png"), full_page=True)

    stored = httpx.get(f"{live}/v1/employees/emp-new", headers=token(live, "req-1")).json()
    assert [s["text"] for s in stored["strengths"]] == [
        "asiakaspalvelu puhelimessa",
        "ruotsin kielen opetus ja keskusteluharjoitukset",
    ]
    assert stored["availability"] == "limited" and stored["languages"] == ["fi", "sv"]

    # English, switched in the page: the document's language follows.
    page.click("#lang")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#tab-profile").inner_text() == "My profile"

    sign_out(page)
    sign_in(page, live, "req-1")
    find_help(page, "I would like to practise speaking Swedish, who could teach me?")
    best = results(page).first
    assert best.get_attribute("data-provider") == "emp-new"
    assert "ruotsin kielen opetus ja keskusteluharjoitukset" in best.inner_text()
    assert best.locator(".badge").inner_text() == "Limited"


def test_offer_accept_complete_rate(page: Any, live: str, tmp_path: Path) -> None:
    # The requester's side through the API: a match, then an offer to the Excel expert.
    requester = token(live, "req-1")
    match, offer = offered(live, requester, "Tarvitsen apua Excel-makron kanssa", "emp-excel")
    assert match["results"][0]["external_id"] == "emp-excel"

    sign_in(page, live, "emp-excel")
    page.click("#tab-offers")
    item = page.locator(f'#offers li[data-engagement="{offer["id"]}"]')
    assert "Pyytäjä: Riikka Rinne" in item.inner_text()
    item.get_by_role("button", name="Hyväksy").click()
    page.locator(f'#offers li[data-engagement="{offer["id"]}"][data-status="accepted"]').wait_for()
    assert serious_accessibility_violations(page) == []
    item.get_by_role("button", name="Merkitse valmiiksi").click()
    page.locator(f'#engagements li[data-engagement="{offer["id"]}"][data-status="completed"]').wait_for()
    assert page.locator("#offers").inner_text() == "Ei avoimia tarjouksia."

    sign_out(page)
    sign_in(page, live, "req-1")
    page.click("#tab-offers")
    done = page.locator(f'#engagements li[data-engagement="{offer["id"]}"]')
    assert "Auttaja: Aino Aalto" in done.inner_text()
    done.get_by_label("Arvosana (1–5)").select_option("4")
    done.get_by_label("Kommentti (vapaaehtoinen)").fill("Selkeä neuvonta, kiitos")
    assert serious_accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "offers-desktop.png"), full_page=True)
    done.get_by_role("button", name="Lähetä arvio").click()
    page.locator(f'#engagements li[data-engagement="{offer["id"]}"]', has_text="Arvioitu: 4/5").wait_for()

    stored = httpx.get(f"{live}/v1/engagements/{offer['id']}", headers=requester).json()
    assert stored["status"] == "completed"
    assert stored["rating"]["score"] == 4 and stored["rating"]["comment"] == "Selkeä neuvonta, kiitos"


def test_an_offer_outside_my_skills_is_declined_as_such(page: Any, live: str) -> None:
    requester = token(live, "req-1")
    _, offer = offered(live, requester, "Tarvitsen apua Excel-makron kanssa", "emp-excel")

    sign_in(page, live, "emp-excel")
    page.click("#tab-offers")
    item = page.locator(f'#offers li[data-engagement="{offer["id"]}"]')
    item.get_by_role("button", name="Ei osaamisaluettani").click()
    page.locator(f'#engagements li[data-engagement="{offer["id"]}"][data-status="declined"]').wait_for()
    stored = httpx.get(f"{live}/v1/engagements/{offer['id']}", headers=requester).json()
    assert stored["status"] == "declined" and stored["outside_skills"] is True
    # The next ranking of a request like it knows, and says so; it does not call them unresponsive.
    like_it = "Kuka osaa korjata Excel-makron?"
    again = httpx.post(f"{live}/v1/match", json={"text": like_it, "k": 5}, headers=requester).json()
    excel = next(r for r in again["results"] if r["external_id"] == "emp-excel")
    assert "declined 1 similar request as outside their skills" in excel["explanation"]
    assert "accepted" not in excel["explanation"]


def test_pasted_token_sign_in_and_a_lost_update_is_refused(page: Any, live: str) -> None:
    page.goto(f"{live}/ui/")
    page.fill("#token", "not-a-jwt")
    page.click("#token-form button[type=submit]")
    page.locator("#notice.error", has_text="Virhe: the token is not a JWT").wait_for()
    assert page.locator("#sign-in").is_visible() and not page.locator("#app").is_visible()

    headers = token(live, "emp-new")
    page.fill("#token", headers["Authorization"].removeprefix("Bearer "))
    page.click("#token-form button[type=submit]")
    page.locator("#who", has_text="Kirjautuneena: Veera Virta").wait_for()
    page.click("#tab-profile")
    # Someone else saves the profile after the page read it: the page's save must not overwrite it.
    current = httpx.get(f"{live}/v1/me", headers=headers).json()
    body = {k: current[k] for k in ("name", "unit", "languages", "availability", "capacity", "visible")}
    body["strengths"] = [{"text": "asiakaspalvelu puhelimessa ja chatissa"}]
    assert httpx.put(f"{live}/v1/employees/emp-new", json=body, headers=headers).status_code == 200
    page.fill("#p-capacity", "7")
    page.click("#profile-form button[type=submit]")
    page.locator("#notice.error", has_text="Profiilia muutettiin toisaalla").wait_for()
    assert page.locator("#p-strengths input").first.input_value() == "asiakaspalvelu puhelimessa ja chatissa"
    assert httpx.get(f"{live}/v1/me", headers=headers).json()["capacity"] == 3
