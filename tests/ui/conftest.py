"""A real browser on the real app: Debian's chromium driven by Playwright, the app served by
uvicorn on a loopback port, a small organisation encoded with the bundled model, dev sign-in on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import put
from conftest import ADMIN_TOKEN
from live_server import serve
from ui.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PEOPLE

from api.app import create_app
from matcher.app.settings import Settings
from matcher.app.wiring import Velho


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; missing, the browser tests skip locally and fail in CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings with employee JWTs (HS256) and dev sign-in on, as `velho demo --serve` runs."""
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        admin_token=ADMIN_TOKEN,
        jwt_secret="ui-tests-secret-of-at-least-32-bytes!!",
        dev_sign_in=True,
        _env_file=None,
    )


@pytest.fixture
def live(settings: Settings, velho: Velho) -> Iterator[str]:
    """The app with the small organisation, served by uvicorn on loopback while the test runs."""
    for external_id, name, strengths, fields in PEOPLE:
        put(velho, external_id, name, strengths, **fields)
    with serve(create_app(settings, velho=velho)) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless chromium for the run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page (its own sessionStorage); console errors fail the test."""
    context = browser.new_context(viewport=DESKTOP, locale="fi-FI")
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.set_default_timeout(15_000)
    yield p
    context.close()
    assert not errors, errors
