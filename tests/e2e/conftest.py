"""Browser tests: the real app under `scri serve` (gunicorn) and Debian's Chromium driven by Playwright.

The live server uses the test session's database (a scratch SQLite file, or the session's PostgreSQL schema
when SCRI_TEST_DATABASE_URL is set), so tests seed data through the `app` fixture and the shared cleanup
empties it after each test. Screenshots of each step are kept under test-artifacts/e2e/<test name>/.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

from liveserver import PROJECT_ROOT, LiveServer  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def live_server(app, database_url, tmp_path_factory):
    """`scri serve` with two workers on 127.0.0.1 and a free port, on the session's database, with the shipped
    settings (rate limits as a city runs them).

    Its log is written in the session's temporary folder (test sessions may run side by side) and copied to
    test-artifacts/e2e/server.log at the end.
    """
    folder = tmp_path_factory.mktemp("live-instance")
    server = LiveServer(
        database_url,
        folder,
        workers=2,
        log_path=folder / "server.log",
    )
    server.start()
    yield server
    server.stop()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(server.log_path, ARTIFACTS / "server.log")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the system (never downloaded); the browser tests skip without it."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Chromium at /usr/bin/chromium: run `apt-get install chromium` to enable them")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_phone(browser, live_server):
    """Factory: a fresh phone-sized browser context (its own cookies), closed after the test."""
    contexts = []

    def make(locale: str = "ru-RU"):
        context = browser.new_context(base_url=live_server.url, locale=locale, **PHONE)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        try:
            context.close()
        except Exception:  # already closed by the test (a respondent closing the tab)
            pass


@pytest.fixture
def shot(request):
    """`shot(page, "step")` saves test-artifacts/e2e/<test>/<nn>-<step>.png (full page)."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = {"n": 0}

    def take(page, step: str) -> Path:
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def console_errors():
    """Collects browser console errors and CSP violations of pages registered with `watch(page)`."""
    errors: list[str] = []

    def watch(page):
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    watch.errors = errors
    return watch
