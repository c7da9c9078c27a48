"""HTTP servers compared: granian, waitress and gunicorn serving a hello-world WSGI app and our app.

Why: `eccp-kg serve` should run on the fastest maintained WSGI server. Each stack serves
bench/hello_wsgi.py (what the server alone allows on this machine) and bench/our_wsgi.py (our
Flask app over the build's store, uncached lookups: what users get), under the same wrk load,
the stacks alternating per round so background load hits all alike. The first RSGI row is what
`eccp-kg serve` runs: granian's RSGI interface with server/rsgi.py's bridge (bench/hello_rsgi.py,
bench/our_rsgi.py), which it needs to notice disconnected clients, and GET /sparql on the event
loop (server/rsgi_sparql.py); the second is the same bridge with every request through the Flask
view (bench/our_rsgi_view.py), the peer that path must beat by 1.5x on uncached lookups. Each server runs in its
own process group and is always stopped (bench/servers.py)."""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from . import servers, wrk

ROOT = Path(__file__).resolve().parent.parent
HELLO_APP = "bench.hello_wsgi:app"
OUR_APP = "bench.our_wsgi:app"
HELLO = wrk.Scenario("wsgi-hello", "baseline", "ASK {}")


@dataclass(frozen=True)
class Stack:
    """One WSGI server setup: a label for the report and its command (with {port} and {app})."""

    label: str
    command: tuple[str, ...]
    rsgi: bool = False  # serves the app behind server/rsgi.py (bench/*_rsgi.py), as `eccp-kg serve` does
    ours: str = ""  # our app's module for this stack instead of bench/our_rsgi.py (the RSGI rows)

    def argv(self, port: int, app: str) -> list[str]:
        """The command for a port and app, with the server's console script from this environment."""
        tool, *rest = self.command
        if self.rsgi:
            app = self.ours if self.ours and app == OUR_APP else app.replace("_wsgi:", "_rsgi:")
        return [servers.venv_tool(tool), *(part.format(port=port, app=app) for part in rest)]

    def shown(self) -> str:
        """The command as the report prints it."""
        return " ".join(self.command).replace("{port}", "PORT").replace("{app}", "APP")


#: Two processes each where the server has processes (2 cores), 8 threads each where it has threads.
STACKS: tuple[Stack, ...] = (
    Stack("granian, 2 workers x 8 threads", ("granian", "--interface", "wsgi", "--workers", "2", "--blocking-threads", "8",
                                             "--no-ws", "--log-level", "error", "--host", "127.0.0.1", "--port", "{port}", "{app}")),
    Stack("granian RSGI + our bridge, GET /sparql on the event loop (eccp-kg serve), 2 workers x 8 threads",
          ("granian", "--interface", "rsgi", "--workers", "2", "--no-ws", "--log-level", "error", "--host", "127.0.0.1",
           "--port", "{port}", "{app}"), rsgi=True),
    Stack("granian RSGI + our bridge, every request through the Flask view, 2 workers x 8 threads",
          ("granian", "--interface", "rsgi", "--workers", "2", "--no-ws", "--log-level", "error", "--host", "127.0.0.1",
           "--port", "{port}", "{app}"), rsgi=True, ours="bench.our_rsgi_view:app"),
    Stack("waitress, 8 threads", ("waitress-serve", "--listen=127.0.0.1:{port}", "--threads=8", "{app}")),
    Stack("gunicorn, 2 workers x 8 threads", ("gunicorn", "-w", "2", "--threads", "8", "-b", "127.0.0.1:{port}", "{app}")),
)


@dataclass
class Ceiling:
    """One stack's results: hello-world and our uncached lookups (None: not measured, see error)."""

    stack: Stack
    result: wrk.WrkResult | None = None  # hello world
    ours: wrk.WrkResult | None = None  # our app, uncached lookups
    error: str = ""


def _alternate(app: str, scenario: wrk.Scenario, path: str, seconds: int, threads: int, connections: int,
               rounds: int, env: dict[str, str], out: list[Ceiling]) -> list[wrk.WrkResult | None]:
    """Start every stack on `app` at once (idle servers cost no CPU), then load them in turn,
    `rounds` slices each; None for a stack that failed (its error kept in `out`)."""
    slices: list[list[wrk.WrkResult]] = [[] for _ in out]
    with ExitStack() as running:
        live: list[servers.Server | None] = []
        for item in out:
            port = servers.free_port()
            try:
                live.append(running.enter_context(servers.running(
                    item.stack.label, item.stack.argv(port, app), f"http://127.0.0.1:{port}{path}",
                    ready_seconds=120, env=env)))
            except servers.ServerError as exc:
                item.error = item.error or str(exc).splitlines()[0]
                live.append(None)
        per_slice = max(1, seconds // rounds)
        for _ in range(rounds):
            for i, server in enumerate(live):
                if server is None:
                    continue
                try:
                    slices[i].append(wrk.run(scenario, server.endpoint, per_slice, threads, connections))
                except wrk.WrkError as exc:
                    out[i].error = out[i].error or str(exc).splitlines()[0]
    return [wrk.combine(parts) if parts else None for parts in slices]


def measure(seconds: int, threads: int, connections: int, store: Path | None = None,
            lookups: wrk.Scenario | None = None, rounds: int = 2, workers: int = 4) -> list[Ceiling]:
    """wrk against every stack, alternating `rounds` times: the hello-world app, then (given a
    store and the lookup scenario) our app's uncached lookups, with `workers` query workers per
    HTTP process and the per-client limits opened to the connections (as bench/run.py's ours)."""
    out = [Ceiling(stack) for stack in STACKS]
    env = {"PYTHONPATH": str(ROOT), "ECCP_BENCH_WORKERS": str(workers), "ECCP_BENCH_CONNECTIONS": str(connections)}
    for item, result in zip(out, _alternate(HELLO_APP, HELLO, "/", seconds, threads, connections, rounds, env, out)):
        item.result = result
    if store is not None and lookups is not None:
        env["ECCP_BENCH_STORE"] = str(store)
        for item, result in zip(out, _alternate(OUR_APP, lookups, "/sparql", seconds, threads, connections, rounds,
                                                env, out)):
            item.ours = result
    return out
