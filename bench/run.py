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
scenarios), --workers N (passed to `eccp-kg serve --workers`; default: the server's default,
serve_options says why)."""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from eccp_kg.server.config import DEFAULTS, cpu_count

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


def serve_options(args: argparse.Namespace) -> list[str]:
    """The `eccp-kg serve` options of ours: `--workers` (per HTTP process) as given, else the server's
    own default, with the per-client limits opened to wrk's connections.

    Why the default and not one worker per connection (what this used until 2026-12-03): each job
    in a worker process costs more the more worker processes share the two cores, as the data of
    a process evaluating a query is no longer in the CPU's cache after the others ran (one process:
    the count by class 480 us per job, 690 us after touching 32 MB; served, 785 us of worker CPU per
    request with 4 workers per HTTP process, 718 with 2). A/B under the bench lock, 2 x 3 s slices,
    load 4.6-7.9: graph aggregate 0.88x/0.89x of Oxigraph with 4, 0.94x/0.97x with 2; class 0.72x/0.76x
    against 0.72x/0.72x; competency 1.14x/1.10x against 1.17x/1.15x (the slow member-composition.rq
    no longer halves it, as it did when one worker per connection was chosen)."""
    workers = args.workers or DEFAULTS["QUERY_WORKERS"]
    # wrk's connections all come from 127.0.0.1 and stand for that many clients, not one client
    # flooding: open the per-client limits (server/fairness.py) as bench/load.py does
    return ["--workers", str(workers), "--client-workers", str(workers), "--client-queue", str(args.connections)]


def ceiling_workers(args: argparse.Namespace) -> int:
    """Query workers per HTTP process of our app in bench/ceiling.py's rows: `--workers`, else one per
    wrk connection (at least the default), so that those rows measure the HTTP stacks, not queueing
    for a worker, as when the 1.5x figure of the event-loop path was first taken (BENCHMARKS.md)."""
    return args.workers or max(DEFAULTS["QUERY_WORKERS"], math.ceil(args.connections / cpu_count()))


def row_count(endpoint: str, query: str) -> int | str:
    """Rows of a SELECT (or the error) — the cross-check that both servers answer the same."""
    try:
        return len(sc.select(endpoint, query)["results"]["bindings"])
    except Exception as exc:  # reported in the table, not fatal: the numbers are still informative
        return f"error: {exc}"


def command_line(argv: list[str] | None) -> str:
    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python -m bench.run", *args])


#: Sections other benchmarks write into the same file (bench/build_scale.py, bench/backend_latency.py).
_OTHER_SECTION = re.compile(r"<!-- ([a-z-]+): generated by bench/[a-z_]+\.py -->.*?<!-- /\1 -->", re.S)


def keep_other_sections(path: Path, text: str) -> str:
    """`text` plus the sections of other benchmarks already in `path`, so one run does not erase another's."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = [m.group(0) for m in _OTHER_SECTION.finditer(old)]
    if not kept:
        return text
    return text.rstrip("\n") + "".join("\n\n" + k for k in kept) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run every scenario against both servers and write the report."""
    args = parse_args(argv)
    try:
        store, _ = check_inputs(args.build)
    except wrk.WrkError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    extra = serve_options(args)
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
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    versions = tool_versions()
    machine = (f"{platform.system()} {platform.machine()}, {_cpu_count()} CPU cores, Python {platform.python_version()}; "
               f"load average at the end {load_average} (1, 5, 15 min); {versions}")
    settings = (f"wrk -t{args.threads} -c{args.connections}, {args.seconds} s per scenario and server "
                f"in {args.rounds} alternating slices; ours with `{' '.join(extra)}` (the connections stand for "
                f"{args.connections} clients, so the per-client limits are opened to them; the query workers per HTTP "
                f"process are the server's default unless --workers is given: bench/run.py serve_options says why; "
                f"the HTTP-server rows give our app {ceiling_workers(args)} per HTTP process, ceiling_workers)")
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    text = render(rows, command_line(argv), machine, settings, started, ceiling, wsgi, ipc.text())
    args.out.write_text(keep_other_sections(args.out, text), encoding="utf-8")  # build-scale, backend-latency
    load.keep_section(previous, args.out)  # the load run (bench/load.py) has its own section
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    raw = [{"scenario": r.scenario.name, "oxigraph": asdict(r.oxigraph), "ours": asdict(r.ours),
            "ratio": r.ratio, "target": r.target} for r in rows]
    (results_dir / f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}.json").write_text(json.dumps(raw, indent=2))
    print(f"wrote {args.out}")
    return 0


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants now (Linux /proc; [pid] alone where it has no /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


#: argv marker of a query worker process (server/pool.py starts `python -m eccp_kg.server.worker`)
WORKER_MODULE = b"eccp_kg.server.worker"


def cpu_seconds(pids: list[int]) -> tuple[float, float]:
    """User + system CPU seconds of the processes: (all but query workers, query workers).
    A process that has ended counts 0 (its time is lost, so a replaced worker is undercounted)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    main = workers = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                is_worker = WORKER_MODULE in cmdline.read()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if is_worker:
            workers += used
        else:
            main += used
    return main, workers


def interleaved(scenario: sc.Scenario, targets: tuple[servers.Server, ...], args: argparse.Namespace,
                cpu: dict[str, list[float]] | None = None) -> dict[str, wrk.WrkResult]:
    """Load each server in turn, `--rounds` times for seconds/rounds each (at least 1 s), and add
    up the slices: on a shared machine the background load drifts, and alternating keeps that
    drift from favouring whichever server ran first. `cpu`, when given, gets each server's CPU
    seconds over its slices ([main processes, query workers], added up)."""
    per_slice = max(1, args.seconds // args.rounds)
    slices: dict[str, list[wrk.WrkResult]] = {t.name: [] for t in targets}
    for _ in range(args.rounds):
        for target in targets:
            pids = process_tree(target.process.pid)
            before = cpu_seconds(pids)
            slices[target.name].append(wrk.run(scenario, target.endpoint, per_slice, args.threads, args.connections))
            after = cpu_seconds(pids)
            if cpu is not None:
                spent = cpu.setdefault(target.name, [0.0, 0.0])
                spent[0] += after[0] - before[0]
                spent[1] += after[1] - before[1]
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
            cpu: dict[str, list[float]] = {}
            results = interleaved(scenario, (oxi, ours), args, cpu)
            for name, measured in results.items():
                print(f"  {name}: {measured.rps:.0f} req/s, CPU {sum(cpu[name]):.1f} s", flush=True)
            target, why = sc.TARGETS[scenario.name]
            rows.append(Row(scenario=scenario, oxigraph=results["oxigraph"], ours=results["eccp-kg"],
                            target=target, target_text=why, rows_oxigraph=counts[0], rows_ours=counts[1],
                            cpu_oxigraph=sum(cpu["oxigraph"]), cpu_ours_http=cpu["eccp-kg"][0],
                            cpu_ours_workers=cpu["eccp-kg"][1]))
        health = ours.endpoint.removesuffix("/sparql") + "/health"
        ceiling = wrk.run(sc.CEILING, health, args.seconds, args.threads, args.connections)
        print(f"ceiling (our /health): {ceiling.rps:.0f} req/s", flush=True)
    return rows, ceiling


def wsgi_ceiling(args: argparse.Namespace, store: Path, rows: list[Row]) -> list[ceiling_mod.Ceiling]:
    """granian, waitress and gunicorn serving the hello-world app and our app (uncached lookups)
    under the same load (bench/ceiling.py), after both SPARQL servers have stopped."""
    lookups = next((row.scenario for row in rows if row.scenario.name == "lookup-uncached"), None)
    measured = ceiling_mod.measure(args.seconds, args.threads, args.connections, store, lookups, args.rounds,
                                   ceiling_workers(args))
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
