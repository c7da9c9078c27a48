"""What the source tables under data/ say, against the factsheet they transcribe (schemas: test_source_schemas.py).

Why: the knowledge graph is only as trustworthy as the CSVs the loaders read. These tests use only
csv/tomllib (the typed validation is the loaders' job) and, wherever possible, re-read the factsheet
markdown (the edition's own source document, data/it/2023/eccp-country-factsheet-italy.md, named by
factsheet.toml) instead of hard-coding answers, so a transcription slip or a "silent fix" of a printed
inconsistency fails here.
"""
from __future__ import annotations

import csv
import html
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
EDITION = DATA / "it" / "2023"
CODELISTS = DATA / "codelists"
SCHEMAS = tomllib.loads((DATA / "schemas.toml").read_text(encoding="utf-8"))
TABLES = SCHEMAS["tables"]


#: The factsheet text the tables transcribe: the file factsheet.toml names, in the edition folder.
SEED_PATH = EDITION / tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))["source_file"]


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_lines(seed: str) -> list[str]:
    return seed.splitlines()


def plain(text: str) -> str:
    """Markdown/HTML of the seed reduced to printed text (tags, footnote markers, entities, bold)."""
    text = re.sub(r"<sup>\d+</sup>", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)
    return html.unescape(text).replace("**", "").strip()


def folder(name: str) -> Path:
    return CODELISTS if TABLES[name]["scope"] == "codelist" else EDITION


def rows(name: str) -> list[dict[str, str]]:
    with open(folder(name) / TABLES[name]["file"], newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def header(name: str) -> list[str]:
    with open(folder(name) / TABLES[name]["file"], newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def find_rows(name: str, **match: str) -> list[dict[str, str]]:
    return [r for r in rows(name) if all(r[k] == v for k, v in match.items())]


# ------------------------------------------------------------------ files against schemas.toml

def test_factsheet_toml_matches_the_printed_document(seed: str) -> None:
    doc = tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))
    assert f"extracted on {doc['data_extraction_date_as_printed']}" in seed
    assert doc["legal_notice"] in seed
    assert doc["country_name"] in seed.split("## LEGAL NOTICE")[0]
    assert doc["initiative_of"] in seed
    assert f"({doc['factsheets_in_edition']} in total for {doc['reference_year']})" in seed
    assert doc["publisher"].upper() in re.sub(r"\s+", " ", seed.split("# Country factsheet")[0])


# ------------------------------------------------------------------ Tables 1 and 2

def _table_lines(seed_lines: list[str], cells: int) -> list[list[str]]:
    return [l.split("\t") for l in seed_lines if l.startswith("<b>IT") and len(l.split("\t")) == cells]


def test_table1_regions_counts_and_every_cell_as_printed(seed_lines: list[str]) -> None:
    printed = _table_lines(seed_lines, 7)
    assert len(printed) == 21
    counts = rows("sectoral_agglomeration_counts")
    assert [(r["nuts_code"], r["region_label"], r["agglomeration_count"]) for r in counts] == \
        [tuple(plain(p[0]).split(": ", 1)) + (p[1],) for p in printed]
    cells = {(r["nuts_code"], int(r["rank"])): r for r in rows("sectoral_agglomerations")}
    assert len(cells) == 21 * 5
    for p in printed:
        code = plain(p[0]).split(":")[0]
        for rank, cell in enumerate(p[2:], 1):
            row = cells[(code, rank)]
            assert row["cell"] == cell
            if cell in ("-", ""):
                assert row["nace_code"] == row["nace_label"] == ""
            else:
                assert cell == f"{row['nace_code']} - {row['nace_label']}" or cell == f"{row['nace_code']} – {row['nace_label']}"


def test_table1_keeps_the_printed_inconsistencies() -> None:
    """Sardinia is counted 4 with 3 listed; Trento's Agg. 3 is empty (not '-'); its label keeps the break."""
    sardinia = find_rows("sectoral_agglomerations", nuts_code="ITG2")
    assert find_rows("sectoral_agglomeration_counts", nuts_code="ITG2")[0]["agglomeration_count"] == "4"
    assert sum(1 for r in sardinia if r["nace_code"]) == 3
    trento = {r["rank"]: r["cell"] for r in find_rows("sectoral_agglomerations", nuts_code="ITH2")}
    assert trento == {"1": "T97 - Households as employers act.", "2": "I56 - Food and beverage service activities",
                      "3": "", "4": "-", "5": "-"}
    assert find_rows("sectoral_agglomeration_counts", nuts_code="ITH2")[0]["region_label"] == "Autonomo us Province of Trento"
    assert find_rows("sectoral_agglomerations", nuts_code="ITH3", rank="3")[0]["cell"].startswith("C28 – ")


def test_nace_codes_in_table1_answer_the_a01_question() -> None:
    a01 = sorted(r["nuts_code"] for r in rows("sectoral_agglomerations") if r["nace_code"] == "A01")
    assert a01 == ["ITF2", "ITF4", "ITF5", "ITF6", "ITG1", "ITH1"]


def test_table2_counts_and_cells_as_printed(seed_lines: list[str]) -> None:
    printed = _table_lines(seed_lines, 4)
    assert len(printed) == 21
    assert [(r["nuts_code"], r["region_label"], r["agglomeration_count"]) for r in rows("ecosystem_agglomeration_counts")] == \
        [tuple(plain(p[0]).split(": ", 1)) + (p[1],) for p in printed]
    cells = {(r["nuts_code"], int(r["rank"])): r for r in rows("ecosystem_agglomerations")}
    for p in printed:
        code = plain(p[0]).split(":")[0]
        for rank, cell in enumerate(p[2:], 1):
            assert cells[(code, rank)]["cell"] == cell
            assert cells[(code, rank)]["ecosystem_label"] == ("" if cell == "-" else cell)


def test_table2_keeps_campania_zero_next_to_textile_and_both_proximity_spellings() -> None:
    assert find_rows("ecosystem_agglomeration_counts", nuts_code="ITF3")[0]["agglomeration_count"] == "0"
    assert find_rows("ecosystem_agglomerations", nuts_code="ITF3", rank="1")[0]["ecosystem_label"] == "Textile"
    assert find_rows("ecosystem_agglomerations", nuts_code="ITG2", rank="1")[0]["ecosystem_label"] == \
        "Proximity, Social economy and Civil Security"
    assert find_rows("ecosystem_agglomerations", nuts_code="ITI4", rank="1")[0]["ecosystem_label"] == \
        "Proximity, Social Economy and Civil Security"


def test_table_regions_are_the_same_21_nuts_codes() -> None:
    t1 = [r["nuts_code"] for r in rows("sectoral_agglomeration_counts")]
    assert len(set(t1)) == 21 and all(c.startswith("IT") for c in t1)
    assert t1 == [r["nuts_code"] for r in rows("ecosystem_agglomeration_counts")]
    named = {r["nuts_code"] for r in rows("cluster_organisation_regions")}
    assert named <= set(t1)


# ------------------------------------------------------------------ Section 1, 2.1, 2.2

def test_section_totals_and_statements_are_quoted_from_the_text(seed: str) -> None:
    text = plain(seed)
    for r in rows("agglomeration_totals"):
        assert r["text"] in text and r["value"] in r["text"]
    assert {r["measure"]: int(r["value"]) for r in rows("agglomeration_totals")} == \
        {"nace_activities": 88, "sectoral_agglomerations": 94, "ecosystems": 14, "ecosystem_agglomerations": 19}
    for name in ("agglomeration_statements", "employment_statements", "policy_documents"):
        for r in rows(name):
            for sentence in (r.get("text") or r["statement"]).split("\n"):
                assert sentence in text, f"{name}: {sentence[:60]!r} is not verbatim"
    for r in rows("agglomeration_statements"):
        assert r["label"] in r["text"]
        if r["code"]:
            assert f"({r['code']})" in r["text"]


def test_employment_order_and_eu_comparison() -> None:
    ranked = sorted((int(r["employment_rank"]), r["ecosystem_label"]) for r in rows("employment_statements") if r["employment_rank"])
    assert [label for _, label in ranked] == ["Retail", "Proximity & Social Economy", "Construction"]
    higher = {r["ecosystem_label"] for r in rows("employment_statements") if r["higher_share_than_eu27"] == "true"}
    assert higher == {"Retail", "Proximity & Social Economy", "Construction", "Tourism", "Textile"}
    assert find_rows("employment_statements", ecosystem_label="Textile")[0]["eu27_comparison"] == "about double"


def test_section1_lists_in_printed_order(seed: str) -> None:
    text = plain(seed)
    areas = "; ".join(r["label"] for r in rows("pnrr_cluster_areas"))
    assert len(rows("pnrr_cluster_areas")) == 6 and f"following areas: {areas}." in text
    focus = [r["label"] for r in rows("semester_focus_areas")]
    assert "; ".join(focus[:-1]) + "; and " + focus[-1] in text
    fields = [r["label"] for r in rows("national_op_fields")]
    assert f"{fields[0]}, {fields[1]} and {fields[2]} are the three fields mentioned in the national OPs" in text
    regional = find_rows("policy_documents", key="regional-operational-programmes")[0]
    assert regional["count"] == "21" and "all the 21 regional OPs mention" in text
    assert find_rows("policy_documents", key="erdf-partnership-agreement-2021-2027")[0]["mentions_clusters"] == "no"


def test_paragraphs_are_verbatim_and_cover_each_section(seed: str) -> None:
    text = plain(seed)
    paras = rows("paragraphs")
    for r in paras:
        assert r["text"] in text, r["text"][:60]
    sections = {r["section"].split()[0] for r in paras}
    assert {"1.", "2.1", "2.2", "2.3", "3.", "4.1", "4.2"} <= sections


# ------------------------------------------------------------------ Section 2.3

def test_cluster_organisation_figures_as_printed(seed: str) -> None:
    text = plain(seed)
    for r in rows("cluster_organisation_figures"):
        assert r["text"] in text
    share = {r["label"]: (r["value"], r["eu_value"]) for r in rows("cluster_organisation_figures") if r["unit"] == "percent"}
    for label, (value, eu) in share.items():
        assert f"{label} ({value}%, EU: {eu}%)" in text
    assert find_rows("cluster_organisation_figures", measure="registered_on_eccp")[0]["value"] == "97"


def test_most_and_fewest_regions_in_printed_order() -> None:
    def names(ranking: str) -> list[str]:
        return [r["region_label"] for r in sorted(find_rows("cluster_organisation_regions", ranking=ranking), key=lambda r: int(r["position"]))]
    assert names("most") == ["Lombardy", "Emilia-Romagna", "Piedmont"]
    assert names("fewest") == ["Liguria", "Autonomous Province of Trento", "Marche"]
    labels = {r["nuts_code"]: r["region_label"] for r in rows("ecosystem_agglomeration_counts")}
    for r in rows("cluster_organisation_regions"):
        assert labels[r["nuts_code"]] == r["region_label"]


def test_cluster_organisations_per_ecosystem_match_the_printed_list(seed_lines: list[str]) -> None:
    printed = [re.fullmatch(r"- (.+) \((\d+) (cluster organisations?)\)", l) for l in seed_lines]
    printed = [m.groups() for m in printed if m]
    assert len(printed) == 13
    got = [(r["ecosystem_label"], r["count"], r["count_word"]) for r in sorted(rows("cluster_organisations_by_ecosystem"), key=lambda r: int(r["position"]))]
    assert got == printed
    registered = int(find_rows("cluster_organisation_figures", measure="registered_on_eccp")[0]["value"])
    assert sum(int(c) for _, c, _ in got) < registered  # not all organisations gave an ecosystem, as the text says


def test_partner_country_lists_exactly_as_printed(seed: str) -> None:
    text = plain(seed)
    expected = {"escp": ("member states (", 22), "innosup-1": ("22 countries (", 22), "euroclusters": ("19 countries (", 19)}
    for programme, (lead, n) in expected.items():
        i = text.index(lead) + len(lead)
        printed = text[i:text.index(")", i)].split(", ")
        got = [r["country_code"] for r in sorted(find_rows("programme_partner_countries", programme=programme), key=lambda r: int(r["position"]))]
        assert got == printed and len(got) == n
    innosup = [r["country_code"] for r in find_rows("programme_partner_countries", programme="innosup-1")]
    assert innosup.count("EL") == 2 and len(set(innosup)) == 21


def test_programme_figures_quote_the_text(seed: str) -> None:
    text = plain(seed)
    for r in rows("programme_figures"):
        assert r["text"] in text and r["value"] in r["text"], r
    figure = {(r["programme"], r["measure"]): int(r["value"]) for r in rows("programme_figures")}
    assert figure[("escp", "consortia")] == figure[("escp-4i", "partnerships")] + figure[("escp-4x", "partnerships")]
    assert figure[("escp", "partner_countries")] == 2  # as printed, although 22 codes follow
    programmes = {r["slug"] for r in rows("programmes")}
    assert {p for p, _ in figure} <= programmes
    assert {r["programme"] for r in rows("programme_partner_countries")} <= programmes


def test_euroclusters_and_their_ecosystems(seed: str) -> None:
    text = plain(seed)
    names = [r["name"] for r in sorted(rows("euroclusters"), key=lambda r: int(r["position"]))]
    assert len(names) == 18 and f"These Euroclusters are {', '.join(names)}." in text
    given = {}
    for r in sorted(rows("eurocluster_ecosystems"), key=lambda r: int(r["position"])):
        assert r["eurocluster"] in names
        given.setdefault(r["eurocluster"], []).append(r["ecosystem_label"])
    assert given == {"EPICENTRE": ["Agri-food", "Digital", "Health"], "MedBan": ["Tourism", "Mobility-", "Renewable Energy"]}
    for labels in given.values():
        for label in labels:
            assert f'"{label}' in text


# ------------------------------------------------------------------ Table 3

def _cells(policy: str, section: str, kind: str | None = None) -> list[dict[str, str]]:
    got = sorted(find_rows("policy_cells", policy=policy, section=section), key=lambda r: int(r["position"]))
    return [r for r in got if kind is None or r["kind"] == kind]


NATIONAL, LOMBARDY = "cluster-tecnologici-nazionali-national-technology-clusters", "regional-technology-clusters-lombardy"


def test_policy_objectives_are_the_bold_items_in_printed_order(seed_lines: list[str]) -> None:
    start = next(i for i, l in enumerate(seed_lines) if "<b>POLICY OBJECTIVES</b>" in l)
    first_page = [seed_lines[start].replace("<b>POLICY OBJECTIVES</b>", "")] + seed_lines[start + 1:start + 10]
    cols = [re.findall(r"<b>(.*?)</b>", l) for l in first_page]
    cont = next(l for l in seed_lines if "<p><b>Enhancing territorial" in l).split("\t")
    national = [c[0] for c in cols] + re.findall(r"<b>(.*?)</b>", cont[1])
    lombardy = [c[1] for c in cols if len(c) == 2] + re.findall(r"<b>(.*?)</b>", cont[2])
    for policy, printed, n in ((NATIONAL, national, 14), (LOMBARDY, lombardy, 12)):
        got = [r["text"] for r in _cells(policy, "POLICY OBJECTIVES", "category")]
        assert got == [html.unescape(p) for p in printed] and len(got) == n


def test_shared_and_own_objectives_via_categories() -> None:
    def cats(policy: str) -> set[str]:
        return {r["category"] for r in _cells(policy, "POLICY OBJECTIVES", "category")}
    categories = {(r["scheme"], r["slug"]) for r in rows("policy_categories")}
    for r in rows("policy_cells"):
        assert bool(r["category"]) == (r["kind"] == "category"), r
    assert {("policy-objectives", c) for c in cats(NATIONAL) | cats(LOMBARDY)} <= categories
    assert len(cats(NATIONAL) & cats(LOMBARDY)) == 11
    assert cats(LOMBARDY) - cats(NATIONAL) == {"supporting-cluster-excellence-and-professionalisation-of-cluster-management"}
    assert find_rows("policy_cells", policy=LOMBARDY, category="fostering-innovation-and-strengthening-innovation-ecosystems")[0]["text"] \
        == "Fostering innovation and strengthening innovation ecosystem"  # printed singular, kept


def test_every_table3_text_is_verbatim(seed: str) -> None:
    text = re.sub(r"\s+", " ", plain(re.sub(r"</?(p|li|ul|ol)[^>]*>", "\n", seed)))
    for r in rows("policy_cells"):
        cell = re.sub(r"\s+", " ", r["text"])
        if cell not in text:  # a sentence broken by a page break: both sides must be printed
            splits = [i for i, ch in enumerate(cell) if ch == " " and cell[:i] in text and cell[i + 1:] in text]
            assert splits, f"not verbatim, even across a page break: {cell[:80]!r}"


def test_table3_rows_per_section_and_values() -> None:
    for policy in (NATIONAL, LOMBARDY):
        assert [r["text"] for r in _cells(policy, "POLICY ALIGNMENT WITH THE EU PRIORITIES")] == ["Green economy", "Digitalisation", "Resilience"]
        assert [r["text"] for r in _cells(policy, "RESPONSIBLE AUTHORITIES", "category")] == \
            ["In charge of drafting", "In charge of implementation", "Oversees the implementation"]
        evaluation = {r["row_label"]: r["text"] for r in _cells(policy, "POLICY EVALUATION")}
        assert evaluation == {"Availability": "None", "Results": "N/A"}
        budget = {r["row_label"]: r["text"] for r in _cells(policy, "BUDGET")}
        assert budget["Annual"] == "Data unavailable."
        assert {r["row_label"] for r in _cells(policy, "INSTRUMENTS")} == {"Financial", "Technical assistance", "Explanation"}
    start = {p: next(r["text"] for r in _cells(p, "HISTORY") if r["row_label"] == "Starting year") for p in (NATIONAL, LOMBARDY)}
    assert start == {NATIONAL: "2013", LOMBARDY: "2014"}
    assert len(_cells(NATIONAL, "BENEFICIARIES", "category")) == 8 and len(_cells(LOMBARDY, "BENEFICIARIES", "category")) == 6
    assert [r["text"] for r in _cells(NATIONAL, "POLICY FOCUS", "category")] == ["Cross-Sectoral"]
    assert [r["text"] for r in _cells(LOMBARDY, "POLICY FOCUS", "category")] == ["Cross-sectoral"]
    assert len(_cells(NATIONAL, "POLICY OBJECTIVES", "list_item")) == 12
    assert find_rows("policies", key=LOMBARDY)[0]["nuts_code"] == "ITC4"


def test_policy_clusters_twelve_national_nine_lombardy_with_member_counts(seed: str) -> None:
    national = [r for r in rows("policy_clusters") if r["policy"] == NATIONAL]
    lombardy = [r for r in rows("policy_clusters") if r["policy"] == LOMBARDY]
    assert len(national) == 12 and len(lombardy) == 9
    focus = plain(re.sub(r"</li>", "\n", next(l for l in seed.splitlines() if "<b>POLICY FOCUS</b>" in l)))
    for r in national:
        assert f"{r['position']}. {r['name']}" in focus
    for r in lombardy:
        assert r["item"].lstrip("• ") in focus.replace("• ", "")
        assert f"{r['member_count']} members" in r["item"] and r["name"] in r["item"]
        if r["acronym"]:
            assert f"({r['acronym']})" in r["item"]
    assert {r["acronym"] for r in lombardy if r["acronym"]} == {"CAT.AL", "AFIL", "Cluster SCC"}
    assert sum(int(r["member_count"]) for r in lombardy) == sum(int(n) for n in re.findall(r"(\d+) members", focus))


# ------------------------------------------------------------------ Table 4, Annex, Table 5

def test_state_of_play_levels_and_selection_as_printed(seed_lines: list[str]) -> None:
    for criterion in {r["criterion"] for r in rows("state_of_play")}:
        levels = sorted(find_rows("state_of_play", criterion=criterion), key=lambda r: int(r["position"]))
        label = levels[0]["criterion_label"]
        i = next(k for k, l in enumerate(seed_lines) if l.startswith(f"<b>{label}</b>\t"))
        printed = [seed_lines[i].split("\t")[1], seed_lines[i + 1].split("\t")[1]]
        chosen = [r["level_label"] for r in levels if r["selected"] == "true"]
        assert len(levels) == 4 and len(chosen) == 1
        assert chosen[0] in printed  # the selected level stands alone on its line
        assert " ".join(p for p in printed if p != chosen[0]) == " ".join(r["level_label"] for r in levels if r["selected"] == "false")
    selected = {r["criterion"]: r["position"] for r in rows("state_of_play") if r["selected"] == "true"}
    assert selected == {"policy-scope": "4", "continuity": "4", "evidence-of-performance": "1", "cluster-support-instruments": "4"}


def test_annex_framework_as_printed(seed_lines: list[str]) -> None:
    printed = [l.split("\t") for l in seed_lines if "</b>\tassessment" in l]
    crits = sorted(rows("framework_criteria"), key=lambda r: int(r["position"]))
    assert [(c["label"], c["description"]) for c in crits] == [(plain(p[0]), p[1].strip()) for p in printed]
    for c, p in zip(crits, printed):
        levels = [r["label"] for r in sorted(find_rows("framework_levels", criterion=c["criterion"]), key=lambda r: int(r["position"]))]
        assert levels == re.findall(r"<b>(.*?)</b>", p[2])
    assert {c["criterion"] for c in crits} == {r["criterion"] for r in rows("state_of_play")} == \
        {r["criterion"] for r in rows("state_of_play_assessments")}
    captions = [r["number"] for r in rows("factsheet_tables")]
    assert captions.count("Table 5") == 2  # the Annex table is captioned "Table 5" as printed


def test_semester_table_as_printed(seed: str) -> None:
    text = plain(seed)
    for r in rows("semester_challenges") + rows("semester_listed_clusters"):
        assert (r.get("text") or r["name"]) in text
    for r in rows("semester_policy_areas"):
        assert r["cluster_policy"] in text
    assert [r["policy_area"] for r in sorted(rows("semester_policy_areas"), key=lambda r: int(r["position"]))] == \
        ["INNOVATION", "SKILLS", "GREEN TRANSITION"]
    assert Counter(r["policy_area"] for r in rows("semester_challenges")) == {"INNOVATION": 3, "SKILLS": 3, "GREEN TRANSITION": 1}
    assert [r["name"] for r in rows("semester_listed_clusters")][1] == "Lombardy Green Chemistry Association,"


def test_references_and_footnotes_are_complete(seed: str) -> None:
    refs = seed.split("## References")[1].split("## Annex")[0]
    entries = [l for l in refs.splitlines() if l.strip()]
    assert len(rows("references")) == len(entries) == 10
    for r, entry in zip(sorted(rows("references"), key=lambda r: int(r["position"])), entries):
        assert r["text"].split(" Available")[0] in entry
        if r["accessed"]:
            assert f"{r['accessed']})" in entry
            d, m, y = r["accessed"].split(".")
            assert r["accessed_date"] == f"{y}-{m}-{d}"
        if r["url"]:
            assert r["url"].split("//", 1)[1].replace("_", "") in entry.replace("\\", "").replace("_", "")
    markers = sorted({int(n) for n in re.findall(r"^<sup>(\d+)</sup>", seed, re.M)})
    assert [int(r["number"]) for r in rows("footnotes")] == markers == list(range(1, 8))


# ------------------------------------------------------------------ code lists

def test_ecosystem_code_list_and_every_printed_label_maps() -> None:
    eco = {r["slug"]: r for r in rows("ecosystems")}
    assert len(eco) == 14 and sorted(int(r["number"]) for r in eco.values()) == list(range(1, 15))
    assert eco["proximity-social-economy-and-civil-security"]["label"] == "Proximity, Social Economy and Civil Security"
    mapping = {r["label"]: r["ecosystem"] for r in rows("ecosystem_labels")}
    assert set(mapping.values()) <= set(eco)
    assert mapping["Mobility-"] == "mobility-transport-automotive"
    assert mapping["Agri-Food"] == mapping["Agri-food"] == "agri-food"
    assert mapping["Proximity & Social Economy"] == "proximity-social-economy-and-civil-security"
    used = [r["ecosystem_label"] for r in rows("cluster_organisations_by_ecosystem") + rows("eurocluster_ecosystems") + rows("employment_statements")]
    used += [r["ecosystem_label"] for r in rows("ecosystem_agglomerations") if r["ecosystem_label"]]
    used += [r["label"] for r in rows("agglomeration_statements") if r["kind"] == "ecosystem"]
    missing = sorted(set(used) - set(mapping))
    assert not missing, f"labels printed but not in ecosystem_labels.csv: {missing}"


def test_nace_and_country_code_lists_cover_what_the_tables_use() -> None:
    divisions = {r["code"]: r for r in rows("nace_divisions")}
    for code, r in divisions.items():
        assert r["section"] + r["division"] == code
    labels = {(r["code"], r["label"]) for r in rows("nace_labels")}
    for r in rows("sectoral_agglomerations"):
        if r["nace_code"]:
            assert (r["nace_code"], r["nace_label"]) in labels
    for r in rows("agglomeration_statements"):
        if r["kind"] == "nace_division":
            assert (r["code"], r["label"]) in labels
    assert {c for c, _ in labels} == set(divisions)
    countries = {r["code"] for r in rows("countries")}
    assert {r["country_code"] for r in rows("programme_partner_countries")} <= countries
    assert {"EL", "UK"} <= countries and "GR" not in countries and "GB" not in countries


def test_every_printed_sentence_outside_tables_is_somewhere_in_the_tables(seed_lines: list[str]) -> None:
    """Completeness: each prose line, list item, caption, note, footnote and reference of the factsheet is
    found verbatim in some cell (or in its structured form: caption, 'label (n cluster organisations)')."""
    cells: set[str] = set()
    for name in TABLES:
        if TABLES[name]["scope"] == "edition":
            for r in rows(name):
                cells.update(r.values())
    cells.update(str(v) for v in tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8")).values())
    cells.update(f"{r['number']}: {r['caption']}" for r in rows("factsheet_tables"))
    cells.update(f"{r['source_line']} Note: {r['note']}" for r in rows("factsheet_tables") if r["note"])
    cells.update(f"{r['ecosystem_label']} ({r['count']} {r['count_word']})" for r in rows("cluster_organisations_by_ecosystem"))
    cells.update(f"{r['number']} {r['text']}" for r in rows("footnotes"))
    blob = "\n".join(cells)
    missing = []
    for line in seed_lines:
        if "\t" in line or line.startswith("#") or re.fullmatch(r"<b>.*</b>\s*<b>\d+</b>|[\d.]+\s*|.*\.{5}.*", line):
            continue  # tables (checked above), headings, the table of contents
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        text = re.sub(r"<(https?://[^>]+)>", r"\1", text).replace("\\\\_", "_").replace("\\_", "_")
        text = re.sub(r"^<sup>(\d+)</sup>", r"\1", text.strip())
        text = plain(text.lstrip("- ").strip("*"))
        if len(text) >= 25 and text not in blob:
            missing.append(text[:80])
    assert not missing, missing


def test_every_table3_fragment_is_in_a_cell(seed: str) -> None:
    """Completeness of Table 3: every bold item, paragraph, list item and plain cell printed between its
    caption and section 4 is in policy_cells (text or row label) or policies (type, name)."""
    region = seed.split("**Table 3:")[1].split("# 04")[0]
    blob = "\n".join([r["text"] for r in rows("policy_cells")] + [r["row_label"] for r in rows("policy_cells")]
                     + [v for r in rows("policies") for v in r.values()] + list(TABLES["policy_cells"]["columns"]["section"]["values"]))
    blob = re.sub(r"\s+", " ", blob)
    missing = []
    for line in region.splitlines()[1:]:
        for cell in line.split("\t"):
            for fragment in re.split(r"</?(?:b|p|li|ul|ol)[^>]*>", cell):
                text = re.sub(r"\s+", " ", plain(fragment)).strip().removeprefix("• ")
                if text and text not in ("Policy type:", "Policy name:") and text not in blob:
                    missing.append(text[:80])
    assert not missing, missing
