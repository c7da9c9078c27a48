"""The example (competency) queries that compare countries and editions, and the static report's
pages per country, over the compared build (tests/comparing.py)."""
from __future__ import annotations

from xml.etree.ElementTree import Element

import html5lib

from tests.comparing import (  # noqa: F401 - `compare` is the fixture
    DATA, by_id, compare, competency, lead, partners, rows, selector, text,
)


def test_competency_query_compares_state_of_play_across_countries(compare):
    _client, folders, store = compare
    selected = {}
    for cc, folder in (("IT", folders["IT2024"]), ("NO", folders["NO"])):
        for r in rows(folder, "state_of_play"):
            if r["selected"] == "true":
                selected.setdefault(r["criterion"], []).append(f"{cc}={r['position']}")
    got = {r["criterion"].rsplit("/", 1)[-1]: r for r in competency(store, "countries-state-of-play-compared")}
    assert {k: r["levels"] for k, r in got.items()} == {k: " ".join(v) for k, v in selected.items()}
    assert {k for k, r in got.items() if r["distinctLevels"] == "1"} == {
        k for k, v in selected.items() if len({x.split("=")[1] for x in v}) == 1}
    assert got["continuity"]["distinctLevels"] == "2"


def test_competency_query_lists_partners_gained_and_lost_between_editions(compare):
    _client, folders, store = compare
    old, new = partners(DATA / "it" / "2023"), partners(folders["IT2024"])
    notation = {"escp": "ESCP", "innosup-1": "INNOSUP-1", "euroclusters": "Euroclusters"}
    expected = sorted([("IT", "2023", "2024", notation[p], c, "added") for p in new for c in new[p] - old.get(p, set())]
                      + [("IT", "2023", "2024", notation[p], c, "removed") for p in old for c in old[p] - new.get(p, set())])
    got = [tuple(r[k] for k in ("cc", "previous", "latest", "programmeLabel", "code", "change"))
           for r in competency(store, "partners-gained-and-lost")]
    assert sorted(got) == expected == [("IT", "2023", "2024", "ESCP", "FI", "removed")]


def test_static_report_has_a_set_of_pages_per_country_linked_by_the_selector(compare, tmp_path):
    """`eccp-kg report` writes each per-country view once per loaded country (IT, the default, as
    VIEW.html; NO as VIEW-no.html), each page's selector links the same view of the other
    country and its navigation stays with its country; the countries view is written once."""
    from eccp_kg.explore.queries import store_select
    from eccp_kg.explore.report import write_report
    from eccp_kg.explore.views import VIEWS

    _client, folders, store = compare
    out = tmp_path / "report"
    written = {p.name for p in write_report(store_select(store), out)}
    per_country = [slug for slug, v in VIEWS.items() if v.per_country]
    assert written == ({"index.html", "countries.html"} | {f"{s}.html" for s in per_country}
                       | {f"{s}-no.html" for s in per_country})

    def doc(name: str) -> Element:
        return html5lib.parse((out / name).read_text(encoding="utf-8"), namespaceHTMLElements=False)

    for slug in per_country:
        italy, norway = doc(f"{slug}.html"), doc(f"{slug}-no.html")
        assert selector(italy) == {"IT": (f"{slug}.html", True), "NO": (f"{slug}-no.html", False)}, slug
        assert selector(norway) == {"IT": (f"{slug}.html", False), "NO": (f"{slug}-no.html", True)}, slug
        assert "Norway" in lead(norway) and "Italy" in lead(italy), slug
        nav = {a.get("href") for a in norway.findall(".//nav[@class='explore-views']//a")}
        assert {f"{s}-no.html" for s in per_country} | {"countries.html", "index.html"} == nav, slug
    matrix = {text(tr.find("th")).split()[0] for tr in by_id(doc("partnerships.html"), "matrix").findall("./tbody/tr")}
    assert matrix == set().union(*partners(folders["IT2024"]).values())  # Italy's partners only
    matrix_no = {text(tr.find("th")).split()[0] for tr in by_id(doc("partnerships-no.html"), "matrix").findall("./tbody/tr")}
    assert matrix_no == set().union(*partners(folders["NO"]).values())
    assert "IT" in matrix_no and "IT" not in matrix
    header = by_id(doc("countries.html"), "country-programmes").findall("./thead/tr/th")[1:]
    assert [th.get("data-country") for th in header] == ["IT", "NO"]
    assert "Italy, Norway" in text(doc("index.html").find(".//h1"))
