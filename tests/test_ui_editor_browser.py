"""The query editor in real Chromium (issue 12, parts 5 and 6): completions from our own vocabulary
with no request leaving the server, errors marked where they are, a clear message when a query is
stopped (and the server killing the worker that ran it), /?query= links reusing their tab, short
links that open the query, and the project's prefixes counted as declared by YASQE's own checker.

Every request the page makes is recorded from Playwright's request events and must go to the test
server on 127.0.0.1 (the shared offline guard also aborts anything else)."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from eccp_kg.graph.namespaces import PREFIXES
from tests.chromium import offline_page

pytestmark = pytest.mark.browser

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "eccp.ttl"
ACTIVE = ".tabPanel.active"
HINTS = ".CodeMirror-hints li"
WAIT_MS = 90_000  # the page may be slow on a loaded machine: a wait, not a speed assertion


def eccp_classes_starting(stem: str) -> list[str]:
    """eccp: classes of the ontology file whose local name starts with `stem`, as prefixed names."""
    graph = Graph().parse(ONTOLOGY, format="turtle")
    ns = PREFIXES["eccp"]
    return sorted("eccp:" + str(c)[len(ns):] for c in graph.subjects(RDF.type, OWL.Class)
                  if isinstance(c, URIRef) and str(c).startswith(ns + stem))


class Editor:
    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.set_default_timeout(WAIT_MS)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_selector(f"{ACTIVE} .yasqe .CodeMirror")

    def set_query(self, text: str) -> None:
        self.page.evaluate("(q) => { const cm = window.eccpUi.yasgui.getTab().getYasqe(); cm.setValue(q);"
                           " cm.focus(); cm.setCursor(cm.lineCount(), 0); }", text)

    def query(self) -> str:
        return self.page.evaluate("window.eccpUi.yasgui.getTab().getQuery()")

    def hints_after_typing(self, text: str) -> list[str]:
        self.page.keyboard.type(text, delay=40)
        self.page.wait_for_selector(HINTS)
        return self.page.locator(HINTS).all_inner_texts()

    def run(self) -> None:
        self.page.click(f"{ACTIVE} .yasqe_queryButton")

    def redraw_results(self) -> None:
        """Make the active tab's YASR draw its results again, and wait until the redrawn error box
        (a new element: the old one is tagged first) is in the page."""
        self.page.evaluate(f"document.querySelector('{ACTIVE} .eccp-query-error').dataset.eccpOld = '1';"
                           " window.eccpUi.yasgui.getTab().getYasr().draw()")
        self.page.wait_for_selector(f"{ACTIVE} .eccp-query-error:not([data-eccp-old])")

    def tabs(self) -> int:
        return self.page.evaluate("window.eccpUi.yasgui.persistentConfig.getTabs().length")

    def off_host(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base + "/") and not u.startswith("data:")]


@pytest.fixture()
def editor(built_server: str) -> Iterator[Editor]:
    with offline_page(built_server) as watched:
        yield Editor(watched.page, built_server)
        assert watched.page_errors == []
        assert watched.external == []


def test_completions_come_from_our_vocabulary_and_no_request_leaves_the_server(editor: Editor) -> None:
    editor.open()
    before = len(editor.requests)
    editor.set_query("SELECT * WHERE {\n  ?s a ")
    expected = eccp_classes_starting("Clu")
    assert "eccp:ClusterOrganisation" in expected
    assert editor.hints_after_typing("eccp:Clu") == expected  # names from the ontology file
    editor.page.keyboard.press("Enter")
    assert "?s a eccp:ClusterOrganisation" in editor.query()
    editor.page.keyboard.type(" ;\n  ", delay=40)
    assert "skos:prefLabel" in editor.hints_after_typing("skos:prefL")  # a property the data uses
    editor.page.keyboard.press("Escape")
    editor.set_query("")
    hints = editor.hints_after_typing("PREFIX ecc")
    assert hints[0] == f"eccp: <{PREFIXES['eccp']}>"  # a prefix completes, from our table
    editor.page.keyboard.press("Enter")
    assert editor.query().startswith(f"PREFIX eccp: <{PREFIXES['eccp']}>")
    typed = editor.requests[before:]
    assert editor.off_host() == [] and all(u.startswith(editor.base) for u in typed), typed


def test_a_syntax_error_reads_as_a_sentence_and_is_marked_in_the_editor(editor: Editor) -> None:
    editor.open()
    editor.set_query("SELECT * WHERE {\n  ?s a foo:Bar .\n}")
    editor.run()
    box = editor.page.wait_for_selector(f"{ACTIVE} .eccp-query-error")
    assert "Line 2, column 8: the prefix foo: is not declared." in box.inner_text()
    assert editor.page.locator(f"{ACTIVE} .eccp-error-mark").all_inner_texts() == ["foo:Bar"]
    note = editor.page.locator(f"{ACTIVE} .CodeMirror .eccp-error-note")
    assert note.count() == 1 and note.inner_text().startswith("Line 2, column 8")
    editor.page.evaluate("window.eccpUi.yasgui.getTab().getYasqe().focus()")
    editor.page.keyboard.type(" ")  # editing clears the mark
    editor.page.wait_for_function(f"document.querySelectorAll('{ACTIVE} .eccp-error-mark').length === 0")
    assert editor.page.locator(f"{ACTIVE} .CodeMirror .eccp-error-note").count() == 0
    # YASR draws its results again on its own (a resize, a plugin switch, a tab shown again): the
    # redrawn sentence must not bring the mark back, since the query it was about has changed.
    editor.redraw_results()
    assert editor.page.locator(f"{ACTIVE} .eccp-query-error").inner_text().count("Line 2, column 8") == 1
    assert editor.page.locator(f"{ACTIVE} .eccp-error-mark").count() == 0
    assert editor.page.locator(f"{ACTIVE} .CodeMirror .eccp-error-note").count() == 0
    editor.run()  # a new response marks again, once
    editor.page.wait_for_selector(f"{ACTIVE} .eccp-error-mark")
    editor.redraw_results()
    assert editor.page.locator(f"{ACTIVE} .eccp-error-mark").all_inner_texts() == ["foo:Bar"]
    assert editor.page.locator(f"{ACTIVE} .CodeMirror .eccp-error-note").count() == 1


def test_project_prefixes_count_as_declared_in_the_editor_as_on_the_server(editor: Editor) -> None:
    editor.open()
    assert editor.page.evaluate("window.eccpUi.predeclared") is True  # the hook into YASQE's mode took
    warnings = editor.page.locator(f"{ACTIVE} .parseErrorIcon")  # YASQE's gutter warning
    button = editor.page.locator(f"{ACTIVE} .yasqe_queryButton")
    query = "SELECT ?r WHERE { ?r a eccp:NutsRegion }"  # no PREFIX line: /sparql predeclares eccp:
    editor.set_query(query)
    assert warnings.count() == 0 and "query_valid" in button.get_attribute("class")
    assert editor.page.evaluate("window.eccpUi.yasgui.getTab().getYasqe().getPrefixesFromQuery()") == {}
    editor.run()
    editor.page.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr td")
    assert editor.page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr").count() == 21
    # a prefix neither the query nor the project declares is still flagged, with YASQE's reason
    editor.set_query("SELECT * WHERE { ?s a foo:Bar }")
    assert warnings.count() == 1 and "query_error" in button.get_attribute("class")
    # the query's own declaration wins over the project's, and is what the editor reports
    editor.set_query("PREFIX eccp: <http://example.org/other#>\nSELECT * WHERE { ?s a eccp:X }")
    assert warnings.count() == 0
    assert editor.page.evaluate("window.eccpUi.yasgui.getTab().getYasqe().getPrefixesFromQuery()") == {
        "eccp": "http://example.org/other#"}
    # typing an undeclared project prefix still adds its PREFIX line (stock YASQE), so queries stay portable
    editor.set_query("SELECT * WHERE {\n  ?s a ")
    editor.page.keyboard.type("eccp:", delay=40)
    editor.page.wait_for_function("window.eccpUi.yasgui.getTab().getQuery().startsWith('PREFIX eccp:')")
    assert editor.query().startswith(f"PREFIX eccp: <{PREFIXES['eccp']}>\n")


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, killed and not yet reaped, counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def eventually(condition, what: str, seconds: float = 60.0) -> None:
    """A bounded wait (not a speed assertion): `condition()` must hold within `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:g} s")
        time.sleep(0.05)


def test_stopping_a_running_query_says_so_and_the_server_kills_its_worker(start_server, served_build: Path,
                                                                          tmp_path: Path) -> None:
    # Its own server (one query worker, one spare, a timeout far beyond the waits below): the only
    # way the worker can go within the waits is the stop; the run's shared server may be busy.
    (tmp_path / "serve").mkdir()
    server = start_server(["--store", str(served_build / "store"), "--workers", "1", "--spare-workers", "1",
                           "--http-processes", "1", "--timeout", "600"], tmp_path / "serve")

    def health() -> dict:
        return requests.get(server.url + "/health", timeout=30).json()

    try:
        with offline_page(server.url) as watched:
            editor = Editor(watched.page, server.url)
            editor.open()
            eventually(lambda: health()["idle_workers"] == 1 and health()["spare_workers"] == 1, "the pool is up")
            before = health()
            [pid] = before["worker_pids"]
            editor.set_query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")  # runs until stopped
            editor.run()
            editor.page.wait_for_selector(f"{ACTIVE} .yasqe_queryButton.busy")
            eventually(lambda: health()["idle_workers"] == 0, "the query runs in the worker")
            assert alive(pid)
            editor.run()  # the same button stops it
            box = editor.page.wait_for_selector(f"{ACTIVE} .yasr .errorResult")
            text = box.inner_text()
            assert "Query stopped" in text and "You stopped the query" in text
            assert "signal is aborted" not in text
            # the browser dropped the request: the server killed the worker running it, a spare took its place
            eventually(lambda: not alive(pid), f"query worker {pid} killed")
            eventually(lambda: health()["replaced_workers"] == before["replaced_workers"] + 1
                       and health()["idle_workers"] == 1 and health()["spare_workers"] == 1, "the pool is whole again")
            assert pid not in health()["worker_pids"]
            assert watched.page_errors == [] and watched.external == [] and editor.off_host() == []
    finally:
        server.stop()


def test_a_query_link_reuses_the_tab_holding_its_query(editor: Editor, built_server: str) -> None:
    query = "SELECT ?r WHERE { ?r a eccp:NutsRegion } ORDER BY ?r"
    regions = requests.post(built_server + "/sparql", data={"query": query}, timeout=60,
                            headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    counts = []
    for path in (f"/?query={quote(query)}", f"/?query={quote(query)}", f"/#query={quote(query)}"):
        editor.open(path)
        editor.page.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr td")
        assert editor.query() == query
        counts.append(editor.tabs())
        assert editor.page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr").count() == len(regions) == 21
    assert counts == [2, 2, 2]  # the starter tab and one for the link, however often it is opened


def test_the_share_button_makes_a_short_link_that_opens_the_query(start_server, served_build: Path, tmp_path: Path) -> None:
    (tmp_path / "serve").mkdir()
    server = start_server(["--store", str(served_build / "store"), "--workers", "1", "--http-processes", "1",
                           "--links-dir", str(tmp_path / "links")], tmp_path / "serve")
    try:
        with offline_page(server.url) as watched:
            editor = Editor(watched.page, server.url)
            editor.open()
            query = "SELECT ?c WHERE { ?c a eccp:Country } ORDER BY ?c"
            editor.set_query(query)
            editor.page.click(f"{ACTIVE} .yasqe_share")
            editor.page.click(f"{ACTIVE} .yasqe_sharePopup button.shorten")
            editor.page.wait_for_function(
                f"document.querySelector('{ACTIVE} .yasqe_sharePopup input').value.indexOf('/q/') > 0")
            link = editor.page.input_value(f"{ACTIVE} .yasqe_sharePopup input")
            assert re.fullmatch(re.escape(server.url) + r"/q/[a-z2-7]{12}", link), link
            assert requests.get(link + ".rq", timeout=30).text == query
            tabs = editor.tabs()
            editor.open(link.removeprefix(server.url))
            editor.page.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr td")
            assert editor.query() == query and editor.tabs() == tabs  # the tab holding it, selected
            assert watched.page_errors == [] and watched.external == [] and editor.off_host() == []
    finally:
        server.stop()
