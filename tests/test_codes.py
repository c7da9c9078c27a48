"""Codes users type: every concept of every code list has a skos:notation, unique in its scheme;
every label variant the factsheet prints is a skos:altLabel of its concept; and no example query
filters on label text (they match notations, so a relabelled concept or a printed variant cannot
break them)."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import ECCP, RDF, SKOS

ROOT = Path(__file__).resolve().parent.parent
M = Minter.default()


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = loaders.load_codelists(None, M)
    for edition in loaders.discover_editions():
        g += loaders.load_edition(edition, M)
    return g


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_concept_has_a_notation_unique_in_its_scheme(graph: Graph) -> None:
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 150
    missing = sorted(str(c) for c in concepts if graph.value(c, SKOS.notation) is None)
    assert missing == []
    per_scheme: dict[tuple, list] = defaultdict(list)
    for c in concepts:
        for scheme in graph.objects(c, SKOS.inScheme):
            for notation in graph.objects(c, SKOS.notation):
                per_scheme[(scheme, str(notation))].append(c)
    assert {k: v for k, v in per_scheme.items() if len(v) > 1} == {}
    schemes = {s for s in graph.subjects(RDF.type, SKOS.ConceptScheme)}
    for key in ("policy-levels", "member-types", "beneficiary-types", "semester-policy-areas", "financial-instruments",
                "policy-objectives", "ecosystems", "figure-measures", "figure-qualifiers"):
        assert M.scheme(key) in schemes, key


def test_ecosystem_codes_are_short_stable_and_documented(graph: Graph) -> None:
    doc = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    for row in rows(DATA / "codelists" / "ecosystems.csv"):
        iri = M.ecosystem(row["slug"])
        assert graph.value(iri, SKOS.notation) == Literal(row["code"])
        assert re.fullmatch(r"[A-Z]{3,6}", row["code"])
        assert f"| `{row['code']}` | {row['label']} |" in doc, row["code"]


def test_every_printed_label_variant_is_an_alt_label(graph: Graph) -> None:
    for row in rows(DATA / "codelists" / "ecosystem_labels.csv"):
        iri = M.ecosystem(row["ecosystem"])
        labels = {str(x) for x in graph.objects(iri, SKOS.prefLabel)} | {str(x) for x in graph.objects(iri, SKOS.altLabel)}
        assert row["label"] in labels, row["label"]
    proximity = M.ecosystem("proximity-social-economy-and-civil-security")
    assert {"Proximity & Social Economy", "Proximity, social economy and civil society"} <= {
        str(x) for x in graph.objects(proximity, SKOS.altLabel)}
    categories = {(r["scheme"], r["slug"]): r["label"] for r in rows(DATA / "codelists" / "policy_categories.csv")}
    schemes = {"POLICY OBJECTIVES": "policy-objectives", "POLICY FOCUS": "policy-focus", "BENEFICIARIES": "beneficiary-types",
               "INSTRUMENTS": "financial-instruments", "RESPONSIBLE AUTHORITIES": "responsible-roles",
               "HISTORY": "policy-periods", "POLICY EVALUATION": "evaluation-availability",
               "POLICY ALIGNMENT WITH THE EU PRIORITIES": "eu-priorities"}
    variants = 0
    for row in rows(DATA / "it" / "2023" / "policy_cells.csv"):
        if row["kind"] != "category":
            continue
        iri = M.concept(schemes[row["section"]], row["category"])
        labels = {str(x) for x in graph.objects(iri, SKOS.prefLabel)} | {str(x) for x in graph.objects(iri, SKOS.altLabel)}
        assert row["text"] in labels, row["text"]
        variants += row["text"] != categories[(schemes[row["section"]], row["category"])]
    assert variants >= 2  # 'Cross-sectoral' and '... innovation ecosystem' (singular), as printed


LABEL_FILTER = re.compile(
    r"(STR|LCASE|UCASE|CONTAINS|STRSTARTS|REGEX)\s*\(\s*(STR\s*\(\s*)?\?\w*[Ll]abel\w*\s*\)?\s*[,)=]"
    r"|(skos:prefLabel|skos:altLabel|rdfs:label)\s+\"", re.S)


def test_no_example_query_filters_on_label_text() -> None:
    files = sorted((ROOT / "queries").rglob("*.rq"))
    assert len(files) > 20
    offending = []
    for path in files:
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
        if LABEL_FILTER.search(text):
            offending.append(path.relative_to(ROOT).as_posix())
    assert offending == []


def test_the_label_filter_check_can_fail() -> None:
    assert LABEL_FILTER.search('FILTER (STR(?levelLabel) = "national")')
    assert LABEL_FILTER.search('?level skos:prefLabel "national"@en')
    assert LABEL_FILTER.search('FILTER (CONTAINS(LCASE(?label), "agri"))') or LABEL_FILTER.search('FILTER (LCASE(?label) = "agri")')
    assert not LABEL_FILTER.search('?level skos:notation "national" .')


def test_a_notation_used_twice_in_one_scheme_names_the_row(tmp_path: Path) -> None:
    """Two Table 3 categories of one scheme with one notation: the build stops at the second row."""
    import shutil

    from eccp_kg.graph.errors import SourceError

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("__pycache__", "*.py", "links"))
    path = data / "codelists" / "policy_categories.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("beneficiary-types,start-ups,start-ups,"))
    lines[line - 1] = lines[line - 1].replace(",start-ups,start-ups,", ",start-ups,smes,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        loaders.load_codelists(data, M)
    err = info.value
    assert (err.file, err.line, err.column, err.got) == ("data/codelists/policy_categories.csv", line, "notation", "smes")
    assert "unique in scheme beneficiary-types" in err.expected


def test_every_declared_column_is_documented_in_the_data_readme() -> None:
    """data/README.md documents each source table of data/schemas.toml (declared once there): one row
    per column, in file order, with the declared type, requiredness and description."""
    import tomllib

    schemas = tomllib.loads((DATA / "schemas.toml").read_text(encoding="utf-8"))["tables"]
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for name, spec in schemas.items():
        if spec.get("scope", "edition") == "links":
            continue  # the link tables are documented with the links (docs/linking.md)
        heading = f"### `{spec['file']}` ({spec.get('scope', 'edition')})"
        assert heading in readme, heading
        section = readme.split(heading, 1)[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| ([^|]+) \| (yes|no) \| ([^\n]*) \|$", section, re.M)
        assert [d[0] for d in documented] == list(spec["columns"]), name
        for (column, kind, required, meaning), (declared, col) in zip(documented, spec["columns"].items()):
            assert kind.split(" ")[0].split(":")[0] == col["type"], (name, column, kind)
            assert (required == "yes") == bool(col.get("required")), (name, column)
            if col.get("description"):
                assert meaning == col["description"].replace("|", "\\|"), (name, column, meaning)
