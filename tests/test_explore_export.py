"""Explorer exports (/explore/NAME.csv, .json) and sortable tables, in-process over the REAL build.

Exports are checked against the view's queries sent to /sparql (the public endpoint, SPARQL JSON
results): the download must be exactly what the query UI would give. Sorting is checked against
the source tables in data/it/2023/, never pasted numbers."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from eccp_kg.explore.views import VIEWS
from tests.exploring import explore_client, page, partner_lists, rows_of, stated_counts, store_dir, text  # noqa: F401

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + t for t in ("integer", "int", "long", "decimal", "double", "float", "nonNegativeInteger", "gYear")}


def endpoint_rows(client, query: str) -> list[dict]:
    """The query's rows from /sparql, as plain values (numbers by value, unbound None)."""
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    doc = r.get_json()
    out = []
    for b in doc["results"]["bindings"]:
        row = {}
        for var in doc["head"]["vars"]:
            term = b.get(var)
            if term is None:
                row[var] = None
            elif term.get("datatype") in NUMBERS:
                n = Decimal(term["value"])
                row[var] = int(n) if n == n.to_integral_value() else float(n)
            else:
                row[var] = term["value"]
        out.append(row)
    return out


@pytest.mark.parametrize("slug", list(VIEWS))
def test_json_export_is_the_views_sparql_results(explore_client, slug):
    r = explore_client.get(f"/explore/{slug}.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    doc = r.get_json()
    assert doc["view"] == slug
    queries = VIEWS[slug].load()
    assert [t["name"] for t in doc["tables"]] == [q.name for q in queries]
    for q, t in zip(queries, doc["tables"]):
        expected = endpoint_rows(explore_client, q.text)
        if q.name == "validation-warnings":  # the page binds ?about; the endpoint has no binding, so compare a subset
            assert all(row in expected for row in t["rows"]), q.name
            continue
        assert t["rows"] == expected, q.name
        assert t["columns"] == list(expected[0]) if expected else True


@pytest.mark.parametrize("slug", list(VIEWS))
def test_csv_export_is_the_json_table(explore_client, slug):
    doc = explore_client.get(f"/explore/{slug}.json").get_json()
    for t in doc["tables"]:
        r = explore_client.get(f"/explore/{slug}.csv?query={t['name']}")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        got = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
        assert got[0] == t["columns"]
        assert got[1:] == [["" if row[c] is None else str(row[c]) for c in t["columns"]] for row in t["rows"]]
    # without ?query= the CSV is the view's first query
    first = list(csv.reader(io.StringIO(explore_client.get(f"/explore/{slug}.csv").get_data(as_text=True))))
    assert first[0] == doc["tables"][0]["columns"]


def test_exports_keep_the_pages_programme_filter(explore_client):
    lists = partner_lists()
    doc = explore_client.get("/explore/partnerships.json?programme=innosup-1").get_json()
    assert doc["filters"] == {"country": "IT", "programme": ["innosup-1"]}  # IT: the default, named
    listings = next(t for t in doc["tables"] if t["name"] == "partnership-listings")
    assert {r["code"] for r in listings["rows"]} == set(lists["innosup-1"])
    assert sum(r["listed"] for r in listings["rows"]) == len(lists["innosup-1"])
    rows = list(csv.DictReader(io.StringIO(
        explore_client.get("/explore/partnerships.csv?programme=innosup-1&programme=euroclusters").get_data(as_text=True))))
    assert {r["programme"].rsplit("/", 1)[-1] for r in rows} == {"innosup-1", "euroclusters"}


@pytest.mark.parametrize("value", ["ESCP", "escp", "escp-4i", "ESCP-4x"])
def test_programme_filter_takes_printed_notations_case_insensitively(explore_client, value):
    doc = page(explore_client, f"/explore/partnerships?programme={value}")
    heads = doc.findall(".//table[@id='matrix']/thead/tr/th[@data-programme]")
    assert [h.get("data-programme") for h in heads if h.get("hidden") is None] == ["escp"]
    assert explore_client.get(f"/explore/partnerships.json?programme={value}").get_json()["filters"] == {"country": "IT", "programme": ["escp"]}


def test_export_errors_name_the_parameter(explore_client):
    for url, parameter in (("/explore/regions.csv?query=nope", "query"), ("/explore/partnerships.json?programme=x", "programme")):
        r = explore_client.get(url, headers={"Accept": "application/json"})
        assert r.status_code == 400
        assert r.get_json()["error"]["parameter"] == parameter
    assert explore_client.get("/explore/nothing.json", headers={"Accept": "application/json"}).status_code == 404


def test_every_view_links_its_exports(explore_client):
    for slug in VIEWS:
        doc = page(explore_client, f"/explore/{slug}?programme=escp" if slug == "partnerships" else f"/explore/{slug}")
        hrefs = [a.get("href") for a in doc.findall(".//p[@class='exports']/a")]
        assert hrefs and all(explore_client.get(h).status_code == 200 for h in hrefs), slug
        if slug == "partnerships":
            assert all("programme=escp" in h for h in hrefs)


def test_ranking_sorts_on_the_server_by_any_column(explore_client):
    sectoral = stated_counts("sectoral_agglomeration_counts")
    ecosystem = stated_counts("ecosystem_agglomeration_counts")
    doc = page(explore_client, "/explore/regions?sort=ranking.ecosystems&order=desc")
    got = [tr.get("data-region") for tr in doc.findall(".//table[@id='ranking']/tbody/tr")]
    default = sorted(sectoral, key=lambda c: (-sectoral[c], -ecosystem[c], c))  # the query's order
    assert got == sorted(default, key=lambda c: -ecosystem[c])  # ties keep the query's order
    th = doc.find(".//table[@id='ranking']/thead/tr/th[@data-sort='ecosystems']")
    assert th.get("aria-sort") == "descending"
    assert "order=asc" in th.find("a").get("href")  # the next click reverses it
    doc = page(explore_client, "/explore/regions?sort=ranking.region&order=asc")
    assert [tr.get("data-region") for tr in doc.findall(".//table[@id='ranking']/tbody/tr")] == sorted(sectoral)


def test_sorting_keeps_the_filter_and_every_header_is_a_sort_link(explore_client):
    doc = page(explore_client, "/explore/partnerships?programme=innosup-1&sort=matrix.innosup-1&order=desc")
    rows = [tr for tr in doc.findall(".//table[@id='matrix']/tbody/tr")]
    counts = [int(tr.find("./td[@data-programme='innosup-1']").get("data-value")) for tr in rows]
    assert counts == sorted(counts, reverse=True)
    for th in doc.findall(".//table[@id='matrix']/thead/tr/th"):
        href = th.find("a").get("href")
        assert "programme=innosup-1" in href and "sort=matrix." in href


def test_bad_sort_is_a_400_listing_the_columns(explore_client):
    r = explore_client.get("/explore/regions?sort=ranking.nope", headers={"Accept": "application/json"})
    assert r.status_code == 400 and "ranking.sectoral" in r.get_json()["error"]["allowed"]
    r = explore_client.get("/explore/regions?sort=ranking.place&order=up", headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.get_json()["error"]["allowed"] == ["asc", "desc"]
