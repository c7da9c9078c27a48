"""Link sets (issue 4): the mapping tables in data/links/ and `eccp_kg.loaders.links.load_links`.

The codes "in the data" are found through data/schemas.toml: every column typed nuts2,
nace_division or country_code in every source table present (and the factsheets' country),
so a new table or edition is covered without editing this file."""
from __future__ import annotations

import csv
import shutil
import tomllib
from pathlib import Path

import pytest
from rdflib import URIRef

from eccp_kg.data import PATH as DATA_DIR
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import COUNTRY, NACE, NUTS, RDF, SKOS, VOID, WD
from eccp_kg.loaders.links import TABLE_NAMES, load_links, read_table, schema

MINTER = Minter("https://example.org/kg/")
CODE_TYPES = {"nuts2": "nuts", "nace_division": "nace", "country_code": "country"}


def _codes_in_data(data_dir: Path) -> dict[str, set[str]]:
    """kind -> codes used anywhere in the source tables (per data/schemas.toml column types)."""
    schemas = tomllib.loads((data_dir / "schemas.toml").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {"nuts": set(), "nace": set(), "country": set()}
    tables = schemas.get("tables", {})
    for table in tables.values():
        if table.get("scope") == "links":
            continue  # the mapping tables themselves
        cols = table.get("columns", {})
        typed = {name: CODE_TYPES[spec["type"]] for name, spec in cols.items() if spec.get("type") in CODE_TYPES}
        folders = [data_dir / "codelists"] if table.get("scope") == "codelist" else sorted(data_dir.glob("*/*/"))
        for folder in folders:
            path = folder / table["file"]
            if not path.is_file():
                continue
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    for name, kind in typed.items():
                        if (row.get(name) or "").strip():
                            found[kind].add(row[name].strip())
                    # rows that say what kind of code they hold (e.g. agglomeration_statements)
                    if "kind" in cols and "code" in cols and row.get("kind") in CODE_TYPES and (row.get("code") or "").strip():
                        found[CODE_TYPES[row["kind"]]].add(row["code"].strip())
    for toml_path in data_dir.glob("*/*/factsheet.toml"):
        found["country"].add(tomllib.loads(toml_path.read_text(encoding="utf-8"))["country_code"])
    return found


@pytest.fixture(scope="module")
def links():
    return load_links(DATA_DIR, MINTER)


@pytest.fixture(scope="module")
def data_codes():
    return _codes_in_data(DATA_DIR)


def test_the_data_has_codes_to_link(data_codes):
    # Guards the coverage tests below against passing on an empty data folder.
    assert data_codes["nuts"], "no NUTS codes found in the source tables"
    assert data_codes["country"], "no country codes found in the source tables"


def test_every_region_in_the_data_has_its_nuts_link(links, data_codes):
    for code in sorted(data_codes["nuts"]):
        assert (MINTER.nuts(code), SKOS.exactMatch, NUTS[code]) in links, code


def test_every_nace_division_in_the_data_has_its_division_and_section_links(links, data_codes):
    for code in sorted(data_codes["nace"]):
        division = MINTER.nace(code)
        assert (division, SKOS.exactMatch, NACE[code[1:]]) in links, code
        assert (division, SKOS.broadMatch, NACE[code[0]]) in links, code


def test_every_country_in_the_data_is_in_the_table_and_linked(links, data_codes):
    rows = {r["eurostat_code"]: r for r in read_table(DATA_DIR, "country")}
    for code in sorted(data_codes["country"]):
        assert code in rows, f"country {code} is missing from data/links/countries.csv"
        assert rows[code]["authority_iri"], f"country {code} has no EU country-table IRI"
        assert (MINTER.country_iri(code), SKOS.exactMatch, COUNTRY[rows[code]["iso_alpha3"]]) in links


def test_non_eu_partner_countries_are_linked_to_the_eu_country_table(links):
    """The reference confirms NOR, CHE, SRB and TUR (the EU table covers every ISO country)."""
    for code, alpha3 in (("NO", "NOR"), ("CH", "CHE"), ("RS", "SRB"), ("TR", "TUR")):
        assert (MINTER.country_iri(code), SKOS.exactMatch, COUNTRY[alpha3]) in links


@pytest.mark.parametrize(("kind", "column"), [("nuts", "nuts_code"), ("nace", "eccp_code"), ("country", "eurostat_code")])
def test_every_mapped_code_is_used_in_the_data(data_codes, kind, column):
    """No link for a resource the graph does not otherwise have (it would resolve with links only)."""
    unused = {r[column] for r in read_table(DATA_DIR, kind)} - data_codes[kind]
    assert not unused, f"data/links/{schema(DATA_DIR, kind).file} maps codes no source table uses: {sorted(unused)}"


def test_eurostat_codes_that_are_not_iso_map_explicitly(links):
    assert (MINTER.country_iri("EL"), SKOS.exactMatch, COUNTRY["GRC"]) in links
    assert (MINTER.country_iri("UK"), SKOS.exactMatch, COUNTRY["GBR"]) in links
    assert not any(str(o).endswith(("/ELL", "/UKR", "/GRE")) for o in links.objects(MINTER.country_iri("EL"), SKOS.exactMatch))


def test_every_country_of_the_factsheet_is_linked_to_wikidata(links, data_codes):
    for code in sorted(data_codes["country"]):
        targets = {str(o) for o in links.objects(MINTER.country_iri(code), SKOS.exactMatch)}
        assert any(t.startswith(str(WD)) for t in targets), code


def test_no_wikidata_link_for_an_unconfirmed_item(links):
    rows = read_table(DATA_DIR, "nuts")
    unconfirmed = [r["nuts_code"] for r in rows if not r["wikidata_qid"]]
    assert "ITH2" in unconfirmed  # Trento: the reference marks its QID unconfirmed
    for code in unconfirmed:
        targets = {str(o) for o in links.objects(MINTER.nuts(code), SKOS.exactMatch)}
        assert targets == {str(NUTS[code])}


@pytest.mark.parametrize("kind", sorted(TABLE_NAMES))
def test_mapping_tables_have_no_duplicates_and_cite_a_source(kind):
    rows = read_table(DATA_DIR, kind)  # raises on a duplicate key
    (key,) = schema(DATA_DIR, kind).key
    assert len({r[key] for r in rows}) == len(rows)
    target = "authority_iri"
    iris = [r[target] for r in rows if r[target]]
    assert len(set(iris)) == len(iris), "two codes map to one authority IRI"
    qids = [r["wikidata_qid"] for r in rows if r.get("wikidata_qid")]
    assert len(set(qids)) == len(qids), "two codes map to one Wikidata item"
    assert all(len(r["source"]) >= 10 for r in rows)


def test_linksets_are_described_with_counts_that_match(links):
    linksets = set(links.subjects(RDF.type, VOID.Linkset))
    assert {str(ls).rsplit("/", 1)[1] for ls in linksets} == {"nuts", "nace", "nace-section", "country", "wikidata"}
    for ls in linksets:
        predicate = links.value(ls, VOID.linkPredicate)
        declared = int(links.value(ls, VOID.triples))
        assert declared > 0
        assert links.value(ls, VOID.subjectsTarget) == MINTER.dataset()
        assert (MINTER.dataset(), VOID.subset, ls) in links
        assert predicate in (SKOS.exactMatch, SKOS.broadMatch)
    nuts_ls = MINTER.dataset("linkset", "nuts")
    assert int(links.value(nuts_ls, VOID.triples)) == sum(
        1 for _, _, o in links.triples((None, SKOS.exactMatch, None)) if str(o).startswith(str(NUTS))
    )


def test_links_use_no_owl_same_as(links):
    assert not list(links.triples((None, URIRef("http://www.w3.org/2002/07/owl#sameAs"), None)))


# --- bad input: every error names file, line, column and what was expected ---------------------


def _copy_links(tmp_path: Path) -> Path:
    shutil.copytree(DATA_DIR / "links", tmp_path / "links")
    shutil.copy(DATA_DIR / "schemas.toml", tmp_path / "schemas.toml")  # the link tables' schemas too
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_duplicate_code_is_refused_with_its_line(tmp_path):
    data = _copy_links(tmp_path)
    path = data / "links" / "nuts_regions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_links(data, MINTER)
    assert err.value.line == len(lines) + 1 and err.value.column == "nuts_code"
    assert "a unique key (nuts_code); already on line 2" in str(err.value)
    assert "links/nuts_regions.csv" in str(err.value)


@pytest.mark.parametrize(
    ("file", "old", "new", "column"),
    [
        ("countries.csv", "EL,GRC,http://publications.europa.eu/resource/authority/country/GRC", "EL,GRE,http://publications.europa.eu/resource/authority/country/GRE", "iso_alpha3"),
        ("countries.csv", "IT,ITA,http://publications.europa.eu/resource/authority/country/ITA", "IT,ITA,http://publications.europa.eu/resource/authority/country/ITY", "authority_iri"),
        ("nace_divisions.csv", "C14,14,C,", "C14,15,C,", "division"),
        ("nace_divisions.csv", "C14,14,C,", "C14,14,D,", "section"),
        ("nace_divisions.csv", "http://data.europa.eu/ux2/nace2/14,", "http://ec.europa.eu/eurostat/ramon/rdfdata/nace_r2/14,", "authority_iri"),
        ("nuts_regions.csv", "ITC4,2,2021,", "IT-C4,2,2021,", "nuts_code"),
        ("nuts_regions.csv", "ITC4,2,2021,", "ITC4,2,2020,", "nuts_version"),
        ("nuts_regions.csv", ",Q1210,", ",1210,", "wikidata_qid"),
        ("nuts_regions.csv", "http://data.europa.eu/nuts/code/ITC4", "http://data.europa.eu/nuts/code/ITC3", "authority_iri"),
    ],
)
def test_bad_cells_are_refused_naming_the_column(tmp_path, file, old, new, column):
    data = _copy_links(tmp_path)
    _edit(data / "links" / file, old, new)
    with pytest.raises(SourceError) as err:
        load_links(data, MINTER)
    assert err.value.column == column
    assert err.value.line and err.value.line > 1
    assert f"links/{file}:{err.value.line}" in str(err.value) and "expected" in str(err.value)


def test_missing_source_citation_is_refused(tmp_path):
    data = _copy_links(tmp_path)
    path = data / "links" / "nace_divisions.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[3][-1] = ""
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(SourceError) as err:
        load_links(data, MINTER)
    assert (err.value.line, err.value.column) == (4, "source")


def test_wrong_header_and_missing_table_are_refused(tmp_path):
    data = _copy_links(tmp_path)
    _edit(data / "links" / "countries.csv", "eurostat_code,iso_alpha3", "code,iso_alpha3")
    with pytest.raises(SourceError) as err:
        load_links(data, MINTER)
    assert err.value.line == 1 and err.value.column == "eurostat_code" and "position 1 of the header" in str(err.value)
    (data / "links" / "countries.csv").unlink()
    with pytest.raises(SourceError) as err:
        load_links(data, MINTER)
    assert "countries.csv" in str(err.value)


def test_short_row_is_refused(tmp_path):
    data = _copy_links(tmp_path)
    path = data / "links" / "nuts_regions.csv"
    path.write_text(path.read_text(encoding="utf-8") + "ITZZ,2\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_links(data, MINTER)
    assert "7 cells" in str(err.value)


def test_every_mapping_table_is_declared_in_schemas_toml_like_every_other_table():
    """One schema system: data/links/*.csv are `scope = "links"` tables of data/schemas.toml."""
    from eccp_kg.loaders.tables import load_schemas

    declared = {t.file for t in load_schemas(DATA_DIR / "schemas.toml").scoped("links")}
    assert declared == {p.name for p in (DATA_DIR / "links").glob("*.csv")}
    assert {schema(DATA_DIR, kind).file for kind in TABLE_NAMES} == declared
