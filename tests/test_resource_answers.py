"""Resource pages that answer (issue 12, part 4), in-process over the REAL build: a region's ranked
agglomerations, a country's programmes, a NACE division's regions and an ecosystem's regions, organisation count and Euroclusters,
each checked against the source tables in data/it/2023/ and linked to a row the explorer really has."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest

from tests.exploring import explore_client, partner_lists, stated_counts, store_dir, table, text, top5  # noqa: F401

CODELISTS = Path(__file__).resolve().parent.parent / "data" / "codelists"


def answers(client, path: str) -> dict[str, list[list[str]]]:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, path
    doc = html5lib.parse(r.get_data(as_text=True), namespaceHTMLElements=False)
    out = {}
    for sec in doc.findall(".//section[@class='eccp-answer']"):
        rows = [[text(td) for td in tr.findall("td")] for tr in sec.findall(".//tbody/tr")]
        out[sec.get("id")] = rows
        link = sec.find(".//p[@class='eccp-explore']/a").get("href")
        target = urlsplit(link)
        page = client.get(target.path + (f"?{target.query}" if target.query else ""), headers={"Accept": "text/html"})
        assert page.status_code == 200, link
        if target.fragment:
            assert f'id="{target.fragment}"' in page.get_data(as_text=True), link  # the explorer row exists
        out[sec.get("id") + ":stated"] = [[text(s) for s in sec.findall(".//p[@class='eccp-stated']/strong")]]
    # the raw statements stay below the answers
    assert doc.find(".//h2[@id='outgoing']") is not None
    return out


@pytest.mark.parametrize("code", [r["nuts_code"] for r in table("sectoral_agglomeration_counts")])
def test_region_page_answers_with_ranked_agglomerations(explore_client, code):
    a = answers(explore_client, f"/id/nuts/{code}")
    assert [row[1] for row in a["answer-sectoral"]] == top5(code)
    assert [int(row[0]) for row in a["answer-sectoral"]] == list(range(1, len(top5(code)) + 1))
    printed = [r["nace_label"] for r in sorted(table("sectoral_agglomerations"), key=lambda r: int(r["rank"]))
               if r["nuts_code"] == code and r["nace_code"]]  # as this region's row prints it
    assert [row[2] for row in a["answer-sectoral"]] == printed
    stated, listed = a["answer-sectoral:stated"][0]
    assert (int(stated), int(listed)) == (stated_counts("sectoral_agglomeration_counts")[code], len(top5(code)))
    eco = [r["ecosystem_label"] for r in sorted(table("ecosystem_agglomerations"), key=lambda r: int(r["rank"]))
           if r["nuts_code"] == code and r["ecosystem_label"]]
    assert [row[1] for row in a["answer-ecosystem-agglomerations"]] == eco
    assert int(a["answer-ecosystem-agglomerations:stated"][0][0]) == stated_counts("ecosystem_agglomeration_counts")[code]


def test_lombardy_lists_the_clusters_of_its_policy(explore_client):
    clusters = [r["name"] for r in table("policy_clusters") if "lombardy" in r["policy"]]
    rows = answers(explore_client, "/id/nuts/ITC4")["answer-clusters"]
    assert clusters and set(clusters) <= {row[1] for row in rows}


def test_country_page_lists_the_programmes_it_partners_in(explore_client):
    lists = partner_lists()
    for code in sorted(set().union(*map(set, lists.values()))):
        rows = answers(explore_client, f"/id/country/{code}")["answer-programmes"]
        times = {k: codes.count(code) for k, codes in lists.items() if code in codes}
        assert sorted(int(r[2]) for r in rows) == sorted(times.values()), code
        assert len(rows) == len(times), code


def test_nace_page_lists_regions_in_rank_order(explore_client):
    by_code = defaultdict(list)
    for r in table("sectoral_agglomerations"):
        if r["nace_code"]:
            by_code[r["nace_code"]].append((int(r["rank"]), r["nuts_code"]))
    for nace, ranked in by_code.items():
        rows = answers(explore_client, f"/id/nace/{nace}")["answer-regions"]
        assert [(int(r[0]), r[1]) for r in rows] == sorted(ranked), nace


def test_ecosystem_page_lists_its_regions(explore_client):
    listed = defaultdict(set)
    for r in table("ecosystem_agglomerations"):
        if r["ecosystem_label"]:
            listed[r["ecosystem_label"]].add(r["nuts_code"])
    label, regions = max(listed.items(), key=lambda kv: len(kv[1]))
    results = explore_client.get("/search.json", query_string={"q": label}).get_json()["results"]
    href = next(r["href"] for r in results if r["kind"] == "industrial ecosystem")
    rows = answers(explore_client, href)["answer-regions"]
    assert {r[0] for r in rows} == regions


def codelist(name: str) -> list[dict[str, str]]:
    with (CODELISTS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ecosystem_pages_give_the_factsheet_s_organisation_count_and_euroclusters(explore_client):
    slug_of = {r["label"]: r["ecosystem"] for r in codelist("ecosystem_labels")}  # printed label -> page
    euroclusters = defaultdict(list)
    for r in table("eurocluster_ecosystems"):
        euroclusters[slug_of[r["ecosystem_label"]]].append(r["eurocluster"])
    counts = {slug_of[r["ecosystem_label"]]: r["count"] for r in table("cluster_organisations_by_ecosystem")}
    slugs = [r["slug"] for r in codelist("ecosystems")]
    assert len(euroclusters) == 6 and set(euroclusters) < set(slugs)  # most ecosystems are given none
    for slug in slugs:
        a = answers(explore_client, f"/id/ecosystem/{slug}")
        assert sorted(row[0] for row in a["answer-euroclusters"]) == sorted(euroclusters.get(slug, [])), slug
        assert a["answer-organisations"] == ([[counts[slug]]] if slug in counts else []), slug


def test_one_country_loaded_nothing_to_compare(explore_client):
    """On the shipped build (Italy only) no page adds the per-country comparison sections
    (tests/test_explore_compare_resources.py checks them over a build with a second country)."""
    for path in ("/id/country/IT", "/id/programme/escp", "/id/nace/A01", "/id/ecosystem/tourism"):
        body = explore_client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'id="answer-beside"' not in body and 'id="answer-per-country"' not in body, path
    body = explore_client.get("/id/country/ES", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Programmes it partners in (listed by the factsheet of IT)" in body and "Listed by" not in body
