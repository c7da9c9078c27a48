"""The SHACL shapes at their IRIs: /shapes (issue 12, part 7).

Why: validation reports and resource pages name the shape a statement failed
(``https://w3id.org/eccp-kg/shapes#regionShape``, served at ``/shapes#regionShape``); a reader
following that link must land on the shape. The page lists every shape with an anchor named
after its local name, its message and its Turtle; ``/shapes.ttl`` (or ``Accept: text/turtle``)
is the shapes graph. The shapes come from the package's ``shapes/*.ttl``, the files the build
validates with (read once per process)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import rdflib
from flask import Blueprint, Response, render_template, request
from rdflib.namespace import RDF, RDFS, SH

from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.shapes import PATH as SHAPES_PATH

from .negotiation import GRAPH_FORMATS, HTML, choose

bp = Blueprint("shapes", __name__)

#: The shapes' namespace (eccpsh: in shapes/*.ttl).
SHAPES_NS = "https://w3id.org/eccp-kg/shapes#"
_TURTLE = next(f for f in GRAPH_FORMATS if f.name == "turtle")


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    """Every shapes file of the package, in one graph."""
    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    graph.bind("eccpsh", SHAPES_NS)
    for path in sorted(SHAPES_PATH.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def shapes() -> list[dict[str, Any]]:
    """One entry per named shape: anchor (local name), kind, severity, message and its Turtle."""
    graph = shapes_graph()
    found = []
    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, t)
             if isinstance(s, rdflib.URIRef) and str(s).startswith(SHAPES_NS)}
    for shape in sorted(named, key=str):
        own = rdflib.Graph(namespace_manager=graph.namespace_manager)
        for triple in graph.cbd(shape):
            own.add(triple)
        kind = "node shape" if (shape, RDF.type, SH.NodeShape) in graph else "property shape"
        severity = graph.value(shape, SH.severity)
        message = graph.value(shape, SH.message) or graph.value(shape, RDFS.comment)
        text = own.serialize(format="turtle")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()
        found.append({"id": str(shape)[len(SHAPES_NS):], "iri": str(shape), "kind": kind,
                      "severity": str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                      "message": str(message) if message else "", "turtle": body})
    return found


@bp.get("/shapes")
@bp.get("/shapes<any('.ttl', '.html'):suffix>")
def shapes_page(suffix: str = "") -> Response | str:
    """HTML (an anchor per shape) or Turtle (the shapes graph), by suffix or Accept."""
    fmt = {".ttl": _TURTLE, ".html": HTML}.get(suffix) or choose(request.headers.get("Accept"), (HTML, _TURTLE))
    if fmt is None:
        from .errors import error_response

        return error_response(406, "Not Acceptable", f"No representation of {request.path} matches the Accept "
                              f"header; available: {HTML.media_type}, {_TURTLE.media_type}.",
                              available=[HTML.media_type, _TURTLE.media_type])
    if fmt is not HTML:
        resp = Response(shapes_graph().serialize(format="turtle"), content_type=_TURTLE.content_type)
    else:
        items = shapes()
        resp = Response(render_template("site/shapes.html", shapes=items,
                                        warnings=sum(1 for s in items if s["severity"] == "Warning")),
                        content_type=HTML.content_type)
    resp.vary.add("Accept")
    return resp
