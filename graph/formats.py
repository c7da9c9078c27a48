"""Every RDF and SPARQL-results format the project reads or writes, declared once.

Why: pyoxigraph's `RdfFormat` and `QueryResultsFormat` already carry each syntax's media type,
file extension and whether it holds named graphs, so those facts come from there. The one small
table below adds only what pyoxigraph lacks: the short names users type (``format=turtle``,
``eccp-kg export --format nquads``) and the media-type aliases content negotiation accepts
(``application/json`` for SPARQL JSON, ``text/plain`` for N-Triples, ...). The dumps, `eccp-kg
query`/`export`, the SPARQL protocol, the resource pages, the downloads and `serve --data` all
read their formats from here."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

Syntax = ox.RdfFormat | ox.QueryResultsFormat


@dataclass(frozen=True)
class Format:
    """One serialisation: short name, media type (no parameters), kind, aliases and the pyoxigraph syntax.

    kind is "results" (SELECT/ASK), "graph" (CONSTRUCT/DESCRIBE, dumps) or "page" (HTML)."""

    name: str
    media_type: str
    kind: str
    aliases: tuple[str, ...] = ()
    syntax: Syntax | None = None

    @property
    def content_type(self) -> str:
        """Content-Type header value (UTF-8 for every textual format)."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def extension(self) -> str:
        """The file extension without the dot ("ttl"), from pyoxigraph; "html" for pages."""
        return self.syntax.file_extension if self.syntax is not None else self.name

    @property
    def has_graphs(self) -> bool:
        """Whether the syntax keeps named graphs (N-Quads, TriG, JSON-LD)."""
        return isinstance(self.syntax, ox.RdfFormat) and self.syntax.supports_datasets


def _declare(name: str, syntax: Syntax, kind: str, *aliases: str) -> Format:
    return Format(name, syntax.media_type.split(";")[0].strip(), kind, aliases, syntax)


#: SELECT / ASK formats, first = default when the client accepts anything.
RESULT_FORMATS: tuple[Format, ...] = (
    _declare("json", ox.QueryResultsFormat.JSON, "results", "application/json"),
    _declare("xml", ox.QueryResultsFormat.XML, "results", "application/xml", "text/xml"),
    _declare("csv", ox.QueryResultsFormat.CSV, "results"),
    _declare("tsv", ox.QueryResultsFormat.TSV, "results"),
)

#: RDF formats, first = default for CONSTRUCT/DESCRIBE when the client accepts anything.
RDF_FORMATS: tuple[Format, ...] = (
    _declare("turtle", ox.RdfFormat.TURTLE, "graph", "application/x-turtle"),
    _declare("ntriples", ox.RdfFormat.N_TRIPLES, "graph", "text/plain"),
    _declare("nquads", ox.RdfFormat.N_QUADS, "graph"),
    _declare("rdfxml", ox.RdfFormat.RDF_XML, "graph", "application/xml", "text/xml"),
    _declare("jsonld", ox.RdfFormat.JSON_LD, "graph", "application/json"),
    _declare("trig", ox.RdfFormat.TRIG, "graph"),
)

HTML = Format("html", "text/html", "page", ("application/xhtml+xml",))

RESULTS: dict[str, Format] = {f.name: f for f in RESULT_FORMATS}
RDF: dict[str, Format] = {f.name: f for f in RDF_FORMATS}

#: File suffixes pyoxigraph does not know but data files use (``serve --data x.owl``).
_EXTRA_SUFFIXES: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "owl": ox.RdfFormat.RDF_XML,
}


def rdf_format_for_suffix(suffix: str) -> ox.RdfFormat | None:
    """The RDF syntax of a file suffix (".ttl", "ttl", ".owl"), None if it names none."""
    key = suffix.lower().lstrip(".")
    fmt = ox.RdfFormat.from_extension(key) or _EXTRA_SUFFIXES.get(key)
    return fmt if fmt != ox.RdfFormat.N3 else None  # N3 is a superset of RDF; not a data format here


def rdf_file_suffixes() -> list[str]:
    """Every suffix `rdf_format_for_suffix` knows, for error messages."""
    known = {"." + f.extension for f in RDF_FORMATS} | {".xml", ".json"} | {"." + s for s in _EXTRA_SUFFIXES}
    return sorted(s for s in known if rdf_format_for_suffix(s) is not None)


def media_type_for_file(path: str | Path) -> str | None:
    """The media type of a file we write (the dumps) by its extension ("ttl", "nq", ...), None if
    it is none of RDF_FORMATS' (only exact extensions: a .json file is not taken for JSON-LD)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return next((f.media_type for f in RDF_FORMATS if f.extension == suffix), None)
