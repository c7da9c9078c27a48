"""The whole site in real headless Chromium (Debian's /usr/bin/chromium via Playwright), over the
real build served by `eccp-kg serve` on a free 127.0.0.1 port: every kind of page at a 390 px phone
width and at 1400 px has nothing wider than the screen, no console error, no request to another
host; screenshots go to test-artifacts/site/. Never `playwright install` (see tests/chromium.py)."""
from __future__ import annotations

from collections.abc import Iterator
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
    "graph": "/graph/it/2023", "downloads": "/download/", "not-found": "/id/nuts/XX99",
    "bad-request": "/explore/partnerships?programme=nope",
}
WIDTHS = {"phone": 390, "laptop": 1400}


@pytest.fixture(scope="module")
def base_url(served_build: Path, start_server, tmp_path_factory) -> Iterator[str]:
    server = start_server(["--store", str(served_build / "store"), "--workers", "1"], tmp_path_factory.mktemp("site-live"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_without_errors(base_url: str, tmp_path: Path, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with offline_page(base_url, tmp_path / "profile", viewport={"width": 390, "height": 844}) as watched:
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
