"""Resource pages show where their statements came from (issue 12, part 4): the factsheet (label,
edition), the table with its caption and the section with its heading, read from eccp:sourceLocator
and the factsheet's resources, never an internal file name. Checked against the source tables'
own `source` columns (data/it/2023/*.csv), on the real build, in-process."""
from __future__ import annotations

import csv
import html
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from eccp_kg.server import provenance
from eccp_kg.server.app import create_app

DATA = Path(__file__).resolve().parent.parent / "data" / "it" / "2023"
FACTSHEET = "https://w3id.org/eccp-kg/id/factsheet/it/2023"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def app(served_build: Path):
    return create_app({"TESTING": True, "IN_PROCESS": True, "STORE_DIR": str(served_build / "store")})


@pytest.fixture(scope="module")
def index(app) -> provenance.Index:
    return provenance.read_index(app.extensions["eccp_kg"].select)


def source_locators() -> set[str]:
    """Every locator the source tables state (their `source` column)."""
    found = set()
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("source"):
                    found.add(row["source"])
    return found


def test_every_source_locator_names_its_table_and_section(index: provenance.Index) -> None:
    captions = {r["number"]: r["caption"] for r in rows("factsheet_tables")}
    headings = {m.group(1): m.group(2) for r in rows("paragraphs")
                if (m := re.match(r"(\d+(?:\.\d+)*)\.?\s+([^>]+?)\s*(?:>|$)", r["section"]))}
    locators = source_locators()
    assert len(locators) > 30
    for locator in locators:
        factsheet, places = provenance.places(locator, FACTSHEET, index)
        assert factsheet == FACTSHEET and places, locator
        for place in places:
            assert ".md" not in place.text and ".toml" not in place.text, locator
        for number in re.findall(r"\b(?:Table|Figure) \d+", locator):
            place = next(p for p in places if p.exhibit == number)
            assert place.caption == captions[number] and place.exhibit_iri, locator
        for number in re.findall(r"Section (\d+(?:\.\d+)*)", locator):
            place = next(p for p in places if p.section.startswith(f"Section {number}"))
            if number in headings:
                assert place.section == f"Section {number} {headings[number]}", locator


def test_a_file_name_locator_names_the_factsheet_instead(index: provenance.Index) -> None:
    meta = tomllib.loads((DATA / "factsheet.toml").read_text(encoding="utf-8"))
    locator = f"{meta['source_file']} (IT 2023), Section 2.3 partner lists (escp, innosup-1)"
    factsheet, places = provenance.places(locator, None, index)
    assert factsheet == FACTSHEET  # found from the factsheet's own locator, the file name
    assert [p.text for p in places] == [
        "Section 2.3 Cluster organisations in the regions & interregional cooperation, partner lists (escp, innosup-1)"]


def provenance_of(app, path: str) -> tuple[str, dict[str, int]]:
    page = app.test_client().get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    block = re.search(r'<section class="eccp-provenance".*?</section>', page, re.S)
    assert block, f"{path} has no provenance line"
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(
        r'data-exhibit="([^"]+)".*?\((\d+) statements?\)</span>', block.group(0), re.S)}
    return html.unescape(re.sub(r"<[^>]+>", "", block.group(0))), counts


def test_each_region_page_says_which_tables_its_statements_came_from(app) -> None:
    meta = tomllib.loads((DATA / "factsheet.toml").read_text(encoding="utf-8"))
    expected: dict[str, Counter] = {}
    for name in ("sectoral_agglomerations", "sectoral_agglomeration_counts", "ecosystem_agglomerations",
                 "ecosystem_agglomeration_counts"):
        for row in rows(name):
            if row.get("nace_code") == "" or row.get("ecosystem_label") == "":
                continue  # a cell printed as '-': no statement
            expected.setdefault(row["nuts_code"], Counter())[row["source"]] += 1
    assert len(expected) == 21
    captions = {r["number"]: r["caption"] for r in rows("factsheet_tables")}
    for code, by_table in expected.items():
        text, counts = provenance_of(app, f"/id/nuts/{code}")
        assert f"{meta['title']} {meta['country_name']} {meta['edition']} (edition {meta['edition']})" in text
        for table, n in by_table.items():
            assert counts.get(table) == n, (code, table, counts)
            assert f"{table} ({captions[table]})" in text
        assert ".md" not in text


def test_provenance_links_answer(app) -> None:
    page = app.test_client().get("/id/nuts/ITC4", headers={"Accept": "text/html"}).get_data(as_text=True)
    block = re.search(r'<section class="eccp-provenance".*?</section>', page, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', block)
    assert "/id/factsheet/it/2023" in links and "/id/it/2023/exhibit/table-1" in links
    for link in links:
        assert app.test_client().get(link, headers={"Accept": "text/html"}).status_code == 200, link


def test_a_page_with_many_sources_lists_the_main_ones_and_counts_the_rest(app) -> None:
    text, counts = provenance_of(app, "/id/factsheet/it/2023")
    assert len(re.findall(r"\(\d+ statements?\);", text)) == provenance.MAX_PLACES  # each listed place, then the rest
    assert re.search(r"and \d+ more places \(\d+ statements\)", text)
