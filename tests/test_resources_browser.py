"""Resource pages in real headless Chromium (Debian's /usr/bin/chromium via Playwright): a page
renders with no request leaving the server, and its "Query this resource" link opens the query
UI on a DESCRIBE of the resource, which runs and shows the resource's label.

The Chromium set-up (a fresh browser context, requests to other hosts aborted and recorded, console and
page errors collected) is the query UI tests' `browser` fixture, reused over this module's own
`base_url`. Never `playwright install`: `make test` installs Debian's chromium."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from eccp_kg.data import PATH as DATA_DIR
from eccp_kg.graph.iris import Minter
from eccp_kg.loaders.links import load_links
from tests.test_ui_browser import ACTIVE, WAIT_MS, Browser, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.browser

ALPHA = "https://w3id.org/eccp-kg/id/ecosystem/alpha"  # in tests/fixtures/mini.trig


@pytest.fixture(scope="module")
def base_url(fixture_data_files, start_server, tmp_path_factory) -> Iterator[str]:
    """`eccp-kg serve --data` over the fixture dataset plus the real link sets (default graph)."""
    folder = tmp_path_factory.mktemp("browser-data")
    links = folder / "links.nt"
    load_links(DATA_DIR, Minter.default()).serialize(links, format="nt", encoding="utf-8")
    server = start_server(["--data", *map(str, fixture_data_files), str(links), "--workers", "1"], folder)
    try:
        yield server.url
    finally:
        server.stop()


def test_resource_page_links_to_a_describe_in_the_query_ui(browser: Browser, base_url: str) -> None:
    page = browser.page
    page.goto(base_url + "/id/ecosystem/alpha")
    assert page.inner_text("h1") == "Alpha & Beta"
    assert page.locator("table.eccp-statements").count() == 2  # outgoing and incoming
    page.click("a.eccp-describe")
    page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror", timeout=WAIT_MS)
    page.wait_for_function("() => window.eccpUi && window.eccpUi.yasgui.getTab().getQuery().startsWith('DESCRIBE')",
                           timeout=WAIT_MS)
    assert browser.tab_query() == f"DESCRIBE <{ALPHA}>"
    browser.run_query()
    page.wait_for_function(
        f"() => (document.querySelector('{ACTIVE} .yasr') || {{}}).innerText && "
        f"document.querySelector('{ACTIVE} .yasr').innerText.includes('Alpha & Beta')", timeout=WAIT_MS)
    browser.screenshot("resource-describe")
    browser.assert_clean()


def test_resource_pages_render_offline_with_external_links(browser: Browser, base_url: str) -> None:
    page = browser.page
    page.goto(base_url + "/id/factsheet/it/2023")
    assert "ünïcode" in page.inner_text("h1")
    assert page.locator("a.eccp-term", has_text="Gamma").count() >= 1
    page.goto(base_url + "/id/country/EL")  # only in the link set: the EU and Wikidata links
    hrefs = page.eval_on_selector_all("a.eccp-external", "els => els.map(e => e.href)")
    assert "http://publications.europa.eu/resource/authority/country/GRC" in hrefs
    assert "http://www.wikidata.org/entity/Q41" in hrefs
    browser.assert_clean()
