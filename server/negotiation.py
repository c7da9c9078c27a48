"""Content negotiation: Accept (parsed by werkzeug) or the `format` parameter -> one format per result kind.

The formats themselves (names, media types, aliases, pyoxigraph syntaxes) are declared once in
eccp_kg.graph.formats. Pure functions, no Flask: the protocol views call `negotiate` once per request for each
result kind (solutions / graph) and hand the choices to the evaluator, which uses the one
that matches the query form it finds. Table-tested in tests/test_negotiation.py."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from eccp_kg.graph.formats import HTML, RDF_FORMATS, RESULT_FORMATS, Format

__all__ = ["ALL_FORMATS", "GRAPH_FORMATS", "GRAPH_SYNTAX", "HTML", "RESULT_FORMATS", "RESULT_SYNTAX", "Choice",
           "Format", "UnknownFormat", "choose", "lookup_format", "negotiate"]


#: CONSTRUCT / DESCRIBE formats (and the service description), first = default.
GRAPH_FORMATS: tuple[Format, ...] = RDF_FORMATS

#: format name -> pyoxigraph serialiser, for SELECT/ASK and for graphs (views of graph/formats.py)
RESULT_SYNTAX: dict[str, ox.QueryResultsFormat] = {f.name: f.syntax for f in RESULT_FORMATS}
GRAPH_SYNTAX: dict[str, ox.RdfFormat] = {f.name: f.syntax for f in GRAPH_FORMATS}

ALL_FORMATS: tuple[Format, ...] = RESULT_FORMATS + GRAPH_FORMATS


class UnknownFormat(ValueError):
    """A `format` parameter that names no format this endpoint has."""


def _quality(accept: MIMEAccept, offer: Format) -> float:
    """The q the client gives an offer: its media type (bare or with our charset), or one of its
    aliases when the client names that alias itself (application/json for SPARQL JSON counts,
    `*/*` still picks the canonical media type first)."""
    named = {value.split(";")[0].strip().lower(): ";" in value for value, _ in accept}
    q = accept.quality(offer.media_type)
    if named.get(offer.media_type):  # e.g. text/csv; charset=utf-8: werkzeug matches parameters exactly
        q = max(q, accept.quality(offer.content_type))
    for alias in offer.aliases:
        if alias in named:
            q = max(q, accept.quality(alias))
    return q


def choose(header: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the Accept header prefers (ties go to the earlier offer), None if none is acceptable.

    The header is parsed and matched by werkzeug (RFC 9110: the most specific range decides an
    offer's q, items with an invalid q are ignored). No or empty Accept header = anything goes,
    so the first offer."""
    accept = _parse(header)
    if not accept.provided:
        return offers[0] if offers else None
    best: Format | None = None
    best_q = 0.0
    for offer in offers:
        q = _quality(accept, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


@lru_cache(maxsize=1024)
def _parse(header: str | None) -> MIMEAccept:
    return parse_accept_header(header, MIMEAccept)


def lookup_format(value: str) -> list[Format]:
    """Formats a `format` parameter names: a short name or a media type (aliases included).

    A media type such as application/json may name one format of each kind. Raises
    UnknownFormat listing the accepted values."""
    key = value.strip().lower().split(";")[0].strip()
    found = [f for f in ALL_FORMATS if key == f.name or key == f.media_type or key in f.aliases]
    if not found:
        names = ", ".join(f.name for f in ALL_FORMATS)
        raise UnknownFormat(f"unknown format {value!r}; expected one of {names} or their media types")
    return found


@dataclass(frozen=True)
class Choice:
    """What to send for each query form: None where nothing acceptable exists (-> 406)."""

    results: Format | None
    graph: Format | None

    def for_kind(self, kind: str) -> Format | None:
        """The choice for "results" (SELECT/ASK) or "graph" (CONSTRUCT/DESCRIBE)."""
        return self.results if kind == "results" else self.graph


@lru_cache(maxsize=1024)
def negotiate(accept: str | None, format_param: str | None = None) -> Choice:
    """The result format for SELECT/ASK and for CONSTRUCT/DESCRIBE.

    `format_param` (the `format` query parameter) overrides Accept; it may name a format of
    one kind only, in which case the other kind gets None (406 if the query is of that kind).
    Memoised: clients send few distinct Accept headers, and the answer depends on nothing else."""
    if format_param:
        found = lookup_format(format_param)
        return Choice(
            next((f for f in found if f.kind == "results"), None),
            next((f for f in found if f.kind == "graph"), None),
        )
    return Choice(choose(accept, RESULT_FORMATS), choose(accept, GRAPH_FORMATS))
