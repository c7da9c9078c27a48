"""One resource per thing mentioned (issue 13 part 4): every name printed in the factsheet that refers to a
known resource is linked to it, and every link in the graph is a reviewed row of mentions.csv.

The names are never pasted here: they are read from the tables (the name and acronym of every row of
organisations.csv, policy_documents.csv, policies.csv, codelists/programmes.csv and, when longer than a
word, policy_clusters.csv) plus every printed variant mentions.csv records.
Every text column of every edition table is scanned for them; each place a name is printed must be
inside a mention of its row, except in the tables listed in COPIES, whose text is checked to be a
copy of the paragraphs (their places are linked there)."""
from __future__ import annotations

import csv
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import ECCP, RDF, RDFS, SKOS

M = Minter.default()
IT = M.for_edition("IT", "2023")
SCHEMAS = tomllib.loads((DATA / "schemas.toml").read_text(encoding="utf-8"))["tables"]
EDITION_TABLES = {name: spec for name, spec in SCHEMAS.items() if spec.get("scope", "edition") == "edition"}

#: tables whose text is a copy of paragraphs.csv (checked below): a name printed there is linked in the paragraph
COPIES = {
    "policy_documents": "statement",  # the sentence(s) of section 1 about each document
    "employment_statements": "statement",  # section 2.1's sentences per ecosystem
    "agglomeration_statements": "text",  # section 2.2's statement, on every row of it
}
#: a label that is also a common noun of the text, with the reading: its places are not the resource. Each
#: must still be printed unlinked somewhere (checked), so the list cannot outlive the text
COMMON_NOUNS = {
    "Euroclusters": "the programme's acronym, and also the word for the partnerships themselves ('18 Euroclusters', "
                    "'These Euroclusters are'); the programme is linked where printed in full, 'Joint Clusters "
                    "Initiatives (Euroclusters)'",
}
#: a Table 3 list item is the cluster's own listing: it names its cluster through eccp:item, not a mention
#: (policy_clusters.csv, and the same items as cells of policy_cells.csv: see listing_cells)
OWN_LISTING = {"policy_clusters": "item"}


def listing_cells(folder: Path) -> set[tuple[str, str]]:
    """(policy, text) of the Table 3 cells that are a policy's cluster list items, as policy_clusters.csv has them."""
    return {(r["policy"], r["item"]) for r in read(folder, "policy_clusters")}


def read(folder: Path, table: str) -> list[dict[str, str]]:
    path = folder / ("codelists" if SCHEMAS[table].get("scope") == "codelist" else "it/2023") / SCHEMAS[table]["file"]
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def key_of(table: str, row: dict[str, str]) -> str:
    return " | ".join(row[k] for k in SCHEMAS[table]["key"])


def text_columns() -> dict[str, list[str]]:
    """Every edition table with a column of type text (prose, cells, references ...)."""
    out = {}
    for name, spec in EDITION_TABLES.items():
        cols = [c for c, col in spec["columns"].items() if col["type"] == "text"]
        if cols:
            out[name] = cols
    return out


def names(folder: Path) -> dict[str, tuple[str, str]]:
    """Each name that refers to a known resource -> (kind, resource), from the tables and mentions.csv."""
    labels = {
        "organisation": {r["key"]: [r["name"], r["acronym"]] for r in read(folder, "organisations")},
        "document": {r["key"]: [r["name"], r["acronym"]] for r in read(folder, "policy_documents")},
        "programme": {r["slug"]: [r["label"], r["acronym"]] for r in read(folder, "programmes")},
        "policy": {r["key"]: [r["name"]] for r in read(folder, "policies")},
        "cluster": {r["name"]: [r["name"].rstrip(" ,.;"), r["acronym"]] for r in read(folder, "policy_clusters")},
    }
    out: dict[str, tuple[str, str]] = {}
    mentions = read(folder, "mentions")
    for kind in ("organisation", "document", "programme", "policy", "cluster"):
        for resource, found in sorted(labels[kind].items()):
            for name in found:
                # one-word cluster names (Aerospace, Energy, Design) are words of the prose, not names of the clusters
                if name and (kind != "cluster" or " " in name):
                    out.setdefault(name, (kind, resource))
    for m in mentions:
        out.setdefault(m["printed"], (m["kind"], m["resource"]))
    return out


def places(name: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)]


def unlinked(folder: Path, common: frozenset[str] = frozenset(COMMON_NOUNS)) -> list[str]:
    """Every place a known name is printed that no mention of its row covers (the test's own reading);
    the names in `common` are not looked for."""
    spans: dict[tuple[str, str], list[tuple[int, int, str, str]]] = {}
    texts = text_columns()
    for m in read(folder, "mentions"):
        (column,) = texts[m["table"]]
        (row,) = [r for r in read(folder, m["table"]) if key_of(m["table"], r) == m["row"]]
        start, end = places(m["printed"], row[column])[int(m["occurrence"]) - 1]
        spans.setdefault((m["table"], m["row"]), []).append((start, end, m["kind"], m["resource"]))
    problems = []
    known = names(folder)
    listings = listing_cells(folder)
    for table, columns in texts.items():
        if table in COPIES or table in OWN_LISTING:
            continue
        for row in read(folder, table):
            if table == "policy_cells" and (row["policy"], row["text"]) in listings:
                continue
            for column in columns:
                for name, (kind, resource) in known.items():
                    if name in common:
                        continue
                    for start, end in places(name, row[column]):
                        # linked: a mention of that very thing there, or a longer mention around it
                        covered = [s for s in spans.get((table, key_of(table, row)), []) if s[0] <= start and end <= s[1]
                                   and (s[2:] == (kind, resource) or s[1] - s[0] > end - start)]
                        if not covered:
                            problems.append(f"{table} [{key_of(table, row)}] {column}: {name!r} at {start} ({kind} {resource})")
    return problems


@pytest.fixture(scope="module")
def graph() -> Graph:
    (edition,) = [e for e in loaders.discover_editions() if (e.country, e.edition) == ("IT", "2023")]
    return loaders.load_edition(edition, M)


def test_the_names_come_from_the_tables_and_cover_every_kind() -> None:
    known = names(DATA)
    kinds = {kind for kind, _ in known.values()}
    assert kinds == {"organisation", "document", "programme", "policy", "cluster"}
    for table, column in (("organisations", "name"), ("policy_documents", "name"), ("programmes", "label"),
                          ("policies", "name")):
        for row in read(DATA, table):
            assert row[column] in known, (table, row[column])  # every one is looked for, mentioned or not
    assert len(known) >= len({m["printed"] for m in read(DATA, "mentions")})


def test_the_cluster_listing_cells_are_the_listed_items() -> None:
    """The cells skipped as listings are each one item of policy_clusters.csv, every item once."""
    cells = [(r["policy"], r["text"]) for r in read(DATA, "policy_cells")
             if r["section"] == "POLICY FOCUS" and r["kind"] == "list_item"]
    items = listing_cells(DATA)
    assert items and len(items) == len(read(DATA, "policy_clusters"))
    assert items <= set(cells)


def test_every_printed_name_of_a_known_resource_is_a_mention() -> None:
    assert unlinked(DATA) == []


def test_each_common_noun_is_a_known_name_printed_unlinked() -> None:
    known = names(DATA)
    found = unlinked(DATA, common=frozenset())
    for noun in COMMON_NOUNS:
        assert noun in known, noun
        assert any(f": {noun!r} at " in p for p in found), noun  # still printed as the common noun


def test_a_dropped_mention_is_found_unlinked(tmp_path: Path) -> None:
    """The can-fail check: without one reviewed row, its place is reported, and nothing else."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py", "links"))
    path = folder / "it/2023/mentions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    dropped = next(csv.DictReader([lines[0], lines[5]]))
    path.write_text("\n".join(lines[:5] + lines[6:]) + "\n", encoding="utf-8")
    problems = unlinked(folder)
    assert len(problems) == 1
    assert problems[0].startswith(f"{dropped['table']} [{dropped['row']}]") and repr(dropped["printed"]) in problems[0]


def test_copies_are_copies_of_the_paragraphs() -> None:
    """The excused tables hold no text of their own: each cell is printed in the paragraphs."""
    paragraphs = " ".join(r["text"] for r in read(DATA, "paragraphs"))
    flat = re.sub(r"\s+", " ", paragraphs)
    for table, column in COPIES.items():
        rows = read(DATA, table)
        assert rows, table
        for row in rows:
            for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", row[column]).strip()):
                assert sentence in flat, (table, key_of(table, row), sentence[:80])


def test_every_mention_row_is_in_the_graph(graph: Graph) -> None:
    texts = text_columns()
    for m in read(DATA, "mentions"):
        row_keys = m["row"].split(" | ")
        iri = IT.stated("mention", m["table"], *row_keys, m["printed"], m["occurrence"])
        assert graph.value(iri, RDF.type) == ECCP.Mention, m
        thing = graph.value(iri, ECCP.mentionOf)
        assert graph.value(iri, ECCP.printedAs) == Literal(m["printed"])
        assert str(graph.value(iri, ECCP.sourceLocator)) == m["source"]
        node = graph.value(iri, ECCP.mentionedIn)
        (column,) = texts[m["table"]]
        (row,) = [r for r in read(DATA, m["table"]) if key_of(m["table"], r) == m["row"]]
        printed_in = graph.value(node, ECCP.text) or graph.value(node, RDFS.label)
        assert str(printed_in) == row[column], m  # the node of that very row
        assert m["source"] == row["source"]  # the mention's locator is its row's
        # the printed words are a label of the thing, or one of its labels already
        # (a programme's own labels are in the code-list graph)
        labels = {str(o) for g in (graph, CODELISTS()) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
                  for o in g.objects(thing, p)}
        assert m["printed"] in labels, m


def CODELISTS() -> Graph:  # noqa: N802 (read once)
    global _CODELISTS
    if _CODELISTS is None:
        _CODELISTS = loaders.load_codelists(None, M)
    return _CODELISTS


_CODELISTS: Graph | None = None


def test_every_mention_in_the_graph_is_a_reviewed_row(graph: Graph) -> None:
    rows = {(m["table"], m["row"], m["printed"], m["occurrence"]) for m in read(DATA, "mentions")}
    in_graph = set(graph.subjects(RDF.type, ECCP.Mention))
    assert len(in_graph) == len(rows)
    expected = {IT.stated("mention", t, *r.split(" | "), p, o) for t, r, p, o in rows}
    assert in_graph == expected


def test_one_resource_however_it_is_printed(graph: Graph) -> None:
    """Each resource mentioned in several spellings is one IRI that every spelling points to."""
    things: dict[tuple[str, str], set] = {}
    spellings: dict[tuple[str, str], set[str]] = {}
    for m in read(DATA, "mentions"):
        iri = IT.stated("mention", m["table"], *m["row"].split(" | "), m["printed"], m["occurrence"])
        things.setdefault((m["kind"], m["resource"]), set()).add(graph.value(iri, ECCP.mentionOf))
        spellings.setdefault((m["kind"], m["resource"]), set()).add(m["printed"])
    several = [k for k, v in spellings.items() if len(v) > 1]
    assert ("organisation", "miur") in several and ("organisation", "regione-lombardia") in several
    for key in several:
        assert len(things[key]) == 1 and None not in things[key], (key, things[key])
