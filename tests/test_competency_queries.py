"""Competency queries (queries/*.rq) against the real built graph, each answer checked against the factsheet.

Expected answers are read from the factsheet text itself (data/it/2023/eccp-country-factsheet-italy.md,
the source document of the edition the tables transcribe), not pasted here, so a transcription or loader error shows up as
a difference between the graph and the document. Queries run as the server runs them: pyoxigraph with
the union of the named graphs as default graph."""
from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from eccp_kg.graph.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
EDITION = ROOT / "data" / "it" / "2023"
SEED = EDITION / tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))["source_file"]


# --- reading the factsheet -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


def codes(listing: str) -> list[str]:
    return [c.strip() for c in listing.split(",")]


def bold(cell: str) -> list[str]:
    return [html.unescape(b).strip() for b in re.findall(r"<b>(.+?)</b>", cell)]


def table1(text: str) -> dict[str, dict]:
    """Table 1 rows: NUTS code -> name, stated count, and the (rank, NACE code, label) printed."""
    rows = {}
    for line in between(text, "**Table 1", "**Table 2").splitlines():
        cells = line.split("\t")
        head = re.match(r"<b>(IT\w+): (.+)</b>", cells[0])
        if not head:
            continue
        aggs = []
        for rank, cell in enumerate(cells[2:7], start=1):
            m = re.match(r"([A-Z]\d{2}) [-–] (.+)$", cell.strip())
            if m:
                aggs.append((rank, m.group(1), m.group(2)))
        rows[head.group(1)] = {"name": head.group(2), "count": int(cells[1]), "aggs": aggs}
    return rows


# --- running the queries -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    """The session's built store, opened read-only."""
    from eccp_kg.graph.store import open_store

    return open_store(built_graph.store_path)


def query_file(name: str) -> Path:
    return QUERIES / f"{name}.rq"


def run(store: ox.Store, name: str) -> list[dict[str, object]]:
    """Rows of a competency query as dicts of plain values (IRIs and lexical forms as str, ints as int)."""
    result = store.query(query_file(name).read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for var in names:
            term = solution[var]
            if term is None:
                row[var] = None
            elif isinstance(term, ox.Literal) and term.datatype.value == PREFIXES["xsd"] + "integer":
                row[var] = int(term.value)
            else:
                row[var] = term.value
        rows.append(row)
    return rows


#: queries that compare countries or editions: their answers are checked over a graph with a second
#: country and a second edition in tests/test_explore_compare.py (here: the two-editions case)
COMPARING = {"countries-state-of-play-compared", "partners-gained-and-lost"}
#: of those, the ones whose answer is empty on a graph with one edition per country (the shipped one)
EMPTY_WITH_ONE_EDITION = {"partners-gained-and-lost"}
#: every query and the test that checks its answer
TESTED = {
    "cluster-organisations-registered", "cluster-organisations-by-ecosystem", "lombardy-top-sectoral-agglomerations",
    "regions-with-a01-agglomeration", "eurocluster-partner-countries", "euroclusters-and-ecosystems",
    "escp-and-innosup-common-partners", "national-technology-clusters", "policy-objectives-shared",
    "policy-budget-funding-start", "state-of-play-scores", "validation-warnings",
    "member-composition", "lombardy-technology-clusters", "semester-challenges", "employment-ecosystems",
    "ecosystem-agglomeration-regions", "policy-amounts",
    *COMPARING,
}


def test_every_query_states_its_question_and_is_tested():
    files = sorted(QUERIES.glob("*.rq"))
    assert {f.stem for f in files} == TESTED
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# Question: ") and lines[0].rstrip().endswith("?"), f.name
        # PREFIX lines make each file runnable anywhere; they must agree with the project's prefixes
        for prefix, iri in re.findall(r"^PREFIX ([\w-]*): <([^>]+)>", "\n".join(lines), re.M):
            assert PREFIXES.get(prefix) == iri, f"{f.name}: PREFIX {prefix}:"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for f in files:  # the README's table of competency queries lists each with its question
        question = f.read_text(encoding="utf-8").splitlines()[0].removeprefix("# Question: ")
        assert f"[`{f.name}`](queries/{f.name}) | {question} |" in readme, f.name


def test_registered_cluster_organisations_and_extraction_date(store, text):
    count = int(re.search(r"There are (\d+) cluster organisations registered on the ECCP", text).group(1))
    day, month, year = re.search(r"extracted on (\d{2})/(\d{2})/(\d{4})", text).groups()
    rows = run(store, "cluster-organisations-registered")
    assert [(r["edition"], r["count"], r["extracted"]) for r in rows] == [("2023", count, f"{year}-{month}-{day}")]
    assert rows[0]["printed"] in text
    assert (count, f"{year}-{month}-{day}") == (97, "2023-12-21")  # the figures the issue quotes


def test_cluster_organisations_per_ecosystem_largest_first(store, text):
    printed = [(label, int(n)) for label, n in
               re.findall(r"^- (.+?) \((\d+) cluster organisations?\)\s*$", text, re.M)]
    assert len(printed) == 13
    expected = sorted(printed, key=lambda item: -item[1])  # stable: ties keep the factsheet's order
    rows = run(store, "cluster-organisations-by-ecosystem")
    assert [(r["label"], r["count"]) for r in rows] == expected
    assert len({r["ecosystem"] for r in rows}) == 13


def test_lombardy_top_five(store, text):
    lombardy = table1(text)["ITC4"]
    assert lombardy["name"] == "Lombardy"
    rows = run(store, "lombardy-top-sectoral-agglomerations")
    assert [(r["rank"], r["nace"], r["label"]) for r in rows] == lombardy["aggs"]
    assert [r["nace"] for r in rows] == ["T97", "C14", "M74", "M69", "C28"]


def test_regions_with_a01(store, text):
    expected = sorted((code, rank, label) for code, row in table1(text).items()
                      for rank, nace, label in row["aggs"] if nace == "A01")
    rows = run(store, "regions-with-a01-agglomeration")
    assert [(r["nuts"], r["rank"], r["label"]) for r in rows] == expected
    assert len(rows) == 6


def test_eurocluster_partner_countries(store, text):
    stated, listing = re.search(r"with partner from (\d+) countries \(([^)]+)\)", text).groups()
    rows = run(store, "eurocluster-partner-countries")
    assert [r["code"] for r in rows] == codes(listing)
    assert [r["position"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["stated"] for r in rows} == {int(stated)} == {19}
    assert all(r["name"] for r in rows)


def test_euroclusters_and_their_ecosystems(store, text):
    names = re.search(r"These Euroclusters are (.+?)\. Collectively", text).group(1).split(", ")
    covering = {name: [e.rstrip(",") for e in re.findall(r'"([^"]+)"', ecosystems)]
                for name, ecosystems in re.findall(r"([\w-]+) \(covering ([^)]+)\)", text)}
    assert len(names) == 18 and set(covering) == {"EPICENTRE", "MedBan"}
    rows = run(store, "euroclusters-and-ecosystems")
    got: dict[str, list[str]] = {}
    for r in rows:
        got.setdefault(r["name"], [])
        if r["ecosystemAsPrinted"] is not None:
            got[r["name"]].append(r["ecosystemAsPrinted"])
    assert list(got) == names
    assert got == {name: covering.get(name, []) for name in names}


def test_partners_in_both_escp_and_innosup(store, text):
    escp = codes(re.search(r"EU member states \(([^)]+)\)", text).group(1))
    innosup = codes(re.search(r"coming from \d+ countries \(([^)]+)\)", text).group(1))
    rows = run(store, "escp-and-innosup-common-partners")
    assert [r["code"] for r in rows] == sorted(set(escp) & set(innosup))


def test_national_technology_clusters(store, text):
    focus = between(text, "<b>POLICY FOCUS</b>", "</ol>")
    printed = re.findall(r"<li>(\d+)\. (.+?)</li>", focus)
    rows = run(store, "national-technology-clusters")
    assert [(r["position"], r["name"]) for r in rows] == [(int(n), name) for n, name in printed]
    assert len(rows) == 12 and len({r["cluster"] for r in rows}) == 12


def objectives(text: str) -> tuple[list[str], list[str]]:
    """The bold objectives of Table 3 per column: the first page's rows and the continuation page."""
    national, regional = [], []
    first = between(text, "<b>POLICY OBJECTIVES</b>", "\n\n\n")
    for line in first.splitlines():
        cells = line.split("\t")
        if len(cells) >= 3:
            national += bold(cells[1])
            regional += bold(cells[2])
    continuation = next(line for line in text.splitlines() if "<p><b>Enhancing territorial cohesion" in line)
    cells = continuation.split("\t")
    national += [html.unescape(b) for b in re.findall(r"<p><b>(.+?)</b></p>", cells[1])]
    regional += [html.unescape(b) for b in re.findall(r"<p><b>(.+?)</b></p>", cells[2])]
    return national, regional


def test_shared_and_own_objectives(store, text):
    national, regional = objectives(text)
    assert (len(national), len(regional)) == (14, 12)

    # The objectives are standardised categories; the Lombardy column prints one of them in the singular
    # ("... innovation ecosystem"), so printed texts are compared case- and plural-insensitively.
    def key(label: str) -> str:
        return label.lower().rstrip("s")

    n, r = {key(x) for x in national}, {key(x) for x in regional}
    expected = {"both": n & r, "national only": n - r, "Lombardy only": r - n}
    rows = run(store, "policy-objectives-shared")
    got = {scope: {key(row["label"]) for row in rows if row["scope"] == scope} for scope in expected}
    assert got == expected
    assert {scope: len(v) for scope, v in got.items()} == {"both": 11, "national only": 3, "Lombardy only": 1}


def test_budget_funding_and_starting_year(store, text):
    def row(label: str) -> list[str]:
        line = next(line for line in text.splitlines() if f"<b>{label}</b>\t" in line and "BUDGET" in line
                    or line.startswith(f"\t<b>{label}</b>\t"))
        cells = line.split("\t")
        return [c.strip() for c in cells[cells.index(f"<b>{label}</b>") + 1:]]

    overall, funding, start = row("Overall"), row("Source of funding"), row("Starting year")
    rows = run(store, "policy-budget-funding-start")
    assert [r["budget"] for r in rows] == overall
    assert [r["funding"] for r in rows] == funding
    assert [r["startingYear"] for r in rows] == start == ["2013", "2014"]
    assert [r["type"] for r in rows] == ["National cluster policy", "Regional cluster policy"]


def test_policy_amounts_are_typed_values_as_printed(store, text):
    """Every 'EUR ...' Table 3 prints, read from the text (European format: 'EUR 1.500.000' = 1500000,
    'EUR 310 million' = 310000000), is an amount in EUR on its policy, with its words and qualifier."""
    table = between(text, "**Table 3", "# 04")
    printed = []
    # a page break may fall between 'EUR' and its number (the repeated table header has no digits)
    for number, million in re.findall(r"EUR[^0-9]{1,400}?([0-9][0-9.]*[0-9]|[0-9])( million)?", table):
        value = int(number.replace(".", "")) * (1_000_000 if million else 1)
        printed.append(value)
    rows = run(store, "policy-amounts")
    # the 'EUR 310 million' of BUDGET and of INSTRUMENTS are two statements; every printed amount is one row
    assert sorted(int(float(r["eur"])) for r in rows) == sorted(printed)
    assert len(printed) == 6
    national, lombardy = sorted({r["policy"] for r in rows}, key=lambda p: "lombardy" in p)
    qualified = {(int(float(r["eur"])), r["qualifier"], r["measure"]) for r in rows if r["policy"] == lombardy}
    assert (1_500_000, "at_least", "budget_total") in qualified and (50_000, "exact", "amount_per_project") in qualified
    about = [r for r in rows if r["policy"] == national and r["qualifier"] == "about"]
    assert [(int(float(r["eur"])), r["measure"]) for r in about] == [(40_000_000, "amount_per_cluster")]
    assert all("EUR " in r["printed"] and r["where"].startswith("Table 3, ") for r in rows)


def state_of_play(text: str) -> list[tuple[int, str]]:
    """Table 4: per criterion, the level printed on a line of its own (the one the country is scored at),
    numbered in reading order among the criterion's four levels."""
    table = between(text, "**Table 4", "Source: ECCP")
    blocks: list[list[str]] = []
    for line in table.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) < 2 or not cells[1].strip() or cells[0].strip() == "Italy":
            continue
        if cells[0].strip():
            blocks.append([])
        blocks[-1].append(cells[1].strip())
    scores = []
    for lines in blocks:
        levels = [re.split(r" (?=[A-Z])", line) for line in lines]
        assert sum(len(x) for x in levels) == 4
        order = 0
        for parts in levels:
            if len(parts) == 1:
                scores.append((order + 1, parts[0]))
            order += len(parts)
    return scores


def test_state_of_play_scores(store, text):
    annex = re.findall(r"^<b>(.+?)</b>\tassessment", between(text, "**Table 5: Analytical framework", "Source:"), re.M)
    rows = run(store, "state-of-play-scores")
    assert [r["criterionLabel"] for r in rows] == annex
    assert [(r["levelOrder"], r["printed"]) for r in rows] == state_of_play(text)
    assert all(r["levelCount"] == 4 for r in rows)


def table2(text: str) -> dict[str, tuple[int, list[str]]]:
    """Table 2 rows: NUTS code -> (stated number of ecosystem agglomerations, ecosystems printed)."""
    rows = {}
    for line in between(text, "**Table 2", "Source: ECCP").splitlines():
        cells = line.split("\t")
        head = re.match(r"<b>(IT\w+): .+</b>", cells[0])
        if head:
            rows[head.group(1)] = (int(cells[1]), [c.strip() for c in cells[2:] if c.strip() not in ("", "-")])
    return rows


def inconsistencies(text: str) -> dict[str, tuple[str, str]]:
    """The contradictions of the factsheet, found in its text: name -> (how to find the statement, key).

    Kinds: a stated count that differs from the items listed, a code listed twice, a count of 0 (or
    fewer than five) next to a different number of listed items."""
    found: dict[str, tuple[str, str]] = {}
    stated, listing = re.search(r"partners came from (\d+) different EU member states \(([^)]+)\)", text).groups()
    if int(stated) != len(codes(listing)):
        found["ESCP partner countries: stated count differs from the list"] = ("programme", "ESCP")
    innosup = codes(re.search(r"coming from \d+ countries \(([^)]+)\)", text).group(1))
    if len(set(innosup)) != len(innosup):
        found["INNOSUP-1 partner countries: a code listed twice"] = ("programme", "INNOSUP-1")
    for nuts, (count, listed) in table2(text).items():
        if count != len(listed):
            found[f"Table 2 {nuts}: {count} next to {len(listed)} listed"] = ("area", nuts)
    for nuts, row in table1(text).items():
        if row["count"] < 5 and row["count"] != len(row["aggs"]):
            found[f"Table 1 {nuts}: {row['count']} next to {len(row['aggs'])} listed"] = ("area", nuts)
    return found


# What a warning's focus node is about: the programme of a participation (or of the list it is an item
# of) and the region of an observation.
ABOUT = """
SELECT ?focus ?kind ?key WHERE {
  { ?focus eccp:programme/skos:notation ?key . BIND("programme" AS ?kind) }
  UNION { ?owner eccp:listedItem ?focus . ?owner eccp:programme/skos:notation ?key . BIND("programme" AS ?kind) }
  UNION { ?focus sdmx-dimension:refArea/skos:notation ?key . BIND("area" AS ?kind) }
}"""


def test_validation_warnings_name_the_factsheet_contradictions(store, built_graph, text):
    rows = run(store, "validation-warnings")
    assert len({(r["focus"], r["message"], r["value"]) for r in rows}) == built_graph.validation.warnings > 0
    assert all(r["message"] for r in rows)
    about: set[tuple[str, str]] = set()
    focus_nodes = {r["focus"] for r in rows}
    for solution in store.query(ABOUT, prefixes=PREFIXES, use_default_graph_as_union=True):
        if solution["focus"].value in focus_nodes:
            about.add((solution["kind"].value, solution["key"].value))
    expected = inconsistencies(text)
    assert len(expected) >= 4
    missing = {name: where for name, where in expected.items() if where not in about}
    assert not missing, f"contradictions of the factsheet without a warning: {missing}"


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory) -> ox.Store:
    """A build with a second, invented edition it/2099 beside it/2023 (a copy with Lombardy's first
    agglomeration relabelled), to check that the queries answer from the latest edition only."""
    import shutil

    from eccp_kg.pipeline import build_graph
    from eccp_kg.graph.sources import default_data_dir
    from eccp_kg.graph.store import open_store

    data = tmp_path_factory.mktemp("editions") / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    later = data / "it" / "2099"
    shutil.copytree(data / "it" / "2023", later)
    toml = later / "factsheet.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('edition = "2023"', 'edition = "2099"'), encoding="utf-8")
    table = later / "sectoral_agglomerations.csv"
    text = table.read_text(encoding="utf-8")
    assert text.count("Households as employers act.") > 1
    lines = text.splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if "ITC4" in line and "T97" in line)
    lines[i] = lines[i].replace("Households as employers act.", "Households as employers (later edition)")
    table.write_text("".join(lines), encoding="utf-8")
    result = build_graph(tmp_path_factory.mktemp("editions-build") / "build", data)
    assert {g.rsplit("graph/", 1)[1] for g in result.graphs} >= {"it/2023", "it/2099"}
    return open_store(result.store_path)


def test_the_latest_edition_is_one_triple_per_country_in_its_own_graph(two_editions):
    """B graph/latest names it/2099 once the build loads it; it/2023 is replaced by it, not dropped."""
    rows = list(two_editions.query(
        "SELECT ?g ?f ?old WHERE { GRAPH ?g { ?it eccp:latestFactsheet ?f . ?f eccp:isLatestEdition true . "
        "?old dcterms:isReplacedBy ?f } ?it skos:notation 'IT' }", prefixes=PREFIXES, use_default_graph_as_union=True))
    assert [(r["g"].value.rsplit("/", 2)[-1], r["f"].value.rsplit("/", 2)[-2:], r["old"].value.rsplit("/", 1)[-1])
            for r in rows] == [("latest", ["it", "2099"], "2023")]


def test_a_later_edition_is_added_beside_and_answers_come_from_it(two_editions):
    rows = run(two_editions, "lombardy-top-sectoral-agglomerations")
    assert [(r["edition"], r["rank"], r["nace"]) for r in rows] == [("2099", n, c) for n, c in
                                                                  enumerate(["T97", "C14", "M74", "M69", "C28"], 1)]
    assert rows[0]["label"] == "Households as employers (later edition)"
    registered = run(two_editions, "cluster-organisations-registered")
    assert [(r["edition"], r["count"]) for r in registered] == [("2023", 97), ("2099", 97)]
    for name in TESTED - {"cluster-organisations-registered", "validation-warnings"} - COMPARING:
        assert {r["edition"] for r in run(two_editions, name)} == {"2099"}, name
    assert run(two_editions, "partners-gained-and-lost") == []  # both editions list the same partners
    assert [r["countries"] for r in run(two_editions, "countries-state-of-play-compared")] == [1, 1, 1, 1]


def test_member_composition_with_the_eu_comparison(store, text):
    printed = re.findall(r"(SMEs|large enterprises|research organisations) \((\d+)%, EU: (\d+)%\)", text)
    assert len(printed) == 3
    expected = sorted(((label, int(it), int(eu)) for label, it, eu in printed), key=lambda r: -r[1])
    rows = run(store, "member-composition")
    assert [(r["label"], int(r["share"]), int(r["euShare"])) for r in rows] == expected
    assert all(r["printed"] in text for r in rows)


def test_lombardy_technology_clusters_and_members(store, text):
    focus = between(text, "Each regional technology cluster covers", "</ul>")
    printed = [html.unescape(item) for item in re.findall(r"<li>• (.+?)</li>", focus)]
    assert len(printed) == 9  # "nine technology clusters"
    rows = run(store, "lombardy-technology-clusters")
    assert [r["printed"] for r in rows] == printed
    assert [r["members"] for r in rows] == [int(re.search(r"(\d+) members", item).group(1)) for item in printed]
    for r in rows:
        assert r["printed"].startswith(r["name"])
        if r["acronym"]:
            assert f"({r['acronym']})" in r["printed"]


def test_semester_challenges_per_policy_area(store, text):
    table = between(text, "**Table 5: Contribution", "Source: ECCP")
    expected = []
    for line in table.splitlines():
        cells = line.split("\t")
        head = re.match(r"\s*<b>(.+?)</b>", cells[0])
        if head and len(cells) > 1:
            for n, challenge in enumerate(re.findall(r"<li>• (.+?)</li>", cells[1]), start=1):
                expected.append((head.group(1), n, html.unescape(challenge)))
    assert [area for area, _n, _c in expected if _n == 1] == ["INNOVATION", "SKILLS", "GREEN TRANSITION"]
    rows = run(store, "semester-challenges")
    assert [(r["areaLabel"], r["position"], r["challenge"]) for r in rows] == expected


def test_employment_by_ecosystem(store, text):
    top = re.search(r"The three main ecosystems by employment in Italy are “(.+?)”, “(.+?)”, and “(.+?)”, "
                    r"in all of which more people are employed in Italy compared to the EU average", text).groups()
    also = re.search(r"The same goes for the “(.+?)” and “(.+?)” sectors", text).groups()
    double = re.search(r"share of the “(.+?)” ecosystem at the country level is higher – (.+?) –", text).groups()
    rows = run(store, "employment-ecosystems")
    assert [(r["label"], r["rank"]) for r in rows[:3]] == [(label, n) for n, label in enumerate(top, start=1)]
    assert {r["label"] for r in rows[3:]} == set(also) and all(r["rank"] is None for r in rows[3:])
    assert all(r["higherThanEU27"] == "true" for r in rows)
    assert {r["label"]: r["comparison"] for r in rows if r["comparison"]} == {double[0]: double[1]}


def test_ecosystem_agglomerations_by_region(store, text):
    expected = sorted((nuts, rank, label, count) for nuts, (count, listed) in table2(text).items()
                      for rank, label in enumerate(listed, start=1))
    rows = run(store, "ecosystem-agglomeration-regions")
    assert sorted((r["nuts"], r["rank"], r["label"], r["stated"]) for r in rows) == expected
    # the row that states 0 next to a listed ecosystem is kept as printed
    assert any(r["stated"] == 0 for r in rows)
    # printed variants of one ecosystem's name are one ecosystem
    by_iri: dict[str, set[str]] = {}
    for r in rows:
        by_iri.setdefault(r["ecosystem"], set()).add(r["label"])
    assert len(by_iri) == len({label.lower() for r in rows for label in [r["label"]]})
