"""The whole site in real headless Chromium (Debian's /usr/bin/chromium via Playwright), over the
real build served by the run's one `eccp-kg serve` (conftest `built_server`, a free 127.0.0.1 port):
every kind of page at a 390 px phone width and at 1400 px has nothing wider than the screen, no
console error, no request to another host; screenshots go to test-artifacts/site/. Never `playwright
install` (see tests/chromium.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.chromium import offline_page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "site"
WAIT_MS = 60_000
#: One page of every kind the site serves (HTML), including errors.
PAGES = {
    "query": "/", "queries": "/queries", "explore": "/explore", "regions": "/explore/regions",
    "partnerships": "/explore/partnerships", "policies": "/explore/policies", "dataset": "/dataset",
    "ontology": "/ontology", "shapes": "/shapes", "region": "/id/nuts/ITC4", "country": "/id/country/DE",
    "graph": "/graph/it/2023", "downloads": "/download/", "search": "/search?q=lomb", "not-found": "/id/nuts/XX99",
    "bad-request": "/explore/partnerships?programme=nope",
}
WIDTHS = {"phone": 390, "laptop": 1400}


@pytest.fixture(scope="module")
def base_url(built_server: str) -> str:
    """The run's one `eccp-kg serve --store` over the real build (conftest `built_server`): these tests only read."""
    return built_server


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_without_errors(base_url: str, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with offline_page(base_url, viewport={"width": 390, "height": 844}) as watched:
        page = watched.page
        for size, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base_url + PAGES[name], wait_until="load", timeout=WAIT_MS)
            if name == "query":
                page.wait_for_selector(".yasqe .CodeMirror", timeout=WAIT_MS)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=size == "phone" and name != "ontology")
            assert overflow <= 1, (name, size, overflow)
            assert page.locator("header.eccp-header nav.eccp-nav a").count() >= 5, name
        # error pages answer 4xx: the browser logs that status itself, nothing else may fail
        errors = [e for e in watched.console_errors if not (name in ("not-found", "bad-request") and "status of 4" in e)]
        assert errors == [] and watched.page_errors == [], (errors, watched.page_errors)
        assert watched.external == []


def test_search_box_suggests_as_you_type_and_goes_by_keyboard(base_url: str):
    from tests.exploring import table

    region = table("sectoral_agglomeration_counts")[3]  # a region as the factsheet prints it
    with offline_page(base_url, viewport={"width": 390, "height": 844}) as watched:
        page = watched.page
        page.goto(base_url + "/explore/regions", wait_until="load", timeout=WAIT_MS)
        box = page.locator("header #eccp-search-q")
        box.focus()
        page.keyboard.type(region["region_label"][:5].lower())
        page.wait_for_selector("#eccp-search-q-list li", timeout=WAIT_MS)
        assert box.get_attribute("aria-expanded") == "true"
        options = page.locator("#eccp-search-q-list li").all_inner_texts()
        assert any(region["nuts_code"] in o for o in options), options
        page.screenshot(path=str(ARTIFACTS / "search-suggestions-phone.png"))
        target = next(i for i, o in enumerate(options) if region["nuts_code"] in o)
        for _ in range(target + 1):
            page.keyboard.press("ArrowDown")
        with page.expect_navigation(timeout=WAIT_MS):
            page.keyboard.press("Enter")
        assert page.url == f"{base_url}/id/nuts/{region['nuts_code']}"
        # without the suggestions the form is a plain GET to /search
        page.goto(base_url + "/search?q=" + region["nuts_code"], wait_until="load", timeout=WAIT_MS)
        assert region["nuts_code"] in page.inner_text("#results li:first-child")
        assert watched.console_errors == [] and watched.page_errors == [] and watched.external == []
