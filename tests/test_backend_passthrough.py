"""The remote backend hands an engine's result bytes on unparsed only where they are the bytes our
server would write (server/backends/passthrough.py), and holds them to the same row cap and byte bound.

The engines here are stand-ins that answer from a pyoxigraph store in memory: one writes results with
pyoxigraph (as the Oxigraph server does), one writes JSON in another spacing (as Virtuoso writes its
own forms); tests/backend_differential.py checks the real engines
(test_results_are_the_embedded_bytes_in_every_format)."""
from __future__ import annotations

import json
import threading

import pyoxigraph as ox
import pytest

from eccp_kg.graph.formats import RESULTS
from eccp_kg.server.backends.passthrough import PROBE_ASK, PROBE_SELECT, same_bytes_formats
from eccp_kg.server.backends.remote import RemoteEvaluator
from eccp_kg.server.evaluator import Job, run_job

EX = "http://example.org/"


def store() -> ox.Store:
    data = ox.Store()
    for n in range(3):
        data.add(ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p{n}"), ox.Literal(f"value {n}", language="en"),
                         ox.NamedNode(f"{EX}g")))
    return data


class Engine:
    """A SPARQL engine answering from `data` in the Accept'ed format; `respace` rewrites its JSON
    with other whitespace (same results, other bytes)."""

    def __init__(self, data: ox.Store, respace: bool = False):
        self.data, self.respace = data, respace
        self.asked: list[str] = []  # Accept of each request

    def post(self, query, accept, default, named, timeout, max_bytes=None, cancel=None):
        self.asked.append(accept)
        fmt = next(f for f in RESULTS.values() if f.media_type == accept)
        result = self.data.query(query, use_default_graph_as_union=True)
        body = result.serialize(format=fmt.syntax)
        if self.respace and fmt.name == "json":
            body = json.dumps(json.loads(body), indent=2).encode("utf-8")
        return fmt.media_type, body


class Dataset:
    """What RemoteEvaluator reads of server.backends.remote.RemoteDataset."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.same_bytes = same_bytes_formats(lambda q, a: engine.post(q, a, (), (), 10.0))
        self.build_id = "test"

    def dataset_for(self, query):
        return "", (), ()


def test_the_probe_passes_the_formats_an_engine_writes_as_we_do() -> None:
    for respace, expected in ((False, frozenset(RESULTS)), (True, frozenset(RESULTS) - {"json"})):
        engine = Engine(store(), respace=respace)
        assert same_bytes_formats(lambda q, a: engine.post(q, a, (), (), 10.0)) == expected


def test_the_probe_covers_every_kind_of_term() -> None:
    rows = list(ox.Store().query(PROBE_SELECT))
    terms = [t for row in rows for t in row]
    assert {type(t) for t in terms if t is not None} == {ox.NamedNode, ox.Literal}
    literals = [t for t in terms if isinstance(t, ox.Literal)]
    assert any(t.language for t in literals) and any("\n" in t.value and '"' in t.value for t in literals)
    assert any(not t.isascii() for t in (lit.value for lit in literals))
    assert None in terms  # unbound values
    assert bool(ox.Store().query(PROBE_ASK))


QUERY = "SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p"


@pytest.mark.parametrize("respace", [False, True])
def test_passed_bytes_are_the_engines_and_equal_the_embedded_ones(respace: bool) -> None:
    engine = Engine(store(), respace=respace)
    evaluator = RemoteEvaluator(Dataset(engine))  # type: ignore[arg-type]
    job = Job(QUERY, results_format="json")
    engine.asked.clear()
    outcome = evaluator.run(job, 10.0, threading.Event())
    assert outcome.status == 200
    embedded = run_job(store(), job)
    if respace:  # re-serialised from the engine's XML: our bytes, not the engine's
        assert engine.asked == [RESULTS["xml"].media_type]
        assert outcome.body == embedded.body
    else:  # the engine was asked for JSON and its bytes went on unchanged
        assert engine.asked == [RESULTS["json"].media_type]
        assert outcome.body == embedded.body == engine.post(QUERY, RESULTS["json"].media_type, (), (), 1)[1]


@pytest.mark.parametrize("fmt", list(RESULTS))
def test_passed_bytes_keep_the_row_cap_and_the_byte_bound(fmt: str) -> None:
    evaluator = RemoteEvaluator(Dataset(Engine(store())))  # type: ignore[arg-type]
    assert fmt in evaluator.dataset.same_bytes
    rows = run_job(store(), Job(QUERY, results_format=fmt, max_rows=2))
    remote = evaluator.run(Job(QUERY, results_format=fmt, max_rows=2), 10.0)
    assert (remote.status, remote.title, remote.extra) == (rows.status, rows.title, rows.extra) == (
        400, "Result Too Large", {"limit": 2})
    size = len(run_job(store(), Job(QUERY, results_format=fmt)).body)
    small = evaluator.run(Job(QUERY, results_format=fmt, max_bytes=size - 1), 10.0)
    assert (small.status, small.extra) == (400, {"limit_bytes": size - 1})
    assert evaluator.run(Job(QUERY, results_format=fmt, max_bytes=size), 10.0).status == 200
