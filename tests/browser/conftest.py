"""Browser journeys: Playwright drives a real headless Chromium against the live server.

The browser is Debian's `chromium` (or `CHROMIUM_PATH`); Playwright's own download is not
used. Every page a journey visits is scanned with axe-core and photographed; the
screenshots and axe reports land in `test-artifacts/<test name>/` (gitignored).
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from playwright.sync_api import sync_playwright

from partners.demo import DEMO_PASSWORD

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The WCAG 2.1 A/AA rules plus axe's best practices; serious and critical ones fail a test.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}


def chromium_path() -> str | None:
    """Debian's Chromium (what .ci/run installs), or CHROMIUM_PATH. None lets Playwright
    look for its own browser, which a developer may have installed with
    `playwright install chromium`; if neither exists the launch fails and says why."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture
def playwright_browser(monkeypatch):
    # Playwright's sync API keeps an event loop open in this thread; the ORM calls the
    # test itself makes (set-up and checks) are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keys its connections to that loop's context:
        # the ones the test opened must be closed here, or the test database stays in use.
        connections.close_all()


class Journey:
    """One user's browser tab: signs in, records every page (screenshot + axe scan) and
    collects console errors such as Content-Security-Policy violations."""

    def __init__(self, browser, base_url: str, folder: Path, username: str, width: int):
        self.context = browser.new_context(
            base_url=base_url, locale="nl-NL", viewport={"width": width, "height": 900}
        )
        self.overflows: list[dict] = []
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.folder = folder
        self.username = username
        self.width = width
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.axe = Axe()
        self.violations: list[dict] = []

    def step(self, name: str) -> None:
        """Photograph the page and scan it with axe-core."""
        self.page.wait_for_load_state("load")
        index = len(list(self.folder.glob("*.png"))) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.username} {name}".lower()).strip("-")
        self.page.screenshot(path=self.folder / f"{index:02d}-{slug}.png", full_page=True)
        widths = self.page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:  # the page scrolls sideways: something does not fit
            self.overflows.append({"page": self.page.url, "step": name, "widths": widths})
        results = self.axe.run(self.page, options=AXE_OPTIONS).response
        (self.folder / f"{index:02d}-{slug}.axe.json").write_text(
            json.dumps(results["violations"], indent=2, ensure_ascii=False)
        )
        for violation in results["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                self.violations.append(
                    {
                        "page": self.page.url,
                        "step": name,
                        "rule": violation["id"],
                        "impact": violation["impact"],
                        "help": violation["help"],
                        "nodes": [node["target"] for node in violation["nodes"]][:5],
                    }
                )

    def document(self, name: str) -> None:
        """Save the page as `docs/screenshots/<name>.png` for the README (laptop width
        only, so each run writes one picture per page)."""
        if self.width >= 1024:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def sign_in(self) -> None:
        self.page.goto("/inloggen/")
        self.step("inlogpagina")
        self.page.get_by_label("Gebruikersnaam").fill(self.username)
        self.page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Inloggen").click()
        self.page.wait_for_url(re.compile(r"/$"))
        self.step("startpagina")

    def nav(self, name: str) -> None:
        """Follow a link of the main menu; on a phone the menu first opens by its button."""
        button = self.page.get_by_role("button", name="Menu")
        if button.is_visible():
            button.click()
        menu = self.page.get_by_role("navigation", name="Hoofdmenu")
        menu.get_by_role("link", name=name, exact=True).click()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=[1366, 390], ids=["1366px", "390px"])
def viewport_width(request) -> int:
    """Every journey runs on a laptop screen and on a phone."""
    return request.param


@pytest.fixture
def journey(request, demo, live_server, playwright_browser, viewport_width):
    """`journey("anna")` -> a signed-in Journey for that demo user, at 1366 and at 390
    pixels wide. At the end of the test every page must have passed axe (no serious or
    critical violations), fit the screen's width (no sideways page scroll) and left the
    console free of errors."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    journeys: list[Journey] = []

    def start(username: str) -> Journey:
        tab = Journey(playwright_browser, live_server.url, folder, username, viewport_width)
        journeys.append(tab)
        tab.sign_in()
        return tab

    yield start
    for tab in journeys:
        tab.close()
    violations = [v for tab in journeys for v in tab.violations]
    console_errors = [e for tab in journeys for e in tab.console_errors]
    assert not violations, "axe-core:\n" + json.dumps(violations, indent=2, ensure_ascii=False)
    overflows = [o for tab in journeys for o in tab.overflows]
    assert not overflows, f"Pagina's breder dan het scherm: {overflows}"
    assert not console_errors, f"Fouten in de console van de browser: {console_errors}"
