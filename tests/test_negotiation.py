"""Content negotiation is a pure function: a table of (Accept, format) -> chosen formats."""
from __future__ import annotations

import pytest

from eccp_kg.server.negotiation import HTML, GRAPH_FORMATS, UnknownFormat, choose, negotiate

# Accept header, format param -> (SELECT/ASK format, CONSTRUCT/DESCRIBE format); None = 406
TABLE = [
    (None, None, "json", "turtle"),
    ("", None, "json", "turtle"),
    ("*/*", None, "json", "turtle"),
    ("application/sparql-results+json", None, "json", None),
    ("application/sparql-results+xml", None, "xml", None),
    ("application/json", None, "json", "jsonld"),
    ("application/xml", None, "xml", "rdfxml"),
    ("text/csv", None, "csv", None),
    ("text/tab-separated-values", None, "tsv", None),
    ("text/turtle", None, None, "turtle"),
    ("application/n-triples", None, None, "ntriples"),
    ("application/n-quads", None, None, "nquads"),
    ("application/rdf+xml", None, None, "rdfxml"),
    ("application/ld+json", None, None, "jsonld"),
    ("text/*", None, "csv", "turtle"),
    ("application/*", None, "json", "ntriples"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", None, "xml", None),
    ("text/csv;q=0.9, */*;q=0.1", None, "csv", "turtle"),
    ("application/sparql-results+json;q=0, */*", None, "xml", "turtle"),
    ("text/turtle;q=0.2, application/rdf+xml;q=0.8, application/sparql-results+xml", None, "xml", "rdfxml"),
    ("image/png", None, None, None),
    ("text/html", None, None, None),
    ("TEXT/CSV", None, "csv", None),
    ("text/csv; charset=utf-8", None, "csv", None),
    ("text/csv;q=abc", None, None, None),  # an item with an invalid q is ignored (RFC 9110, werkzeug)
    ("text/csv;q=abc, text/turtle", None, None, "turtle"),
    ("application/trig", None, None, "trig"),
    ("garbage, text/turtle", None, None, "turtle"),
    # YASGUI's default Accept for SELECT and for CONSTRUCT
    ("application/sparql-results+json,*/*;q=0.9", None, "json", "turtle"),
    ("text/turtle,*/*;q=0.9", None, "json", "turtle"),
    # format overrides Accept
    ("text/csv", "json", "json", None),
    ("image/png", "tsv", "tsv", None),
    (None, "turtle", None, "turtle"),
    (None, "application/n-triples", None, "ntriples"),
    (None, "application/json", "json", "jsonld"),
    (None, "rdfxml", None, "rdfxml"),
    (None, "jsonld", None, "jsonld"),
    (None, "nquads", None, "nquads"),
    (None, "xml", "xml", None),
    (None, "csv", "csv", None),
]


@pytest.mark.parametrize("accept, fmt, results, graph", TABLE)
def test_negotiation_table(accept, fmt, results, graph):
    choice = negotiate(accept, fmt)
    assert (choice.results.name if choice.results else None) == results
    assert (choice.graph.name if choice.graph else None) == graph


@pytest.mark.parametrize("bad", ["yaml", "text/yaml", "", "json5"])
def test_unknown_format_names_the_accepted_ones(bad):
    if bad == "":
        assert negotiate(None, bad).results.name == "json"  # empty = not given
        return
    with pytest.raises(UnknownFormat, match="expected one of json, xml, csv, tsv, turtle"):
        negotiate(None, bad)


def test_most_specific_range_wins():
    # text/csv 0.8 (its own range), TSV 0.1 (text/* beats */* although lower), JSON 0.5 (*/*)
    assert negotiate("text/*;q=0.1, text/csv;q=0.8, */*;q=0.5").results.name == "csv"
    assert negotiate("text/*;q=0.1, text/tab-separated-values;q=0.05, */*;q=0.5").results.name == "json"
    assert negotiate("text/*;q=0.9, application/*;q=0.2").results.name == "csv"
    assert negotiate("text/*;q=0.1, text/csv;q=0.8, */*;q=0.5").results.name == "csv"
    assert negotiate("text/*;q=0.1, */*;q=0.5").results.name == "json"


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),  # a browser
        ("text/turtle", "turtle"),
        (None, "turtle"),
        ("*/*", "turtle"),
        ("application/rdf+xml, text/html;q=0.5", "rdfxml"),
    ],
)
def test_service_description_offers(accept, expected):
    assert choose(accept, GRAPH_FORMATS + (HTML,)).name == expected
