"""The SERVICE/FROM prefilter (server/safety.py) is sound: every rule is checked against pyoxigraph.

A query the prefilter clears is never parsed by rdflib, so its SERVICE endpoints would not be
checked: the prefilter must say True whenever pyoxigraph reads SERVICE or FROM. SERVICE to
port 9 makes pyoxigraph fail at once with an OSError (it refuses that port without sending
anything), which shows whether pyoxigraph evaluated a SERVICE."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from eccp_kg.queries import PATH as QUERIES
from eccp_kg.server.safety import QueryRefused, inspect_query, may_use_service_or_from

SVC = "<http://127.0.0.1:9/sparql>"
PRE = "PREFIX ex: <http://ex/>\n"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    a, p = ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p")
    s.add(ox.Quad(a, p, ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    s.add(ox.Quad(a, p, a))
    s.add(ox.Quad(a, p, a, ox.NamedNode("http://ex/g")))
    return s


def evaluates_service(store: ox.Store, query: str) -> bool:
    try:
        result = store.query(query)
        if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)):
            list(result)
    except OSError:
        return True
    except SyntaxError:
        return False
    return False


# pyoxigraph reads SERVICE here (no word boundaries!), so the prefilter must say True
SERVICE_READ = [
    f"SELECT * WHERE {{ ?s ?p ?o SERVICE {SVC} {{}} }}",
    f"select * where {{ ?s ?p ?o service {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p 1SERVICE {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o #c\rSERVICE {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o # comment\n SERVICE {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o .SERVICE{SVC}{{}} }}",
    f"{PRE}SELECT * WHERE {{ ?s ?p ex:a .SERVICE {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o != \"#\") SERVICE {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o\n  # a comment line\n  SERVICE {SVC} {{}} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '''x\n#''') SERVICE {SVC} {{}} }}",
]


@pytest.mark.parametrize("query", SERVICE_READ)
def test_prefilter_never_misses_a_service(store, query):
    assert evaluates_service(store, query), "the case must really make pyoxigraph evaluate SERVICE"
    assert may_use_service_or_from(query)
    try:  # then rdflib either finds the endpoint or cannot parse the query: both stop it
        assert inspect_query(query).services == ("http://127.0.0.1:9/sparql",)
    except QueryRefused as exc:
        assert exc.status == 400


# pyoxigraph reads no SERVICE here (names are greedy, comments are comments): the prefilter may skip
NO_SERVICE = [
    f"{PRE}SELECT * WHERE {{ ?s ?p ex:aSERVICE }}",
    f"{PRE}SELECT * WHERE {{ ?s ex:wasDerivedFrom ?o }}",
    "SELECT ?services ?fromage WHERE { ?services ?p ?fromage }",
    "SELECT * WHERE { ?s ?p $oSERVICE }",
    "# Question: which services come from where?\nSELECT * WHERE { ?s ?p ?o }\n  # from a comment",
    f"{PRE}SELECT * WHERE {{ ?s ?p ?o . ?o ex:service_from ?x }}",
]


@pytest.mark.parametrize("query", NO_SERVICE)
def test_prefilter_skips_what_pyoxigraph_reads_otherwise(store, query):
    assert not evaluates_service(store, query)
    assert store.query(query) is not None  # it parses
    assert not may_use_service_or_from(query)


# pyoxigraph reads FROM here (no word boundaries), so the prefilter must say True
FROM_READ = [
    "SELECT * FROM <http://ex/g> WHERE { ?s ?p ?o }",
    "CONSTRUCTFROM <http://ex/g> WHERE { ?s ?p ?o }",
    "ASKFROM<http://ex/g>{ ?s ?p 1 }",
    f"{PRE}SELECT * FROMex:g WHERE {{ ?s ?p ?o }}",
    "SELECT *FROM NAMED <http://ex/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize("query", FROM_READ)
def test_prefilter_never_misses_a_from(store, query):
    default = store.query(query)
    union = store.query(query, use_default_graph_as_union=True)
    as_rows = lambda r: bool(r) if isinstance(r, ox.QueryBoolean) else len(list(r))  # noqa: E731
    assert as_rows(default) != as_rows(union) or "NAMED" in query  # FROM changes the answer: it is read
    assert may_use_service_or_from(query)
    try:
        assert inspect_query(query).has_dataset
    except QueryRefused as exc:
        assert exc.status == 400


def test_competency_queries_skip_the_parse():
    """prov:wasDerivedFrom and '# Question: ... from ...' must not cost an rdflib parse: a
    competency query is flagged only when it really uses SERVICE or FROM."""
    queries = sorted(QUERIES.glob("*.rq"))
    assert queries
    for path in queries:
        text = path.read_text(encoding="utf-8")
        if may_use_service_or_from(text):
            facts = inspect_query(text)
            assert facts.services or facts.has_dataset, f"{path.name}: flagged without SERVICE or FROM"


@pytest.mark.parametrize("query", SERVICE_READ)
def test_endpoint_never_evaluates_a_hidden_service(client, query):
    r = client.post("/sparql", data={"query": query})
    assert r.status_code in (400, 403), r.get_data(as_text=True)  # 500 would mean pyoxigraph tried it
