"""Content negotiation for SPARQL results: Accept (q-values, wildcards) or `format` -> one format.

Pure functions, no Flask: the protocol views call `negotiate` once per request for each
result kind (solutions / graph) and hand the choices to the evaluator, which uses the one
that matches the query form it finds. Table-tested in tests/test_negotiation.py."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One result serialisation: short name (the `format` parameter), media type, kind."""

    name: str
    media_type: str
    kind: str  # "results" (SELECT/ASK), "graph" (CONSTRUCT/DESCRIBE) or "page" (HTML)
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """Content-Type header value (UTF-8 for every textual format)."""
        return f"{self.media_type}; charset=utf-8"


#: SELECT / ASK formats, first = default when the client accepts anything.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", ("application/json",)),
    Format("xml", "application/sparql-results+xml", "results", ("application/xml", "text/xml")),
    Format("csv", "text/csv", "results"),
    Format("tsv", "text/tab-separated-values", "results"),
)

#: CONSTRUCT / DESCRIBE formats (and the service description), first = default.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "graph", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", "graph", ("text/plain",)),
    Format("nquads", "application/n-quads", "graph"),
    Format("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml")),
    Format("jsonld", "application/ld+json", "graph", ("application/json",)),
)

#: format name -> pyoxigraph serialiser, for SELECT/ASK and for graphs
RESULT_SYNTAX: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_SYNTAX: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

HTML = Format("html", "text/html", "page", ("application/xhtml+xml",))

ALL_FORMATS: tuple[Format, ...] = RESULT_FORMATS + GRAPH_FORMATS


class UnknownFormat(ValueError):
    """A `format` parameter that names no format this endpoint has."""


@dataclass(frozen=True)
class MediaRange:
    """One Accept item: type/subtype with its q-value (0..1)."""

    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        """2 for type/subtype, 1 for type/*, 0 for */* (RFC 9110: the most specific range wins)."""
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        """Whether this range covers `media_type` (wildcards included)."""
        mtype, _, msub = media_type.partition("/")
        return (self.type in ("*", mtype)) and (self.subtype in ("*", msub))


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed items are skipped (as browsers do),
    a malformed q counts as 1 (RFC 9110 says servers may be lenient)."""
    ranges: list[MediaRange] = []
    if not header:
        return ranges
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        mtype, _, msub = media.partition("/")
        if not mtype or not msub or (mtype == "*" and msub != "*"):
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(mtype, msub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q the client gives `media_type`: that of the most specific matching range, 0 if none."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best is not None else 0.0


def choose(header: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the Accept header prefers (ties go to the earlier offer), None if none is acceptable.

    No or empty Accept header = anything goes (RFC 9110), so the first offer."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best: Format | None = None
    best_q = 0.0
    for offer in offers:
        q = max([quality(ranges, offer.media_type)] + [quality(ranges, a) * _alias_weight(ranges, a) for a in offer.aliases])
        if q > best_q:
            best, best_q = offer, q
    return best


def _alias_weight(ranges: list[MediaRange], alias: str) -> float:
    """Aliases (application/json for SPARQL JSON, ...) count only when named, not via wildcards,
    so `*/*` still picks the canonical media type first."""
    return 1.0 if any(r.specificity == 2 and r.matches(alias) for r in ranges) else 0.0


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
