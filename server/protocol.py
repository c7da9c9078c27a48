"""SPARQL 1.1 Protocol at /sparql (issue 3): query by GET, POST form and POST sparql-query.

Thin view over plain functions: `read_protocol_request` (pure: what the client asked),
`negotiation.negotiate` (pure: which format), `safety` (what the query may touch) and the
`Endpoint` (worker pool, cache). Documented in docs/endpoint.md."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.datastructures import MultiDict

from .cache import CachedResult, etag_for, etag_matches
from .endpoint import Endpoint
from .errors import Problem, error_response
from .evaluator import Job, Outcome
from .negotiation import ALL_FORMATS, GRAPH_FORMATS, GRAPH_SYNTAX, HTML, RESULT_FORMATS, Choice, UnknownFormat, choose, lookup_format, negotiate
from .rsgi import request_cancel
from .safety import QueryRefused, check_dataset_iris

bp = Blueprint("protocol", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
#: Protocol parameters that describe a query's dataset (SPARQL 1.1 Protocol 2.1.4).
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted."


class ProtocolError(Problem):
    """A request that breaks the SPARQL 1.1 Protocol; status, title and a clear detail."""


@dataclass(frozen=True)
class ProtocolRequest:
    """What a /sparql request asks for, independent of how it was sent."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None


def _one_query(values: list[str]) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, "Bad Request", "The request carries more than one query; send exactly one.")
    return values[0] if values else None


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError) as exc:
        raise ProtocolError(400, "Bad Request", f"The request body is not valid {charset or 'UTF-8'} text: {exc}") from exc


def read_protocol_request(
    method: str, mimetype: str, charset: str | None, args: MultiDict, form: MultiDict, body: bytes, body_length: int = 0
) -> ProtocolRequest:
    """Interpret a /sparql request per the SPARQL 1.1 Protocol (pure; raises ProtocolError).

    GET: everything in the URL. POST form: parameters in the body (URL ones are accepted too).
    POST application/sparql-query: the body is the query, dataset parameters in the URL.
    Updates (update=, application/sparql-update) are refused: the endpoint is read-only."""
    if method == "POST" and mimetype == FORM:
        params = MultiDict(list(args.items(multi=True)) + list(form.items(multi=True)))
    elif method == "POST" and mimetype == SPARQL_QUERY:
        if "query" in args:
            raise ProtocolError(400, "Bad Request", "A query in the body (application/sparql-query) and a query= parameter: send exactly one.")
        if "update" in args:
            raise ProtocolError(400, "Bad Request", "A request may carry a query or an update, not both.")
        if charset and charset.lower().replace("-", "") != "utf8":
            raise ProtocolError(415, "Unsupported Media Type", f"application/sparql-query bodies must be UTF-8 (SPARQL 1.1 Protocol); got charset={charset}.")
        params = MultiDict(list(args.items(multi=True)) + [("query", _decode(body, charset))])
    elif method == "POST" and mimetype == SPARQL_UPDATE:
        raise ProtocolError(403, "Update Not Allowed", READ_ONLY)
    elif method == "POST" and not mimetype and body_length == 0:
        params = args  # an empty POST: parameters (if any) are in the URL
    elif method == "POST":
        shown = mimetype or "none"
        raise ProtocolError(
            415,
            "Unsupported Media Type",
            f"POST /sparql needs Content-Type {FORM} or {SPARQL_QUERY}; got {shown}.",
        )
    else:
        params = args
    queries = params.getlist("query")
    updates = params.getlist("update")
    if queries and updates:
        raise ProtocolError(400, "Bad Request", "A request may carry a query or an update, not both.")
    if updates:
        raise ProtocolError(403, "Update Not Allowed", READ_ONLY)
    query = _one_query(queries)
    dataset = [name for name in DATASET_PARAMETERS if name in params]
    if query is None and dataset:
        # SPARQL 1.1 Protocol 2.1.4: dataset parameters belong to a query operation; without
        # one the request is a malformed query, not a service-description request (whatever
        # its Accept header: the 400 comes before any negotiation)
        raise ProtocolError(
            400,
            "Bad Request",
            f"The request has {' and '.join(dataset)} but no query: dataset parameters go with a query= "
            "parameter (or an application/sparql-query body); GET /sparql without any parameter is the service description.",
        )
    if method == "POST" and (query is None or not query.strip()):
        raise ProtocolError(400, "Bad Request", "No query: send query=... (form) or a application/sparql-query body.")
    if query is not None and not query.strip():
        raise ProtocolError(400, "Bad Request", "The query parameter is empty.")
    formats = params.getlist("format")
    if len(formats) > 1:
        raise ProtocolError(400, "Bad Request", "More than one format parameter.")
    return ProtocolRequest(
        query=query,
        default_graphs=tuple(params.getlist("default-graph-uri")),
        named_graphs=tuple(params.getlist("named-graph-uri")),
        format=formats[0] if formats else None,
    )


def _endpoint() -> Endpoint:
    return current_app.extensions["eccp_kg.endpoint"]


def _cache_headers(etag: str, max_age: int) -> tuple[tuple[str, str], ...]:
    return (("ETag", etag), ("Cache-Control", f"public, max-age={max_age}"), ("Vary", "Accept"))


def endpoint_url(env: dict, path: str) -> str:
    """The endpoint's own URL (scheme, host, mount point, path): the service-defined base IRI.

    Built from the WSGI environ directly; werkzeug's request.base_url does IRI decoding that
    costs more than the rest of a cached answer."""
    host = env.get("HTTP_HOST") or f"{env.get('SERVER_NAME', 'localhost')}:{env.get('SERVER_PORT', '80')}"
    return f"{env.get('wsgi.url_scheme', 'http')}://{host}{env.get('SCRIPT_NAME', '')}{path}"


def _endpoint_url() -> str:
    return endpoint_url(request.environ, request.path)


@dataclass(frozen=True)
class Reply:
    """A /sparql answer before it is an HTTP response, the same for the Flask view and for the
    RSGI path (server/rsgi_sparql.py), which turn it into theirs. With a `title` it is an error,
    whose body only `errors.error_response` builds (`headers` then go with it, e.g. Retry-After)."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    title: str = ""
    detail: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Pending:
    """A query that needs evaluating: its job, and what `complete` needs to answer its outcome."""

    job: Job
    etag: str
    choice: Choice
    accept: str | None


def _problem(status: int, title: str, detail: str, **extra: object) -> Reply:
    return Reply(status, title=title, detail=detail, extra=extra)


def _refuse_sizes(endpoint: Endpoint, query_string_bytes: int, content_length: int | None) -> Reply | None:
    """414 / 413 for a request past the endpoint's size cap, else None."""
    cap = endpoint.max_request_bytes
    if query_string_bytes > cap:
        return _problem(414, "URI Too Long", f"The query string has {query_string_bytes} bytes; this endpoint accepts at most {cap}. Send long queries by POST.")
    if content_length is not None and content_length > cap:
        return _problem(413, "Request Too Large", f"The request body has {content_length} bytes; this endpoint accepts at most {cap}.")
    return None


def to_response(reply: Reply) -> Response:
    """The Flask response of a reply (an error through `error_response`, the one error shape)."""
    if reply.title:
        return error_response(reply.status, reply.title, reply.detail, headers=dict(reply.headers), **reply.extra)
    resp = Response(reply.body, status=reply.status, content_type=reply.content_type) if reply.content_type else Response(status=reply.status)
    for name, value in reply.headers:
        resp.headers[name] = value
    return resp


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """The SPARQL endpoint; GET without a query returns the service description."""
    endpoint = _endpoint()
    refused = _refuse_sizes(endpoint, len(request.query_string), request.content_length)
    if refused is not None:
        return to_response(refused)
    try:
        preq = read_protocol_request(
            request.method,
            request.mimetype,
            request.mimetype_params.get("charset"),
            request.args,
            request.form if request.mimetype == FORM else MultiDict(),
            request.get_data(cache=True) if request.mimetype == SPARQL_QUERY else b"",
            request.content_length or 0,
        )
    except ProtocolError as exc:
        return error_response(exc.status, exc.title, exc.detail)
    if preq.query is None:
        return service_description(preq.format)
    env = request.environ
    step = prepare(endpoint, preq, env.get("HTTP_ACCEPT"), env.get("HTTP_IF_NONE_MATCH"), _endpoint_url())
    if isinstance(step, Pending):
        # the RSGI bridge sets this event when the client disconnects: its query is then stopped
        step = complete(endpoint, step, endpoint.run(step.job, request_cancel(), request.remote_addr or "-"))
    return to_response(step)


def read_get(endpoint: Endpoint, query_string: str) -> ProtocolRequest | Reply:
    """What a GET /sparql asks (the RSGI path's reading, werkzeug's `request.args` parsing), or
    the error reply of a request the view would refuse."""
    refused = _refuse_sizes(endpoint, len(query_string), None)
    if refused is not None:
        return refused
    args = MultiDict(parse_qsl(query_string, keep_blank_values=True, errors="werkzeug.url_quote"))
    try:
        return read_protocol_request("GET", "", None, args, MultiDict(), b"", 0)
    except ProtocolError as exc:
        return _problem(exc.status, exc.title, exc.detail)


def prepare(endpoint: Endpoint, preq: ProtocolRequest, accept: str | None, if_none_match: str | None,
            url: str) -> Reply | Pending:
    """A query's answer from the cache (200 hit, 304) or its refusal, else the job to evaluate.

    One path for a query: the Flask view and the RSGI path (server/rsgi_sparql.py) both call
    this, evaluate a Pending's job their own way (a blocking wait, an awaited pipe) and hand
    the outcome to `complete`."""
    try:
        choice = negotiate(accept, preq.format)
    except UnknownFormat as exc:
        return _problem(400, "Unknown Format", str(exc))
    if choice.results is None and choice.graph is None:
        return _not_acceptable(accept)
    key = result_key(endpoint, url, preq.query or "", preq.default_graphs, preq.named_graphs, choice)
    etag = etag_for(key)
    if etag_matches(if_none_match, etag):
        return Reply(304, headers=_cache_headers(etag, endpoint.cache_max_age))
    cached = endpoint.cache.get(etag)  # the key's digest: a few bytes instead of the query text
    if cached is not None:
        return Reply(200, cached.body, cached.content_type, (("X-Cache", "hit"), *_cache_headers(etag, endpoint.cache_max_age)))
    try:
        job = build_job(endpoint, url, preq.query or "", preq.default_graphs, preq.named_graphs, choice)
    except QueryRefused as exc:
        return _problem(exc.status, exc.title, exc.detail)
    return Pending(job, etag, choice, accept)


def complete(endpoint: Endpoint, pending: Pending, outcome: Outcome) -> Reply:
    """The reply to an evaluated query: its result (now cached) or its error."""
    if outcome.status != 200:
        if outcome.status == 406:
            formats = RESULT_FORMATS if outcome.kind == "results" else GRAPH_FORMATS if outcome.kind == "graph" else ALL_FORMATS
            return _not_acceptable(pending.accept, outcome.detail, formats)
        return Reply(outcome.status, title=outcome.title, detail=outcome.detail, extra=outcome.extra,
                     headers=tuple(outcome.headers.items()))
    fmt = pending.choice.for_kind(outcome.kind)
    content_type = fmt.content_type if fmt else "application/octet-stream"
    endpoint.cache.put(pending.etag, CachedResult(outcome.body, content_type))
    return Reply(200, outcome.body, content_type, (("X-Cache", "miss"), *_cache_headers(pending.etag, endpoint.cache_max_age)))


def result_key(
    endpoint: Endpoint, url: str, query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...], choice: Choice
) -> tuple:
    """Everything a result depends on (the graph is fixed while served): the cache key and
    the ETag's input. Relative IRIs in the query resolve against the endpoint URL."""
    return (
        endpoint.dataset.build_id,
        url,
        query,
        default_graphs,
        named_graphs,
        choice.results.name if choice.results else None,
        choice.graph.name if choice.graph else None,
    )


def build_job(
    endpoint: Endpoint, url: str, query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...], choice: Choice
) -> Job:
    """The evaluation job; the request's dataset IRIs are checked here (cheap), the query's
    SERVICE and FROM in the worker (evaluator.dataset_arguments). Raises QueryRefused."""
    known = endpoint.known_graphs
    if default_graphs:
        check_dataset_iris(default_graphs, known, "default-graph-uri")
    if named_graphs:
        check_dataset_iris(named_graphs, known, "named-graph-uri")
    return Job(
        query=query,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        results_format=choice.results.name if choice.results else None,
        graph_format=choice.graph.name if choice.graph else None,
        max_rows=endpoint.max_rows,
        base_iri=url,
        max_bytes=endpoint.max_result_bytes,
        service_allowlist=endpoint.service_allowlist,
        known_graphs=known,
    )


def _not_acceptable(accept: str | None, detail: str | None = None, formats: tuple = ALL_FORMATS) -> Reply:
    """406 whose `available` lists the formats the detail names (those of the query's form)."""
    return _problem(406, "Not Acceptable", detail or f"No result format matches Accept: {accept!r}.",
                    available=[f.media_type for f in formats])


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """Liveness and pool state for operators and tests: build id, worker counts, cache use."""
    endpoint = _endpoint()
    pool = endpoint.status()
    body = {
        "status": "store changed: restart the server" if pool["store_changed"] else "ok",
        "pid": os.getpid(),  # which HTTP worker process answered (eccp-kg serve --http-processes)
        "build_id": endpoint.dataset.build_id,
        **pool,
        "cache": endpoint.cache.status(),
    }
    resp = Response(json.dumps(body) + "\n", mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp


# --- service description -------------------------------------------------------------------
def service_description(format_param: str | None) -> Response:
    """GET /sparql without a query: the SPARQL 1.1 service description, negotiated.

    A client preferring HTML (a browser) is sent to the query page at /."""
    import pyoxigraph as ox

    from eccp_kg.graph.namespaces import PREFIXES

    from .service_description import describe_service

    endpoint = _endpoint()
    accept = request.headers.get("Accept")
    if format_param:
        try:
            fmt = next((f for f in lookup_format(format_param) if f.kind == "graph"), None)
        except UnknownFormat as exc:
            return error_response(400, "Unknown Format", str(exc))
        if fmt is None:
            return error_response(406, "Not Acceptable", "The service description is RDF: use turtle, ntriples, nquads, rdfxml or jsonld.")
    else:
        fmt = choose(accept, GRAPH_FORMATS + (HTML,))
        if fmt is None:
            return to_response(_not_acceptable(accept))
        if fmt is HTML:
            resp = redirect("/", code=303)
            resp.vary.add("Accept")
            return resp
    url = _endpoint_url()
    etag = etag_for((endpoint.dataset.build_id, "service-description", url, fmt.name, endpoint.service_allowlist))
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return to_response(Reply(304, headers=_cache_headers(etag, endpoint.cache_max_age)))
    key = ("sd", etag)
    cached = endpoint.cache.get(key)
    if cached is None:
        triples = describe_service(url, endpoint.dataset, federation=bool(endpoint.service_allowlist))
        prefixes = {p: PREFIXES[p] for p in ("sd", "void", "dcterms", "rdf", "xsd", "sh")}
        body = ox.serialize(triples, format=GRAPH_SYNTAX[fmt.name], prefixes=prefixes if fmt.name != "ntriples" else None)
        cached = CachedResult(body, fmt.content_type)
        endpoint.cache.put(key, cached)
    return to_response(Reply(200, cached.body, cached.content_type, _cache_headers(etag, endpoint.cache_max_age)))
