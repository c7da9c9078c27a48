"""Search (/search, /search.json) and 404 suggestions, in-process over the REAL build.

Every expectation comes from the source tables in data/it/2023/ (what the factsheet prints), never
a pasted list: each region, NACE division, partner country, ecosystem, Eurocluster and policy must
be the first result for its own code or name."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.exploring import explore_client, page, store_dir, table, text  # noqa: F401  (fixtures)


def first(client, q: str) -> dict:
    r = client.get("/search.json", query_string={"q": q})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    results = r.get_json()["results"]
    assert results, f"nothing found for {q!r}"
    return results[0]


def test_every_region_is_found_first_by_code_and_by_name(explore_client):
    for row in table("sectoral_agglomeration_counts"):
        assert first(explore_client, row["nuts_code"])["code"] == row["nuts_code"]
        hit = first(explore_client, row["region_label"])
        assert (hit["code"], hit["kind"]) == (row["nuts_code"], "region"), row["region_label"]
        assert hit["href"] == f"/id/nuts/{row['nuts_code']}"


def test_nace_divisions_and_countries_by_their_printed_codes(explore_client):
    for code in {r["nace_code"] for r in table("sectoral_agglomerations") if r["nace_code"]}:
        hit = first(explore_client, code)
        assert (hit["code"], hit["kind"]) == (code, "NACE division")
    for code in {r["country_code"] for r in table("programme_partner_countries")}:
        hit = first(explore_client, code.lower())  # case does not matter
        assert (hit["code"], hit["kind"]) == (code, "country")


def test_ecosystems_euroclusters_and_policies_by_name(explore_client):
    from eccp_kg.server.search import fold

    for row in table("cluster_organisations_by_ecosystem"):  # labels as printed in this list
        hit = first(explore_client, row["ecosystem_label"])
        assert hit["kind"] == "industrial ecosystem" and fold(hit["matched"]) == fold(row["ecosystem_label"])
    for row in table("euroclusters"):
        hit = first(explore_client, row["name"])
        assert (hit["label"], hit["kind"]) == (row["name"], "Eurocluster")
    for row in table("policies"):
        assert first(explore_client, row["name"])["kind"] == "cluster policy"


def test_printed_variants_find_their_resource(explore_client, store_dir):
    """A name the factsheet prints for a resource that is not its label (eccp:printedAs)."""
    store = ox.Store.read_only(str(store_dir))
    rows = list(store.query("""PREFIX eccp: <https://w3id.org/eccp-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?s ?printed WHERE { GRAPH ?g { ?e eccp:item ?s ; eccp:printedAs ?printed }
          GRAPH ?h { ?s a eccp:IndustrialEcosystem ; skos:prefLabel ?l } FILTER(LCASE(STR(?printed)) != LCASE(STR(?l))) }"""))
    for row in rows:
        found = explore_client.get("/search.json", query_string={"q": row["printed"].value}).get_json()["results"]
        assert row["s"].value in [r["iri"] for r in found[:3]], row["printed"].value


def test_organisations_are_found_by_every_wording_the_text_prints(explore_client):
    """An authority or university by its name, and by each wording mentions.csv records for it
    (its skos:altLabels): 'MIUR', 'Ministero dell'universita' e della Ricerca', 'the Lombardy Region' ..."""
    kinds = {"public_authority": "public authority", "university": "university"}
    for row in table("organisations"):
        hit = first(explore_client, row["name"])
        assert (hit["label"], hit["kind"]) == (row["name"], kinds[row["kind"]])
        iri = hit["iri"]
        wordings = {m["printed"] for m in table("mentions") if (m["kind"], m["resource"]) == ("organisation", row["key"])}
        assert wordings, row["key"]
        for wording in wordings:
            found = explore_client.get("/search.json", query_string={"q": wording}).get_json()["results"]
            assert iri in [r["iri"] for r in found[:3]], (row["key"], wording)


def test_ranking_names_before_mentions_and_typos_tolerated(explore_client):
    results = explore_client.get("/search.json", query_string={"q": "Lombardy"}).get_json()["results"]
    assert results[0]["code"] == "ITC4" and len(results) > 1  # the region, then what mentions it
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert first(explore_client, "Lombrady")["code"] == "ITC4"
    assert first(explore_client, "escp-4i")["kind"] == "programme"
    itc4 = explore_client.get("/search.json", query_string={"q": "ITC4"}).get_json()["results"]
    assert [r["code"] for r in itc4] == ["ITC4"]  # a code never finds its neighbours by spelling


@pytest.mark.parametrize("q", ['" } DROP ALL ; SELECT * { "', "<script>alert(1)</script>", "x" * 5000, "\u0000", "%"])
def test_hostile_queries_are_only_compared_never_run(explore_client, store_dir, q):
    r = explore_client.get("/search.json", query_string={"q": q})
    assert r.status_code == 200 and r.get_json()["query"] == q
    html = explore_client.get("/search", query_string={"q": q}, headers={"Accept": "text/html"})
    assert html.status_code == 200 and "<script>alert" not in html.get_data(as_text=True)


def test_limit_is_checked(explore_client):
    assert len(explore_client.get("/search.json?q=a&limit=3").get_json()["results"]) <= 3
    for bad in ("0", "101", "x"):
        r = explore_client.get(f"/search.json?q=a&limit={bad}", headers={"Accept": "application/json"})
        assert r.status_code == 400 and r.get_json()["error"]["parameter"] == "limit"


def test_search_page_lists_linked_results(explore_client):
    doc = page(explore_client, "/search?q=C28")
    items = doc.findall(".//ol[@id='results']/li")
    assert items and "C28" in text(items[0])
    href = items[0].find("a").get("href")
    assert explore_client.get(href, headers={"Accept": "text/html"}).status_code == 200
    assert doc.find(".//input[@id='search-page-q']").get("value") == "C28"


def test_every_page_has_the_search_box(explore_client):
    import html5lib

    for path in ("/", "/explore/regions", "/dataset", "/id/nuts/ITC4", "/shapes"):
        doc = html5lib.parse(explore_client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True),
                             namespaceHTMLElements=False)
        form = doc.find(".//header//form[@role='search']")
        assert form is not None and form.get("action") == "/search", path
        assert form.find(".//input[@name='q']").get("data-suggest") == "/search.json"


def test_unknown_iri_suggests_close_matches(explore_client):
    r = explore_client.get("/id/nuts/ITC9", headers={"Accept": "application/json"})
    error = r.get_json()["error"]
    assert r.status_code == 404 and "Did you mean" in error["detail"]
    assert "/id/nuts/ITC4" in [s["href"] for s in error["suggestions"]]
    r = explore_client.get("/id/country/GERMANY", headers={"Accept": "text/html"})
    assert r.status_code == 404
    body = r.get_data(as_text=True)
    assert 'href="/id/country/DE"' in body
    r = explore_client.get("/id/zzzz/qqqqqqqq", headers={"Accept": "application/json"})
    assert r.status_code == 404 and "suggestions" not in r.get_json()["error"]
