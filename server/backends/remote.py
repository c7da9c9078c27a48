"""The remote backend: every query the server runs goes to a SPARQL 1.1 endpoint (`serve --backend URL`).

Why: a deployment that outgrows one machine keeps the graph in an engine built for that (the
Oxigraph server, Virtuoso, a managed store) and loads it with `eccp-kg push`. The server in front
keeps what it adds to a bare engine: the same protocol, result formats, limits, read-only rule,
SERVICE allowlist, ETags, result cache, pages and explorer.

* `RemoteDataset` is the pages' interface (graph.dataset.Dataset: select / construct / ask,
  named graphs, counts, build id). Values a page binds travel as a VALUES block of terms serialised
  by pyoxigraph (`str(term)` is its N-Triples form), appended to the query, never pasted into it.
* `RemoteEvaluator` is the /sparql interface (server.evaluator.Evaluator): the same checks as the
  embedded evaluator before anything is sent, the request abandoned at the timeout (503), and the
  engine's answer parsed by pyoxigraph and serialised by the same code as embedded results
  (server.evaluator.serialise), so formats, row caps and byte bounds are identical.
* The default graph is the union of the build's graphs on every engine, in the cheapest form the
  engine allows (server/backends/default_graph.py): its own default graph when that is the union,
  Virtuoso's own with its other graphs excluded by a pragma line, else the build's graphs named in
  each request (default-graph-uri and named-graph-uri, read from the build's B graph/meta; encoded
  once per build). Chosen at start and whenever the build id changes.
* SELECT/ASK results go to the client as the engine wrote them when it writes that format as we would
  (server/backends/passthrough.py, probed at the same times), within the same row and byte caps.
* The build id is the `owl:versionInfo` in the remote B graph/meta (written by `eccp-kg push`),
  re-read every BUILD_ID_SECONDS: a push of a new build changes ETags and cache keys.
* The base IRI B is the pushed build's, read once at start from the one graph `B graph/meta` in the
  engine (as the embedded server reads it from its store), unless `--base-iri` names it."""
from __future__ import annotations

import functools
import http.client
import re
import threading
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from eccp_kg.graph.dataset import DataError, Term
from eccp_kg.graph.iris import Minter, with_slash

from eccp_kg.graph.formats import RESULTS

from ..evaluator import (Job, Outcome, _syntax_outcome, bounded_results, cancelled_outcome, dataset_arguments, guarded,
                         serialise, timeout_outcome, too_many_bytes)
from eccp_kg.graph.sparql_prologue import PREDECLARED, remote_text
from ..safety import QueryRefused
from .client import EngineClient, Stopped
from .default_graph import NAMED, DefaultGraph, choose
from .passthrough import same_bytes_formats

#: Seconds a read build id is trusted before B graph/meta is asked again.
BUILD_ID_SECONDS = 2.0
#: Seconds the pages' own (trusted, small) queries may take on the engine.
PAGE_TIMEOUT = 30.0
RESULTS_XML = "application/sparql-results+xml"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
VOID = "http://rdfs.org/ns/void#"
#: The end of the build's meta graph IRI (B graph/meta, graph.iris.Minter.graph("meta")).
META_SUFFIX = "graph/meta"


class RemoteError(Exception):
    """The engine could not be reached or refused a request; `status` is what our server answers."""

    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


#: Where the pattern of a query opens: the bound values go first inside it.
_PATTERN_OPEN = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)


def values_block(substitutions: Mapping[str, Term] | None) -> str:
    """`VALUES (?a ?b) { (<iri> "lit"@en) }` for the bound variables ('' when none); each term
    serialised by pyoxigraph (its N-Triples form), so no value is ever pasted as SPARQL text."""
    if not substitutions:
        return ""
    names = [k.value if isinstance(k, ox.Variable) else ox.Variable(str(k).lstrip("?$")).value for k in substitutions]
    terms = " ".join(str(v) for v in substitutions.values())
    return "VALUES (" + " ".join("?" + n for n in names) + ") { (" + terms + ") } "


def bind_values(query: str, substitutions: Mapping[str, Term] | None) -> str:
    """The query with its bound values as a VALUES block first in its WHERE pattern (like pyoxigraph's
    substitutions, the values are joined before anything else; Virtuoso takes a trailing VALUES only
    after a SELECT). The server's own fixed queries always have that pattern; else a trailing VALUES."""
    block = values_block(substitutions)
    if not block:
        return query
    found = _PATTERN_OPEN.search(query)
    if found is None:
        return query + "\n" + block
    return query[:found.end()] + " " + block + query[found.end():]


class RemoteEngine:
    """One SPARQL 1.1 query endpoint spoken to over HTTP POST (form-encoded, so long datasets fit),
    on kept-alive connections (server/backends/client.py)."""

    def __init__(self, url: str):
        if not url.startswith(("http://", "https://")):
            raise DataError(f"--backend: expected the http:// or https:// URL of a SPARQL endpoint, got {url!r}")
        self.url = url
        self.client = EngineClient(url)

    def post(self, query: str, accept: str, default: tuple[str, ...], named: tuple[str, ...], timeout: float,
             max_bytes: int | None = None, cancel: threading.Event | None = None) -> tuple[str, bytes]:
        """(content type, body) of the engine's answer; RemoteError for anything but 200 (503 Query
        Timeout past `timeout`, 499 Query Cancelled once `cancel` is set: the request is dropped)."""
        form = urllib.parse.urlencode([("query", query)]) + _dataset_form(default, named)
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            answer = self.client.post(form.encode("ascii"), headers, timeout, max_bytes, cancel)
        except Stopped as exc:
            if exc.reason == "cancelled":
                raise RemoteError(499, "Query Cancelled", "the request to the SPARQL engine was dropped") from None
            raise RemoteError(503, "Query Timeout", f"no answer from the SPARQL engine within {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteError(502, "Backend Unavailable", f"The SPARQL engine at {self.url} cannot be reached: {exc}") from None
        if answer.status == 200:
            return answer.content_type, answer.body
        text = answer.body.decode("utf-8", errors="replace").strip()[:600] or "(empty body)"
        if 400 <= answer.status < 500:
            raise RemoteError(400, "Query Refused By Backend",
                              f"The SPARQL engine at {self.url} refused the query (HTTP {answer.status}): {text}")
        raise RemoteError(502, "Backend Error", f"The SPARQL engine at {self.url} failed (HTTP {answer.status}): {text}")


@functools.lru_cache(maxsize=8)
def _dataset_form(default: tuple[str, ...], named: tuple[str, ...]) -> str:
    """'&default-graph-uri=...&named-graph-uri=...' of a request, encoded once per dataset: the 198 graphs of
    the 1M build took 5.5 ms of urlencode per request."""
    fields = [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
    return "&" + urllib.parse.urlencode(fields) if fields else ""


def parse_answer(content_type: str, body: bytes, results: bool) -> Any:
    """The engine's answer as pyoxigraph results (SELECT/ASK) or triples (CONSTRUCT/DESCRIBE)."""
    if results:
        syntax = ox.QueryResultsFormat.from_media_type(content_type) or ox.QueryResultsFormat.XML
        return ox.parse_query_results(body, format=syntax)
    syntax = ox.RdfFormat.from_media_type(content_type) or ox.RdfFormat.TURTLE
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=syntax)]


class RemoteDataset:
    """graph.dataset.Dataset's interface over a remote store that holds a pushed build."""

    store = None  # no local store: the evaluator comes from evaluator_factory()
    store_dir = None

    def __init__(self, url: str, base_iri: str | None = None, timeout: float = PAGE_TIMEOUT):
        self.engine = RemoteEngine(url)
        self.timeout = timeout
        #: the base IRI of the pushed build: `--base-iri` when given, else read from the engine
        self.base_iri = with_slash(base_iri) if base_iri else self._pushed_base()
        self.meta_graph = str(Minter(self.base_iri).graph("meta"))
        self._lock = threading.Lock()
        self._read_at = 0.0
        self._build_id = ""
        self._counts: dict[str, int] = {}
        #: how requests get the build's union as their default graph (default_graph.py)
        self.default_graph = DefaultGraph(NAMED)
        #: results formats whose bytes the engine writes as we would (passthrough.py): handed on unparsed
        self.same_bytes: frozenset[str] = frozenset()
        self._refresh(force=True)

    # -- the build in the remote store ---------------------------------------------------
    def _pushed_base(self) -> str:
        """The base IRI of the one build in the engine: its `B graph/meta` is the graph whose IRI
        ends in /graph/meta and holds an owl:versionInfo (as graph.dataset.base_iri_for reads it
        from a store). DataError when the engine cannot be read, holds no build or several."""
        query = (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d <{OWL_VERSION_INFO}> ?v }} "
                 f'FILTER(STRENDS(STR(?g), "/{META_SUFFIX}")) }}')
        try:
            content_type, body = self.engine.post(query, RESULTS_XML, (), (), self.timeout)
        except RemoteError as exc:
            raise DataError(f"--backend {self.engine.url}: cannot read the build's B {META_SUFFIX}: {exc.detail}") from None
        metas = sorted(row["g"].value for row in parse_answer(content_type, body, results=True))
        if not metas:
            raise DataError(f"--backend {self.engine.url}: no eccp-kg build there (no graph named B {META_SUFFIX} "
                            "with an owl:versionInfo); load one with `eccp-kg push GSP_URL`")
        if len(metas) > 1:
            listed = ", ".join(f"<{m}>" for m in metas)
            raise DataError(f"--backend {self.engine.url}: more than one eccp-kg build there ({listed}); "
                            "name the one to serve with --base-iri")
        return metas[0].removesuffix(META_SUFFIX)

    def _refresh(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._read_at < BUILD_ID_SECONDS:
            return
        with self._lock:
            if not force and time.monotonic() - self._read_at < BUILD_ID_SECONDS:
                return
            query = (f"SELECT ?p ?s ?o WHERE {{ GRAPH <{self.meta_graph}> {{ ?d ?p ?o . "
                     f"FILTER(?p = <{OWL_VERSION_INFO}> || ?p = <{VOID}subset>) OPTIONAL {{ ?o <{VOID}triples> ?s }} }} }}")
            try:
                content_type, body = self.engine.post(query, RESULTS_XML, (), (self.meta_graph,), self.timeout)
            except RemoteError as exc:
                raise DataError(f"--backend {self.engine.url}: cannot read the build's <{self.meta_graph}>: {exc.detail}") from None
            build_id, counts = "", {}
            for row in parse_answer(content_type, body, results=True):
                if row["p"].value == OWL_VERSION_INFO:
                    build_id = row["o"].value
                else:
                    counts[row["o"].value] = int(row["s"].value) if row["s"] is not None else 0
            if not build_id:
                raise DataError(f"--backend {self.engine.url}: no eccp-kg build there (no owl:versionInfo in "
                                f"<{self.meta_graph}>); load one with `eccp-kg push GSP_URL`")
            changed = build_id != self._build_id or not self._counts
            if changed:
                meta = self._meta_size()
                counts[self.meta_graph] = meta
            else:
                counts = self._counts
            self._build_id, self._counts, self._read_at = build_id, counts, time.monotonic()
            if changed:
                self.default_graph = choose(self._select_rows, counts)
                self.same_bytes = same_bytes_formats(self._post)

    def _post(self, query: str, accept: str) -> tuple[str, bytes]:
        """One probe asked with the engine's own dataset (default_graph.py, passthrough.py); RuntimeError
        when the engine refuses it or cannot be reached."""
        try:
            return self.engine.post(query, accept, (), (), self.timeout)
        except RemoteError as exc:
            raise RuntimeError(exc.detail) from None

    def _select_rows(self, query: str) -> list[dict[str, str | None]]:
        """Rows of one SELECT asked with the engine's own dataset, as plain values (default_graph.choose)."""
        content_type, body = self._post(query, RESULTS_XML)
        result = parse_answer(content_type, body, results=True)
        names = [v.value for v in result.variables]
        return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]

    def dataset_for(self, query: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """(prologue, default-graph-uri, named-graph-uri) of a request over the build's union default graph:
        the prologue goes before the query text (default_graph.py)."""
        chosen = self.default_graph
        return chosen.prologue, chosen.default, chosen.named

    def _meta_size(self) -> int:
        query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        content_type, body = self.engine.post(query, RESULTS_XML, (), (self.meta_graph,), self.timeout)
        return next(int(row["n"].value) for row in parse_answer(content_type, body, results=True))

    @property
    def build_id(self) -> str:
        """The pushed build's id (re-read every BUILD_ID_SECONDS; ETags and cache keys use it)."""
        try:
            self._refresh()
        except DataError:
            pass  # keep serving the last known id; the queries themselves report the engine's state
        return self._build_id

    @property
    def graphs(self) -> tuple[str, ...]:
        """The build's named graphs (B graph/meta included): the dataset of every request."""
        return tuple(sorted(self._counts))

    def named_graphs(self) -> list[str]:
        return list(self.graphs)

    def graph_triple_counts(self) -> dict[str, int]:
        return dict(self._counts)

    def __len__(self) -> int:
        return sum(self._counts.values())

    # -- trusted queries -------------------------------------------------------------------
    def _answer(self, query: str, substitutions: Mapping[str, Term] | None, results: bool) -> Any:
        text = bind_values(query, substitutions)
        prologue, default, named = self.dataset_for(text)
        try:
            content_type, body = self.engine.post(prologue + text, RESULTS_XML if results else GRAPH_ACCEPT, default, named,
                                                  self.timeout)
        except RemoteError as exc:
            raise RuntimeError(exc.detail) from None
        return parse_answer(content_type, body, results)

    def select(self, query: str, substitutions: Mapping[str, Term] | None = None) -> list[dict[str, Term]]:
        result = self._answer(query, substitutions, results=True)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    def construct(self, query: str, substitutions: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        result = self._answer(query, substitutions, results=False)
        if not isinstance(result, list):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return result

    def ask(self, query: str, substitutions: Mapping[str, Term] | None = None) -> bool:
        result = self._answer(query, substitutions, results=True)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def evaluator_factory(self) -> "RemoteEvaluator":
        return RemoteEvaluator(self)


def _query_form(job: Job) -> bool | None:
    """True for SELECT/ASK, False for CONSTRUCT/DESCRIBE; raises SyntaxError like the embedded store.

    pyoxigraph prepares the query against an empty in-memory store: its parser decides the form
    and reports syntax errors with the same message the embedded store gives (nothing is evaluated
    that could reach outside: results are lazy, and an ASK has no data to match)."""
    result = ox.Store().query(job.query, base_iri=job.base_iri, use_default_graph_as_union=True, prefixes=PREDECLARED)
    return isinstance(result, (ox.QuerySolutions, ox.QueryBoolean))


class RemoteEvaluator:
    """server.evaluator.Evaluator over the remote engine: checks here, evaluation there."""

    size = 0

    def __init__(self, dataset: RemoteDataset):
        self.dataset = dataset
        self._served = 0

    def run(self, job: Job, timeout: float, cancel: threading.Event | None = None) -> Outcome:
        """One user query on the engine, abandoned at `timeout` (503), answered in the job's format."""
        try:
            kwargs = dataset_arguments(job)  # SERVICE allowlist, FROM graphs, complexity: as embedded
        except QueryRefused as exc:
            return Outcome(exc.status, title=exc.title, detail=exc.detail)
        try:
            results = _query_form(job)
        except SyntaxError as exc:
            return _syntax_outcome(exc, job.query)
        prologue = ""
        if kwargs.get("use_default_graph_as_union"):
            prologue, default, named = self.dataset.dataset_for(job.query)
        else:
            default = tuple(g.value for g in kwargs.get("default_graph", []))
            named = tuple(g.value for g in kwargs.get("named_graphs", []))
        # the engine's bytes go on unparsed when it writes this format as we would (passthrough.py)
        direct = bool(results) and job.results_format in self.dataset.same_bytes
        accept = RESULTS[job.results_format].media_type if direct else RESULTS_XML if results else GRAPH_ACCEPT
        limit = job.max_bytes if direct else job.max_bytes * 4  # XML / N-Triples are larger than what we send
        started = time.monotonic()
        try:
            content_type, body = self.dataset.engine.post(prologue + remote_text(job.query), accept, default, named, timeout,
                                                          limit, cancel)
        except RemoteError as exc:
            if exc.status == 499:
                return cancelled_outcome()
            if exc.status == 503:
                return timeout_outcome(f"{exc.detail} (after {time.monotonic() - started:.1f} s)", timeout)
            return Outcome(exc.status, title=exc.title, detail=exc.detail)
        if len(body) > limit:
            return too_many_bytes(job)
        self._served += 1
        if direct and content_type == accept:
            return bounded_results(body, job)
        return guarded(job, lambda: serialise(parse_answer(content_type, body, results), job))

    def status(self) -> dict[str, Any]:
        return {"workers": 0, "idle_workers": 0, "replaced_workers": 0, "worker_pids": [], "store_changed": None,
                "backend": self.dataset.engine.url, "backend_build_id": self.dataset.build_id,
                # whose default graph the requests use: the engine's own (the build's union) or the named graphs
                "backend_default_graph": self.dataset.default_graph.mode,
                # results formats handed on as the engine wrote them (passthrough.py)
                "backend_passthrough": sorted(self.dataset.same_bytes)}

    def close(self) -> None:
        pass
