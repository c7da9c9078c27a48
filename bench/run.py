"""`python -m bench.run` (or `make bench`): our server against the Oxigraph server, one run.

Loads the build's N-Quads dump (plus its meta graph, see servers.full_dump) into `oxigraph serve --union-default-graph`, starts `eccp-kg
serve` over the build's store (same data, same union default graph), checks both give the same
number of rows for every scenario's query, runs wrk against each in turn, and writes
BENCHMARKS.md (ratios ours/oxigraph against the targets of issue 3) plus the raw numbers as
JSON under bench/results/ (git-ignored). Every server it starts is stopped before it exits.

Options: --build DIR (default build), --seconds N per scenario and server (10), --threads N
(2), --connections N (8), --out FILE (BENCHMARKS.md), --only NAME (repeatable: run only these
scenarios), --workers N (passed to `eccp-kg serve --workers`; default: its own default)."""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from . import scenarios as sc
from . import servers, wrk
from .report import Row, render

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"), help="build folder (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per scenario and server (default: %(default)s)")
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
        rows = run_all(args, full, store, extra)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    machine = f"{platform.system()} {platform.machine()}, {_cpu_count()} CPU cores, Python {platform.python_version()}"
    settings = f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s per scenario and server"
    args.out.write_text(render(rows, command_line(argv), machine, settings, started), encoding="utf-8")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    raw = [{"scenario": r.scenario.name, "oxigraph": asdict(r.oxigraph), "ours": asdict(r.ours),
            "ratio": r.ratio, "target": r.target} for r in rows]
    (results_dir / f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}.json").write_text(json.dumps(raw, indent=2))
    print(f"wrote {args.out}")
    return 0


def run_all(args: argparse.Namespace, dump: Path, store: Path, extra: list[str]) -> list[Row]:
    """Start both servers, run every selected scenario against each, stop both."""
    rows: list[Row] = []
    with servers.oxigraph(dump) as oxi, servers.ours(store, extra) as ours:
        subjects = sc.lookup_subjects(oxi.endpoint)
        for scenario in sc.build(subjects):
            if args.only and scenario.name not in args.only:
                continue
            query = scenario.first_query()
            counts = (row_count(oxi.endpoint, query), row_count(ours.endpoint, query))
            print(f"{scenario.name}: rows oxigraph={counts[0]} ours={counts[1]}", flush=True)
            results = {}
            for server in (oxi, ours):
                results[server.name] = wrk.run(scenario, server.endpoint, args.seconds, args.threads, args.connections)
                print(f"  {server.name}: {results[server.name].rps:.0f} req/s", flush=True)
            target, why = sc.TARGETS[scenario.name]
            rows.append(Row(scenario=scenario, oxigraph=results["oxigraph"], ours=results["eccp-kg"],
                            target=target, target_text=why, rows_oxigraph=counts[0], rows_ours=counts[1]))
    return rows


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
