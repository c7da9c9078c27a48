"""Start and stop the SPARQL servers the benchmark and the differential test compare.

Why one module: both need the same three real servers (ours via `eccp-kg serve`, `oxigraph
serve`, `rdflib-endpoint serve`) on free 127.0.0.1 ports, each waited for until it answers a
query and always stopped afterwards (also when the caller fails), by the process group the
module started and nothing else. It imports only the standard library and installed packages
(eccp_kg, pyoxigraph), so the test suite can load this file without making `bench` importable."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import DEFAULT_BASE_IRI

#: How long a server may take to answer its first query (loading the dump included).
READY_SECONDS = 180.0
#: The query every readiness probe sends.
PROBE_QUERY = "ASK { }"


class ServerError(RuntimeError):
    """A server could not be started; the message names the command and its last output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_tool(name: str) -> str:
    """A console script of the running interpreter's environment (e.g. .venv/bin/oxigraph), else PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ServerError(f"{name}: not found next to {sys.executable} nor on PATH; install the test extras "
                          "(`pip install -e '.[test]'`)")
    return found


@dataclass
class Server:
    """A running server: its name, SPARQL endpoint URL and process."""

    name: str
    endpoint: str
    process: subprocess.Popen
    log: Path
    workdir: Path | None = field(default=None)

    def output_tail(self, lines: int = 20) -> str:
        """The last lines the server printed (for error messages)."""
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no output)"


def ask(endpoint: str, query: str = PROBE_QUERY, timeout: float = 10.0) -> int:
    """Send one query by GET; returns the HTTP status (raises OSError when nothing listens)."""
    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_ready(server: Server, seconds: float = READY_SECONDS) -> None:
    """Poll the endpoint until it answers the probe with 200; fail early if the process died."""
    deadline = time.monotonic() + seconds
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"{server.name} exited with code {server.process.returncode} before answering "
                              f"{server.endpoint}; its output:\n{server.output_tail()}")
        try:
            status = ask(server.endpoint, timeout=5.0)
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise ServerError(f"{server.name} did not answer {server.endpoint} within {seconds:.0f} s ({last}); "
                      f"its output:\n{server.output_tail()}")


def stop(server: Server) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL if it lingers."""
    proc = server.process
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=15)
    if server.workdir is not None:
        shutil.rmtree(server.workdir, ignore_errors=True)


@contextmanager
def running(name: str, command: Sequence[str], endpoint: str, workdir: Path | None = None,
            env: dict[str, str] | None = None, ready_seconds: float = READY_SECONDS) -> Iterator[Server]:
    """Run `command` in its own process group until the block ends; yields once it answers queries."""
    # a server's name may hold any text (bench/ceiling.py's labels name URL paths): not in the file name
    log_fd, log_name = tempfile.mkstemp(prefix=f"eccp-{re.sub(r'[^A-Za-z0-9._-]+', '-', name)[:60]}-", suffix=".log")
    log = Path(log_name)
    with os.fdopen(log_fd, "w") as log_file:
        process = subprocess.Popen(list(command), stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, **(env or {})})
    server = Server(name=name, endpoint=endpoint, process=process, log=log, workdir=workdir)
    try:
        wait_ready(server, ready_seconds)
        yield server
    finally:
        stop(server)
        log.unlink(missing_ok=True)


@contextmanager
def ours(store_dir: Path, extra_args: Sequence[str] = ()) -> Iterator[Server]:
    """`eccp-kg serve` over a built store."""
    port = free_port()
    cmd = [venv_tool("eccp-kg"), "serve", "--store", str(store_dir), "--host", "127.0.0.1", "--port", str(port),
           *extra_args]
    with running("eccp-kg", cmd, f"http://127.0.0.1:{port}/sparql") as server:
        yield server


def load_oxigraph(dump: Path, location: Path) -> None:
    """`oxigraph load` a dump into a fresh on-disk store."""
    cmd = [venv_tool("oxigraph"), "load", "--location", str(location), "--file", str(dump)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerError(f"`{' '.join(cmd)}` failed (exit {result.returncode}):\n{result.stderr.strip()}")


@contextmanager
def oxigraph(dump: Path) -> Iterator[Server]:
    """`oxigraph serve --union-default-graph` over a store loaded from `dump` (N-Quads keeps the graphs)."""
    workdir = Path(tempfile.mkdtemp(prefix="eccp-oxigraph-"))
    try:
        load_oxigraph(dump, workdir / "store")
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    port = free_port()
    cmd = [venv_tool("oxigraph"), "serve", "--location", str(workdir / "store"), "--bind", f"127.0.0.1:{port}",
           "--union-default-graph"]
    with running("oxigraph", cmd, f"http://127.0.0.1:{port}/query", workdir=workdir) as server:
        yield server


@contextmanager
def rdflib_endpoint(dump: Path, ready_seconds: float = READY_SECONDS) -> Iterator[Server]:
    """`rdflib-endpoint serve` over the dump: an rdflib Dataset with default_union=True, so its
    default graph is the union of the named graphs, as ours and `oxigraph --union-default-graph`."""
    port = free_port()
    cmd = [venv_tool("rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(dump)]
    with running("rdflib-endpoint", cmd, f"http://127.0.0.1:{port}/", ready_seconds=ready_seconds) as server:
        yield server


def full_dump(build_dir: Path, workdir: Path) -> Path:
    """The build's whole dataset as one N-Quads file, for servers that load files.

    dumps/eccp-kg.nq holds every named graph but B graph/meta: that graph describes the dumps
    (sizes, media types), so the build writes it to dumps/void.ttl instead. Here it is put back
    into its graph, so a server loading this file serves exactly what the built store holds."""
    dump, void = build_dir / "dumps" / "eccp-kg.nq", build_dir / "dumps" / "void.ttl"
    if not void.is_file():
        return dump
    info = build_dir / "build-info.json"
    base = json.loads(info.read_text(encoding="utf-8")).get("base_iri") if info.is_file() else None
    meta = ox.NamedNode(str(Minter(base or DEFAULT_BASE_IRI).graph("meta")))
    if f"{meta} .".encode() in dump.read_bytes():
        return dump
    out = workdir / "eccp-kg-with-meta.nq"
    shutil.copyfile(dump, out)
    quads = [ox.Quad(t.subject, t.predicate, t.object, meta) for t in ox.parse(path=str(void), format=ox.RdfFormat.TURTLE)]
    with out.open("ab") as fh:
        fh.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return out


@contextmanager
def oxigraph_store(location: Path | None = None) -> Iterator[Server]:
    """`oxigraph serve --union-default-graph` over an empty (or given) store: Graph Store at /store,
    queries at /query. `push` loads it; its default graph is then the union of the pushed graphs."""
    workdir = None if location is not None else Path(tempfile.mkdtemp(prefix="eccp-oxigraph-"))
    store = location if location is not None else workdir / "store"  # type: ignore[operator]
    port = free_port()
    cmd = [venv_tool("oxigraph"), "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}",
           "--union-default-graph"]
    with running("oxigraph", cmd, f"http://127.0.0.1:{port}/query", workdir=workdir) as server:
        yield server


#: Debian's stock configuration of Virtuoso Open Source 7; a private copy of it is started.
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: Credentials of a freshly created Virtuoso database (the private one the tests start).
VIRTUOSO_USER = ("dba", "dba")
#: Virtuoso's SPARQL endpoint and its digest-authenticated Graph Store (paths on its HTTP port).
VIRTUOSO_QUERY_PATH = "/sparql"
VIRTUOSO_GSP_PATH = "/sparql-graph-crud-auth"


#: The [SPARQL] settings we change from Debian's stock virtuoso.ini, with why; docs/deploy.md tells operators
#: to set the same in production. Both the tests and bench/ start Virtuoso through virtuoso_ini().
VIRTUOSO_SPARQL_SETTINGS: dict[str, tuple[str, str]] = {
    # stock 10,000 silently truncates an answer (no error, no header a client checks): large builds lose rows
    "ResultSetMaxRows": ("10000000", "stock 10,000 cuts answers silently; our server applies its own row cap"),
    # stock 400 s refuses, before running it, any query whose *estimated* time exceeds it: at 1M triples
    # 8 of the 22 competency queries were refused ("estimated execution time exceeds the limit") although
    # they run in seconds; 0 turns the estimate check off, MaxQueryExecutionTime still bounds real time
    "MaxQueryCostEstimationTime": ("0", "the optimiser's estimate refused 8 of 22 competency queries at 1M"),
}


def virtuoso_ini(template: str, workdir: Path, sql_port: int, http_port: int) -> str:
    """A private virtuoso.ini: database files in `workdir`, both ports on 127.0.0.1, the [SPARQL] settings of
    VIRTUOSO_SPARQL_SETTINGS (added if the template lacks them), everything else as shipped."""
    section = ""
    out: list[str] = []
    pending = set(VIRTUOSO_SPARQL_SETTINGS)  # a commented-out or absent key is appended to [SPARQL]
    files = ("DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file")
    for line in template.splitlines(keepends=True):
        head = re.match(r"\s*\[(.+)\]", line)
        if head:
            if section == "SPARQL":
                out.extend(f"{name} = {VIRTUOSO_SPARQL_SETTINGS[name][0]}\n" for name in sorted(pending))
                pending.clear()
            section = head.group(1)
        key = re.match(r"\s*([A-Za-z_]+)\s*=\s*([^;]*)", line)
        if key:
            name, value = key.group(1), key.group(2).strip()
            if section in ("Database", "TempDatabase") and name in files:
                line = f"{name} = {workdir / Path(value).name}\n"
            elif section == "Parameters" and name == "ServerPort":
                line = f"ServerPort = 127.0.0.1:{sql_port}\n"
            elif section == "HTTPServer" and name == "ServerPort":
                line = f"ServerPort = 127.0.0.1:{http_port}\n"
            elif section == "Parameters" and name == "DirsAllowed":
                line = f"DirsAllowed = ., {workdir}, /usr/share/virtuoso-opensource-7/vad\n"
            elif section == "SPARQL" and name in VIRTUOSO_SPARQL_SETTINGS:
                line = f"{name} = {VIRTUOSO_SPARQL_SETTINGS[name][0]}\n"
                pending.discard(name)
            elif section == "URIQA" and name == "DefaultHost":
                line = f"DefaultHost = 127.0.0.1:{http_port}\n"
        out.append(line)
    if pending:  # no [SPARQL] section after it, or none at all
        out.append("" if section == "SPARQL" else "\n[SPARQL]\n")
        out.extend(f"{name} = {VIRTUOSO_SPARQL_SETTINGS[name][0]}\n" for name in sorted(pending))
    return "".join(out)


@contextmanager
def virtuoso() -> Iterator[Server]:
    """Virtuoso Open Source 7 (Debian's virtuoso-opensource) with a private database and free ports:
    `virtuoso-t +foreground +configfile INI`. Its endpoint is /sparql; the Graph Store is
    Server.endpoint with VIRTUOSO_GSP_PATH instead of VIRTUOSO_QUERY_PATH (digest auth, dba/dba)."""
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.is_file():
        raise ServerError("virtuoso-t or /etc/virtuoso-opensource-7/virtuoso.ini not found: install Debian's "
                          "virtuoso-opensource (`make engines`, which `make test` runs)")
    workdir = Path(tempfile.mkdtemp(prefix="eccp-virtuoso-"))
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_INI.read_text(encoding="utf-8"), workdir, sql_port, http_port), encoding="utf-8")
    cmd = [binary, "+foreground", "+configfile", str(ini)]
    with running("virtuoso", cmd, f"http://127.0.0.1:{http_port}{VIRTUOSO_QUERY_PATH}", workdir=workdir) as server:
        yield server


def gsp_url(server: Server) -> str:
    """The Graph Store HTTP Protocol URL of a server started by oxigraph_store() or virtuoso()."""
    if server.name == "virtuoso":
        return server.endpoint.removesuffix(VIRTUOSO_QUERY_PATH) + VIRTUOSO_GSP_PATH
    return server.endpoint.removesuffix("/query") + "/store"
