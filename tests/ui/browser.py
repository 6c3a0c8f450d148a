"""What the browser tests share: the browser's flags, the sample people, and page helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
# No network, no updates, no GPU: the browser only ever talks to the loopback server.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# The sample organisation of these tests; the hidden one would match the wound-care request best.
PEOPLE: list[tuple[str, str, list[str], dict[str, Any]]] = [
    ("req-1", "Riikka Rinne", ["budjetin laatiminen ja talousseuranta"], {"unit": "Talous"}),
    ("emp-wound", "Bo Berg", ["haavanhoito ja painehaavojen ehkäisy kotihoidossa"], {"unit": "Kotihoito"}),
    ("emp-excel", "Aino Aalto", ["Excel-makrot ja raporttien automatisointi"], {"unit": "Hallinto"}),
    ("emp-new", "Veera Virta", ["asiakaspalvelu puhelimessa"], {"unit": "Asiakaspalvelu"}),
    (
        "emp-hidden",
        "Piilo Henkilö",
        ["haavanhoito, painehaavat ja haavasidokset kotikäynnillä"],
        {"unit": "Kotihoito", "visible": False},
    ),
]


def sign_in(page: Any, base: str, external_id: str) -> None:
    """Dev sign-in through the page's picker."""
    page.goto(f"{base}/ui")
    page.locator("#dev-form").wait_for()
    page.select_option("#dev-employee", external_id)
    page.click("#dev-form button[type=submit]")
    page.locator("#who").wait_for()


def sign_out(page: Any) -> None:
    page.click("#sign-out")
    page.locator("#dev-form").wait_for()


def token(base: str, external_id: str) -> dict[str, str]:
    """Authorization header with a dev token, for checking through the API what the page did."""
    r = httpx.post(f"{base}/v1/dev/token", json={"external_id": external_id})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def serious_accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core run in the page: the violations of serious or critical impact."""
    page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document)).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]
