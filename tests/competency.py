"""Helpers of the competency-query tests: reading the factsheet text (the expected answers) and running
queries/*.rq over the session's built store as the server runs them (union default graph)."""
from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from eccp_kg.graph.namespaces import PREFIXES


ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
EDITION = ROOT / "data" / "it" / "2023"
SEED = EDITION / tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))["source_file"]


# --- reading the factsheet -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


def codes(listing: str) -> list[str]:
    return [c.strip() for c in listing.split(",")]


def bold(cell: str) -> list[str]:
    return [html.unescape(b).strip() for b in re.findall(r"<b>(.+?)</b>", cell)]


def table1(text: str) -> dict[str, dict]:
    """Table 1 rows: NUTS code -> name, stated count, and the (rank, NACE code, label) printed."""
    rows = {}
    for line in between(text, "**Table 1", "**Table 2").splitlines():
        cells = line.split("\t")
        head = re.match(r"<b>([A-Z]{2}\w+): (.+)</b>", cells[0])
        if not head:
            continue
        aggs = []
        for rank, cell in enumerate(cells[2:7], start=1):
            m = re.match(r"([A-Z]\d{2}) [-–] (.+)$", cell.strip())
            if m:
                aggs.append((rank, m.group(1), m.group(2)))
        rows[head.group(1)] = {"name": head.group(2), "count": int(cells[1]), "aggs": aggs}
    return rows


# --- running the queries -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(built_graph) -> ox.Store:
    """The session's built store, opened read-only."""
    from eccp_kg.graph.store import open_store

    return open_store(built_graph.store_path)


def query_file(name: str) -> Path:
    return QUERIES / f"{name}.rq"


def run(store: ox.Store, name: str) -> list[dict[str, object]]:
    """Rows of a competency query as dicts of plain values (IRIs and lexical forms as str, ints as int)."""
    result = store.query(query_file(name).read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for var in names:
            term = solution[var]
            if term is None:
                row[var] = None
            elif isinstance(term, ox.Literal) and term.datatype.value == PREFIXES["xsd"] + "integer":
                row[var] = int(term.value)
            else:
                row[var] = term.value
        rows.append(row)
    return rows


#: queries that compare countries or editions: their answers are checked over a graph with a second
#: country and a second edition in tests/test_explore_compare_queries.py (here: the two-editions case)
COMPARING = {"countries-state-of-play-compared", "partners-gained-and-lost"}
#: of those, the ones whose answer is empty on a graph with one edition per country (the shipped one)
EMPTY_WITH_ONE_EDITION = {"partners-gained-and-lost"}
#: queries that answer for every loaded country, one set of rows per country code ?cc, each from the
#: country's latest edition: on the Italy build their rows are Italy's (test_competency_queries.py),
#: per country over a build with a second country in tests/test_explore_compare_per_country.py
PER_COUNTRY = {
    "cluster-organisations-registered", "cluster-organisations-by-ecosystem", "regions-with-a01-agglomeration",
    "eurocluster-partner-countries", "euroclusters-and-ecosystems", "escp-and-innosup-common-partners",
    "national-technology-clusters", "policy-objectives-shared", "policy-budget-funding-start", "state-of-play-scores",
    "member-composition", "semester-challenges", "employment-ecosystems", "ecosystem-agglomeration-regions",
    "policy-amounts", "validation-warnings", "names-printed-several-ways",
}
#: every query and the test that checks its answer
TESTED = {
    "cluster-organisations-registered", "cluster-organisations-by-ecosystem", "lombardy-top-sectoral-agglomerations",
    "regions-with-a01-agglomeration", "eurocluster-partner-countries", "euroclusters-and-ecosystems",
    "escp-and-innosup-common-partners", "national-technology-clusters", "policy-objectives-shared",
    "policy-budget-funding-start", "state-of-play-scores", "validation-warnings",
    "member-composition", "lombardy-technology-clusters", "semester-challenges", "employment-ecosystems",
    "ecosystem-agglomeration-regions", "policy-amounts", "names-printed-several-ways",
    *COMPARING,
}


def table2(text: str) -> dict[str, tuple[int, list[str]]]:
    """Table 2 rows: NUTS code -> (stated number of ecosystem agglomerations, ecosystems printed)."""
    rows = {}
    for line in between(text, "**Table 2", "Source: ECCP").splitlines():
        cells = line.split("\t")
        head = re.match(r"<b>([A-Z]{2}\w+): .+</b>", cells[0])
        if head:
            rows[head.group(1)] = (int(cells[1]), [c.strip() for c in cells[2:] if c.strip() not in ("", "-")])
    return rows
