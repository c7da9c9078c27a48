"""The benchmark's own logic: the wrk scripts it generates, how it reads wrk's output, the
report's verdicts and its error paths. No load is generated and nothing is timed here; one test
runs wrk for one second against a tiny local HTTP server to prove the generated script works."""
from __future__ import annotations

import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import report, scenarios, wrk  # bench/ is on the test path (pyproject.toml)


def result(requests: int = 100, non_2xx: int = 0, failures: tuple[str, ...] = ()) -> "wrk.WrkResult":
    return wrk.WrkResult(requests=requests, seconds=1.0, non_2xx=non_2xx, socket_errors=0,
                         latency_p50_ms=1.0, latency_p99_ms=2.0, failures=failures)


def test_lua_script_encodes_the_query_and_varies_only_when_uncached() -> None:
    sc = wrk.Scenario("s", "lookup", "SELECT * WHERE { <{{value}}> ?p ?o }", ("http://a/x y", "http://b/"), uncached=True)
    lua = wrk.lua_script(sc, "/sparql")
    assert '"/sparql?query=SELECT%20%2A%20WHERE%20%7B%20%3C"' in lua
    assert '"http%3A%2F%2Fa%2Fx%20y", "http%3A%2F%2Fb%2F"' in lua
    assert "local uncached = true" in lua and "%0A%23%20r" in lua
    cached = wrk.lua_script(wrk.Scenario("s", "lookup", "ASK {}"), "/q")
    assert "local uncached = false" in cached and '"/q?query=ASK%20%7B%7D"' in cached


def test_first_query_substitutes_the_first_value() -> None:
    sc = wrk.Scenario("s", "lookup", "DESCRIBE <{{value}}>", ("http://a/", "http://b/"))
    assert sc.first_query() == "DESCRIBE <http://a/>"


def test_parse_output_reads_the_summary_and_failures() -> None:
    out = ("Running 1s test\nWRK_FAILURE 503 Service Unavailable\nWRK_FAILURE 503 Service Unavailable\n"
           'WRK_JSON {"requests": 200, "duration_us": 2000000, "non_2xx": 50, "socket_errors": 1, '
           '"p50_us": 1500, "p99_us": 9000}\n')
    parsed = wrk.parse_output(out)
    assert parsed.requests == 200 and parsed.seconds == 2.0 and parsed.non_2xx == 50
    assert parsed.rps == 75.0, "only successful responses count"
    assert parsed.latency_p99_ms == 9.0 and parsed.failures == ("503 Service Unavailable",)


def test_parse_output_without_summary_is_an_error() -> None:
    with pytest.raises(wrk.WrkError, match="no WRK_JSON summary line"):
        wrk.parse_output("wrk: connection refused\n")


def test_missing_wrk_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(wrk.WrkError, match=r"apt-get install -y wrk"):
        wrk.wrk_binary()


def test_report_marks_hits_and_misses_honestly() -> None:
    lookup = wrk.Scenario("lookup-uncached", "lookup", "ASK {}")
    agg = wrk.Scenario("aggregate-class-repeated", "aggregate", "ASK {}")
    rows = [
        report.Row(lookup, oxigraph=result(100), ours=result(60), target=0.5, target_text="t", rows_oxigraph=1, rows_ours=1),
        report.Row(agg, oxigraph=result(100), ours=result(90), target=1.0, target_text="t", rows_oxigraph=3, rows_ours=3),
    ]
    text = report.render(rows, "python -m bench.run", "a machine", "wrk -t2", "now")
    assert "| lookup-uncached | lookup | 100 | 60 | 0.60x | >= 0.5x (t) | yes |" in text
    assert "| aggregate-class-repeated | aggregate | 100 | 90 | 0.90x | >= 1x (t) | **no** |" in text
    assert "1 of 2 scenarios meet their target" in text and "- aggregate-class-repeated: 0.90x against >= 1x" in text


def test_report_does_not_count_errors_or_disagreement_as_a_hit() -> None:
    sc = wrk.Scenario("lookup-repeated", "lookup", "ASK {}")
    erroring = report.Row(sc, oxigraph=result(100), ours=result(300, non_2xx=10, failures=("503 busy",)),
                          target=1.0, target_text="t", rows_oxigraph=1, rows_ours=1)
    disagreeing = report.Row(sc, oxigraph=result(100), ours=result(300), target=1.0, target_text="t",
                             rows_oxigraph=2, rows_ours=1)
    assert not erroring.met and not disagreeing.met
    text = report.render([erroring, disagreeing], "cmd", "m", "s", "t")
    assert "errors during the run" in text and "the servers disagree on the rows (2 vs 1)" in text
    assert "- lookup-repeated / ours: `503 busy`" in text


def test_every_scenario_has_a_target() -> None:
    built = scenarios.build(("http://example.org/a",))
    assert {s.name for s in built} <= set(scenarios.TARGETS)
    assert {s.kind for s in built} == {"lookup", "aggregate"}
    assert any(s.uncached for s in built) and any(not s.uncached for s in built)


class _Recorder(BaseHTTPRequestHandler):
    """Answers every GET with an empty SPARQL JSON result and records the decoded query."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
        self.seen.append(query)
        body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_generated_script_sends_distinct_valid_queries_through_wrk() -> None:
    """wrk itself runs the generated script for one second against a recording server."""
    wrk.wrk_binary()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.handle_error = lambda request, address: None  # wrk drops connections when it stops
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sc = wrk.Scenario("s", "lookup", "SELECT ?p WHERE { <{{value}}> ?p ?o }", ("http://a/", "http://b/"), uncached=True)
        measured = wrk.run(sc, f"http://127.0.0.1:{server.server_address[1]}/sparql", 1, 2, 2)
    finally:
        server.shutdown()
        server.server_close()
    seen = _Recorder.seen
    assert measured.requests >= 2 and measured.non_2xx == 0
    assert len(set(seen)) == len(seen), "uncached: every query text differs"
    assert {q.split("\n")[0] for q in seen} == {"SELECT ?p WHERE { <http://a/> ?p ?o }", "SELECT ?p WHERE { <http://b/> ?p ?o }"}
    assert all(q.split("\n")[1].startswith("# r") for q in seen)


def test_report_states_the_framework_ceiling() -> None:
    text = report.render([], "cmd", "m", "s", "t", ceiling=result(2500))
    assert "`GET /health` on our server" in text and "answered 2500 req/s" in text
    assert "No scenario ran." in text


def test_combine_adds_slices_up() -> None:
    a = wrk.WrkResult(100, 1.0, 0, 0, 1.0, 5.0, ("503 x",))
    b = wrk.WrkResult(300, 1.0, 10, 1, 3.0, 9.0, ("503 x", "400 y"))
    merged = wrk.combine([a, b])
    assert (merged.requests, merged.seconds, merged.non_2xx, merged.socket_errors) == (400, 2.0, 10, 1)
    assert merged.rps == 195.0 and merged.latency_p99_ms == 9.0 and merged.failures == ("400 y", "503 x")
    with pytest.raises(ValueError, match="at least one"):
        wrk.combine([])


def test_wrk_failure_is_reported_with_its_message() -> None:
    sc = wrk.Scenario("s", "lookup", "ASK {}")
    with pytest.raises(wrk.WrkError, match=r"failed \(exit 1\)"):
        wrk.run(sc, "http://127.0.0.1:1/sparql", 1, 1, 1)  # nothing listens on port 1


def test_missing_build_says_to_build_first(tmp_path: Path) -> None:
    from bench import run

    with pytest.raises(SystemExit, match=r"store: not found; run `eccp-kg build --out"):
        run.check_inputs(tmp_path / "nowhere")


def test_server_that_exits_early_is_reported_with_its_output() -> None:
    from bench import servers

    cmd = [sys.executable, "-c", "import sys; print('cannot open the store'); sys.exit(3)"]
    with pytest.raises(servers.ServerError, match=r"(?s)exited with code 3 .*cannot open the store"):
        with servers.running("broken", cmd, f"http://127.0.0.1:{servers.free_port()}/sparql"):
            pass


def test_server_that_never_answers_is_stopped_and_reported() -> None:
    from bench import servers

    cmd = [sys.executable, "-c", "import time; print('starting', flush=True); time.sleep(600)"]
    with pytest.raises(servers.ServerError, match=r"(?s)silent did not answer .* within 1 s .*starting"):
        with servers.running("silent", cmd, f"http://127.0.0.1:{servers.free_port()}/sparql", ready_seconds=1):
            pass


def test_unknown_tool_and_bad_dump_are_errors(tmp_path: Path) -> None:
    from bench import servers

    with pytest.raises(servers.ServerError, match="no-such-tool-eccp: not found"):
        servers.venv_tool("no-such-tool-eccp")
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://a> <http://b> .\n")
    with pytest.raises(servers.ServerError, match=r"oxigraph load .* failed"):
        servers.load_oxigraph(bad, tmp_path / "store")


def test_ours_runs_the_servers_default_workers_unless_told_and_opens_the_client_limits() -> None:
    from bench.run import parse_args, serve_options
    from eccp_kg.server.config import DEFAULTS

    default = str(DEFAULTS["QUERY_WORKERS"])
    assert serve_options(parse_args(["--connections", "8"])) == [
        "--workers", default, "--client-workers", default, "--client-queue", "8"]
    assert serve_options(parse_args(["--workers", "5", "--connections", "3"])) == [
        "--workers", "5", "--client-workers", "5", "--client-queue", "3"]


def test_the_http_server_rows_give_our_app_a_worker_per_connection_and_never_fewer_than_its_default() -> None:
    from bench.run import ceiling_workers, parse_args
    from eccp_kg.server.config import DEFAULTS, cpu_count

    cores = cpu_count()  # the HTTP processes `eccp-kg serve` starts by default
    assert ceiling_workers(parse_args(["--connections", str(8 * cores)])) == 8  # one per connection in all
    assert ceiling_workers(parse_args(["--connections", str(8 * cores + 1)])) == 9  # rounded up, not down
    assert ceiling_workers(parse_args(["--connections", "1"])) == DEFAULTS["QUERY_WORKERS"]
    assert ceiling_workers(parse_args(["--workers", "3"])) == 3


def test_report_shows_cpu_per_request_split_into_http_and_workers() -> None:
    lookup = wrk.Scenario("lookup-uncached", "lookup", "ASK {}")
    row = report.Row(lookup, oxigraph=result(1000), ours=result(500), target=0.5, target_text="t", rows_oxigraph=1,
                     rows_ours=1, cpu_oxigraph=0.2, cpu_ours_http=0.4, cpu_ours_workers=0.1)
    text = report.render([row], "cmd", "m", "s", "t")
    # 0.2 s / 1000 = 200 us; (0.4 + 0.1) s / 500 = 1000 us (800 + 200); 5x
    assert "| lookup-uncached | 200 | 1000 (800 + 200) | 5.00x |" in text
    unmeasured = report.Row(lookup, oxigraph=result(1000), ours=result(500), target=0.5, target_text="t",
                            rows_oxigraph=1, rows_ours=1)
    assert "| scenario | oxigraph us |" not in report.render([unmeasured], "cmd", "m", "s", "t")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")
def test_cpu_seconds_count_a_process_tree_and_tell_query_workers_apart() -> None:
    """A parent that burned 0.3 s of CPU and a child named like a query worker that burned 0.3 s:
    the tree holds both, and the split puts each on its side."""
    import subprocess

    from bench import run

    burn = ("import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
            "print('burnt', flush=True)\nimport sys; sys.stdin.read()\n")
    # the child's argv carries the worker marker, as `python -m eccp_kg.server.worker` does (the
    # parent's own argv, its code, must not: the marker is built there from two strings)
    parent_code = (burn.replace("import sys; sys.stdin.read()\n", "") +
                   "import subprocess, sys\n"
                   f"child = subprocess.Popen([sys.executable, '-c', {burn!r}, 'eccp_kg.server.' + 'worker'], "
                   "stdout=subprocess.PIPE, text=True)\n"
                   "print(child.stdout.readline().strip(), child.pid, flush=True)\nsys.stdin.read()\n")
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              bufsize=0)

    def line() -> str:  # the next line, read byte by byte with a bounded wait (the burns take 0.3 s of CPU each)
        import select

        out = b""
        while not out.endswith(b"\n"):
            ready, _, _ = select.select([parent.stdout], [], [], 120)
            assert ready, "the CPU-burning processes did not report within 120 s"
            byte = os.read(parent.stdout.fileno(), 1)
            assert byte, f"the parent ended early: {out!r}"
            out += byte
        return out.decode()

    try:
        first = line()  # the parent's own burn
        second = line().split()  # the child's, and its pid
        assert first.strip() == "burnt" and second[0] == "burnt", (first, second)
        tree = run.process_tree(parent.pid)
        assert set(tree) == {parent.pid, int(second[1])}
        main, workers = run.cpu_seconds(tree)
        assert 0.25 <= main < 5 and 0.25 <= workers < 5, (main, workers)
    finally:
        parent.stdin.close()
        parent.wait(timeout=30)
