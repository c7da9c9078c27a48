"""What every explorer page does, in-process over the real build: its SPARQL shown with a query-UI link,
the index, resource links that resolve, tables without chart.js, ETag revalidation, an empty graph,
and the validation warnings about its own numbers."""
from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest

from eccp_kg.explore.views import VIEWS
from tests.exploring import page, partner_lists, rows_of, stated_partner_counts, table, text
from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)


# --- every view --------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", list(VIEWS))
def test_every_view_shows_its_sparql_escaped_with_a_query_ui_link(explore_client, slug):
    response = explore_client.get(f"/explore/{slug}")
    body = response.get_data(as_text=True)
    doc = html5lib.parse(body, namespaceHTMLElements=False)
    blocks = doc.findall(".//section[@class='sparql']//pre")
    assert len(blocks) == len(VIEWS[slug].load())
    for pre, query in zip(blocks, VIEWS[slug].load()):
        assert text(pre) == " ".join(query.text.split())
    assert "<https://w3id.org" not in body  # '<' of PREFIX IRIs is escaped in the page
    links = [a.get("href") for a in doc.findall(".//section[@class='sparql']//a")]
    assert len(links) == len(VIEWS[slug].load())
    for href, query in zip(links, VIEWS[slug].load()):
        parts = urlsplit(href)
        assert parts.path == "/" and parse_qs(parts.fragment)["query"] == [query.text]


def test_index_links_every_view(explore_client):
    doc = page(explore_client, "/explore")
    hrefs = {a.get("href") for a in doc.findall(".//ul[@class='cards']//a")}
    assert hrefs == {f"/explore/{slug}" for slug in VIEWS}


def test_resource_links_resolve_on_this_server(explore_client):
    doc = page(explore_client, "/explore/regions")
    ranking = [a.get("href") for a in doc.findall(".//table[@id='ranking']/tbody//a")]
    assert ranking and all(h.startswith("/id/nuts/") for h in ranking)
    hrefs = set()
    for slug in VIEWS:
        hrefs |= {a.get("href") for a in page(explore_client, f"/explore/{slug}").iter("a")
                  if a.get("href", "").startswith("/id/")}
    broken = [h for h in sorted(hrefs) if explore_client.get(h, headers={"Accept": "text/html"}).status_code != 200]
    assert len(hrefs) > len(ranking) and broken == []


def test_pages_without_vendored_chart_js_keep_their_tables(explore_client, monkeypatch):
    from eccp_kg.explore import render as explore_render

    monkeypatch.setattr(explore_render, "chart_js", lambda: None)
    doc = page(explore_client, "/explore/ecosystems")
    assert not [s for s in doc.iter("script") if "chart" in (s.get("src") or "")]
    assert len(rows_of(doc, "organisations")) == len(table("cluster_organisations_by_ecosystem"))


def test_pages_revalidate_with_etags(explore_client):
    first = explore_client.get("/explore/regions")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    again = explore_client.get("/explore/regions", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    other = explore_client.get("/explore/partnerships?programme=escp", headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag
    stale = explore_client.get("/explore/regions", headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("slug", list(VIEWS))
def test_views_render_over_a_graph_without_factsheet_data(client, slug):
    """The small fixture dataset has no ECCP statistics: pages still render (empty tables), never 500."""
    response = client.get(f"/explore/{slug}")
    assert response.status_code == 200
    doc = html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)
    assert doc.find(".//main//h1") is not None
    assert len(doc.findall(".//section[@class='sparql']//pre")) == len(VIEWS[slug].load())


def test_views_list_the_validation_warnings_about_their_own_numbers(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    notes = [text(li) for li in doc.findall(".//ul[@id='warnings']/li")]
    stated = stated_partner_counts()
    for programme, codes in partner_lists().items():
        about = [note for note in notes if programme.upper() in note.upper()]
        twice = [code for code, n in Counter(codes).items() if n > 1]  # INNOSUP-1: EL printed twice
        for code in twice:
            assert any(code in note for note in about), (programme, code, notes)
        if stated[programme] != len(codes):  # a stated count that is not the list's length (ESCP: 2 vs 22)
            assert any(str(stated[programme]) in note and str(len(codes)) in note for note in about), notes
        if not twice and stated[programme] == len(codes):
            assert about == [], (programme, notes)
    assert not any("agglomeration" in note for note in notes), "only this view's warnings (bound ?about)"

    doc = page(explore_client, "/explore/regions")
    notes = [text(li) for li in doc.findall(".//ul[@id='warnings']/li")]
    flagged = {tr.get("data-region") for tr in doc.iter("tr") if "differs" in (tr.get("class") or "")}
    names = {r["nuts_code"]: r["region_label"] for r in table("sectoral_agglomeration_counts")}
    assert flagged and all(any(names[code] in note for note in notes) for code in flagged), (flagged, notes)

    doc = page(explore_client, "/explore/euroclusters")
    assert doc.find(".//section[@class='warnings']") is None
