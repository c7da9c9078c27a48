"""The explorer's numbers, in-process (Flask test client) over the REAL build: partnerships, Euroclusters,
regions, ecosystems and policies, each against the source tables.

Every expected value is derived from the source tables in data/it/2023/ (the transcription of
the factsheet, tests/exploring.py), never pasted: if the graph, a query or a page loses or invents a fact,
these fail. What every page shares: test_explore_pages.py; `eccp-kg report`: test_explore_report.py;
a later edition: test_explore_editions.py."""
from __future__ import annotations

import json
from collections import Counter, defaultdict

from eccp_kg.explore.views import VIEWS
from tests.exploring import (header, matrix, objectives, page, partner_lists, rows_of, stated_counts,
                             stated_partner_counts, table, text, top5)
from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)


# --- partnerships ------------------------------------------------------------------------------
def test_partnership_matrix_counts_every_listing_as_printed(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    got = matrix(doc)
    for programme, codes in partner_lists().items():
        listed = Counter(codes)
        assert {c: n[programme] for c, n in got.items() if programme in n} == dict(listed), programme
    # the footer: listed (duplicates kept) and distinct per programme
    foot = {r[0].text: {c.get("data-programme"): int(text(c)) for c in r[1:] if c.get("data-programme")}
            for r in rows_of(doc, "matrix", "tfoot")}
    for programme, codes in partner_lists().items():
        assert foot["Listed"][programme] == len(codes)
        assert foot["Distinct"][programme] == len(set(codes))
    everywhere = set.union(*(set(c) for c in partner_lists().values()))
    assert len(got) == len(everywhere)


def test_eurocluster_partner_countries_are_the_printed_list(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    in_euroclusters = {c for c, n in matrix(doc).items() if "euroclusters" in n}
    assert in_euroclusters == set(partner_lists()["euroclusters"])
    assert len(in_euroclusters) == len(partner_lists()["euroclusters"])


def test_stated_counts_shown_next_to_counted_ones(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    stated = stated_partner_counts()
    rows = {tr.get("data-programme"): [text(c) for c in tr]
            for tr in doc.findall(".//table[@id='stated-counts']/tbody/tr")}
    assert set(rows) == set(partner_lists())
    for programme, codes in partner_lists().items():
        _, stated_n, printed, listed, distinct, check = rows[programme]
        assert int(stated_n) == stated[programme]
        assert int(listed) == len(codes) and int(distinct) == len(set(codes))
        expected_differs = stated[programme] != len(codes) or stated[programme] != len(set(codes))
        assert (check == "differs") == expected_differs, programme
        assert str(stated[programme]) in printed  # the sentence as printed, e.g. "... 2 different EU member states"
    assert rows["escp"][5] == "differs" and rows["innosup-1"][5] == "differs"
    assert rows["euroclusters"][5] == "agrees"


def test_set_view_counts_countries_by_number_of_programmes(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    lists = {k: set(v) for k, v in partner_lists().items()}
    membership = Counter(c for codes in lists.values() for c in codes)
    for n in range(1, len(lists) + 1):
        box = doc.find(f".//div[@id='set-{n}']")
        count = int(text(box.find("./h3/span")))
        assert count == sum(1 for m in membership.values() if m == n), n
    for key, codes in lists.items():
        only = {c for c in codes if membership[c] == 1}
        span = doc.find(f".//span[@data-only='{key}']")
        assert int(text(span)) == len(only)


def test_programme_filter_without_javascript_restricts_columns_and_rows(explore_client):
    doc = page(explore_client, "/explore/partnerships?programme=innosup-1")
    rows = doc.findall(".//table[@id='matrix']/tbody/tr")
    visible = [tr for tr in rows if tr.get("hidden") is None]
    assert {text(tr[0]).split()[0] for tr in visible} == set(partner_lists()["innosup-1"])
    assert len(rows) == len(set.union(*(set(c) for c in partner_lists().values())))  # the rest hidden, not gone
    status = text(doc.find(".//*[@id='matrix-status']"))
    assert status.startswith(f"{len(visible)} of {len(rows)} ")
    heads = doc.findall(".//table[@id='matrix']/thead/tr/th[@data-programme]")
    assert [h.get("data-programme") for h in heads if h.get("hidden") is None] == ["innosup-1"]
    boxes = {i.get("value"): i.get("checked") is not None for i in doc.findall(".//input[@name='programme']")}
    assert boxes == {"escp": False, "innosup-1": True, "euroclusters": False}


def test_unknown_programme_is_a_400_naming_the_allowed_ones(explore_client):
    response = explore_client.get("/explore/partnerships?programme=nope", headers={"Accept": "application/json"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "programme" in error["detail"] and "'nope'" in error["detail"]
    assert set(error["allowed"]) == set(partner_lists())


def test_unknown_view_is_a_404_in_the_error_shape(explore_client):
    response = explore_client.get("/explore/nothing-here", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["allowed"] == list(VIEWS)


# --- euroclusters ------------------------------------------------------------------------------
def test_euroclusters_with_their_stated_ecosystems_and_resource_links(explore_client):
    doc = page(explore_client, "/explore/euroclusters")
    names = [r["name"] for r in sorted(table("euroclusters"), key=lambda r: int(r["position"]))]
    given: dict[str, list[str]] = defaultdict(list)
    for r in sorted(table("eurocluster_ecosystems"), key=lambda r: int(r["position"])):
        given[r["eurocluster"]].append(r["ecosystem_label"])
    rows = rows_of(doc, "euroclusters")
    assert [text(r[0]) for r in rows] == names
    for cells in rows:
        name = text(cells[0])
        shown = [text(li) for li in cells[1].findall(".//li")]
        assert shown == given.get(name, []), name
        href = cells[0].find(".//a").get("href")
        assert href.startswith("/id/eurocluster/"), href  # the minted IRI, served on this site
    assert text(doc.find(".//*[@id='eurocluster-count']")) == str(len(names))
    assert text(doc.find(".//*[@id='eurocluster-with-ecosystems']")) == str(len(given))


# --- regions -----------------------------------------------------------------------------------
def test_lombardy_top5_in_rank_order_with_stated_number(explore_client):
    doc = page(explore_client, "/explore/regions")
    row = doc.find(".//tr[@id='sectoral-ITC4']")
    cells = list(row)
    assert text(cells[1]).split()[0] == str(stated_counts("sectoral_agglomeration_counts")["ITC4"])
    ranked = [c for c in cells[2:] if c.get("data-rank")]
    assert [int(c.get("data-rank")) for c in ranked] == list(range(1, len(ranked) + 1))
    assert [text(c.find(".//abbr")) for c in ranked] == top5("ITC4")
    assert cells[0].find(".//a").get("href") == "/id/nuts/ITC4"


def test_every_region_row_matches_tables_1_and_2(explore_client):
    doc = page(explore_client, "/explore/regions")
    sectoral, ecosystem = stated_counts("sectoral_agglomeration_counts"), stated_counts("ecosystem_agglomeration_counts")
    assert [tr.get("data-region") for tr in doc.findall(".//table[@id='sectoral']/tbody/tr")] == list(sectoral)
    for code in sectoral:
        cells = list(doc.find(f".//tr[@id='sectoral-{code}']"))
        assert [text(c.find(".//abbr")) for c in cells[2:] if c.get("data-rank")] == top5(code), code
    listed = defaultdict(list)
    for r in table("ecosystem_agglomerations"):
        if r["ecosystem_label"]:
            listed[r["nuts_code"]].append(r["ecosystem_label"])
    for code, n in ecosystem.items():
        tr = doc.find(f".//tr[@id='ecosystem-agglomerations-{code}']")
        cells = list(tr)
        assert int(text(cells[1]).split()[0]) == n
        assert [text(c.find(".//a")) for c in cells[2:] if c.get("data-rank")] == listed.get(code, []), code
        # a stated number that does not match what is listed is marked, never corrected
        assert ("differs" in tr.get("class", "")) == (len(listed.get(code, [])) != min(n, 2)), code


def test_region_ranking_orders_by_stated_numbers(explore_client):
    doc = page(explore_client, "/explore/regions")
    sectoral, ecosystem = stated_counts("sectoral_agglomeration_counts"), stated_counts("ecosystem_agglomeration_counts")
    expected = sorted(sectoral, key=lambda c: (-sectoral[c], -ecosystem[c], c))
    rows = rows_of(doc, "ranking")
    assert [tr.get("data-region") for tr in doc.findall(".//table[@id='ranking']/tbody/tr")] == expected
    for cells, code in zip(rows, expected):
        assert (int(text(cells[2])), int(text(cells[3]))) == (sectoral[code], ecosystem[code])
    assert text(rows[0][0]) == "1"


# --- ecosystems --------------------------------------------------------------------------------
def test_cluster_organisations_per_ecosystem_table_and_chart_agree(explore_client):
    doc = page(explore_client, "/explore/ecosystems")
    source = table("cluster_organisations_by_ecosystem")
    expected = [(r["ecosystem_label"], int(r["count"]))
                for r in sorted(source, key=lambda r: (-int(r["count"]), int(r["position"])))]
    got = [(text(c[0]), int(text(c[1]))) for c in rows_of(doc, "organisations")]
    assert got == expected
    spec = json.loads(doc.find(".//figure[@id='organisations-chart']//canvas").get("data-spec"))
    assert list(zip(spec["labels"], spec["series"][0]["values"])) == expected


def test_member_composition_against_the_eu(explore_client):
    doc = page(explore_client, "/explore/ecosystems")
    shares = {r["label"]: (int(r["value"]), int(r["eu_value"])) for r in table("cluster_organisation_figures")
              if r["unit"] == "percent"}
    got = {text(c[0]): (int(text(c[1])), int(text(c[2]))) for c in rows_of(doc, "members")}
    assert got == shares


# --- policies ----------------------------------------------------------------------------------
def test_policies_side_by_side_with_shared_objectives_marked(explore_client):
    doc = page(explore_client, "/explore/policies")
    policies = [r for r in sorted(table("policies"), key=lambda r: int(r["column"]))]
    assert header(doc, "policies")[1].startswith(policies[0]["name"])
    assert header(doc, "policies")[2].startswith(policies[1]["name"])
    objs = objectives()
    national, regional = (objs[p["key"]] for p in policies)
    row = doc.find(".//tr[@id='aspect-policy-objectives']")
    cells = list(row)[1:]
    shared_items = [len(c.findall(".//li[@class='shared']")) for c in cells]
    assert shared_items == [len(national & regional)] * 2
    listed = [len(c.findall(".//li")) for c in cells]
    texts_per_policy = Counter(r["policy"] for r in table("policy_cells") if r["section"] == "POLICY OBJECTIVES")
    assert listed == [texts_per_policy[p["key"]] for p in policies]
    for aspect in ("aspect-instruments-financial", "aspect-beneficiaries", "aspect-budget-overall",
                   "aspect-history-starting-year"):
        assert doc.find(f".//tr[@id='{aspect}']") is not None, aspect


def test_policy_budget_and_history_cells_as_printed(explore_client):
    doc = page(explore_client, "/explore/policies")
    cells = {(r["policy"], r["section"], r["row_label"]): r["text"] for r in table("policy_cells")}
    keys = [r["key"] for r in sorted(table("policies"), key=lambda r: int(r["column"]))]
    for aspect, section, field in (("budget-overall", "BUDGET", "Overall"),
                                   ("history-starting-year", "HISTORY", "Starting year")):
        row = list(doc.find(f".//tr[@id='aspect-{aspect}']"))[1:]
        for cell, key in zip(row, keys):
            assert text(cell).replace(" shared", "") == " ".join(cells[(key, section, field)].split())
