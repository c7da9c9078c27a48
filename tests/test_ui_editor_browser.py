"""The query editor in real Chromium (issue 12, parts 5 and 6): completions from our own vocabulary
with no request leaving the server, errors marked where they are, a clear message when a query is
stopped, /?query= links reusing their tab, and short links that open the query.

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
def editor(built_server: str, tmp_path: Path) -> Iterator[Editor]:
    with offline_page(built_server, tmp_path / "profile") as watched:
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


def test_stopping_a_running_query_says_so(editor: Editor) -> None:
    editor.open()
    editor.set_query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")  # runs for long
    editor.run()
    editor.page.wait_for_selector(f"{ACTIVE} .yasqe_queryButton.busy")
    time.sleep(0.5)
    editor.run()  # the same button stops it
    box = editor.page.wait_for_selector(f"{ACTIVE} .yasr .errorResult")
    text = box.inner_text()
    assert "Query stopped" in text and "You stopped the query" in text
    assert "signal is aborted" not in text


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
        with offline_page(server.url, tmp_path / "profile") as watched:
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
