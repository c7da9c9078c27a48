"""The explorer's numbers, in-process (Flask test client) over the REAL build, and `eccp-kg report`.

Every expected value is derived here from the source tables in data/it/2023/ (the transcription of
the factsheet), never pasted: if the graph, a query or a page loses or invents a fact, these fail.
The pages are parsed as HTML and read the way a person reads them (table cells by id and column)."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest

from eccp_kg.graph.iris import base_iri
from eccp_kg.explore.views import VIEWS

DATA = Path(__file__).resolve().parent.parent / "data" / "it" / "2023"


# --- expectations from the source tables ------------------------------------------------------
def table(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def partner_lists() -> dict[str, list[str]]:
    """Programme key -> partner codes exactly as printed (order and duplicates kept)."""
    lists: dict[str, list[str]] = defaultdict(list)
    for row in sorted(table("programme_partner_countries"), key=lambda r: int(r["position"])):
        lists[row["programme"]].append(row["country_code"])
    return dict(lists)


def stated_partner_counts() -> dict[str, int]:
    return {r["programme"]: int(r["value"]) for r in table("programme_figures") if r["measure"] == "partner_countries"}


def top5(nuts: str) -> list[str]:
    rows = [r for r in table("sectoral_agglomerations") if r["nuts_code"] == nuts and r["nace_code"]]
    return [r["nace_code"] for r in sorted(rows, key=lambda r: int(r["rank"]))]


def stated_counts(name: str) -> dict[str, int]:
    return {r["nuts_code"]: int(r["agglomeration_count"]) for r in table(name)}


def objectives() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for r in table("policy_cells"):
        if r["section"] == "POLICY OBJECTIVES" and r["kind"] == "category":
            found[r["policy"]].add(r["category"])
    return dict(found)


# --- the real build, served in-process ---------------------------------------------------------
@pytest.fixture(scope="module")
def store_dir(served_build: Path) -> Path:
    """The real build's store ($ECCP_KG_BUILD_DIR or the session build, see conftest `served_build`)."""
    return served_build / "store"


@pytest.fixture(scope="module")
def explore_client(store_dir: Path):
    from eccp_kg.server.app import create_app

    app = create_app({"TESTING": True, "IN_PROCESS": True, "STORE_DIR": str(store_dir)})
    return app.test_client()


def page(client, path: str) -> Element:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def text(el: Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def rows_of(doc: Element, table_id: str, part: str = "tbody") -> list[list[Element]]:
    tbl = doc.find(f".//table[@id='{table_id}']")
    assert tbl is not None, f"no table #{table_id}"
    return [list(tr) for tr in tbl.findall(f"./{part}/tr")]


def header(doc: Element, table_id: str) -> list[str]:
    return [text(th) for th in doc.find(f".//table[@id='{table_id}']/thead/tr")]


# --- partnerships ------------------------------------------------------------------------------
def matrix(doc: Element) -> dict[str, dict[str, int]]:
    """Country code -> programme key -> count, read from the rendered matrix (hidden cells included)."""
    out: dict[str, dict[str, int]] = {}
    for cells in rows_of(doc, "matrix"):
        code = text(cells[0]).split()[0]
        out[code] = {c.get("data-programme"): int(text(c).split()[0]) for c in cells[1:-1]
                     if c.get("data-programme") and "hit" in c.get("class", "")}
    return out


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


# --- eccp-kg report ----------------------------------------------------------------------------
def run_cli(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("eccp-kg")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def report_dir(store_dir: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    done = run_cli("report", "--out", str(out), "--store", str(store_dir))
    assert done.returncode == 0, done.stderr
    assert f"wrote {len(VIEWS) + 1} pages" in done.stdout
    return out


def test_report_writes_every_page_with_relative_assets(report_dir: Path):
    assert sorted(p.name for p in report_dir.glob("*.html")) == sorted(["index.html", *(f"{s}.html" for s in VIEWS)])
    for html_file in report_dir.glob("*.html"):
        doc = html5lib.parse(html_file.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        refs = [e.get("href") for e in doc.iter("link")] + [e.get("src") for e in doc.iter("script") if e.get("src")]
        refs += [a.get("href") for a in doc.iter("a") if not a.get("href", "").startswith(("http", "#"))]
        for ref in refs:
            if ref.startswith("data:"):
                continue
            assert not ref.startswith("/"), (html_file.name, ref)
            assert (report_dir / ref.split("#")[0]).is_file(), (html_file.name, ref)
    bundles = list((report_dir / "static").rglob("chart.umd*.js"))
    assert bundles, "chart.js is copied"
    assert (bundles[0].parent / "LICENSE").is_file(), "with its licence"


def test_report_has_the_same_numbers_as_the_live_views(report_dir: Path, explore_client):
    for slug in VIEWS:
        static = html5lib.parse((report_dir / f"{slug}.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
        live = page(explore_client, f"/explore/{slug}")
        for tbl in live.iter("table"):
            ident = tbl.get("id")
            same = static.find(f".//table[@id='{ident}']")
            assert same is not None, (slug, ident)
            body = lambda t: [text(tr) for part in ("tbody", "tfoot") for tr in t.findall(f"./{part}/tr")]  # noqa: E731
            assert body(same) == body(tbl), (slug, ident)  # headers differ: live ones are sort links
    doc = html5lib.parse((report_dir / "regions.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    cells = [c for c in doc.find(".//tr[@id='sectoral-ITC4']") if c.get("data-rank")]
    assert [text(c.find(".//abbr")) for c in cells] == top5("ITC4")
    links = [a.get("href") for a in doc.findall(".//table[@id='ranking']//a")]
    assert links and all(h.startswith(base_iri() + "id/nuts/") for h in links)  # published IRIs


def test_report_without_store_fails_clearly(tmp_path: Path):
    done = run_cli("report", "--out", str(tmp_path / "r"), "--store", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "--store" in done.stderr and "missing" in done.stderr
    assert not (tmp_path / "r").exists()


def test_report_ui_url_links_queries(store_dir: Path, tmp_path: Path):
    out = tmp_path / "r"
    done = run_cli("report", "--out", str(out), "--store", str(store_dir), "--ui-url", "https://example.org/ui/")
    assert done.returncode == 0, done.stderr
    doc = html5lib.parse((out / "euroclusters.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    href = doc.find(".//section[@class='sparql']//a").get("href")
    parts = urlsplit(href)
    assert href.startswith("https://example.org/ui/#") and "Eurocluster" in parse_qs(parts.fragment)["query"][0]


def test_report_without_ui_url_has_no_dead_query_links(report_dir: Path):
    doc = html5lib.parse((report_dir / "policies.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    assert doc.findall(".//section[@class='sparql']//pre")
    assert not doc.findall(".//section[@class='sparql']//a")


def test_failing_query_leaves_no_half_report(tmp_path: Path):
    from eccp_kg.explore.report import write_report

    calls = []

    def select(query: str, substitutions=None):
        calls.append(query)
        if len(calls) == 3:
            raise OSError("store read failed")
        return []

    with pytest.raises(OSError, match="store read failed"):
        write_report(select, tmp_path / "r")
    assert not (tmp_path / "r").exists()


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


# --- a later edition ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_editions_client(store_dir: Path):
    """The real graph plus a made-up later edition: the it/2023 graph copied as it/2024, minus the
    last Eurocluster partner listing. The explorer must show 2024 alone, never the two added up."""
    from types import SimpleNamespace

    import pyoxigraph as ox

    from eccp_kg.graph.iris import Minter
    from eccp_kg.graph.sources import latest_graph
    from eccp_kg.server.app import create_app

    source = ox.Store.read_only(str(store_dir))
    store = ox.Store()
    store.extend(source.quads_for_pattern(None, None, None, None))
    edition = ox.NamedNode(base_iri() + "graph/it/2023")
    dropped = f"id/it/2024/participation/euroclusters/partner/{len(partner_lists()['euroclusters'])}>"
    lines = []
    for quad in source.quads_for_pattern(None, None, None, edition):
        line = str(quad).replace("/it/2023", "/it/2024")
        line = line.replace('#edition> "2023"', '#edition> "2024"')
        if dropped not in line:
            lines.append(line + " .\n")
    store.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    # what a build derives from the editions it loads: B graph/latest now names it/2024
    latest = ox.NamedNode(base_iri() + "graph/latest")
    assert list(store.quads_for_pattern(None, None, None, latest)), "the build names each country's latest edition"
    store.remove_graph(latest)
    derived = latest_graph([SimpleNamespace(country="IT", edition=e) for e in ("2023", "2024")], Minter.default())
    store.load(derived.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=latest)
    return create_app({"TESTING": True, "IN_PROCESS": True}, store=store).test_client()


def test_a_later_edition_replaces_the_numbers_instead_of_adding_to_them(two_editions_client):
    lists = partner_lists()
    doc = page(two_editions_client, "/explore/partnerships")
    got = matrix(doc)
    later = Counter(lists["euroclusters"][:-1])  # the 2024 copy lacks the last listing
    assert {c: n["euroclusters"] for c, n in got.items() if "euroclusters" in n} == dict(later)
    assert {c: n["innosup-1"] for c, n in got.items() if "innosup-1" in n} == dict(Counter(lists["innosup-1"]))
    doc = page(two_editions_client, "/explore/regions")
    cells = [c for c in doc.find(".//tr[@id='sectoral-ITC4']") if c.get("data-rank")]
    assert [text(c.find(".//abbr")) for c in cells] == top5("ITC4")
    doc = page(two_editions_client, "/explore/policies")
    listed = [len(c.findall(".//li")) for c in list(doc.find(".//tr[@id='aspect-policy-objectives']"))[1:]]
    per_policy = Counter(r["policy"] for r in table("policy_cells") if r["section"] == "POLICY OBJECTIVES")
    assert listed == [per_policy[r["key"]] for r in sorted(table("policies"), key=lambda r: int(r["column"]))]
    assert len(listed) == 2  # two policies, not four
