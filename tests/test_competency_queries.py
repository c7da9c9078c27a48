"""Competency queries (queries/*.rq) against the real built graph, each answer checked against the factsheet.

Expected answers are read from the factsheet text itself (data/it/2023/eccp-country-factsheet-italy.md,
the source document of the edition the tables transcribe), not pasted here, so a transcription or loader error shows up as
a difference between the graph and the document. Queries run as the server runs them: pyoxigraph with
the union of the named graphs as default graph (tests/competency.py). Here: the registry of queries, cluster
organisations, regions, partnerships, members, employment; the policy queries are in
test_competency_policies.py, the validation warnings in test_competency_validation.py, editions in
test_competency_editions.py."""
from __future__ import annotations

import html
import re

from eccp_kg.graph.namespaces import PREFIXES
from tests.competency import (COMPARING, PER_COUNTRY, QUERIES, ROOT, TESTED, between, codes, query_file, run,
                               table1, table2)
from tests.competency import store, text  # noqa: F401  (fixtures)


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


def test_per_country_queries_ask_per_country_and_answer_for_italy_on_the_italy_build(store):
    """A per-country query projects the country code first, its question names no country, and on
    the shipped build (Italy only) every row is Italy's; the other queries name their place."""
    for name in sorted(PER_COUNTRY):
        text = query_file(name).read_text(encoding="utf-8")
        question = text.splitlines()[0]
        assert not re.search(r"ital", question, re.I) and "each country" in question, name
        assert re.search(r"SELECT DISTINCT \?cc\b", text) and re.search(r"ORDER BY \?cc\b", text), name
        rows = run(store, name)
        assert rows and {r["cc"] for r in rows} == {"IT"}, name
    for name in sorted(TESTED - PER_COUNTRY - COMPARING):
        assert re.search(r"lombard", query_file(name).read_text(encoding="utf-8").splitlines()[0], re.I), name


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
