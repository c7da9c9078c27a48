"""Table 3 (cluster policies), Table 4 (state of play), the Annex framework and Table 5 (European
Semester) of the factsheet against their source tables, as printed."""
from __future__ import annotations

import html
import re
from collections import Counter

from tests.source_tables import find_rows, plain, rows
from tests.source_tables import seed, seed_lines  # noqa: F401  (fixtures)


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
