"""`python -m bench.run` (or `make bench`): our server against the Oxigraph server, one run.

Loads the build's N-Quads dump (plus its meta graph, see servers.full_dump) into `oxigraph serve --union-default-graph`, starts `eccp-kg
serve` over the build's store (same data, same union default graph), checks both give the same
number of rows for every scenario's query, runs wrk against each in turn, then compares HTTP servers
(granian, waitress, gunicorn) serving a hello-world WSGI app and our app (bench/ceiling.py) and the
worker message framing (bench/ipc.py), and writes BENCHMARKS.md (ratios ours/oxigraph against the
targets of issue 9) plus the raw numbers as
JSON under bench/results/ (git-ignored). Every server it starts is stopped before it exits.

Options: --build DIR (default build), --seconds N per scenario and server (10), --threads N
(2), --connections N (8), --rounds N (2: the servers alternate, seconds/rounds each), --out FILE (BENCHMARKS.md), --only NAME (repeatable: run only these
scenarios), --workers N (passed to `eccp-kg serve --workers`; default: its own default)."""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from . import ceiling as ceiling_mod
from . import ipc as ipc_mod
from . import load
from . import scenarios as sc
from . import servers, wrk
from .report import Row, render

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"), help="build folder (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per scenario and server (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate the servers this many times per scenario, seconds/rounds each (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="report file (default: BENCHMARKS.md)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this scenario (repeatable)")
    parser.add_argument("--workers", type=int, default=None, help="eccp-kg serve --workers (default: the server's default)")
    return parser.parse_args(argv)


def check_inputs(build: Path) -> tuple[Path, Path]:
    """The build's store and N-Quads dump, or SystemExit saying to run the build first."""
    store, dump = build / "store", build / "dumps" / "eccp-kg.nq"
    for path in (store, dump):
        if not path.exists():
            raise SystemExit(f"bench: {path}: not found; run `eccp-kg build --out {build}` (or `make build`) first")
    wrk.wrk_binary()
    return store, dump


def row_count(endpoint: str, query: str) -> int | str:
    """Rows of a SELECT (or the error) — the cross-check that both servers answer the same."""
    try:
        return len(sc.select(endpoint, query)["results"]["bindings"])
    except Exception as exc:  # reported in the table, not fatal: the numbers are still informative
        return f"error: {exc}"


def command_line(argv: list[str] | None) -> str:
    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python -m bench.run", *args])


def main(argv: list[str] | None = None) -> int:
    """Run every scenario against both servers and write the report."""
    args = parse_args(argv)
    try:
        store, _ = check_inputs(args.build)
    except wrk.WrkError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    extra = ["--workers", str(args.workers)] if args.workers else []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    workdir = Path(tempfile.mkdtemp(prefix="eccp-bench-"))
    try:
        full = servers.full_dump(args.build, workdir)
        rows, ceiling = run_all(args, full, store, extra)
        wsgi = wsgi_ceiling(args, store, rows)
        ipc = ipc_mod.measure()
        print(ipc.text(), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    versions = tool_versions()
    machine = (f"{platform.system()} {platform.machine()}, {_cpu_count()} CPU cores, Python {platform.python_version()}; "
               f"load average at the end {load} (1, 5, 15 min); {versions}")
    settings = (f"wrk -t{args.threads} -c{args.connections}, {args.seconds} s per scenario and server "
                f"in {args.rounds} alternating slices")
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    args.out.write_text(render(rows, command_line(argv), machine, settings, started, ceiling, wsgi, ipc.text()), encoding="utf-8")
    load.keep_section(previous, args.out)  # the load run (bench/load.py) has its own section
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    raw = [{"scenario": r.scenario.name, "oxigraph": asdict(r.oxigraph), "ours": asdict(r.ours),
            "ratio": r.ratio, "target": r.target} for r in rows]
    (results_dir / f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}.json").write_text(json.dumps(raw, indent=2))
    print(f"wrote {args.out}")
    return 0


def interleaved(scenario: sc.Scenario, targets: tuple[servers.Server, ...], args: argparse.Namespace) -> dict[str, wrk.WrkResult]:
    """Load each server in turn, `--rounds` times for seconds/rounds each (at least 1 s), and add
    up the slices: on a shared machine the background load drifts, and alternating keeps that
    drift from favouring whichever server ran first."""
    per_slice = max(1, args.seconds // args.rounds)
    slices: dict[str, list[wrk.WrkResult]] = {t.name: [] for t in targets}
    for _ in range(args.rounds):
        for target in targets:
            slices[target.name].append(wrk.run(scenario, target.endpoint, per_slice, args.threads, args.connections))
    return {name: wrk.combine(parts) for name, parts in slices.items()}


def run_all(args: argparse.Namespace, dump: Path, store: Path, extra: list[str]) -> tuple[list[Row], wrk.WrkResult]:
    """Start both servers, run every selected scenario against each, then our /health (the
    framework's ceiling: no SPARQL at all), stop both."""
    rows: list[Row] = []
    with servers.oxigraph(dump) as oxi, servers.ours(store, extra) as ours:
        subjects = sc.lookup_subjects(oxi.endpoint)
        for scenario in sc.build(subjects):
            if args.only and scenario.name not in args.only:
                continue
            query = scenario.first_query()
            counts = (row_count(oxi.endpoint, query), row_count(ours.endpoint, query))
            print(f"{scenario.name}: rows oxigraph={counts[0]} ours={counts[1]}", flush=True)
            results = interleaved(scenario, (oxi, ours), args)
            for name, measured in results.items():
                print(f"  {name}: {measured.rps:.0f} req/s", flush=True)
            target, why = sc.TARGETS[scenario.name]
            rows.append(Row(scenario=scenario, oxigraph=results["oxigraph"], ours=results["eccp-kg"],
                            target=target, target_text=why, rows_oxigraph=counts[0], rows_ours=counts[1]))
        health = ours.endpoint.removesuffix("/sparql") + "/health"
        ceiling = wrk.run(sc.CEILING, health, args.seconds, args.threads, args.connections)
        print(f"ceiling (our /health): {ceiling.rps:.0f} req/s", flush=True)
    return rows, ceiling


def wsgi_ceiling(args: argparse.Namespace, store: Path, rows: list[Row]) -> list[ceiling_mod.Ceiling]:
    """granian, waitress and gunicorn serving the hello-world app and our app (uncached lookups)
    under the same load (bench/ceiling.py), after both SPARQL servers have stopped."""
    lookups = next((row.scenario for row in rows if row.scenario.name == "lookup-uncached"), None)
    measured = ceiling_mod.measure(args.seconds, args.threads, args.connections, store, lookups, args.rounds)
    for item in measured:
        shown = (f"hello {item.result.rps:.0f} req/s" + (f", our lookups {item.ours.rps:.0f} req/s" if item.ours else "")
                 if item.result else f"not measured: {item.error}")
        print(f"HTTP server ({item.stack.label}): {shown}", flush=True)
    return measured


def tool_versions() -> str:
    """The versions that shape the numbers: the Oxigraph server, pyoxigraph (ours) and wrk."""
    import subprocess

    import pyoxigraph

    def first_line(cmd: list[str]) -> str:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unknown"

    return (f"{first_line([servers.venv_tool('oxigraph'), '--version'])}, pyoxigraph {pyoxigraph.__version__}, "
            f"{first_line([wrk.wrk_binary(), '--version']).split(' Copyright')[0]}")


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
