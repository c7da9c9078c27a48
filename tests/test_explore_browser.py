"""The explorer in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The real server (`eccp-kg serve --store` over the real build, on a free 127.0.0.1 port) serves the
pages; requests to any other host are aborted and recorded, so the pages are shown to work with no
network. Expected numbers come from the source tables in data/it/2023/, never pasted. A screenshot
of every view (laptop and phone widths) is written to test-artifacts/explore/.

Never `playwright install`: `make test` installs Debian's chromium (Makefile target `browser`)."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from eccp_kg.explore.views import VIEWS
from tests.chromium import WatchedPage, offline_page
from tests.exploring import partner_lists, table, top5  # expectations from the source tables

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "explore"
SIZES = {"laptop": (1280, 800), "phone": (390, 844)}
#: How long a page may take to settle (a wait, not an assertion about speed).
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def store_dir(served_build: Path) -> Path:
    """The real build's store ($ECCP_KG_BUILD_DIR or the session build, see conftest `served_build`)."""
    return served_build / "store"


@pytest.fixture(scope="module")
def base_url(built_server: str) -> str:
    """The session's one `eccp-kg serve --store` over the real build (conftest `built_server`)."""
    return built_server


class Tab:
    """One Chromium page with what went wrong in it: console errors, page errors, off-site requests."""

    def __init__(self, watched: WatchedPage, base_url: str):
        self.page, self.base_url = watched.page, base_url
        self.watched = watched
        self.external = watched.external

    @property
    def errors(self) -> list[str]:
        return self.watched.console_errors + self.watched.page_errors

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path, wait_until="load", timeout=WAIT_MS)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert self.errors == [], f"console or page errors: {self.errors}"
        assert self.external == [], f"the page tried to reach other hosts: {self.external}"


@pytest.fixture()
def tab(base_url: str) -> Iterator[Tab]:
    width, height = SIZES["laptop"]
    with offline_page(base_url, viewport={"width": width, "height": height},
                      local_schemes=("data:", "file:")) as watched:
        yield Tab(watched, base_url)


@pytest.mark.parametrize("slug", ["", *VIEWS])
def test_every_view_renders_cleanly_on_laptop_and_phone(tab: Tab, slug: str):
    path = "/explore" + (f"/{slug}" if slug else "")
    for size, (width, height) in SIZES.items():
        tab.page.set_viewport_size({"width": width, "height": height})
        tab.open(path)
        if tab.page.locator("canvas[data-chart]").count():
            # Deferred scripts have run by "load": without the vendored bundle (a worktree without
            # `make vendor`) explore.js keeps the tables and draws nothing, so say that now rather
            # than after a long wait for a chart that cannot come.
            assert tab.page.evaluate("typeof window.Chart") == "function", \
                f"{path}: chart.js is not loaded (is eccp_kg/pages/static/vendor/chart.js there? run make vendor)"
            tab.page.wait_for_selector(".chart.drawn canvas", timeout=WAIT_MS)  # chart.js drew it
        tab.shot(f"{slug or 'index'}-{size}")
        # nothing wider than the screen except inside the scrollable table regions
        overflow = tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (size, overflow)
    current = tab.page.locator("nav a[aria-current='page']")
    assert current.all_inner_texts() == [VIEWS[slug].title if slug else "All views"]
    tab.assert_clean()


def test_programme_filter_works_without_reload_by_keyboard(tab: Tab):
    tab.open("/explore/partnerships")
    assert tab.page.locator(".filter .apply").is_hidden()  # the script applies changes at once
    tab.page.evaluate("window.__sameDocument = true")
    lists = partner_lists()
    for other in ("escp", "innosup-1"):
        tab.page.focus(f"input[name=programme][value='{other}']")
        tab.page.keyboard.press("Space")  # keyboard, not a mouse click
    rows = tab.page.locator("#matrix tbody tr:not([hidden])")
    codes = [t.split()[0] for t in rows.all_inner_texts()]
    assert sorted(codes) == sorted(set(lists["euroclusters"]))
    assert len(codes) == len(lists["euroclusters"])  # the number of Eurocluster partner countries
    shown = tab.page.locator("#matrix thead th[data-programme]:not([hidden])")
    assert shown.evaluate_all("hs => hs.map(h => h.dataset.programme)") == ["euroclusters"]
    status = tab.page.inner_text("#matrix-status")
    assert status.startswith(f"{len(codes)} of ")
    assert tab.page.evaluate("window.__sameDocument") is True, "the filter must not reload the page"
    assert parse_qs(urlsplit(tab.page.url).query) == {"programme": ["euroclusters"]}
    tab.shot("partnerships-filtered-euroclusters")
    # ticking nothing shows everything again, like the server does
    tab.page.focus("input[name=programme][value='euroclusters']")
    tab.page.keyboard.press("Space")
    everyone = set().union(*map(set, lists.values()))
    assert tab.page.locator("#matrix tbody tr:not([hidden])").count() == len(everyone)
    tab.assert_clean()


def test_server_filtered_page_can_be_widened_in_the_page(tab: Tab):
    tab.open("/explore/partnerships?programme=innosup-1")
    lists = partner_lists()
    assert tab.page.locator("#matrix tbody tr:not([hidden])").count() == len(set(lists["innosup-1"]))
    tab.page.focus("input[name=programme][value='escp']")
    tab.page.keyboard.press("Space")
    shown = set(lists["innosup-1"]) | set(lists["escp"])
    assert tab.page.locator("#matrix tbody tr:not([hidden])").count() == len(shown)
    tab.assert_clean()


def test_regions_show_lombardy_top5_in_rank_order(tab: Tab):
    tab.open("/explore/regions")
    cells = tab.page.locator("#sectoral-ITC4 td[data-rank]")
    assert cells.evaluate_all("cs => cs.map(c => Number(c.dataset.rank))") == list(range(1, 6))
    codes = tab.page.locator("#sectoral-ITC4 td[data-rank] abbr").all_inner_texts()
    assert codes == top5("ITC4")
    # the region links to its resource page, which the server answers
    href = tab.page.get_attribute("#sectoral-ITC4 th a", "href")
    tab.page.click("#sectoral-ITC4 th a")
    tab.page.wait_for_load_state("load")
    assert urlsplit(tab.page.url).path == href
    tab.assert_clean()


def test_charts_are_drawn_with_the_table_numbers(tab: Tab):
    tab.open("/explore/ecosystems")
    tab.page.wait_for_selector("#organisations-chart.drawn canvas", timeout=WAIT_MS)
    drawn = tab.page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector('#organisations-chart canvas'));
        return chart.data.datasets[0].data; }""")
    source = sorted(table("cluster_organisations_by_ecosystem"), key=lambda r: (-int(r["count"]), int(r["position"])))
    assert drawn == [int(r["count"]) for r in source]
    box = tab.page.locator("#organisations-chart canvas").bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    members = tab.page.evaluate("""() => Chart.getChart(document.querySelector('#members-chart canvas'))
        .data.datasets.map(d => d.data)""")
    shares = [r for r in table("cluster_organisation_figures") if r["unit"] == "percent"]
    assert sorted(members[0]) == sorted(int(r["value"]) for r in shares)
    assert sorted(members[1]) == sorted(int(r["eu_value"]) for r in shares)
    tab.assert_clean()


def test_open_in_query_ui_loads_the_views_query(tab: Tab):
    tab.open("/explore/euroclusters")
    query = VIEWS["euroclusters"].load()[0].text
    assert tab.page.locator("pre.query").first.text_content() == query  # shown as it is, escaped
    tab.page.click("section.sparql summary")  # open the <details>, then follow its link
    tab.page.click("section.sparql a.button")
    tab.page.wait_for_function("window.eccpUi && window.eccpUi.yasgui.getTab()", timeout=WAIT_MS)
    opened = tab.page.evaluate("window.eccpUi.yasgui.getTab().getYasqe().getValue()")
    assert opened.strip() == query.strip()
    tab.assert_clean()


def test_static_report_works_from_disk(tab: Tab, store_dir: Path, tmp_path: Path):
    """`eccp-kg report` output opened as file:// pages: charts drawn, filter works, no errors."""
    out = tmp_path / "report"
    script = str(Path(sys.executable).with_name("eccp-kg"))
    done = subprocess.run([script, "report", "--out", str(out), "--store", str(store_dir)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    tab.page.goto((out / "ecosystems.html").as_uri(), wait_until="load")
    tab.page.wait_for_selector("#organisations-chart.drawn canvas", timeout=WAIT_MS)
    tab.page.goto((out / "partnerships.html").as_uri(), wait_until="load")
    tab.page.focus("input[name=programme][value='escp']")
    tab.page.keyboard.press("Space")  # untick ESCP: the other programmes stay
    shown = tab.page.locator("#matrix thead th[data-programme]:not([hidden])")
    assert shown.evaluate_all("hs => hs.map(h => h.dataset.programme)") == [k for k in partner_lists() if k != "escp"]
    tab.shot("report-partnerships-filtered")
    tab.assert_clean()


def test_keyboard_users_get_a_skip_link_focus_outlines_and_labelled_controls(tab: Tab):
    tab.open("/explore/partnerships")
    tab.page.keyboard.press("Tab")
    first = tab.page.evaluate("document.activeElement.getAttribute('href')")
    assert first == "#main", "the first Tab stop skips to the content"
    outline = tab.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused elements show an outline"
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main"
    unlabelled = tab.page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => !el.labels || el.labels.length === 0).map(el => el.outerHTML)""")
    assert unlabelled == []
    regions = tab.page.evaluate("""() => [...document.querySelectorAll('.scroll')]
        .filter(el => el.tabIndex !== 0 || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
        .length""")
    assert regions == 0, "scrollable tables are reachable by keyboard and named"
    tab.assert_clean()


@pytest.mark.parametrize("table,column", [("ranking", "ecosystems"), ("matrix", "innosup-1"), ("sectoral", "rank1")])
def test_columns_sort_in_the_page_as_the_server_sorts_them(tab: Tab, table: str, column: str):
    slug = "partnerships" if table == "matrix" else "regions"
    order_js = f"() => [...document.querySelectorAll('#{table} tbody tr')].map(r => r.dataset.index)"
    for order in ("asc", "desc"):
        tab.open(f"/explore/{slug}?sort={table}.{column}&order={order}")
        expected = tab.page.evaluate(order_js)
        tab.open(f"/explore/{slug}")
        tab.page.evaluate("window.__sameDocument = true")
        header = tab.page.locator(f"#{table} thead th[data-sort='{column}'] a.sort")
        header.focus()
        tab.page.keyboard.press("Enter")  # keyboard: the header is a link
        if order == "desc":
            header.focus()
            tab.page.keyboard.press("Enter")
        assert tab.page.evaluate(order_js) == expected, order
        assert tab.page.evaluate("window.__sameDocument") is True, "sorting must not reload the page"
        sort = tab.page.get_attribute(f"#{table} thead th[data-sort='{column}']", "aria-sort")
        assert sort == ("ascending" if order == "asc" else "descending")
        assert parse_qs(urlsplit(tab.page.url).query)["sort"] == [f"{table}.{column}"]
    tab.assert_clean()


def test_maps_and_network_draw_every_shape_and_node(tab: Tab):
    lists = partner_lists()
    partners = set().union(*map(set, lists.values()))
    tab.open("/explore/partnerships")
    tab.page.wait_for_selector("svg#network[data-layout='force']", timeout=WAIT_MS)  # d3-force laid it out
    boxes = tab.page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#partner-map path[data-country]')]
        .map(p => { const b = p.getBoundingClientRect(); return [p.dataset.country, b.width * b.height]; }))""")
    assert partners | {"IT"} <= set(boxes) and all(boxes[c] > 0 for c in partners), boxes
    nodes = tab.page.evaluate("""() => { const svg = document.querySelector('#network'), v = svg.viewBox.baseVal;
        return [...svg.querySelectorAll('g.node')].map(g => { const m = /translate\\(([-\\d.]+),([-\\d.]+)\\)/.exec(g.getAttribute('transform'));
          return [g.dataset.node, +m[1] >= 0 && +m[1] <= v.width && +m[2] >= 0 && +m[2] <= v.height]; }); }""")
    assert {n for n, _ in nodes} == {"country:IT"} | {f"programme:{k}" for k in lists} | {f"country:{c}" for c in partners}
    assert all(inside for _, inside in nodes), "every node lies inside the drawing"
    # the programme filter applies to the map and the network too
    tab.page.focus("input[name=programme][value='escp']")
    tab.page.keyboard.press("Space")
    tab.page.focus("input[name=programme][value='innosup-1']")
    tab.page.keyboard.press("Space")
    shown = set(tab.page.evaluate("() => [...document.querySelectorAll('#network g.node.country:not(.hidden)')].map(g => g.dataset.node)"))
    assert shown == {f"country:{c}" for c in lists["euroclusters"]}
    dimmed = set(tab.page.evaluate("() => [...document.querySelectorAll('#partner-map path.dim')].map(p => p.dataset.country)"))
    assert dimmed == partners - set(lists["euroclusters"])
    tab.shot("partnerships-map-network-filtered")
    tab.open("/explore/regions")
    regions = tab.page.evaluate("() => [...document.querySelectorAll('#region-map path[data-nuts]')].flatMap(p => p.dataset.nuts.split(' '))")
    assert set(regions) >= {tr for tr in tab.page.evaluate("() => [...document.querySelectorAll('#sectoral tbody tr')].map(r => r.dataset.region)")}
    assert tab.page.locator("form.measure .apply").is_hidden()  # no button to press: the select applies
    tab.page.select_option("#measure", "ecosystems")  # applies at once
    tab.page.wait_for_url("**measure=ecosystems**", timeout=WAIT_MS)
    assert tab.page.get_attribute("#region-map", "data-measure") == "ecosystems"
    tab.shot("regions-map-ecosystems")
    tab.assert_clean()
