"""What the source tables under data/ say, against the factsheet they transcribe: the document, its references
and footnotes, the code lists, and completeness (every printed sentence and Table 3 fragment is in a cell).

Why: the knowledge graph is only as trustworthy as the CSVs the loaders read. These tests use only
csv/tomllib (the typed validation is the loaders' job) and, wherever possible, re-read the factsheet
markdown (the edition's own source document, data/it/2023/eccp-country-factsheet-italy.md, named by
factsheet.toml) instead of hard-coding answers, so a transcription slip or a "silent fix" of a printed
inconsistency fails here. The same checks by part of the factsheet: test_source_specialisation.py (Tables 1
and 2), test_source_sections.py (sections 1 to 2.3), test_source_policy_tables.py (Tables 3, 4, 5, Annex);
schemas: test_source_schemas.py.
"""
from __future__ import annotations

import re
import tomllib

from tests.source_tables import EDITION, TABLES, plain, rows
from tests.source_tables import seed, seed_lines  # noqa: F401  (fixtures)


# ------------------------------------------------------------------ files against schemas.toml

def test_factsheet_toml_matches_the_printed_document(seed: str) -> None:
    doc = tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))
    assert f"extracted on {doc['data_extraction_date_as_printed']}" in seed
    assert doc["legal_notice"] in seed
    assert doc["country_name"] in seed.split("## LEGAL NOTICE")[0]
    assert doc["initiative_of"] in seed
    assert f"({doc['factsheets_in_edition']} in total for {doc['reference_year']})" in seed
    assert doc["publisher"].upper() in re.sub(r"\s+", " ", seed.split("# Country factsheet")[0])


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
