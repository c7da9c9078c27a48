"""Sections 1 to 2.3 of the factsheet (totals, statements, paragraphs, cluster organisations, partner
countries, programmes, Euroclusters) against their source tables, quoted from the text."""
from __future__ import annotations

import re

from tests.source_tables import find_rows, plain, rows
from tests.source_tables import seed, seed_lines  # noqa: F401  (fixtures)


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
