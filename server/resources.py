"""Linked-data pages: every IRI the project mints resolves here (issue 4).

Why: a linked-data IRI is only useful if it can be looked up. The server maps the base IRI
(see server/iri_map.py) onto its
own URLs, so ``B id/nuts/ITC4`` is served at ``/id/nuts/ITC4`` and ``B graph/it/2023`` at
``/graph/it/2023``. Each answers in HTML for browsers and in Turtle, JSON-LD, N-Triples or
RDF/XML for machines, chosen by Accept or by a file suffix (``.ttl``, ``.jsonld``, ``.nt``,
``.rdf``, ``.html``).

Routes (documented in docs/linking.md):
  /id/<path>, /.well-known/genid/<key>   a minted resource (outgoing and incoming statements)
  /graph/<path>                          a named graph (HTML: its description; RDF: its triples)
  /ontology, /ontology/<version>         the ontology (HTML by pyLODE, see server/ontology_doc.py)
  /dataset, /.well-known/void            the VoID + DCAT description (graph B graph/meta)

The IRI <-> URL mapping is server/iri_map.py, how terms are shown server/terms.py, and the
dumps at /download/ are server/downloads.py.

All SPARQL here runs through the trusted Dataset (graph/dataset.py) with the resource bound by
``substitutions``: no IRI is ever pasted into query text."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from eccp_kg.graph.formats import HTML, RDF, Format
from eccp_kg.graph.namespaces import PREFIXES, sparql_prologue

from . import ontology_doc
from .cache import etag_matches, page_etag
from .downloads import dump_files
from .errors import error_response
from .iri_map import configured_base, graph_iri, iri_for_path, local_url, query_ui_link
from .negotiation import choose
from .terms import best_labels, curie, own_label, statement_views, term_view

bp = Blueprint("resources", __name__)

#: Formats a resource can take, in order of preference for ``Accept: */*`` (machines first).
OFFERS: tuple[Format, ...] = (RDF["turtle"], HTML, RDF["jsonld"], RDF["ntriples"], RDF["rdfxml"])
#: File suffix -> format, for links and clients that cannot set Accept (extensions from pyoxigraph).
SUFFIXES: dict[str, Format] = {"." + f.extension: f for f in OFFERS}
#: The URL rule part matching one of SUFFIXES (werkzeug's `any` converter).
_SUFFIX_RULE = "<any(" + ", ".join(repr(s) for s in SUFFIXES) + "):suffix>"

def split_suffix(path: str) -> tuple[str, Format | None]:
    """('id/nuts/ITC4', turtle) for 'id/nuts/ITC4.ttl'; minted keys never contain a dot."""
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], fmt
    return path, None


#: Rows shown per direction on an HTML page; the RDF forms are never cut.
MAX_ROWS_SHOWN = 1000
_P = sparql_prologue()
_LABEL_PATH = "skos:prefLabel|rdfs:label|dcterms:title"

# Outgoing (?dir = "out") and incoming ("in") statements of ?s with the named graph saying them
# (unbound for the store's default graph, where `serve --data` puts Turtle files) and any labels
# of the other terms. Labels multiply rows; `best_labels` keeps the best one per statement.
Q_STATEMENTS = _P + f"""SELECT ?s ?dir ?p ?o ?g ?pl ?ol WHERE {{
  {{ ?s ?p ?o BIND("out" AS ?dir) OPTIONAL {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  UNION
  {{ ?o ?p ?s BIND("in" AS ?dir) OPTIONAL {{ GRAPH ?g {{ ?o ?p ?s }} }} }}
  OPTIONAL {{ ?p {_LABEL_PATH} ?pl }}
  OPTIONAL {{ ?o {_LABEL_PATH} ?ol }}
}}"""
# The RDF description of ?s: its statements both ways, with the blank nodes it points to.
Q_DESCRIBE = """CONSTRUCT { ?s ?p ?o . ?o ?bp ?bo . ?x ?q ?s } WHERE {
  { ?s ?p ?o OPTIONAL { FILTER(isBlank(?o)) ?o ?bp ?bo } } UNION { ?x ?q ?s }
}"""
Q_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
Q_GRAPH_SUBJECTS = _P + f"""SELECT ?g ?s (SAMPLE(?l) AS ?label) (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} OPTIONAL {{ ?s {_LABEL_PATH} ?l }}
}} GROUP BY ?g ?s ORDER BY ?s LIMIT {MAX_ROWS_SHOWN + 1}"""
# The dataset description: all of B graph/meta (?meta) plus the void:Linkset descriptions in
# B graph/links (?links) and the void:subset statements pointing to them.
_DATASET_WHERE = """{ GRAPH ?meta { ?s ?p ?o } }
  UNION { GRAPH ?links { ?s a void:Linkset ; ?p ?o } }
  UNION { GRAPH ?links { ?s void:subset ?o . ?o a void:Linkset BIND(void:subset AS ?p) } }"""
Q_DATASET = _P + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {_DATASET_WHERE} }}"


# --- data access ---------------------------------------------------------------------------------


def dataset() -> Any:
    """The trusted Dataset the app factory put in app.extensions (graph/dataset.py)."""
    return current_app.extensions["eccp_kg"]


def statements(iri: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(outgoing, incoming) statement rows of a resource, one per statement and graph."""
    rows = dataset().select(Q_STATEMENTS, {"s": ox.NamedNode(iri)})
    rows = best_labels(rows, ("dir", "p", "o", "g"), ("pl", "ol"))
    out = [r for r in rows if r["dir"].value == "out"]
    inc = [r for r in rows if r["dir"].value == "in"]
    order = lambda r: (curie(r["p"].value), str(r["o"]), str(r.get("g")))  # noqa: E731
    return sorted(out, key=order), sorted(inc, key=order)


def negotiated(path_format: Format | None) -> Format | None:
    """The format a suffix names, else the best the Accept header allows (None -> 406)."""
    return path_format or choose(request.headers.get("Accept"), OFFERS)


def not_acceptable() -> Response:
    """406 in the one error shape, listing what is on offer."""
    offered = ", ".join(f.media_type for f in OFFERS)
    return error_response(406, "Not Acceptable", f"No representation of {request.path} matches the Accept header; available: {offered}.",
                          available=[f.media_type for f in OFFERS])


def rdf_response(triples: list[Any], fmt: Format) -> Response:
    """Triples serialised by pyoxigraph (Turtle with the project's prefixes), sorted and each once: the
    same bytes whatever engine evaluated the CONSTRUCT (backends return triples in their own order)."""
    kwargs: dict[str, Any] = {"format": fmt.syntax}
    if fmt.name in ("turtle", "rdfxml"):
        kwargs["prefixes"] = PREFIXES
    body = ox.serialize(sorted(set(triples), key=str), **kwargs)
    return _vary(Response(body, content_type=fmt.content_type))


def _vary(resp: Response) -> Response:
    """Representations differ by Accept; caches must know. The graph is immutable between builds,
    so a representation's ETag is the build id plus the URL, base and format: a client or proxy
    revalidates with If-None-Match and gets 304 until the next build."""
    resp.vary.add("Accept")
    build_id = getattr(dataset(), "build_id", None)
    if build_id:
        etag = page_etag(build_id, configured_base(), request.path, resp.mimetype or "")
        resp.headers["ETag"] = etag
        resp.cache_control.public = True
        resp.cache_control.max_age = int(current_app.config.get("CACHE_MAX_AGE", 300))
        if etag_matches(request.headers.get("If-None-Match"), etag):
            resp.status_code = 304
            resp.set_data(b"")
            resp.headers.pop("Content-Type", None)
    return resp


def _alternates(path: str) -> list[tuple[str, str]]:
    """(label, URL) of each representation, for the page's footer and Link headers."""
    root = request.script_root + "/" + path.lstrip("/")
    return [(f.name, root + s) for s, f in SUFFIXES.items() if f is not HTML]


# --- views ------------------------------------------------------------------------------------


def _not_in_graph(iri: str) -> Response:
    """404 for an IRI the graph never mentions, with the closest names to its last segment
    (e.g. /id/nuts/ITC9 suggests ITC4, ITC1, ...): `suggestions` in the body, links on the page."""
    from .search import suggestions

    near = [{"label": f"{r['label']} ({r['code']})" if r["code"] else r["label"], "href": r["href"], "iri": r["iri"]}
            for r in suggestions(iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " "))]
    detail = f"{iri} is not in the graph." + (" Did you mean: " + "; ".join(n["label"] for n in near) + "?" if near else "")
    return error_response(404, "Not Found", detail, iri=iri, suggestions=near or None)


def serve_resource(path: str) -> Response | str:
    """A minted resource: HTML page or RDF description, 404 if the graph never mentions it."""
    path, path_format = split_suffix(path)
    iri = iri_for_path(path)
    fmt = negotiated(path_format)
    if fmt is None:
        return not_acceptable()
    try:
        ox.NamedNode(iri)
    except ValueError:  # e.g. /id/%22: a path no IRI of the graph can have
        return error_response(404, "Not Found", f"{iri} is not a valid IRI, so it is not in the graph.", iri=iri)
    out, inc = statements(iri)
    if not out and not inc:
        return _not_in_graph(iri)
    if fmt is not HTML:
        return rdf_response(dataset().construct(Q_DESCRIBE, {"s": ox.NamedNode(iri)}), fmt)
    types = [r for r in out if r["p"].value == PREFIXES["rdf"] + "type"]
    from .resource_answers import answers

    code = next((r["o"].value for r in out if r["p"].value == PREFIXES["skos"] + "notation"), None)
    sections = answers(dataset().select, iri, [r["o"].value for r in types], code)
    from .provenance import page_sources
    label = own_label(out) or curie(iri)
    shown_out, shown_in = out[:MAX_ROWS_SHOWN], inc[:MAX_ROWS_SHOWN]
    page = render_template(
        "resources/resource.html",
        iri=iri,
        label=label,
        types=[term_view(r["o"], r.get("ol")) for r in types],
        outgoing=statement_views(shown_out),
        incoming=statement_views(shown_in, incoming=True),
        counts=(len(out), len(inc)),
        cut=MAX_ROWS_SHOWN,
        alternates=_alternates(path),
        describe=query_ui_link(f"DESCRIBE <{iri}>"),
        answers=sections,
        sources=page_sources(current_app, dataset(), iri, local_url),
    )
    return _vary(Response(page, content_type=HTML.content_type))


@bp.get("/id/<path:path>")
def resource(path: str) -> Response | str:
    """B id/... -> /id/..."""
    return serve_resource("id/" + path)


@bp.get("/.well-known/genid/<path:path>")
def genid(path: str) -> Response | str:
    """Skolem IRIs (blank nodes the build replaced, RDF 1.1 section 3.5) resolve too."""
    return serve_resource(".well-known/genid/" + path)


@bp.get("/graph/<path:path>")
def named_graph(path: str) -> Response | str:
    """A named graph: RDF = its triples; HTML = statements about it and the subjects it holds."""
    path, path_format = split_suffix("graph/" + path)
    iri = iri_for_path(path)
    fmt = negotiated(path_format)
    if fmt is None:
        return not_acceptable()
    if iri not in dataset().named_graphs():
        return error_response(404, "Not Found", f"{iri} is not a named graph of this dataset.", iri=iri)
    g = ox.NamedNode(iri)
    if fmt is not HTML:
        return rdf_response(dataset().construct(Q_GRAPH, {"g": g}), fmt)
    out, inc = statements(iri)
    subjects = dataset().select(Q_GRAPH_SUBJECTS, {"g": g})
    page = render_template(
        "resources/graph.html",
        iri=iri,
        triples=dataset().graph_triple_counts().get(iri, 0),
        outgoing=statement_views(out[:MAX_ROWS_SHOWN]),
        incoming=statement_views(inc[:MAX_ROWS_SHOWN], incoming=True),
        subjects=[(term_view(r["s"], r.get("label")), int(r["n"].value)) for r in subjects[:MAX_ROWS_SHOWN]],
        more_subjects=len(subjects) > MAX_ROWS_SHOWN,
        alternates=_alternates(path),
        query=query_ui_link(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 100"),
    )
    return _vary(Response(page, content_type=HTML.content_type))


@bp.get("/dataset")
@bp.get("/dataset" + _SUFFIX_RULE)
@bp.get("/.well-known/void")
def dataset_description(suffix: str = "") -> Response | str:
    """VoID + DCAT from B graph/meta and the link sets' void:Linkset descriptions from B graph/links
    (the VoID spec's well-known location serves the same)."""
    fmt = negotiated(SUFFIXES.get(suffix))
    if fmt is None:
        return not_acceptable()
    g = ox.NamedNode(graph_iri("meta"))
    graphs = {"meta": g, "links": ox.NamedNode(graph_iri("links"))}
    if fmt is not HTML:
        return rdf_response(dataset().construct(Q_DATASET, graphs), fmt)
    from .dataset_page import summary

    page = render_template(
        "resources/dataset.html",
        summary=summary(dataset().select, g, graphs["links"]),
        meta=term_view(g),
        alternates=[(f.name, request.script_root + "/dataset" + s) for s, f in SUFFIXES.items() if f is not HTML],
        dumps=dump_files(),
    )
    return _vary(Response(page, content_type=HTML.content_type))


# --- ontology --------------------------------------------------------------------------------


@bp.get("/ontology")
@bp.get("/ontology" + _SUFFIX_RULE)
@bp.get("/ontology/<version>")
def ontology(suffix: str = "", version: str | None = None) -> Response | str:
    """The ontology: HTML documentation made by pyLODE, or the OWL in an RDF syntax.

    ``/ontology/<version>`` answers for the version IRI (owl:versionIRI) of the one ontology served."""
    if version is not None:
        version, path_format = split_suffix(version)
        if version not in ontology_doc.versions():
            return error_response(404, "Not Found", f"No ontology version {version!r}; served: {', '.join(ontology_doc.versions()) or 'none'}.")
    else:
        path_format = SUFFIXES.get(suffix)
    fmt = negotiated(path_format)
    if fmt is None:
        return not_acceptable()
    triples = ontology_doc.ontology_triples()
    if not triples:
        return error_response(404, "Not Found", "This dataset holds no ontology (graph/ontology is empty).")
    if fmt is not HTML:
        return rdf_response(triples, fmt)
    from .site import framed

    page = framed(ontology_doc.ontology_html(), request.script_root, request.path, css=("site/ontology.css",))
    resp = Response(page, content_type=HTML.content_type)
    # pyLODE writes its own HTML; no script is needed to read it, so none may run.
    resp.headers["Content-Security-Policy"] = "script-src 'none'; object-src 'none'; base-uri 'none'"
    return _vary(resp)
