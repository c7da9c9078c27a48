"""Which result formats of a remote engine our server may hand on as the engine wrote them.

Why: at 1M triples a lookup returns hundreds of rows, and parsing the engine's answer only to
serialise the same rows again was most of what the remote backend added to the engine's own latency
(BENCHMARKS.md, "Endpoints and remote backends"). Handing the engine's bytes on is only right when
they are the bytes we would have sent: so, for each SPARQL results format, the engine is asked a
probe in that format and in XML (what the backend parses otherwise), and the format passes only when
the engine's bytes equal our serialisation of its XML answer, on a SELECT holding every kind of term
(IRI with query characters, plain, escaped and non-ASCII strings, language tags, typed literals,
numbers, unbound values) and on an ASK. The Oxigraph server writes results with the same library
as pyoxigraph and passes; Virtuoso 7 writes its own forms (`typed-literal`, other spacing) and
keeps the parse and re-serialisation. The probe runs when the backend starts and whenever the
pushed build changes (server/backends/remote.py), so an engine replaced behind the URL is probed
again with the next push. Row caps and byte bounds still apply to passed bytes
(server.evaluator.bounded_results)."""
from __future__ import annotations

from typing import Callable

import pyoxigraph as ox

from eccp_kg.graph.formats import RESULTS

from ..evaluator import Job, serialise

#: Every kind of term a result can hold, in a fixed order (ORDER BY keeps engines from reordering).
PROBE_SELECT = """SELECT ?n ?iri ?text ?lang ?typed ?number ?none WHERE {
  VALUES (?n ?iri ?text ?lang ?typed ?number ?none) {
    (1 <http://example.org/probe?a=1&b=%3C> "plain" "word"@en "2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date> 42 UNDEF)
    (2 <http://example.org/probe#x> "quote \\" backslash \\\\ tab \\t newline \\n, semicolon; \\u00e9 \\u2603"
       "mot"@fr-BE "3"^^<http://www.w3.org/2001/XMLSchema#integer> 1.5 UNDEF)
    (3 UNDEF "" UNDEF "true"^^<http://www.w3.org/2001/XMLSchema#boolean> -7 "x")
  }
} ORDER BY ?n"""
PROBE_ASK = "ASK { VALUES ?x { 1 } }"
XML = RESULTS["xml"].media_type

#: One query asked with the engine's own dataset in a media type -> (content type, body); raises
#: RuntimeError or OSError when the engine cannot answer (server/backends/remote.py RemoteDataset._post).
Post = Callable[[str, str], tuple[str, bytes]]


def same_bytes_formats(post: Post) -> frozenset[str]:
    """Names of the results formats (server's RESULTS) in which the engine writes exactly what our
    server would write from its XML answer; empty when the engine cannot be asked."""
    passed = set()
    try:  # the XML answers, kept as bytes: a parsed result is read once
        xml = {query: post(query, XML)[1] for query in (PROBE_SELECT, PROBE_ASK)}
    except (RuntimeError, OSError):
        return frozenset()
    for name, fmt in RESULTS.items():
        try:
            for query, xml_body in xml.items():
                content_type, body = post(query, fmt.media_type)
                parsed = ox.parse_query_results(xml_body, format=ox.QueryResultsFormat.XML)
                ours = serialise(parsed, Job(query, results_format=name))
                if content_type != fmt.media_type or ours.status != 200 or ours.body != body:
                    break
            else:
                passed.add(name)
        except (RuntimeError, SyntaxError, ValueError, OSError):
            continue
    return frozenset(passed)
