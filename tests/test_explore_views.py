"""Pure tests of the explorer's shaping functions and query loading (no store, no server).

The rows here are small hand-written inputs in the shape each queries/explore/*.rq returns;
the numbers asserted are computed by the functions under test, so each test can fail."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from eccp_kg.explore import queries as eq
from eccp_kg.explore import views as ev

B = "https://example.org/"


def listing(prog: str, code: str, listed: int = 1) -> dict:
    return {"programme": B + "id/programme/" + prog, "programmeLabel": prog.upper(), "code": code,
            "country": B + "id/country/" + code, "listed": listed}


PARTNER_ROWS = {
    "partnership-listings": [
        listing("a", "ES"), listing("a", "FR"), listing("a", "DE"),
        listing("b", "ES"), listing("b", "EL", 2), listing("b", "FR"),
        listing("c", "ES"), listing("c", "LV"),
    ],
    "partnership-stated-counts": [
        {"programme": B + "id/programme/a", "programmeLabel": "A", "statedCount": 2, "listed": 3, "distinct": 3},
        {"programme": B + "id/programme/b", "programmeLabel": "B", "statedCount": 4, "listed": 4, "distinct": 3},
        {"programme": B + "id/programme/c", "programmeLabel": "C", "statedCount": 2, "listed": 2, "distinct": 2},
    ],
}


def test_partnership_matrix_counts_duplicates_and_sets():
    data = ev.partnerships(PARTNER_ROWS)
    assert [p["key"] for p in data["programmes"]] == ["a", "b", "c"]
    by_code = {c["code"]: c for c in data["matrix"]}
    assert by_code["EL"]["counts"] == {"b": 2}  # listed twice, kept
    assert data["totals"] == {"a": 3, "b": 4, "c": 2}
    assert data["distinct"] == {"a": 3, "b": 3, "c": 2}
    assert data["matrix"][0]["code"] == "ES"  # in most programmes first
    sets = {s["n"]: [c["code"] for c in s["countries"]] for s in data["sets"]}
    assert sets == {3: ["ES"], 2: ["FR"], 1: ["DE", "EL", "LV"]}
    assert {k: [c["code"] for c in v] for k, v in data["only"].items()} == {"a": ["DE"], "b": ["EL"], "c": ["LV"]}
    groups = {s["n"]: [(g["label"], [c["code"] for c in g["countries"]]) for g in s["groups"]] for s in data["sets"]}
    assert groups[2] == [("A + B", ["FR"])]  # which two programmes, not just how many
    assert groups[1] == [("A", ["DE"]), ("B", ["EL"]), ("C", ["LV"])]


def test_stated_counts_flag_only_real_differences():
    stated = {s["key"]: s for s in ev.partnerships(PARTNER_ROWS)["stated"]}
    assert stated["a"]["differs"]  # 2 stated, 3 listed
    assert stated["b"]["differs"]  # 4 stated = 4 listed, but 3 distinct
    assert not stated["c"]["differs"]


def test_partnership_filter_keeps_countries_of_chosen_programmes():
    data = ev.partnerships(PARTNER_ROWS, ["c"])
    assert data["shown"] == ["c"]
    assert sorted(c["code"] for c in data["matrix"] if c["visible"]) == ["ES", "LV"]
    assert len(data["matrix"]) == 5 and data["visibleCount"] == 2  # hidden rows stay for the page's filter
    assert ev.programme_keys(PARTNER_ROWS) == ["a", "b", "c"]


def test_euroclusters_keep_stated_ecosystems_once():
    rows = {"euroclusters": [
        {"eurocluster": B + "e1", "label": "E1"},
        {"eurocluster": B + "e2", "label": "E2", "ecosystem": B + "x", "ecosystemLabel": "X"},
        {"eurocluster": B + "e2", "label": "E2", "ecosystem": B + "y", "ecosystemLabel": "Y"},
        {"eurocluster": B + "e2", "label": "E2", "ecosystem": B + "x", "ecosystemLabel": "X"},
    ]}
    data = ev.euroclusters(rows)
    assert data["count"] == 2 and data["withEcosystems"] == 1
    assert [x["label"] for x in data["euroclusters"][1]["ecosystems"]] == ["X", "Y"]


def region(code, stated, rank=None, nace=None, label=None):
    r = {"region": B + "id/nuts/" + code, "code": code, "regionLabel": code.lower(), "stated": stated}
    if rank is not None:
        r.update(rank=rank, nace=B + "id/nace/" + nace, naceCode=nace, naceLabel=label)
    return r


def test_regions_order_ranks_and_flag_contradictions():
    rows = {
        "region-sector-agglomerations": [
            region("R1", 8, 2, "C14", "apparel"), region("R1", 8, 1, "T97", "households"),
            *[region("R1", 8, r, f"X{r}", "x") for r in (3, 4, 5)],
            region("R2", 4, 1, "T97", "households"), region("R2", 4, 2, "S96", "personal"),
            region("R3", 0),
        ],
        "region-ecosystem-agglomerations": [],
        "region-ranking": [
            {"region": B + "1", "code": "R1", "regionLabel": "r1", "sectoral": 8, "ecosystems": 1},
            {"region": B + "4", "code": "R4", "regionLabel": "r4", "sectoral": 8, "ecosystems": 1},
            {"region": B + "2", "code": "R2", "regionLabel": "r2", "sectoral": 4, "ecosystems": 0},
        ],
    }
    data = ev.regions(rows)
    r1, r2, r3 = data["sectoral"]
    assert [i["naceCode"] for i in r1["items"]][:2] == ["T97", "C14"]  # rank order, not row order
    assert not r1["differs"]  # 8 stated, top 5 listed
    assert r2["differs"]  # 4 stated, 2 listed
    assert not r3["differs"] and r3["items"] == []
    assert [r["place"] for r in data["ranking"]] == [1, 1, 3]  # ties share a place
    assert data["sectorWidth"] == 5


def test_ecosystems_chart_series_follow_the_table():
    rows = {
        "ecosystem-cluster-organisations": [
            {"ecosystem": B + "h", "ecosystemLabel": "Health", "organisations": 9},
            {"ecosystem": B + "t", "ecosystemLabel": "Tourism", "organisations": 2},
        ],
        "member-composition": [
            {"memberType": B + "s", "memberTypeLabel": "SMEs", "share": 87, "euShare": 83},
        ],
    }
    data = ev.ecosystems(rows)
    assert data["organisationsChart"]["series"][0]["values"] == [9, 2]
    assert data["membersChart"]["series"][1]["values"] == [83]


def test_policies_mark_items_both_list():
    def row(pol, aspect, item=None, text=None):
        return {"policy": B + pol, "policyLabel": pol, "aspect": B + aspect, "aspectLabel": aspect,
                **({"item": B + item, "itemLabel": item} if item else {}), **({"text": text} if text else {})}

    rows = {"policies": [
        row("nat", "objectives", "o1"), row("nat", "objectives", "o2"), row("reg", "objectives", "o1"),
        row("nat", "budget", text="Data unavailable."), row("reg", "budget", text="Data  unavailable."),
        row("reg", "history", text="2014"), row("nat", "history", text="2013"),
    ]}
    data = ev.policies(rows)
    aspects = {a["key"]: a for a in data["aspects"]}
    nat, reg = aspects["objectives"]["row"]
    assert [(v["label"], v["shared"]) for v in nat] == [("o1", True), ("o2", False)]
    assert aspects["objectives"]["shared"] == 1
    assert all(v["shared"] for cell in aspects["budget"]["row"] for v in cell)  # same text, spacing aside
    assert not any(v["shared"] for cell in aspects["history"]["row"] for v in cell)


@pytest.mark.parametrize("literal, value", [
    (ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), 7),
    (ox.Literal("87.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), 87.5),
    (ox.Literal("87", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), 87),
    (ox.Literal("2013", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")), 2013),
    (ox.Literal("seven", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), "seven"),
    (ox.Literal("T97"), "T97"),
    (ox.NamedNode(B + "x"), B + "x"),
])
def test_plain_values(literal, value):
    assert eq.plain(literal) == value


def test_every_view_query_loads_with_a_question():
    names = eq.query_names()
    for view in ev.VIEWS.values():
        for q in view.load():
            assert q.name in names
            assert q.question and q.text.startswith("# Question:")


def test_bad_query_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(eq, "_query_dir", lambda: tmp_path)
    (tmp_path / "no-question.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "bad-prefix.rq").write_text("# Question: x?\nPREFIX eccp: <http://wrong.example/>\nSELECT * {}\n")
    (tmp_path / "unknown-prefix.rq").write_text("# Question: x?\n\nPREFIX zz: <http://zz/>\nSELECT * {}\n")
    with pytest.raises(eq.ExploreQueryError, match=r"no-question.rq:1: expected '# Question"):
        eq.load_query("no-question")
    with pytest.raises(eq.ExploreQueryError, match=r"bad-prefix.rq:2: column 'PREFIX eccp:': expected <https://w3id"):
        eq.load_query("bad-prefix")
    with pytest.raises(eq.ExploreQueryError, match=r"unknown-prefix.rq:3: column 'PREFIX zz:': expected one of eccp"):
        eq.load_query("unknown-prefix")
    with pytest.raises(eq.ExploreQueryError, match="no such explorer query"):
        eq.load_query("missing")
    with pytest.raises(eq.ExploreQueryError, match="expected lower-case"):
        eq.load_query("../etc/passwd")


def test_values_from_the_graph_are_escaped_in_pages():
    from eccp_kg.explore.render import ReportLinks, render_view

    evil = '<script>alert("x")</script>'
    rows = {"euroclusters": [{"eurocluster": B + 'e"1', "label": evil, "ecosystem": B + "x", "ecosystemLabel": evil}]}
    view = ev.VIEWS["euroclusters"]
    html = render_view(view, view.load(), ev.euroclusters(rows), ReportLinks())
    assert evil not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'href="https://example.org/e&#34;1"' in html
