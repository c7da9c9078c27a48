"""Differential check: every competency query gives the same results through our endpoint and
through rdflib-endpoint (a different SPARQL engine) serving the same build.

Both are real servers on free 127.0.0.1 ports, spoken to over HTTP with the SPARQL 1.1 Protocol:
ours is `eccp-kg serve --store BUILD/store`; rdflib-endpoint is `rdflib-endpoint serve FILE`,
where FILE is BUILD/dumps/eccp-kg.nq plus BUILD/dumps/void.ttl put in its graph B graph/meta (the
dump leaves that graph out because it describes the dumps), loaded with graphs kept into an rdflib
``Dataset(default_union=True)``. That flag makes rdflib's default graph the union of all named
graphs, which is what our server does (pyoxigraph ``use_default_graph_as_union=True``), so both
engines see the same default graph and the same named graphs.

Results are compared as multisets of bindings after normalising what SPARQL leaves to the
engine: blank-node labels, the lexical form of numbers and booleans (``1.0`` = ``1.00``), an
explicit ``xsd:string`` datatype, the case of language tags, and the decimal places of computed
averages. Where a query has ORDER BY on projected variables, the order of those keys must match
too. CONSTRUCT/DESCRIBE results are compared as graphs (isomorphism).

The build used is the `served_build` fixture (tests/conftest.py): $ECCP_KG_BUILD_DIR if set,
else the test session's own build."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from bench import servers  # bench/ is on the test path (pyproject.toml)
from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.queries import PATH as QUERIES

XSD = PREFIXES["xsd"]
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                   "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                                   "unsignedShort", "unsignedByte")}
NUMERIC_TYPES = INTEGER_TYPES | {XSD + "decimal", XSD + "double", XSD + "float"}
#: Significant digits kept when comparing computed numbers (AVG, division): engines round differently.
DIGITS = 12
SELECT_JSON = "application/sparql-results+json"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))


# --- normalisation (pure) ------------------------------------------------------------------
def normalise_number(lexical: str, datatype: str) -> str:
    """A canonical text for a numeric literal's value; integers exact, others to DIGITS digits."""
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return f"invalid:{lexical}"
    if datatype in INTEGER_TYPES:
        return str(int(value))
    if not value.is_finite():
        return str(value)
    if value.is_zero():
        return "0"
    return format(value.normalize().__round__(DIGITS - value.adjusted() - 1).normalize(), "f")


def normalise_term(term: dict[str, str] | None) -> tuple[str, ...] | None:
    """One SPARQL-JSON term as a comparable tuple (None for an unbound variable)."""
    if term is None:
        return None
    kind = term["type"]
    if kind == "uri":
        return ("uri", term["value"])
    if kind == "bnode":
        return ("bnode",)  # labels are local to a result set
    if kind in ("literal", "typed-literal"):
        datatype = term.get("datatype")
        lang = term.get("xml:lang") or term.get("lang")
        if lang:
            return ("literal", term["value"], "@" + lang.lower())
        if datatype in (None, XSD + "string"):
            return ("literal", term["value"], XSD + "string")
        if datatype in NUMERIC_TYPES:
            family = "integer" if datatype in INTEGER_TYPES else "number"
            return ("number", normalise_number(term["value"], datatype), family)
        if datatype == XSD + "boolean":
            return ("literal", str(term["value"].strip() in ("true", "1")).lower(), datatype)
        return ("literal", term["value"], datatype)
    if kind == "triple":
        inner = term["value"]
        return ("triple", *(normalise_term(inner[k]) or () for k in ("subject", "predicate", "object")))
    raise ValueError(f"unknown SPARQL JSON term type {kind!r} in {term!r}")


def normalise_row(row: dict[str, Any], variables: list[str]) -> tuple:
    """A binding row as a tuple in the order of `variables`."""
    return tuple(normalise_term(row.get(v)) for v in variables)


def order_keys(query: str) -> list[tuple[str, bool]] | None:
    """The top-level ORDER BY as (variable, descending) pairs, or None when there is no ORDER BY
    or it sorts by an expression the keys cannot be read from."""
    algebra = prepareQuery(query).algebra

    def find(node: Any) -> CompValue | None:
        if isinstance(node, CompValue):
            if node.name == "OrderBy":
                return node
            for key in ("p", "p1", "p2"):
                child = node.get(key)
                found = find(child) if child is not None else None
                if found is not None:
                    return found
        return None

    order = find(algebra)
    if order is None:
        return None
    keys = []
    for condition in order.expr:
        expr = condition.expr if isinstance(condition, CompValue) else condition
        if not isinstance(expr, Variable):
            return None
        descending = isinstance(condition, CompValue) and condition.get("order") == "DESC"
        keys.append((str(expr), descending))
    return keys


#: SPARQL 1.1 section 15.1: unbound < blank nodes < IRIs < literals.
_RANK = {None: 0, "bnode": 1, "uri": 2, "literal": 3, "number": 3}


def compare_terms(a: tuple | None, b: tuple | None) -> int | None:
    """-1, 0 or 1 where SPARQL defines how ORDER BY sorts two (normalised) terms; None where it
    leaves the order to the engine (e.g. language-tagged literals, literals of different types)."""
    ra, rb = _RANK[a[0] if a else None], _RANK[b[0] if b else None]
    if ra != rb:
        return -1 if ra < rb else 1
    if a is None or a[0] == "bnode":
        return 0 if a == b else None
    if a[0] == "number" and b[0] == "number":
        x, y = Decimal(a[1]), Decimal(b[1])
        return (x > y) - (x < y)
    if a[0] == "uri" or (a[0] == b[0] == "literal" and a[2] == b[2] == XSD + "string"):
        return (a[1] > b[1]) - (a[1] < b[1])
    return 0 if a == b else None


def ordering_violation(rows: list[tuple], keys: list[tuple[int, bool]]) -> str | None:
    """The first pair of neighbouring rows that ORDER BY `keys` (column index, descending) puts
    in the wrong order, where SPARQL defines the order; None if the rows are sorted."""
    for i in range(len(rows) - 1):
        for column, descending in keys:
            c = compare_terms(rows[i][column], rows[i + 1][column])
            if c is None:
                break  # the engine may choose: nothing to check for this pair
            if descending:
                c = -c
            if c < 0:
                break
            if c > 0:
                return f"rows {i} and {i + 1} out of order: {rows[i]} before {rows[i + 1]}"
    return None


def query_form(query: str) -> str:
    """SelectQuery, AskQuery, ConstructQuery or DescribeQuery."""
    return prepareQuery(query).algebra.name


def compare_select(query: str, ours: dict, theirs: dict) -> list[str]:
    """Differences between two SELECT results (empty list: the same)."""
    problems = []
    vars_ours, vars_theirs = ours["head"]["vars"], theirs["head"]["vars"]
    if set(vars_ours) != set(vars_theirs):
        return [f"different variables: ours {vars_ours}, rdflib {vars_theirs}"]
    rows_ours = [normalise_row(r, vars_ours) for r in ours["results"]["bindings"]]
    rows_theirs = [normalise_row(r, vars_ours) for r in theirs["results"]["bindings"]]
    a, b = Counter(rows_ours), Counter(rows_theirs)
    if a != b:
        problems.append(f"different rows: only ours {sorted(map(str, (a - b).elements()))[:5]}, "
                        f"only rdflib {sorted(map(str, (b - a).elements()))[:5]} "
                        f"({len(rows_ours)} vs {len(rows_theirs)} rows)")
    keys = order_keys(query)
    if keys and all(k in vars_ours for k, _ in keys):
        columns = [(vars_ours.index(k), descending) for k, descending in keys]
        for who, rows in (("ours", rows_ours), ("rdflib", rows_theirs)):
            wrong = ordering_violation(rows, columns)
            if wrong:
                problems.append(f"{who}: ORDER BY {keys}: {wrong}")
    return problems


# --- unit tests of the comparison (they must be able to fail) --------------------------------
def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> dict[str, str]:
    term = {"type": "literal", "value": value}
    if datatype:
        term["datatype"] = datatype
    if lang:
        term["xml:lang"] = lang
    return term


def _result(rows: list[dict[str, dict]], variables: list[str] = ["x"]) -> dict:  # noqa: B006 - never mutated
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


@pytest.mark.parametrize("a,b", [
    (_lit("1.0", XSD + "decimal"), _lit("1.00", XSD + "decimal")),
    (_lit("07", XSD + "integer"), _lit("7", XSD + "integer")),
    (_lit("0.333333333333333333", XSD + "decimal"), _lit("0.3333333333333333333333333333", XSD + "decimal")),
    (_lit("2.5E0", XSD + "double"), _lit("2.5", XSD + "double")),
    (_lit("abc"), _lit("abc", XSD + "string")),
    (_lit("ciao", lang="IT"), _lit("ciao", lang="it")),
    (_lit("1", XSD + "boolean"), _lit("true", XSD + "boolean")),
    ({"type": "bnode", "value": "b0"}, {"type": "bnode", "value": "genid123"}),
    ({"type": "typed-literal", "value": "5", "datatype": XSD + "integer"}, _lit("5", XSD + "integer")),
])
def test_equal_values_normalise_alike(a: dict, b: dict) -> None:
    assert normalise_term(a) == normalise_term(b)


@pytest.mark.parametrize("a,b", [
    (_lit("1.5", XSD + "decimal"), _lit("1.6", XSD + "decimal")),
    (_lit("7", XSD + "integer"), _lit("7", XSD + "string")),
    (_lit("ciao", lang="it"), _lit("ciao")),
    (_lit("ciao", lang="it"), _lit("ciao", lang="en")),
    ({"type": "uri", "value": "http://a/"}, _lit("http://a/")),
    ({"type": "uri", "value": "http://a/"}, {"type": "bnode", "value": "a"}),
    (_lit("0.1234567891234", XSD + "decimal"), _lit("0.1234567899999", XSD + "decimal")),
])
def test_different_values_stay_different(a: dict, b: dict) -> None:
    assert normalise_term(a) != normalise_term(b)


def test_unknown_term_type_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown SPARQL JSON term type 'graph'"):
        normalise_term({"type": "graph", "value": "x"})


def test_compare_select_finds_missing_extra_and_misordered_rows() -> None:
    q = "SELECT ?x WHERE { ?s ?p ?x } ORDER BY DESC(?x)"
    one, two = {"x": _lit("1", XSD + "integer")}, {"x": _lit("2", XSD + "integer")}
    assert compare_select(q, _result([two, one]), _result([two, one])) == []
    assert compare_select(q, _result([two, one]), _result([one, two]))[0].startswith("rdflib: ORDER BY")
    assert compare_select(q, _result([one, two]), _result([two, one]))[0].startswith("ours: ORDER BY")
    assert "different rows" in compare_select(q, _result([two, one]), _result([two, two]))[0]
    assert "different rows" in compare_select(q, _result([two]), _result([two, two]))[0]
    assert "different variables" in compare_select(q, _result([]), _result([], ["y"]))[0]
    unordered = "SELECT ?x WHERE { ?s ?p ?x }"
    assert compare_select(unordered, _result([two, one]), _result([one, two])) == []


def test_ordering_checks_only_what_sparql_defines() -> None:
    n = lambda v: normalise_term(_lit(v, XSD + "integer"))  # noqa: E731
    s = lambda v, lang=None: normalise_term(_lit(v, lang=lang))  # noqa: E731
    iri = normalise_term({"type": "uri", "value": "http://a/"})
    assert ordering_violation([(n("2"),), (n("10"),)], [(0, False)]) is None, "numbers sort by value"
    assert ordering_violation([(n("10"),), (n("2"),)], [(0, False)]) is not None
    assert ordering_violation([(n("10"),), (n("2"),)], [(0, True)]) is None
    assert ordering_violation([(s("b"),), (s("a"),)], [(0, False)]) is not None
    assert ordering_violation([(None,), (iri,), (s("a"),)], [(0, False)]) is None, "unbound < IRI < literal"
    assert ordering_violation([(s("a"),), (iri,)], [(0, False)]) is not None
    assert ordering_violation([(s("b", "en"),), (s("a", "it"),)], [(0, False)]) is None, "lang order is the engine's"
    assert ordering_violation([(s("a"), n("2")), (s("a"), n("1"))], [(0, False), (1, False)]) is not None
    assert ordering_violation([(s("a"), n("2")), (s("b"), n("1"))], [(0, False), (1, False)]) is None


def test_order_keys_reads_variables_and_gives_up_on_expressions() -> None:
    assert order_keys("SELECT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) ?a") == [("b", True), ("a", False)]
    assert order_keys("SELECT ?a WHERE { ?a ?p ?b } LIMIT 5") is None
    assert order_keys("SELECT ?a WHERE { ?a ?p ?b } ORDER BY STRLEN(?a)") is None


# --- the servers ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def endpoints(served_build: Path, built_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(our endpoint, rdflib-endpoint's endpoint), both serving the build: ours its store (the
    session's one server, conftest `built_server`), rdflib-endpoint its N-Quads dump plus the
    meta graph (see servers.full_dump)."""
    dump = servers.full_dump(served_build, tmp_path_factory.mktemp("dump"))
    with servers.rdflib_endpoint(dump) as rdf:
        yield built_server + "/sparql", rdf.endpoint


def post_query(endpoint: str, query: str, accept: str) -> requests.Response:
    """SPARQL 1.1 Protocol: query via POST, form-encoded."""
    resp = requests.post(endpoint, data={"query": query}, headers={"Accept": accept}, timeout=120)
    assert resp.status_code == 200, f"{endpoint}: HTTP {resp.status_code}: {resp.text[:1000]}"
    return resp


def differences(query: str, ours: str, theirs: str) -> list[str]:
    """Run `query` on both endpoints and list how the results differ."""
    form = query_form(query)
    if form in ("SelectQuery", "AskQuery"):
        a, b = post_query(ours, query, SELECT_JSON).json(), post_query(theirs, query, SELECT_JSON).json()
        if form == "AskQuery":
            return [] if a["boolean"] == b["boolean"] else [f"ASK: ours {a['boolean']}, rdflib {b['boolean']}"]
        return compare_select(query, a, b)
    graphs = []
    for endpoint in (ours, theirs):
        # Turtle is UTF-8 whatever the Content-Type says: parse the bytes.
        graphs.append(Graph().parse(data=post_query(endpoint, query, "text/turtle").content, format="turtle"))
    return [] if isomorphic(*graphs) else [f"graphs differ: {len(graphs[0])} vs {len(graphs[1])} triples"]


def test_there_are_competency_queries() -> None:
    assert QUERY_FILES, f"no competency queries in {QUERIES}"


@pytest.mark.slow
@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_competency_query_same_through_both_endpoints(path: Path, endpoints: tuple[str, str]) -> None:
    query = path.read_text(encoding="utf-8")
    problems = differences(query, *endpoints)
    assert not problems, f"{path.name}: " + "; ".join(problems)


DATASET_PROBES = {
    "triples-per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "union-default-graph": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DATASET_PROBES))
def test_both_endpoints_serve_the_same_dataset(name: str, endpoints: tuple[str, str]) -> None:
    """The graphs, the union default graph and the classes agree, so a competency-query
    difference is an engine difference, not a loading difference."""
    query = DATASET_PROBES[name]
    result = post_query(endpoints[0], query, SELECT_JSON).json()
    assert result["results"]["bindings"], f"{name}: our endpoint returned no rows; is the build empty?"
    assert differences(query, *endpoints) == []


@pytest.mark.slow
def test_differences_reports_a_real_difference(endpoints: tuple[str, str]) -> None:
    """Negative check of the whole pipeline: two different queries do not compare equal."""
    ours, theirs = endpoints
    a = post_query(ours, DATASET_PROBES["union-default-graph"], SELECT_JSON).json()
    b = post_query(theirs, "SELECT (COUNT(*) + 1 AS ?n) WHERE { ?s ?p ?o }", SELECT_JSON).json()
    assert compare_select(DATASET_PROBES["union-default-graph"], a, b)


#: The other query forms, on data every build has (the ontology header, the code lists).
FORM_PROBES = {
    "construct-ontology-header": "CONSTRUCT { ?o ?p ?v } WHERE { ?o a <http://www.w3.org/2002/07/owl#Ontology> ; ?p ?v }",
    "construct-scheme-labels": "CONSTRUCT { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
                               "WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> ; "
                               "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
    "ask-true": "ASK { ?s a <http://www.w3.org/2002/07/owl#Ontology> }",
    "ask-false": "ASK { ?s a <http://example.org/NoSuchClass> }",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FORM_PROBES))
def test_construct_and_ask_agree(name: str, endpoints: tuple[str, str]) -> None:
    """CONSTRUCT results (Turtle from both) compare as graphs, ASK as booleans."""
    query = FORM_PROBES[name]
    if query.startswith("CONSTRUCT"):
        text = post_query(endpoints[0], query, "text/turtle").content
        assert len(Graph().parse(data=text, format="turtle")) > 0, f"{name}: our endpoint built an empty graph"
    assert differences(query, *endpoints) == []

