"""A remote engine that answers with hundreds of header lines (Virtuoso echoes each graph of the request's
dataset as one) is read, not refused: at 1M triples (198 graphs) every request through `serve --backend` to
Virtuoso answered 502 "got more than 100 headers" (http.client's limit)."""
from __future__ import annotations

from typing import Iterator

import pytest

from bench import servers
from eccp_kg.server.backends.remote import RESULTS_XML, RemoteEngine


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[servers.Server]:
    with servers.virtuoso() as server:
        yield server


def test_an_answer_with_a_header_per_graph_is_read(virtuoso: servers.Server) -> None:
    graphs = tuple(f"https://example.org/graph/{i}" for i in range(200))
    engine = RemoteEngine(virtuoso.endpoint)
    content_type, body = engine.post("ASK { ?s ?p ?o }", RESULTS_XML, graphs, graphs, timeout=60)
    assert "sparql-results+xml" in content_type and b"<boolean>false</boolean>" in body
