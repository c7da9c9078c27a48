"""Loaders, bad cells: a wrong code form, type, range, enum value, reference or printed figure stops the
load with file, line, column and the expected form."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import ECCP, RDF, SKOS, XSD
from tests.loading import BASE, EDITION, edit, load, raises
from tests.loading import data  # noqa: F401  (fixtures)


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
