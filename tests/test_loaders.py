"""Loaders: bad input stops with file, line, column and the expected form; good input gives the
triples the factsheet states, minted from natural keys, for whichever country and edition the data says."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import ECCP, PROV, RDF, RDFS, SDMX_DIMENSION, SKOS, XSD
from eccp_kg.loaders.tables import load_schemas, read_table

BASE = "https://example.org/kg/"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A private copy of the source tables, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("__pycache__", "*.py", "links"))
    return target


def edit(path: Path, line: int, old: str, new: str) -> None:
    """Replace `old` by `new` on one (1-based) line of a text file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], f"{old!r} not on line {line} of {path}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def load(data_dir: Path) -> Graph:
    minter = Minter(BASE)
    (edition,) = [e for e in loaders.discover_editions(data_dir) if e.country == "IT"]
    return loaders.load_edition(edition, minter)


def raises(data_dir: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        loaders.load_codelists(data_dir, Minter(BASE))
        load(data_dir)
    return info.value


EDITION = "data/it/2023/"


# ---------------------------------------------------------------- bad input


def test_bad_code_form_names_file_line_column_and_form(data: Path) -> None:
    path = data / "it/2023/sectoral_agglomeration_counts.csv"
    edit(path, 5, "ITC4,", "IT-C4,")
    err = raises(data)
    assert (err.file, err.line, err.column) == (EDITION + "sectoral_agglomeration_counts.csv", 5, "nuts_code")
    assert "NUTS-2" in err.expected and err.got == "IT-C4"
    assert str(err).startswith(EDITION + "sectoral_agglomeration_counts.csv:5:")


def test_bad_nace_division_form(data: Path) -> None:
    edit(data / "it/2023/sectoral_agglomerations.csv", 2, ",T97,", ",T9,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "nace_code", "T9")
    assert "NACE division" in err.expected


def test_missing_column_is_named(data: Path) -> None:
    path = data / "it/2023/ecosystem_agglomeration_counts.csv"
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").strip().split("\n")]
    path.write_text("\n".join(",".join(r[:1] + r[2:]) for r in rows) + "\n", encoding="utf-8")
    err = raises(data)
    assert (err.file, err.line, err.column) == (EDITION + "ecosystem_agglomeration_counts.csv", 1, "position")
    assert "missing" in err.expected


def test_bad_header_is_named(data: Path) -> None:
    edit(data / "it/2023/policies.csv", 1, "policy_type", "type")
    err = raises(data)
    assert (err.file, err.line, err.column, err.got) == (EDITION + "policies.csv", 1, "policy_type", "type")
    assert "header" in err.expected


def test_extra_header_column_is_an_error(data: Path) -> None:
    edit(data / "it/2023/euroclusters.csv", 1, "position,name,source", "position,name,source,comment")
    err = raises(data)
    assert (err.line, err.column) == (1, "comment")


def test_duplicate_key_names_both_lines(data: Path) -> None:
    path = data / "it/2023/euroclusters.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines.append(lines[1])  # position 1 again
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = raises(data)
    assert (err.file, err.line, err.column) == (EDITION + "euroclusters.csv", len(lines), "position")
    assert "unique key" in err.expected and "line 2" in err.expected


def test_bad_integer(data: Path) -> None:
    edit(data / "it/2023/sectoral_agglomeration_counts.csv", 2, ",8,", ",eight,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "agglomeration_count", "eight")
    assert err.expected == "an integer"


def test_integer_out_of_declared_range(data: Path) -> None:
    edit(data / "it/2023/sectoral_agglomerations.csv", 2, "ITC1,1,", "ITC1,6,")
    err = raises(data)
    assert (err.line, err.column) == (2, "rank")
    assert "1..5" in err.expected


def test_bad_enum_value_lists_the_allowed_ones(data: Path) -> None:
    edit(data / "it/2023/policies.csv", 2, ",national,", ",federal,")
    err = raises(data)
    assert (err.column, err.got) == ("level", "federal")
    assert "'national'" in err.expected and "'regional'" in err.expected


def test_bad_boolean(data: Path) -> None:
    edit(data / "it/2023/state_of_play.csv", 2, ",false,", ",no,")
    err = raises(data)
    assert (err.line, err.column, err.expected) == (2, "selected", "true or false")


def test_bad_date(data: Path) -> None:
    edit(data / "it/2023/references.csv", 3, "2022-10-14", "14.10.2022x")
    err = raises(data)
    assert (err.line, err.column) == (3, "accessed_date")
    assert "yyyy-mm-dd" in err.expected


def test_required_cell_empty(data: Path) -> None:
    edit(data / "it/2023/euroclusters.csv", 2, "AEC Eurocluster", "")
    err = raises(data)
    assert (err.line, err.column) == (2, "name")
    assert "required" in err.expected


def test_wrong_number_of_cells(data: Path) -> None:
    edit(data / "it/2023/euroclusters.csv", 3, "2,AIBC Eurocluster,", "2,AIBC Eurocluster,extra,")
    err = raises(data)
    assert err.line == 3 and "3 cells" in err.expected


def test_unknown_ecosystem_label_is_checked_against_the_code_list(data: Path) -> None:
    edit(data / "it/2023/eurocluster_ecosystems.csv", 2, ",Agri-food,", ",Agri food,")
    err = raises(data)
    assert (err.file, err.line, err.column, err.got) == (EDITION + "eurocluster_ecosystems.csv", 2, "ecosystem_label", "Agri food")
    assert "ecosystem_labels.csv" in err.expected


def test_unknown_country_code(data: Path) -> None:
    edit(data / "it/2023/programme_partner_countries.csv", 2, ",ES,", ",XX,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "country_code", "XX")
    assert "countries.csv" in err.expected


def test_unknown_nace_division(data: Path) -> None:
    edit(data / "it/2023/sectoral_agglomerations.csv", 2, ",T97,", ",U99,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "nace_code", "U99")
    assert "nace_divisions.csv" in err.expected


def test_unknown_programme(data: Path) -> None:
    edit(data / "it/2023/programme_figures.csv", 2, "escp,consortia", "escp-9,consortia")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "programme", "escp-9")
    assert "programmes.csv" in err.expected


def test_unknown_policy_category(data: Path) -> None:
    edit(data / "it/2023/policy_cells.csv", 2, ",strengthening-cooperation", ",strengthening-collaboration")
    err = raises(data)
    assert (err.line, err.column) == (2, "category")
    assert "policy-objectives" in err.expected


def test_unknown_reference_between_tables(data: Path) -> None:
    edit(data / "it/2023/eurocluster_ecosystems.csv", 2, "EPICENTRE,", "EPICENTER,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "eurocluster", "EPICENTER")


def test_code_list_cross_reference(data: Path) -> None:
    edit(data / "codelists/ecosystem_labels.csv", 2, ",aerospace-and-defence,", ",aerospace,")
    with pytest.raises(SourceError) as info:
        loaders.load_codelists(data, Minter(BASE))
    assert (info.value.file, info.value.line, info.value.column) == ("data/codelists/ecosystem_labels.csv", 2, "ecosystem")


def test_eu_membership_must_end_after_it_began(data: Path) -> None:
    path = data / "codelists/countries.csv"
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if l.startswith("UK,"))
    edit(path, line, ",1973-01-01,2020-01-31,", ",2020-02-01,2020-01-31,")
    with pytest.raises(SourceError) as info:
        loaders.load_codelists(data, Minter(BASE))
    assert (info.value.line, info.value.column) == (line, "eu_member_until")
    edit(path, line, ",2020-02-01,2020-01-31,", ",,2020-01-31,")
    with pytest.raises(SourceError) as info:
        loaders.load_codelists(data, Minter(BASE))
    assert (info.value.line, info.value.column) == (line, "eu_member_from")


def test_every_country_has_its_eu_membership_on_the_date_of_the_data(data: Path) -> None:
    graph = loaders.load_codelists(data, Minter(BASE))
    countries = set(graph.subjects(RDF.type, ECCP.Country))
    assert countries and all(graph.value(c, ECCP.euMembershipSource) for c in countries)
    day = "2023-12-21"
    members = {str(graph.value(c, SKOS.notation)) for c in countries
               if (graph.value(c, ECCP.euMemberFrom) is not None and str(graph.value(c, ECCP.euMemberFrom)) <= day
                   and (graph.value(c, ECCP.euMemberUntil) is None or str(graph.value(c, ECCP.euMemberUntil)) >= day))}
    assert {str(graph.value(c, SKOS.notation)) for c in countries} - members == {"CH", "NO", "RS", "TR", "UK"}
    uk = Minter(BASE).country_iri("UK")
    assert (str(graph.value(uk, ECCP.euMemberFrom)), str(graph.value(uk, ECCP.euMemberUntil))) == ("1973-01-01", "2020-01-31")
    assert graph.value(uk, ECCP.euMemberUntil).datatype == XSD.date


def test_printed_figure_must_be_printed_in_its_cell_and_fit_its_unit(data: Path) -> None:
    path = data / "it/2023/policy_figures.csv"
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if ",budget-total,BUDGET," in l
                and "1500000" in l)
    edit(path, line, "A total of at least EUR 1.500.000", "A total of at least EUR 1.600.000")
    err = raises(data)
    assert (err.file, err.line, err.column) == (EDITION + "policy_figures.csv", line, "printed")
    edit(path, line, "A total of at least EUR 1.600.000", "A total of at least EUR 1.500.000")
    edit(path, line, ",1500000,EUR,", ",1.500.000,EUR,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (line, "value", "1.500.000")
    assert "plain decimal" in err.expected


def test_printed_figures_are_typed_values_with_qualifier_and_printed_words() -> None:
    graph = load(DATA)
    m = Minter(BASE).for_edition("IT", "2023")
    lombardy = m.stated("policy", "regional-technology-clusters-lombardy")
    schema = "https://schema.org/"
    total = URIRef(f"{lombardy}/figure/budget-total")
    assert (lombardy, ECCP.figure, total) in graph
    assert graph.value(total, URIRef(schema + "value")) == Literal("1500000", datatype=XSD.decimal)
    assert str(graph.value(total, URIRef(schema + "currency"))) == "EUR"
    assert graph.value(total, ECCP.qualifier) == Minter(BASE).concept("figure-qualifiers", "at-least")
    assert str(graph.value(total, ECCP.printedAs)) == "A total of at least EUR 1.500.000"
    assert graph.value(total, ECCP.statedIn) == m.stated("policy", "regional-technology-clusters-lombardy", "cell", "BUDGET", "1")
    national = m.stated("policy", "cluster-tecnologici-nazionali-national-technology-clusters")
    rounds = {(int(graph.value(f, ECCP.round)), str(graph.value(f, ECCP.measure)).rsplit("/", 1)[1], graph.value(f, URIRef(schema + "value")))
              for f in graph.objects(national, ECCP.figure) if graph.value(f, ECCP.round) is not None}
    assert rounds == {(1, "selection-round-count", Literal(8, datatype=XSD.integer)),
                      (1, "selection-round-year", Literal("2013", datatype=XSD.gYear)),
                      (2, "selection-round-count", Literal(4, datatype=XSD.integer)),
                      (2, "selection-round-year", Literal("2016", datatype=XSD.gYear))}


def test_malformed_csv_quoting(data: Path) -> None:
    edit(data / "it/2023/euroclusters.csv", 3, "2,AIBC Eurocluster,", '2,"AIBC Eurocluster,')
    err = raises(data)
    assert err.file == EDITION + "euroclusters.csv" and err.line is not None


def test_missing_table_file_is_named(data: Path) -> None:
    (data / "it/2023/semester_challenges.csv").unlink()
    err = raises(data)
    assert (err.file, err.line) == (EDITION + "semester_challenges.csv", None)
    assert "semester_challenges" in err.expected and "schemas.toml" in err.expected


def test_empty_table_file_needs_its_header(data: Path) -> None:
    (data / "it/2023/semester_challenges.csv").write_text("", encoding="utf-8")
    err = raises(data)
    assert (err.file, err.line) == (EDITION + "semester_challenges.csv", 1)
    assert "policy_area,position,text,source" in err.expected


def test_factsheet_toml_folder_must_match_country(data: Path) -> None:
    edit(data / "it/2023/factsheet.toml", 2, '"IT"', '"FR"')
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert (info.value.file, info.value.column) == (EDITION + "factsheet.toml", "country_code")
    assert "'it'" in info.value.expected


def test_factsheet_toml_field_type(data: Path) -> None:
    path = data / "it/2023/factsheet.toml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith("reference_year"))
    edit(path, line, "reference_year = 2023", 'reference_year = "twenty"')
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert (info.value.line, info.value.column) == (line, "reference_year")


def test_factsheet_toml_undeclared_field(data: Path) -> None:
    path = data / "it/2023/factsheet.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'colour = "blue"\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert info.value.column == "colour" and "declared" in info.value.expected


def _toml_line(path: Path, key: str) -> int:
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if t.startswith(key + " "))


def test_factsheet_text_must_be_in_the_edition_folder(data: Path) -> None:
    """The build serves the text beside the dumps: a factsheet.toml naming no file there stops it."""
    (data / "it/2023/eccp-country-factsheet-italy.md").unlink()
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    err = info.value
    line = _toml_line(data / "it/2023/factsheet.toml", "source_file")
    assert (err.file, err.line, err.column, err.got) == (EDITION + "factsheet.toml", line, "source_file", "eccp-country-factsheet-italy.md")
    assert "beside factsheet.toml" in err.expected


@pytest.mark.parametrize("name", ["../2023/eccp-country-factsheet-italy.md", "/abs/eccp-country-factsheet-italy.md", ".hidden.md", "absent.md"])
def test_factsheet_text_outside_the_edition_folder_is_refused(data: Path, name: str) -> None:
    toml = data / "it/2023/factsheet.toml"
    edit(toml, _toml_line(toml, "source_file"), '"eccp-country-factsheet-italy.md"', f'"{name}"')
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert (info.value.column, info.value.got) == ("source_file", name)


def test_a_changed_factsheet_text_is_refused(data: Path) -> None:
    """source_sha256 pins the text as published: one changed byte (a "fix" of a typo) stops the build."""
    text = data / "it/2023/eccp-country-factsheet-italy.md"
    text.write_bytes(text.read_bytes().replace(b"Autonomo us", b"Autonomous", 1))
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    err = info.value
    assert (err.line, err.column) == (_toml_line(data / "it/2023/factsheet.toml", "source_sha256"), "source_sha256")
    assert "must stay as published" in err.expected and len(err.got) == 64


def test_the_factsheet_carries_its_reuse_licence() -> None:
    (edition,) = [e for e in loaders.discover_editions() if e.country == "IT"]
    graph = loaders.load_edition(edition, Minter(BASE))
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert list(graph.subjects(URIRef("http://purl.org/dc/terms/license"), licence)) == [URIRef(BASE + "id/factsheet/it/2023")]


def test_multi_line_cell_reports_the_line_the_record_starts_on(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.toml"
    schemas.write_text(
        '[tables.t]\nfile = "t.csv"\nscope = "edition"\nkey = ["n"]\n'
        '[tables.t.columns]\nn = { type = "integer", required = true }\ntext = { type = "text", required = true }\n',
        encoding="utf-8",
    )
    table = tmp_path / "t.csv"
    table.write_text('n,text\n1,"two\nlines"\nx,ok\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_table(table, load_schemas(schemas).tables["t"], "t.csv")
    assert (info.value.file, info.value.line, info.value.column) == ("t.csv", 4, "n")


def test_string_column_rejects_newlines(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.toml"
    schemas.write_text('[tables.t]\nfile = "t.csv"\n[tables.t.columns]\ns = { type = "string" }\n', encoding="utf-8")
    (tmp_path / "t.csv").write_text('s\n"a\nb"\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_table(tmp_path / "t.csv", load_schemas(schemas).tables["t"])
    assert info.value.column == "s" and "single-line" in info.value.expected


def test_schema_with_unknown_type_is_an_error(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.toml"
    schemas.write_text('[tables.t]\nfile = "t.csv"\n[tables.t.columns]\ns = { type = "colour" }\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_schemas(schemas)
    assert info.value.column == "s" and "column type" in info.value.expected


# ---------------------------------------------------------------- good input


@pytest.fixture(scope="module")
def italy() -> Graph:
    return loaders.load_edition(next(e for e in loaders.discover_editions() if e.country == "IT"), Minter(BASE))


def test_every_declared_edition_table_is_present() -> None:
    schemas = load_schemas(DATA / "schemas.toml")
    edition = next(e for e in loaders.discover_editions() if e.country == "IT")
    missing = [t.file for t in schemas.scoped("edition") if not (edition.path / t.file).is_file()]
    assert missing == []
    missing = [t.file for t in schemas.scoped("codelist") if not (DATA / "codelists" / t.file).is_file()]
    assert missing == []


def test_every_edition_statement_is_derived_from_the_factsheet(italy: Graph) -> None:
    factsheet = URIRef(BASE + "id/factsheet/it/2023")
    assert (factsheet, RDF.type, ECCP.Factsheet) in italy
    scoped = {s for s in italy.subjects() if isinstance(s, URIRef) and s.startswith(BASE + "id/it/2023/")}
    assert len(scoped) > 500
    assert [s for s in scoped if (s, PROV.wasDerivedFrom, factsheet) not in italy] == []
    assert [s for s in scoped if italy.value(s, ECCP.sourceLocator) is None] == []


def test_lombardy_top_five_in_rank_order(italy: Graph) -> None:
    lombardy = URIRef(BASE + "id/nuts/ITC4")
    rows = italy.query(
        "SELECT ?rank ?nace WHERE { ?o a eccp:SectoralAgglomeration ; sdmx-dimension:refArea ?r ;"
        " eccp:rank ?rank ; eccp:naceDivision ?nace } ORDER BY ?rank",
        initBindings={"r": lombardy},
    )
    assert [(int(r), str(n).rsplit("/", 1)[1]) for r, n in rows] == [
        (1, "T97"), (2, "C14"), (3, "M74"), (4, "M69"), (5, "C28")]


def test_stated_counts_are_kept_next_to_listed_items(italy: Graph) -> None:
    sardinia = URIRef(BASE + "id/it/2023/observation/sectoral-agglomeration-counts/itg2")
    assert italy.value(sardinia, ECCP.agglomerationCount) == Literal(4, datatype=XSD.nonNegativeInteger)
    listed = list(italy.subjects(SDMX_DIMENSION.refArea, URIRef(BASE + "id/nuts/ITG2")))
    ranked = [o for o in listed if (o, RDF.type, ECCP.SectoralAgglomeration) in italy]
    assert len(ranked) == 3
    total = URIRef(BASE + "id/it/2023/observation/sectoral-agglomeration-counts/total")
    assert int(italy.value(total, ECCP.agglomerationCount)) == 94



def test_partner_list_keeps_order_and_duplicates(italy: Graph) -> None:
    innosup = URIRef(BASE + "id/it/2023/participation/innosup-1")
    items = sorted((int(italy.value(i, ECCP.position)), str(italy.value(i, ECCP.printedAs)))
                   for i in italy.objects(innosup, ECCP.listedItem))
    assert len(items) == 22 and int(italy.value(innosup, ECCP.statedItemCount)) == 22
    assert [p for p, code in items if code == "EL"] == [13, 15]
    escp = URIRef(BASE + "id/it/2023/participation/escp")
    assert int(italy.value(escp, ECCP.statedItemCount)) == 2
    assert len(list(italy.objects(escp, ECCP.listedItem))) == 22


def test_programme_figures_and_employment_are_observations(italy: Graph) -> None:
    rows = italy.query(
        "SELECT ?programme ?measure ?value WHERE { ?o qb:dataSet ?ds ; eccp:programme ?programme ;"
        " qb:measureType ?measure ; ?measure ?value . ?ds qb:structure eccp:ProgrammeFigureStructure }")
    figures = {(str(p).rsplit("/", 1)[1], str(m).rsplit("#", 1)[1]): int(v) for p, m, v in rows}
    assert figures[("escp", "consortiumCount")] == 69
    assert figures[("escp", "partnerCountryCount")] == 2
    assert figures[("innosup-1", "partnerCountryCount")] == 22
    assert figures[("euroclusters", "partnershipCount")] == 18
    assert len(figures) == 10
    ranks = italy.query(
        "SELECT ?eco ?rank WHERE { ?o qb:measureType eccp:employmentRank ; eccp:employmentRank ?rank ;"
        " eccp:ecosystem ?eco } ORDER BY ?rank")
    assert [str(e).rsplit("/", 1)[1] for e, _ in ranks] == ["retail", "proximity-social-economy-and-civil-security", "construction"]


def test_technology_clusters_and_member_counts(italy: Graph) -> None:
    clusters = set(italy.subjects(RDF.type, ECCP.TechnologyCluster))
    assert len(clusters) == 21
    counts = {str(italy.value(italy.value(o, ECCP.technologyCluster), RDFS.label)): int(italy.value(o, ECCP.memberCount))
              for o in italy.subjects(ECCP.memberCount, None)}
    assert len(counts) == 9 and counts["Lombardy Energy Cleantech Cluster"] == 140


def test_policy_years_and_categories(italy: Graph) -> None:
    national = URIRef(BASE + "id/it/2023/policy/cluster-tecnologici-nazionali-national-technology-clusters")
    assert italy.value(national, ECCP.startingYear) == Literal("2013", datatype=XSD.gYear)
    assert len(list(italy.objects(national, ECCP.hasObjective))) == 14
    assert italy.value(national, ECCP.endingYear) is None  # printed '-'


def test_loading_twice_gives_the_same_triples() -> None:
    edition = next(e for e in loaders.discover_editions() if e.country == "IT")
    first = loaders.load_edition(edition, Minter(BASE))
    second = loaders.load_edition(edition, Minter(BASE))
    assert set(first) == set(second)


def test_country_and_edition_come_from_the_data(data: Path) -> None:
    """Filed as another country and edition, the same tables mint nothing under id/it/2023."""
    (data / "mt").mkdir()
    shutil.move(str(data / "it/2023"), str(data / "mt/2099"))
    shutil.rmtree(data / "it")
    toml = data / "mt/2099/factsheet.toml"
    edit(toml, 2, '"IT"', '"MT"')
    line = next(i for i, t in enumerate(toml.read_text(encoding="utf-8").split("\n"), 1) if t.startswith("edition"))
    edit(toml, line, '"2023"', '"2099"')
    (edition,) = loaders.discover_editions(data)
    assert (edition.country, edition.edition) == ("MT", "2099")
    graph = loaders.load_edition(edition, Minter(BASE))
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not [i for i in iris if "/id/it/" in i or "/factsheet/it/" in i]
    assert BASE + "id/factsheet/mt/2099" in iris
    assert any(i.startswith(BASE + "id/mt/2099/observation/") for i in iris)


def test_every_minted_iri_is_under_the_configured_base(italy: Graph) -> None:
    minted = {str(t) for triple in italy for t in triple
              if isinstance(t, URIRef) and "/id/" in str(t) and "w3id.org/eccp-kg/ontology" not in str(t)}
    assert minted and all(i.startswith(BASE) for i in minted)


def test_code_lists_are_skos(data: Path) -> None:
    graph = loaders.load_codelists(data, Minter(BASE))
    ecosystems = set(graph.subjects(RDF.type, ECCP.IndustrialEcosystem))
    assert len(ecosystems) == 14
    assert all((e, SKOS.inScheme, URIRef(BASE + "id/scheme/ecosystems")) in graph for e in ecosystems)
    assert (URIRef(BASE + "id/programme/escp-4i"), SKOS.broader, URIRef(BASE + "id/programme/escp")) in graph
