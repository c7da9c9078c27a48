"""`serve --backend URL` reads the base IRI from the build pushed into the engine (issue 9 part 5).

A build minted under another base IRI is pushed (`eccp-kg push`) into the real Oxigraph server; our
server in front of it, started without `--base-iri` and with ECCP_KG_BASE_IRI naming a third base
(which only the build may read), must map that build's IRIs onto its own paths, as a server over
the local store does. An engine holding two builds is refused with both named, unless `--base-iri`
says which to serve; one holding none says so."""
from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench import servers

pytestmark = pytest.mark.slow

BASE = "https://example.org/kg/"
ELSEWHERE = "https://elsewhere.example/"  # in the server's environment: must not be read
RESOURCE = "id/nuts/ITC4"  # a region of the Italian data, in B graph/links
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from eccp_kg.pipeline import build_graph

    out = tmp_path_factory.mktemp("other-base") / "build"
    build_graph(out, base=BASE)
    return out


@pytest.fixture()
def engine(build: Path) -> Iterator[servers.Server]:
    """A fresh Oxigraph server holding the build (each test may add to it)."""
    with servers.oxigraph_store() as server:
        pushed = subprocess.run([servers.venv_tool("eccp-kg"), "push", servers.gsp_url(server), "--store",
                                 str(build / "store"), "--quiet"], capture_output=True, text=True, timeout=300)
        assert pushed.returncode == 0, pushed.stderr
        yield server


def serve_args(engine: servers.Server, *extra: str) -> list[str]:
    return [servers.venv_tool("eccp-kg"), "serve", "--backend", engine.endpoint, "--http-processes", "1",
            "--workers", "1", "--host", "127.0.0.1", *extra]


def refused(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a serve that must refuse to start; if it serves instead, stop its whole process group
    (granian's HTTP processes outlive a killed parent) and fail."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        pytest.fail(f"`{' '.join(args)}` started serving instead of refusing")
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def environment() -> dict[str, str]:
    return {**os.environ, "ECCP_KG_BASE_IRI": ELSEWHERE}


def turtle(url: str) -> requests.Response:
    return requests.get(url, headers={"Accept": "text/turtle"}, timeout=60)


def test_the_base_iri_is_the_pushed_builds_not_the_environments(engine: servers.Server) -> None:
    port = servers.free_port()
    with servers.running("front", serve_args(engine, "--port", str(port)), f"http://127.0.0.1:{port}/sparql",
                         env=environment()) as front:
        site = front.endpoint.removesuffix("/sparql")
        page = turtle(f"{site}/{RESOURCE}")
        assert page.status_code == 200, page.text
        assert f"<{BASE}{RESOURCE}>" in page.text or f"{BASE}{RESOURCE}" in page.text
        assert ELSEWHERE not in page.text
        assert turtle(f"{site}/id/nuts/ZZ99").status_code == 404  # under the base, but no such resource
        assert turtle(f"{site}/graph/links").status_code == 200  # B graph/links, mapped onto /graph/links


def put_meta(engine: servers.Server, base: str) -> None:
    """A second build's B graph/meta (its version only) beside the pushed one."""
    body = f'<{base}> <{OWL_VERSION_INFO}> "another-build" .\n'
    answer = requests.put(servers.gsp_url(engine), params={"graph": base + "graph/meta"}, data=body.encode(),
                          headers={"Content-Type": "application/n-triples"}, timeout=60)
    assert answer.status_code in (200, 201, 204), answer.text


def test_an_engine_with_two_builds_is_refused_unless_base_iri_names_one(engine: servers.Server) -> None:
    put_meta(engine, ELSEWHERE)
    done = refused(serve_args(engine, "--port", str(servers.free_port())), env=environment())
    assert done.returncode == 1
    assert "more than one eccp-kg build there" in done.stderr
    assert f"<{BASE}graph/meta>" in done.stderr and f"<{ELSEWHERE}graph/meta>" in done.stderr
    assert "--base-iri" in done.stderr
    port = servers.free_port()
    with servers.running("front", serve_args(engine, "--port", str(port), "--base-iri", BASE),
                         f"http://127.0.0.1:{port}/sparql") as front:
        assert turtle(front.endpoint.removesuffix("/sparql") + f"/{RESOURCE}").status_code == 200


def test_an_engine_without_a_build_is_a_clear_error() -> None:
    with servers.oxigraph_store() as empty:
        done = refused(serve_args(empty, "--port", str(servers.free_port())))
    assert done.returncode == 1
    assert f"--backend {empty.endpoint}: no eccp-kg build there" in done.stderr
    assert "eccp-kg push" in done.stderr
