"""Shared test fixtures. Sections are owned by their authors; append small sections, keep them apart.

Server core (endpoint engineer): the fixture dataset, an in-process app, and `live_server`."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI_TRIG = FIXTURES / "mini.trig"


# --- server core ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def fixture_data_files() -> list[Path]:
    """RDF files of the small fixture dataset (named graphs in the project's IRI pattern)."""
    return [MINI_TRIG]


@pytest.fixture()
def fixture_store(fixture_data_files) -> ox.Store:
    """A fresh in-memory pyoxigraph store holding the fixture dataset."""
    from eccp_kg.server.dataset import load_data_files

    return load_data_files(fixture_data_files)


@pytest.fixture()
def app(fixture_store):
    """The Flask app over the fixture store; user queries run in-process (no worker pool)."""
    from eccp_kg.server.app import create_app

    return create_app({"TESTING": True, "IN_PROCESS": True}, store=fixture_store)


@pytest.fixture()
def client(app):
    """Flask test client of `app`."""
    return app.test_client()


# --- build (graph engineer) ------------------------------------------------------------------
@pytest.fixture(scope="session")
def built_graph(tmp_path_factory):
    """The real graph, built once per test session from the shipped data (eccp_kg.graph.build.build_graph).

    Returns the BuildResult; its `store_path` is the on-disk store. Tests must not write into it."""
    from eccp_kg.graph.build import build_graph

    return build_graph(tmp_path_factory.mktemp("built") / "build")


@pytest.fixture(scope="session")
def built_store(built_graph) -> ox.Store:
    """The built store, opened read-only (query it with use_default_graph_as_union=True)."""
    from eccp_kg.graph.store import open_store

    return open_store(built_graph.store_path)
