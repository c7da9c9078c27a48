"""`python -m bench.load` (or `make bench-load`): 64 connections of mixed competency queries for 60 s
against our server and the Oxigraph server on the same data, side by side (issue 11, part 3).

For each server: a warm-up (wrk, same load, --warmup seconds), then the measured run (wrk
-c CONNECTIONS -d SECONDS, the competency queries in turn, each request uncached) while the
server's resident memory (its whole process tree: for ours the granian supervisor, HTTP
process and query workers) is sampled every second. Reported: requests, errors (non-2xx and
socket errors), req/s, p50/p99 latency, memory after warm-up, at the end and at most, and
whether memory stayed within 10% of its post-warm-up level. The figures go to a section of
BENCHMARKS.md between markers (the rest of the file is left alone) and as JSON to
bench/results/load.json. Every server it starts is stopped before it exits; traffic goes to
127.0.0.1 only.

All wrk connections come from one address, so ours runs with the per-client limits opened
to the load (`--client-workers` = `--workers`, `--client-queue` = CONNECTIONS): the 64
connections stand for 64 clients here, not for one client flooding (tests/test_abandon_fairness.py
measures that). Every request is unique (uncached), so a result cache could only fill up to
its bound (`--cache-bytes`, 64 MiB by default: memory by design, not growth); ours runs with
`--cache-bytes 0` so the memory figure shows what the server itself does under load (a first
run with the cache on grew 311 -> 399 MiB, the cache's 64 MiB included)."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

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


def measure(server: servers.Server, scenario: wrk.Scenario, seconds: int, warmup: int, connections: int) -> dict:
    """Warm up, then the measured run with memory sampled every second."""
    wrk.run(scenario, server.endpoint, warmup, 2, connections)
    baseline = tree_rss(server.process.pid)
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            samples.append(tree_rss(server.process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = wrk.run(scenario, server.endpoint, seconds, 2, connections)
    finally:
        stop.set()
        sampler.join(5)
    end = tree_rss(server.process.pid)
    errors = result.non_2xx + result.socket_errors
    return {
        "server": server.name, "requests": result.requests, "errors": errors, "rps": round(result.rps, 1),
        "p50_ms": result.latency_p50_ms, "p99_ms": result.latency_p99_ms, "failures": list(result.failures),
        "rss_after_warmup_mib": round(baseline / 2**20, 1), "rss_end_mib": round(end / 2**20, 1),
        "rss_max_mib": round(max(samples + [end]) / 2**20, 1),
        "memory_within_10pct": end <= baseline * 1.10,
    }


def render(rows: list[dict], args: argparse.Namespace, command: str) -> str:
    lines = [BEGIN, "## Load: 64 connections of mixed competency queries (issue 11)", "",
             f"Command: `{command}` ({args.connections} connections, {args.seconds} s measured after "
             f"{args.warmup} s of warm-up, wrk -t2, each request a competency query made uncached; same data, "
             "same union default graph). Memory = resident bytes of the server's whole process tree. Ours runs "
             "with `--cache-bytes 0` (unique requests would only fill the cache to its bound) and the per-client "
             "limits opened to the load (one address stands for 64 clients).", "",
             "| server | requests | errors | req/s | p50 ms | p99 ms | RSS after warm-up MiB | RSS at end MiB | RSS max MiB | end within 10% |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['server']} | {r['requests']} | {r['errors']} | {r['rps']} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {r['rss_after_warmup_mib']} | {r['rss_end_mib']} | {r['rss_max_mib']} | "
                     f"{'yes' if r['memory_within_10pct'] else 'NO'} |")
    if len(rows) == 2 and rows[1]["rps"]:
        lines += ["", f"Throughput ours/Oxigraph: {rows[0]['rps'] / rows[1]['rps']:.2f}x; "
                      f"p99 ours/Oxigraph: {rows[0]['p99_ms'] / max(rows[1]['p99_ms'], 0.001):.2f}x."]
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
    parser.add_argument("--warmup", type=int, default=10, help="warm-up seconds per server (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="report file (default: BENCHMARKS.md)")
    args = parser.parse_args(argv)
    queries = sc.competency_queries()
    scenario = wrk.Scenario("competency-mixed", "aggregate", sc.SLOT, queries, uncached=True)
    ours_args = ["--http-processes", "1", "--workers", "2", "--client-workers", "2",
                 "--client-queue", str(args.connections), "--queue-timeout", "30", "--cache-bytes", "0"]
    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="eccp-load-"))
    try:
        with servers.ours(args.build / "store", ours_args) as server:
            rows.append(measure(server, scenario, args.seconds, args.warmup, args.connections))
        dump = servers.full_dump(args.build, workdir)
        with servers.oxigraph(dump) as server:
            rows.append(measure(server, scenario, args.seconds, args.warmup, args.connections))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    command = "python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:])
    write_section(args.out, render(rows, args, command.strip()))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "load.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        print(json.dumps(r))
    return 0 if rows[0]["errors"] == 0 else 1  # ours must have none; the peer is reported as measured


if __name__ == "__main__":
    raise SystemExit(main())
