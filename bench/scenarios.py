"""The benchmark's scenarios: which queries are sent, cached or not, and the target for each.

Why these: issue 9 (after issue 3) sets targets for three kinds of load against the Oxigraph
server on the same data: uncached lookups >= 0.5x its requests/s, every repeated query >= 1x,
aggregates >= 1x. Lookups ask for everything about one resource (what resource pages do), with the
resource varying per request; aggregates group and count over the whole graph."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

from eccp_kg.queries import PATH as QUERIES_PATH

from .wrk import ACCEPT, SLOT, Scenario

#: How many subjects the lookup scenarios cycle through.
LOOKUP_SUBJECTS = 200

#: The resources with the most statements (what a resource page shows), in a stable order.
SUBJECTS_QUERY = f"""SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s)) }}
GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT {LOOKUP_SUBJECTS}"""
LOOKUP_TEMPLATE = f"SELECT ?p ?o WHERE {{ <{SLOT}> ?p ?o }}"
AGGREGATE_BY_CLASS = """SELECT ?class (COUNT(DISTINCT ?s) AS ?instances) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?instances) ?class"""
AGGREGATE_BY_GRAPH = """SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?p) AS ?properties)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""

#: Not a SPARQL scenario: GET /health on our server, the most requests/s Flask on granian can
#: answer on this machine (the query parameter is ignored there).
CEILING = Scenario("ceiling", "baseline", "ASK {}")

#: scenario name -> (target ratio ours/oxigraph, why).
TARGETS: dict[str, tuple[float, str]] = {
    "lookup-uncached": (0.5, "uncached lookups >= 0.5x"),
    "lookup-repeated": (1.0, "repeated queries >= 1x"),
    "aggregate-class-uncached": (1.0, "aggregates >= 1x"),
    "aggregate-class-repeated": (1.0, "repeated queries >= 1x"),
    "aggregate-graph-uncached": (1.0, "aggregates >= 1x"),
    "aggregate-graph-repeated": (1.0, "repeated queries >= 1x"),
    "competency-uncached": (1.0, "aggregates >= 1x (the competency queries are mostly aggregates)"),
}


def select(endpoint: str, query: str) -> dict:
    """One SELECT over HTTP GET, as parsed SPARQL JSON (used to pick subjects and to cross-check)."""
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def lookup_subjects(endpoint: str) -> tuple[str, ...]:
    """IRIs of up to LOOKUP_SUBJECTS subjects in the data, richest first."""
    rows = select(endpoint, SUBJECTS_QUERY)["results"]["bindings"]
    subjects = tuple(row["s"]["value"] for row in rows)
    if not subjects:
        raise RuntimeError(f"{endpoint}: the data has no IRI subjects to look up; is the build empty?")
    return subjects


def competency_queries() -> tuple[str, ...]:
    """The text of every competency query (queries/*.rq), sorted by file name."""
    return tuple(path.read_text(encoding="utf-8") for path in sorted(QUERIES_PATH.glob("*.rq")))


def build(subjects: tuple[str, ...]) -> list[Scenario]:
    """Every scenario, in the order they run."""
    scenarios = [
        Scenario("lookup-uncached", "lookup", LOOKUP_TEMPLATE, subjects, uncached=True),
        Scenario("lookup-repeated", "lookup", LOOKUP_TEMPLATE, subjects[:1]),
        Scenario("aggregate-class-uncached", "aggregate", AGGREGATE_BY_CLASS, uncached=True),
        Scenario("aggregate-class-repeated", "aggregate", AGGREGATE_BY_CLASS),
        Scenario("aggregate-graph-uncached", "aggregate", AGGREGATE_BY_GRAPH, uncached=True),
        Scenario("aggregate-graph-repeated", "aggregate", AGGREGATE_BY_GRAPH),
    ]
    queries = competency_queries()
    if queries:
        scenarios.append(Scenario("competency-uncached", "aggregate", SLOT, queries, uncached=True))
    return scenarios
