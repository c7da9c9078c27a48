"""Shared test fixtures. Sections are owned by their authors; append small sections, keep them apart.

Server core (endpoint engineer): the fixture dataset, an in-process app, and `live_server`."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

pytest.register_assert_rewrite("tests.shared_run")  # imported here before pytest_plugins loads it
from tests.shared_run import once, record_server, run_dir  # noqa: E402

#: No silent skips: under CI=true a skip or xfail fails unless tests/allowed-skips.txt lists its reason.
#: One build and one server per test run, also under pytest-xdist (`make test` runs `-n auto`).
#: One Chromium per test process, a fresh context per page, closed when the process ends.
pytest_plugins = ("tests.skip_policy", "tests.shared_run", "tests.chromium")

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
    from eccp_kg.graph.dataset import load_data_files

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
    """The real graph, built once per test session from the shipped data (eccp_kg.pipeline.build_graph).

    Returns the BuildResult; its `store_path` is the on-disk store. Tests must not write into it.
    Under xdist the workers share one build (tests/shared_run.py)."""
    from eccp_kg.pipeline import build_graph

    return once("built", lambda folder: build_graph(folder / "build"), tmp_path_factory)



def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A running `eccp-kg serve` subprocess: base URL, process, captured output."""

    def __init__(self, args: list[str], log_path: Path):
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.sparql = self.url + "/sparql"
        self.log_path = log_path
        script = Path(sys.executable).with_name("eccp-kg")
        # one HTTP process unless the test asks for more: /health then describes the whole server
        cmd = [str(script), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--http-processes", "1", *args]
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, attempts: int = 1200) -> None:
        """Poll /health until it answers (the worker pool is up) or the process exits."""
        import time

        import requests

        for _ in range(attempts):
            if self.process.poll() is not None:
                raise RuntimeError(f"eccp-kg serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(self.url + "/health", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"eccp-kg serve did not answer on {self.url}:\n{self.output()}")

    def stop(self) -> None:
        """SIGTERM (the server stops its workers), then SIGKILL the group if it lingers."""
        import os
        import signal
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()


def start_live_server(args: list[str], tmp_dir: Path) -> LiveServer:
    """Start `eccp-kg serve ARGS` on a free port and wait until it answers."""
    server = LiveServer(args, tmp_dir / "serve.log")
    server.wait_ready()
    return server


def one_server_per_run(name: str, args: list[str], tmp_path_factory):
    """Body of a session fixture: yields the base URL of `eccp-kg serve ARGS`, started once per test
    run. Under xdist the first worker starts it and the controller stops it when the run ends."""
    if run_dir() is not None:
        def start(folder: Path) -> str:
            server = start_live_server(args, folder)
            record_server(server.process.pid)
            return server.url

        yield once(name, start, tmp_path_factory)
        return
    server = start_live_server(args, tmp_path_factory.mktemp(name))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, fixture_data_files):
    """The REAL server (`eccp-kg serve` subprocess, 2 query workers, 3 s timeout, small caps)
    over the fixture dataset; yields its base URL (SPARQL at base + "/sparql")."""
    args = ["--data", *map(str, fixture_data_files), "--workers", "2", "--timeout", "3",
            "--max-rows", "15", "--max-request-bytes", "20000"]
    yield from one_server_per_run("live", args, tmp_path_factory)


@pytest.fixture(scope="session")
def built_store(built_graph) -> Path:
    """The real graph built once per session (eccp_kg.pipeline); yields its store directory."""
    return Path(built_graph.store_path)  # the session's one build (see built_graph)


# --- linked data (issue 4) -------------------------------------------------------------------
@pytest.fixture(scope="session")
def start_server():
    """`start_live_server` as a fixture, for tests that need their own `eccp-kg serve` options
    (e.g. the federation test's --service-allowlist). The caller stops the server it starts."""
    return start_live_server


# --- query UI, differential check, benchmark (issue 3, UI engineer) ---------------------------
# bench/ is a plain package on the test path (pyproject.toml: [tool.pytest.ini_options] pythonpath),
# so tests import the benchmark's own server code with `from bench import servers`.


@pytest.fixture(scope="session")
def served_build(request: pytest.FixtureRequest) -> Path:
    """A complete build folder (store/, dumps/, build-info.json) for tests that start servers on
    the real graph: $ECCP_KG_BUILD_DIR when set (reuse a build), else the session's `built_graph`."""
    import os

    chosen = os.environ.get("ECCP_KG_BUILD_DIR")
    if chosen:
        folder = Path(chosen)
        if not ((folder / "store").is_dir() and (folder / "dumps" / "eccp-kg.nq").is_file()):
            pytest.fail(f"ECCP_KG_BUILD_DIR={chosen}: expected a build folder with store/ and dumps/eccp-kg.nq")
        return folder
    return Path(request.getfixturevalue("built_graph").out_dir)


@pytest.fixture(scope="session")
def built_server(served_build: Path, tmp_path_factory):
    """The ONE real server over the real build for every test that only reads it (HTTP tests,
    browser tests, the differential check): `eccp-kg serve --store BUILD/store --workers 2` on a
    free 127.0.0.1 port, started once per test run; yields its base URL (SPARQL at + "/sparql").
    Tests that need other options start their own with `start_server`."""
    yield from one_server_per_run("built-live", ["--store", str(served_build / "store"), "--workers", "2"],
                                  tmp_path_factory)

