"""Evaluating one USER query: store + Job -> Outcome (serialised bytes or a clear error).

Bounded in size (row cap, result byte bound) and serialised by pyoxigraph straight into
the negotiated format. Bounded in time by where it runs: server/pool.py runs `run_job` in
worker processes it can kill. No process or HTTP concerns here.

`Evaluator` is the seam the /sparql view talks to (docs/architecture.md): the worker pool,
the in-process evaluator of the tests, or another backend (a remote SPARQL engine) all take
a Job and give an Outcome, never raising for the query's sake."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import pyoxigraph as ox

# a query worker imports this module: nothing here may import rdflib, Flask or werkzeug at the
# top (each worker start would pay for them; tests/test_worker_start.py checks)
from eccp_kg.graph.formats import RDF, RESULTS
from eccp_kg.graph.prefixes import PREFIXES
from eccp_kg.graph.sparql_prologue import PREDECLARED
from eccp_kg.graph.sparql_errors import describe_syntax_error

from .safety import QueryRefused, check_complexity, check_dataset_iris, check_services, inspect_query


@dataclass(frozen=True)
class Job:
    """One user query with its dataset and the negotiated format per query form."""

    query: str
    default_graphs: tuple[str, ...] = ()  # default-graph-uri of the request (overrides FROM)
    named_graphs: tuple[str, ...] = ()  # named-graph-uri of the request (overrides FROM NAMED)
    results_format: str | None = "json"  # format name for SELECT/ASK, None: not acceptable
    graph_format: str | None = "turtle"  # format name for CONSTRUCT/DESCRIBE, None: not acceptable
    max_rows: int = 100_000
    base_iri: str | None = None  # the service-defined base IRI (the endpoint URL) for relative IRIs
    max_bytes: int = 128 * 1024 * 1024  # serialised result size at which evaluation stops (memory bound)
    service_allowlist: tuple[str, ...] = ()  # SERVICE endpoints the query may call
    known_graphs: frozenset[str] = frozenset()  # named graphs of the store (FROM may name them)


@dataclass(frozen=True)
class Outcome:
    """Serialised result (status 200) or an error (status >= 400, title, detail, extra fields)."""

    status: int
    kind: str = ""  # "results" or "graph" (what the query form produced)
    format: str = ""  # format name used
    body: bytes = b""
    title: str = ""
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # more fields of the error body (line, limit ...)
    headers: dict[str, str] = field(default_factory=dict)  # response headers of an error (Retry-After)


def timeout_outcome(why: str, timeout: float) -> Outcome:
    """503 Query Timeout: the query ran past `timeout` s (and was stopped) or waited that long."""
    return Outcome(
        503,
        title="Query Timeout",
        detail=f"The query was stopped: {why}. Narrow it (LIMIT, more specific patterns) or try again later.",
        extra={"timeout": timeout},
        headers={"Retry-After": "5"},
    )


def cancelled_outcome() -> Outcome:
    """499 Query Cancelled: the caller gave up (e.g. the client went away); its worker was stopped."""
    return Outcome(499, title="Query Cancelled", detail="The query was cancelled before it finished; its worker was stopped.")


class Evaluator(Protocol):
    """What the /sparql view needs from whatever evaluates user queries.

    `run` never raises for the query's sake: timeouts (503), cancellation (499), refusals,
    syntax errors and caps all come back as an Outcome, so the view has one error path.
    `cancel`, when given, is watched while the job waits for a worker and while it runs;
    once set, the job is stopped (a worker process is killed and replaced)."""

    size: int

    def run(self, job: Job, timeout: float, cancel: threading.Event | None = None) -> Outcome: ...

    def status(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def _syntax_outcome(exc: SyntaxError, query: str) -> Outcome:
    """400 with the error as a sentence ("Line 2, column 7: ...", graph/sparql_errors.py) and
    the line and column an editor marks; pyoxigraph's own message as `parser_message`."""
    if _looks_like_update(query):
        return Outcome(403, title="Update Not Allowed", detail="This endpoint is read-only: SPARQL Update is not accepted (the text parses as an update, not a query).")
    report = describe_syntax_error(str(exc), query)
    return Outcome(400, title="Query Syntax Error", detail=report.detail, extra=report.extra)


def _looks_like_update(query: str) -> bool:
    """True when the text is a valid SPARQL Update (parsed, not guessed), for a clearer error."""
    try:
        from rdflib.plugins.sparql.parser import parseUpdate

        from .safety import RDFLIB_PARSE_LOCK

        with RDFLIB_PARSE_LOCK:
            parseUpdate(query)
        return True
    except Exception:
        return False


def _rows_over(count: int, max_rows: int, what: str) -> Outcome:
    return Outcome(
        400,
        title="Result Too Large",
        detail=f"The query produced more than {max_rows} {what} (the limit of this endpoint); "
        "add LIMIT or narrow the pattern.",
        extra={"limit": max_rows},
    )


class _TooManyBytes(Exception):
    """Raised from inside pyoxigraph's serialiser to stop a result that outgrew the byte bound."""


class _BoundedBuffer:
    """A write target for pyoxigraph that refuses to grow past `limit` bytes, so a query with
    an enormous result stops early instead of filling the worker's memory before the timeout."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooManyBytes()
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


#: Every serialised row / triple takes at least this many bytes, so a body of n bytes holds at
#: most n // MIN_BYTES of them: results that small need no counting (the common case).
MIN_BYTES = 2


def _result_rows(body: bytes, syntax: ox.QueryResultsFormat, max_rows: int) -> int:
    """Rows in a serialised SELECT result; exact only when it might exceed `max_rows`.

    TSV has one line per row (newlines in values are escaped); other formats are counted by
    transcoding to TSV with pyoxigraph, only when the size bound cannot rule out the cap."""
    if syntax is ox.QueryResultsFormat.TSV:
        return body.count(b"\n") - 1
    if len(body) // MIN_BYTES <= max_rows:
        return 0
    bound = _row_bound(body, syntax)
    if bound is not None and bound <= max_rows:
        return bound
    if syntax is ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph cannot read it back
        import csv
        import io

        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1
    tsv = ox.parse_query_results(body, format=syntax).serialize(format=ox.QueryResultsFormat.TSV)
    return tsv.count(b"\n") - 1


def _row_bound(body: bytes, syntax: ox.QueryResultsFormat) -> int | None:
    """At least as many as the rows of a SELECT result written by pyoxigraph (or by an engine whose bytes
    equal its, server/backends/passthrough.py), by counting bytes: None when there is no such count.

    Why: a lookup at 1M triples returns ~2,000 rows (330 KB of JSON), above what the size bound rules
    out, and transcoding it to TSV only to count it was, after the engine's own work, the largest cost in
    a profile of such lookups (cProfile, 60 lookups through the remote backend). XML: every row is a
    `<result` element and text cannot hold an unescaped `<`. JSON: pyoxigraph writes no whitespace, so
    one row ends where the next begins with `},{`; a literal holding that text only raises the count."""
    if syntax is ox.QueryResultsFormat.XML:
        return body.count(b"<result") - body.count(b"<results")
    if syntax is ox.QueryResultsFormat.JSON:
        return body.count(b"},{") + 1
    return None


def _graph_triples(body: bytes, syntax: ox.RdfFormat, max_rows: int) -> int:
    """Triples in a serialised graph; exact only when it might exceed `max_rows`."""
    if syntax in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return body.count(b"\n")
    if len(body) // MIN_BYTES <= max_rows:
        return 0
    return ox.serialize(ox.parse(body, format=syntax), format=ox.RdfFormat.N_QUADS).count(b"\n")


def dataset_arguments(job: Job) -> dict[str, Any]:
    """pyoxigraph query arguments for the job's dataset, after the SERVICE and FROM checks.

    Runs in the worker, not the server: parsing a (possibly huge) query with rdflib then
    costs no server time and is bounded by the timeout. Raises QueryRefused."""
    check_complexity(job.query)  # before any parser: too deep a query crashes them
    facts = inspect_query(job.query, job.base_iri)
    check_services(facts, job.service_allowlist)
    check_dataset_iris(facts.from_default, job.known_graphs, "FROM")
    check_dataset_iris(facts.from_named, job.known_graphs, "FROM NAMED")
    kwargs: dict[str, Any] = {"base_iri": job.base_iri, "prefixes": PREDECLARED}  # as `eccp-kg query`
    if job.default_graphs or job.named_graphs:  # the request's dataset overrides FROM
        default, named = job.default_graphs, job.named_graphs
    elif facts.has_dataset:  # explicit, because the union option would override FROM
        default, named = facts.from_default, facts.from_named
    else:
        kwargs["use_default_graph_as_union"] = True
        return kwargs
    kwargs["default_graph"] = [ox.NamedNode(g) for g in default]
    kwargs["named_graphs"] = [ox.NamedNode(g) for g in named]
    return kwargs


def run_job(store: ox.Store, job: Job) -> Outcome:
    """Evaluate one job against a store and serialise it (pure: no process or HTTP concerns)."""
    try:
        kwargs = dataset_arguments(job)
    except QueryRefused as exc:
        return Outcome(exc.status, title=exc.title, detail=exc.detail)
    return guarded(job, lambda: serialise(_query(store, job.query, kwargs), job))


def _query(store: ox.Store, query: str, kwargs: dict[str, Any]) -> Any:
    """`store.query`, first without the predeclared prefixes, then (on a syntax error) with them.

    Why: pyoxigraph reads every predeclared namespace on each call, about 13 us on an ASK and 24 us
    on a lookup of ~150 us (measured in one process, alternating); and a query that parses
    without them means the same as with them, as they only name prefixes the query does not
    declare. A query that needs them pays one failed parse; a wrong one gets the error of the parse
    with them, as before."""
    plain = {name: value for name, value in kwargs.items() if name != "prefixes"}
    try:
        return store.query(query, **plain)
    except SyntaxError:
        return store.query(query, **kwargs)


def serialise(result: Any, job: Job) -> Outcome:
    """A query result (pyoxigraph's, or one parsed from a remote engine's answer) in the job's
    negotiated format, within the row cap and the byte bound: the same bytes whatever evaluated it."""
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        if job.results_format is None:
            return Outcome(406, kind="results", title="Not Acceptable", detail="SELECT and ASK results are available as json, xml, csv and tsv; the request accepts none of them.")
        target = RESULTS[job.results_format].syntax
        if isinstance(result, ox.QueryBoolean):
            return Outcome(200, "results", job.results_format, result.serialize(format=target))
        out = _BoundedBuffer(job.max_bytes)
        result.serialize(out, format=target)
        body = out.getvalue()
        rows = _result_rows(body, target, job.max_rows)
        if rows > job.max_rows:
            return _rows_over(rows, job.max_rows, "rows")
        return Outcome(200, "results", job.results_format, body)
    # CONSTRUCT / DESCRIBE
    if job.graph_format is None:
        return Outcome(406, kind="graph", title="Not Acceptable", detail="CONSTRUCT and DESCRIBE results are available as turtle, ntriples, nquads, rdfxml and jsonld; the request accepts none of them.")
    syntax = RDF[job.graph_format].syntax
    out = _BoundedBuffer(job.max_bytes)
    if job.graph_format in ("ntriples", "nquads"):
        ox.serialize(result, out, format=syntax)
    else:  # Turtle, RDF/XML and JSON-LD get the project's prefixes
        ox.serialize(result, out, format=syntax, prefixes=PREFIXES)
    body = out.getvalue()
    triples = _graph_triples(body, syntax, job.max_rows)
    if triples > job.max_rows:
        return _rows_over(triples, job.max_rows, "triples")
    return Outcome(200, "graph", job.graph_format, body)


def bounded_results(body: bytes, job: Job) -> Outcome:
    """SELECT/ASK results already serialised in the job's format (a remote engine's bytes passed on,
    server/backends/passthrough.py) held to the same byte bound and row cap as `serialise` output."""
    if len(body) > job.max_bytes:
        return too_many_bytes(job)
    rows = _result_rows(body, RESULTS[job.results_format].syntax, job.max_rows)
    if rows > job.max_rows:
        return _rows_over(rows, job.max_rows, "rows")
    return Outcome(200, "results", job.results_format, body)


def guarded(job: Job, produce: Callable[[], Outcome]) -> Outcome:
    """`produce()` with every failure of evaluation or serialisation turned into its Outcome."""
    try:
        return produce()
    except _TooManyBytes:
        return too_many_bytes(job)
    except SyntaxError as exc:
        return _syntax_outcome(exc, job.query)
    except MemoryError:
        return Outcome(503, title="Query Too Expensive", detail="The query ran out of memory in its worker.")
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        return Outcome(500, title="Query Evaluation Error", detail=f"The query failed during evaluation: {exc}")


def too_many_bytes(job: Job) -> Outcome:
    """400 Result Too Large for a result past the byte bound."""
    return Outcome(
        400,
        title="Result Too Large",
        detail=f"The result grew past {job.max_bytes} bytes (the limit of this endpoint) and was stopped; "
        "add LIMIT or narrow the pattern.",
        extra={"limit_bytes": job.max_bytes},
    )


class InProcessEvaluator:
    """`run_job` in the calling thread: no timeout or cancel enforcement. For in-process protocol tests."""

    size = 0

    def __init__(self, store: ox.Store):
        self._store = store

    def run(self, job: Job, timeout: float, cancel: threading.Event | None = None) -> Outcome:
        """Evaluate now, in this thread (`timeout` and `cancel` are not enforced here)."""
        return run_job(self._store, job)

    def status(self) -> dict[str, Any]:
        """No worker processes to report."""
        return {"workers": 0, "idle_workers": 0, "replaced_workers": 0, "worker_pids": [], "store_changed": None}

    def close(self) -> None:
        pass
