"""`python -m bench.load` (or `make bench-load`): 64 connections of mixed competency queries for 60 s
against our server and the Oxigraph server on the same data, side by side (issue 11, part 3).

For each server: a warm-up (wrk, same load, at least --warmup seconds), then the measured run
(wrk -c CONNECTIONS -d SECONDS, the competency queries in turn, each request uncached: a comment
unique to the run and the request) while the server's resident memory (its whole process tree:
for ours the granian supervisor, HTTP processes and query workers) is sampled every second.
Reported: requests, errors (non-2xx and socket errors), req/s, p50/p99 latency, memory after
warm-up, at the end and at most, whether memory stayed within 10% of its post-warm-up level,
and for ours the memory of the HTTP processes and of the query workers apart, and each HTTP
process's result cache (bytes held of its bound, from /health) after warm-up and at the end.
The figures go to a section of BENCHMARKS.md between markers (the rest of the file is left
alone) and as JSON to bench/results/load.json. Every server it starts is stopped before it
exits; traffic goes to 127.0.0.1 only.

Ours runs with its defaults (HTTP processes = cores, 2 query workers each, a 64 MiB result
cache each), except that all wrk connections come from one address, so the per-client limits
are opened to the load (`--client-workers` = `--workers`, `--client-queue` = CONNECTIONS): the
64 connections stand for 64 clients here, not for one client flooding
(tests/test_abandon_fairness.py measures that). Every request is unique, so each result cache
fills up to its bound and then evicts: the warm-up goes on (in 10 s rounds, at most
--max-warmup seconds) until every HTTP process reports its cache full, and memory "after
warm-up" is taken then. A first run that counted only result bytes grew 311 -> 399 MiB as
the caches filled; the cache now counts what its entries hold (server/cache.py)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from eccp_kg.server.config import cpu_count

from . import scenarios as sc
from . import servers, wrk

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- load:begin -->", "<!-- load:end -->"


def process_tree(root: int) -> dict[int, str]:
    """pid -> command line of `root` and every descendant (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found.add(child)
                frontier.append(child)
    out = {}
    for pid in found:
        try:
            out[pid] = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            pass
    return out


def rss_bytes(pids) -> int:
    """Total resident memory of these processes (bytes)."""
    total = 0
    for pid in pids:
        try:
            for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants."""
    return rss_bytes(process_tree(root))


#: Seconds a wrk connection waits for an answer: the server's query timeout (30 s), as a SPARQL
#: client would, instead of wrk's 2 s. A client that gives up closes its connection, which our
#: server takes for an abandoned query (its worker is killed and replaced: issue 11, part 1), so
#: on a loaded machine wrk's default turned the run into worker churn (294 errors in 402 requests).
CLIENT_TIMEOUT = 30

#: A cache is full when it holds this share of its bound (the next entry would not fit).
FULL = 0.95


def tree_by_kind(root: int) -> dict[str, int]:
    """Resident bytes of the tree of `root`: query workers apart from the other processes."""
    tree = process_tree(root)
    workers = [pid for pid, cmd in tree.items() if "eccp_kg.server.worker" in cmd]
    return {"query_workers": rss_bytes(workers), "http": rss_bytes(pid for pid in tree if pid not in workers)}


def caches(server: servers.Server, processes: int, attempts: int = 40) -> dict[int, dict]:
    """pid -> /health `cache` of each HTTP process of ours (fresh connections until every one
    answered, or `attempts` tries); {} for a server without /health."""
    url = server.endpoint.rsplit("/", 1)[0] + "/health"
    seen: dict[int, dict] = {}
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Connection": "close"}), timeout=30) as resp:
                health = json.loads(resp.read())
        except (OSError, ValueError):
            return seen
        seen[health["pid"]] = health["cache"]
        if len(seen) >= processes:
            break
    return seen


def full(states: dict[int, dict], processes: int) -> bool:
    return len(states) >= processes and all(c["bytes"] >= FULL * c["max_bytes"] for c in states.values())


def fill(states: dict[int, dict]) -> str:
    """"33.1/64.0" per HTTP process: MiB held / MiB bound."""
    return ", ".join(f"{c['bytes'] / 2**20:.1f}/{c['max_bytes'] / 2**20:.0f}" for c in states.values()) or "-"


#: Unique queries with large results (about 0.8 MB of JSON each): the warm-up fills the result
#: caches with them first, so they are full after a few hundred requests on any machine. The mixed
#: load alone needs about 12 000 unique results per 64 MiB cache: about a minute on a quiet 2-core
#: machine, more than ten at a load average of 20 (measured: 6 of 64 MiB after 4 minutes).
FILL = wrk.Scenario("cache-fill", "aggregate", "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3000 OFFSET " + sc.SLOT,
                    tuple(str(n * 500) for n in range(12)), uncached=True)


def warm_up(server: servers.Server, scenario: wrk.Scenario, args: argparse.Namespace, processes: int) -> tuple[int, dict]:
    """For ours, first fill every HTTP process's result cache (10 s rounds of `FILL` until each
    reports itself full, at most args.max_warmup seconds); then args.warmup seconds of the load
    itself, and more 10 s rounds while a cache is not full. Seconds spent, cache states."""
    spent, states = 0, caches(server, processes)
    while states and not full(states, processes) and spent < args.max_warmup:
        wrk.run(FILL, server.endpoint, 30, 2, 4, CLIENT_TIMEOUT)
        spent += 30
        states = caches(server, processes)
    wrk.run(scenario, server.endpoint, args.warmup, 2, args.connections, CLIENT_TIMEOUT)
    spent, states = spent + args.warmup, caches(server, processes)
    while states and not full(states, processes) and spent < args.max_warmup:
        wrk.run(scenario, server.endpoint, 30, 2, args.connections, CLIENT_TIMEOUT)
        spent += 30
        states = caches(server, processes)
    settle(server, processes)
    return spent, caches(server, processes)


def settle(server: servers.Server, processes: int, seconds: float = 60.0) -> None:
    """Wait (bounded) until every HTTP process's query workers are whole again: wrk closing its
    connections at the end of a run abandons the queries in flight, whose workers are killed and
    replaced (issue 11, part 1); memory is read once the replacements have started."""
    deadline = time.monotonic() + seconds
    url = server.endpoint.rsplit("/", 1)[0] + "/health"
    whole: set[int] = set()
    while time.monotonic() < deadline and len(whole) < processes:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Connection": "close"}), timeout=30) as resp:
                health = json.loads(resp.read())
        except (OSError, ValueError):
            return  # not ours: nothing to wait for
        if "idle_workers" not in health:
            return
        if health["idle_workers"] >= health["workers"]:
            whole.add(health["pid"])
        time.sleep(0.5)


def measure(server: servers.Server, scenario: wrk.Scenario, args: argparse.Namespace, processes: int = 1) -> dict:
    """Warm up, then the measured run with memory sampled every second."""
    start_kinds = tree_by_kind(server.process.pid)
    warmed, warm_caches = warm_up(server, scenario, args, processes)
    baseline, kinds = tree_rss(server.process.pid), tree_by_kind(server.process.pid)
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            samples.append(tree_rss(server.process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = wrk.run(scenario, server.endpoint, args.seconds, 2, args.connections, CLIENT_TIMEOUT)
    finally:
        stop.set()
        sampler.join(5)
    # the end is the last sample taken under load: when wrk stops, its connections' queries in
    # flight are abandoned and their workers replaced, which is not the server's steady state
    end = samples[-1] if samples else tree_rss(server.process.pid)
    end_caches = caches(server, processes) if warm_caches else {}
    settle(server, processes)
    end_kinds = tree_by_kind(server.process.pid)
    errors = result.non_2xx + result.socket_errors
    mib = lambda b: round(b / 2**20, 1)  # noqa: E731 - local shorthand
    return {
        "server": server.name, "requests": result.requests, "errors": errors, "rps": round(result.rps, 1),
        "p50_ms": result.latency_p50_ms, "p99_ms": result.latency_p99_ms, "failures": list(result.failures),
        "warmup_s": warmed, "rss_after_warmup_mib": mib(baseline), "rss_end_mib": mib(end),
        "rss_max_mib": mib(max(samples + [end])),
        "memory_within_10pct": end <= baseline * 1.10 and max(samples + [end]) <= baseline * 1.10,
        "rss_by_kind_mib": {k: [mib(start_kinds[k]), mib(kinds[k]), mib(end_kinds[k])] for k in kinds} if warm_caches else {},
        "cache_after_warmup": fill(warm_caches) if warm_caches else None,
        "cache_end": fill(end_caches) if warm_caches else None,
        "caches_full_after_warmup": full(warm_caches, processes) if warm_caches else None,
    }


def render(rows: list[dict], args: argparse.Namespace, command: str, ours_args: list[str]) -> str:
    lines = [BEGIN, "## Load: 64 connections of mixed competency queries (issue 11)", "",
             f"Command: `{command}` ({args.connections} connections, {args.seconds} s measured after the warm-up, "
             "wrk -t2 --timeout 30s, each request a competency query made uncached by a comment unique to the run and the request; "
             "same data, same union default graph). Ours: `eccp-kg serve` with its defaults (result cache on, 64 MiB "
             f"per HTTP process) but for the per-client limits opened to the load (`{' '.join(ours_args)}`: one "
             "address stands for 64 clients). The warm-up fills every HTTP process's result cache (unique "
             "`LIMIT 3000` results of about 0.8 MB until `/health` `cache.bytes` is at least 95% of "
             f"`cache.max_bytes`), then runs the load itself for {args.warmup} s, so memory after warm-up includes "
             "full caches, which the measured run keeps full (evicting the large results for its own). Memory = resident bytes of the server's whole process tree; within 10% = every "
             "sample of the measured run (the last is the end) at most 10% above the level after warm-up.", "",
             f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average before "
             f"{', '.join(f'{x:.1f}' for x in args.load_average[0])}, after {', '.join(f'{x:.1f}' for x in args.load_average[1])} "
             f"({os.cpu_count()} cores, shared).", "",
             "| server | warm-up s | requests | errors | req/s | p50 ms | p99 ms | RSS after warm-up MiB | RSS at end MiB | RSS max MiB | within 10% |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['server']} | {r['warmup_s']} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {r['rss_after_warmup_mib']} | {r['rss_end_mib']} | {r['rss_max_mib']} | "
                     f"{'yes' if r['memory_within_10pct'] else 'NO'} |")
    if len(rows) == 2 and rows[1]["rps"]:
        lines += ["", f"Throughput ours/Oxigraph: {rows[0]['rps'] / rows[1]['rps']:.2f}x; "
                      f"p99 ours/Oxigraph: {rows[0]['p99_ms'] / max(rows[1]['p99_ms'], 0.001):.2f}x."]
    ours = rows[0]
    if ours.get("cache_after_warmup"):
        kinds = ours["rss_by_kind_mib"]
        lines += ["", f"Ours in detail: result caches (MiB held/bound per HTTP process) {ours['cache_after_warmup']} after "
                      f"warm-up ({'full' if ours['caches_full_after_warmup'] else 'NOT full'}), {ours['cache_end']} at the "
                      f"end; resident MiB at start / after warm-up / at the end: HTTP processes (and the supervisor) "
                      f"{' / '.join(map(str, kinds['http']))}, query workers {' / '.join(map(str, kinds['query_workers']))}."]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def keep_section(previous: str, path: Path) -> None:
    """Put the load section of `previous` (the file before bench.run rewrote it) back into `path`."""
    if BEGIN in previous and END in previous:
        section = BEGIN + previous.split(BEGIN, 1)[1].split(END, 1)[0] + END + "\n"
        write_section(path, section)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"), help="build folder (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per server (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=10, help="least warm-up seconds per server (default: %(default)s)")
    parser.add_argument("--max-warmup", type=int, default=300,
                        help="most warm-up seconds while ours fills its result caches (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="report file (default: BENCHMARKS.md)")
    args = parser.parse_args(argv)
    queries = sc.competency_queries()
    scenario = wrk.Scenario("competency-mixed", "aggregate", sc.SLOT, queries, uncached=True)
    ours_args = ["--client-workers", "2", "--client-queue", str(args.connections), "--queue-timeout", "30"]
    rows = []
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="eccp-load-"))
    try:
        with servers.ours(args.build / "store", ours_args) as server:
            rows.append(measure(server, scenario, args, processes=cpu_count()))
        dump = servers.full_dump(args.build, workdir)
        with servers.oxigraph(dump) as server:
            rows.append(measure(server, scenario, args))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    command = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    args.load_average = (load_before, os.getloadavg())
    write_section(args.out, render(rows, args, command.strip(), ours_args))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "load.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        print(json.dumps(r))
    return 0 if rows[0]["errors"] == 0 else 1  # ours must have none; the peer is reported as measured


if __name__ == "__main__":
    raise SystemExit(main())
