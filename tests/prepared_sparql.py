"""rdflib SPARQL queries prepared once per query text, for the tests that run pyshacl (the reference engine).

Why: pyshacl evaluates a SHACL-SPARQL constraint once per focus node, handing rdflib the same query text
each time with `$this` as an initial binding, and rdflib parses and translates that text on every call.
On the real Italy graph that is ~1,000 parses of ~20 texts: 44 of the 56 s of one pyshacl run. rdflib's
own answer for a query run many times is a prepared query (`prepareQuery`: the parsed and translated
algebra, evaluated with other initial bindings each time); this does that for each text it meets. The
evaluation, pyshacl's code and the report are unchanged: the algebra is what rdflib would have built
from the same text, base and namespaces (the key), and evaluation only reads it."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

_PREPARED: dict[tuple, Any] = {}


@contextmanager
def prepared_queries() -> Iterator[None]:
    """While active, rdflib's SPARQL processor parses and translates each query text once."""
    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings: Mapping | None = None, initNs: Mapping | None = None,  # noqa: N803
              base: str | None = None, DEBUG: bool = False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in _PREPARED:
                _PREPARED[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = _PREPARED[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original
