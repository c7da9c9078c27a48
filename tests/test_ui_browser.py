"""The query UI in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The real server (`eccp-kg serve` over the real build, on a free 127.0.0.1 port) serves the UI;
every request the page makes to any other host is aborted and recorded, so the tests also prove
the UI works with no network. Screenshots go to test-artifacts/.

Never `playwright install`: `make test` installs Debian's chromium (Makefile target `apt-packages`, list APT_TEST)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.queries import PATH as QUERIES
from tests.chromium import WatchedPage, offline_page
from tests.exploring import table, top5  # expectations from the source tables

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
#: Lombardy's NUTS-2 code, from the source table of factsheet Table 1 (never spelt here).
LOMBARDY = next(r["nuts_code"] for r in table("sectoral_agglomeration_counts") if r["region_label"] == "Lombardy")
#: How long the page may take to show results (a wait, not an assertion about speed).
WAIT_MS = 60_000
ACTIVE = ".tabPanel.active"
RESULT_ROWS = f"{ACTIVE} .yasr table.dataTable tbody tr"


def lombardy_example() -> str:
    """The competency query about Lombardy's top NACE divisions (Table 1): the file whose
    question names Lombardy and whose text asks for NACE divisions."""
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        question = text.splitlines()[0] if text else ""
        if re.search(r"lombard", question, re.I) and re.search(r"nace|sector", text, re.I):
            return path.stem
    pytest.fail(f"no competency query in {QUERIES} asks about Lombardy's NACE divisions (factsheet Table 1)")


@pytest.fixture(scope="module")
def base_url(built_server: str) -> str:
    """The session's one `eccp-kg serve --store BUILD/store` (conftest `built_server`)."""
    return built_server


class Browser:
    """One page in a fresh Chromium context (an empty profile), with the console errors, uncaught page errors and
    off-server requests it produced."""

    def __init__(self, watched: WatchedPage, base_url: str):
        self.page, self.base_url = watched.page, base_url
        self.console_errors = watched.console_errors
        self.page_errors = watched.page_errors
        self.external = watched.external

    def open_ui(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror", timeout=WAIT_MS)

    def tab_query(self) -> str:
        return self.page.evaluate("window.eccpUi.yasgui.getTab().getQuery()")

    def run_query(self) -> None:
        self.page.click(f"{ACTIVE} .yasqe_queryButton")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.page_errors == [], f"uncaught errors in the page: {self.page_errors}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.external == [], f"the page tried to reach other hosts: {self.external}"


@pytest.fixture()
def browser(base_url: str) -> Iterator[Browser]:
    """A page in a fresh browser context (empty profile); requests to anything but the server are aborted."""
    with offline_page(base_url) as watched:
        yield Browser(watched, base_url)


def fetch_bindings(base_url: str, query: str) -> list[dict]:
    """The query's rows straight from /sparql (what the table must show)."""
    resp = requests.post(base_url + "/sparql", data={"query": query},
                         headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert resp.status_code == 200, resp.text[:500]
    return resp.json()["results"]["bindings"]


def test_example_runs_and_shows_its_rows(browser: Browser, base_url: str) -> None:
    name = lombardy_example()
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    browser.open_ui()
    browser.page.click(f"button.eccp-example[data-example='{name}']")
    assert browser.tab_query() == text, "the example opens with the file's text"
    assert browser.page.get_attribute(f"button.eccp-example[data-example='{name}']", "aria-pressed") == "true"
    browser.run_query()
    browser.page.wait_for_selector(f"{RESULT_ROWS} td", timeout=WAIT_MS)
    rows = browser.page.locator(RESULT_ROWS)
    shown = browser.page.inner_text(f"{ACTIVE} .yasr table.dataTable tbody")
    browser.screenshot("ui-lombardy-example")
    expected = fetch_bindings(base_url, text)
    ranked = top5(LOMBARDY)  # data/it/2023/sectoral_agglomerations.csv, in rank order
    assert rows.count() == len(expected) == len(ranked) > 0
    positions = [shown.find(code) for code in ranked]
    assert -1 not in positions, f"NACE divisions {ranked} (factsheet Table 1, {LOMBARDY}) not all in the results table"
    assert positions == sorted(positions), f"the table does not show {ranked} in rank order"
    browser.assert_clean()


def test_new_tab_starts_with_a_short_example_declaring_only_its_prefixes(browser: Browser) -> None:
    from tests.exploring import table

    browser.open_ui()
    query = browser.tab_query()
    declared = set(re.findall(r"^PREFIX\s+([\w-]*):", query, re.M))
    body = "\n".join(line for line in query.splitlines() if not line.startswith("PREFIX"))
    used = {p for p in PREFIXES if re.search(rf"(?<![\w<]){re.escape(p)}:", body)}
    assert declared == used and len(query.splitlines()) < 15, query
    browser.run_query()
    browser.page.wait_for_selector(f"{RESULT_ROWS} td", timeout=WAIT_MS)
    shown = browser.page.inner_text(f"{ACTIVE} .yasr")
    assert all(r["nuts_code"] in shown for r in table("sectoral_agglomeration_counts"))  # every region, from the source
    browser.assert_clean()


def test_queries_page_link_opens_the_query_in_the_ui(browser: Browser, base_url: str) -> None:
    browser.page.goto(base_url + "/queries")
    links = browser.page.locator("a.eccp-open")
    assert links.count() == len(list(QUERIES.glob("*.rq"))) > 0
    last = links.nth(links.count() - 1)
    name = last.get_attribute("href").split("example=")[1]
    last.click()
    browser.page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror", timeout=WAIT_MS)
    raw = requests.get(f"{base_url}/queries/{name}.rq", timeout=30).text
    assert browser.tab_query() == raw
    browser.screenshot("ui-opened-from-queries-page")
    browser.assert_clean()


def test_syntax_error_is_shown_not_swallowed(browser: Browser) -> None:
    """Negative path: a bad query shows the server's 400 message in the results pane."""
    browser.open_ui()
    browser.page.evaluate("void window.eccpUi.yasgui.getTab().setQuery('SELECT ?x WHERE { ?x ?y }}')")
    browser.run_query()
    error = browser.page.wait_for_selector(f"{ACTIVE} .yasr .errorResult", timeout=WAIT_MS)
    message = error.inner_text()
    browser.screenshot("ui-syntax-error")
    assert "400" in message, message
    assert re.search(r"Line 1, column \d+", message), f"the position is shown as a sentence: {message}"
    assert browser.page_errors == []
    assert browser.external == []
    # The failed request itself is the only console error Chromium logs.
    assert all("400" in text for text in browser.console_errors), browser.console_errors


@pytest.mark.parametrize("width", [1400, 390])
def test_result_cells_are_padded_and_the_table_scrolls_in_its_box(base_url: str, width: int) -> None:
    """YASGUI's column resizer zeroes the cells' side padding (values ran together: "1<https://...");
    and a wide result must scroll inside the results pane, not widen the page on a phone."""
    with offline_page(base_url, viewport={"width": width, "height": 844}) as watched:
        browser = Browser(watched, base_url)
        query = "SELECT ?region ?code ?name WHERE { ?region a eccp:NutsRegion ; skos:notation ?code ; skos:prefLabel ?name }"
        browser.open_ui("/?query=" + requests.utils.quote(query))
        browser.page.wait_for_selector(f"{RESULT_ROWS} td", timeout=WAIT_MS)
        pads = browser.page.evaluate(f"""[...document.querySelectorAll('{RESULT_ROWS}:first-child td')].map(td => {{
            const s = getComputedStyle(td); return [parseFloat(s.paddingLeft), parseFloat(s.paddingRight)]; }})""")
        assert len(pads) == 4 and all(left >= 4 and right >= 4 for left, right in pads), pads  # row number + 3 values
        # the number and the value beside it do not touch
        gap = browser.page.evaluate(f"""(() => {{ const [n, v] = document.querySelectorAll('{RESULT_ROWS}:first-child td');
            const a = document.createRange(); a.selectNodeContents(n); const b = document.createRange(); b.selectNodeContents(v);
            return b.getBoundingClientRect().left - a.getBoundingClientRect().right; }})()""")
        assert gap >= 8, gap
        overflow = browser.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, overflow
        browser.screenshot(f"ui-results-{width}")
        browser.assert_clean()


@pytest.mark.parametrize("width", [1400, 390])
def test_the_share_popup_is_on_the_screen(base_url: str, width: int) -> None:
    """YASQE positions its 600 px share popup by script: on a 390 px phone it started 290 px left
    of the screen, the link in it out of sight."""
    with offline_page(base_url, viewport={"width": width, "height": 844}) as watched:
        browser = Browser(watched, base_url)
        browser.open_ui()
        browser.page.click(f"{ACTIVE} .yasqe_share")
        popup = browser.page.wait_for_selector(f"{ACTIVE} .yasqe_sharePopup")
        left, right, screen = browser.page.evaluate(
            "(p) => { const r = p.getBoundingClientRect(); return [r.left, r.right, document.documentElement.clientWidth]; }", popup)
        assert 0 <= left < right <= screen, (left, right, screen)
        link = browser.page.input_value(f"{ACTIVE} .yasqe_sharePopup input")
        assert link.startswith(base_url + "/"), link  # the share link is the popup's first field, and it is there
        browser.assert_clean()
