"""The bare-WSGI ceiling: requests/s a hello-world WSGI app gets on waitress and on gunicorn.

Why: the uncached-lookup target (>= 0.5x the Oxigraph server) asks more of our endpoint than
Python WSGI servers may give on this machine at all. Measuring an app that does nothing
(bench/hello_wsgi.py) under the same wrk load shows that limit next to the Oxigraph figure, so
the report can say whether the target is reachable with this stack. Each server runs in its
own process group and is always stopped (bench/servers.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import servers, wrk

ROOT = Path(__file__).resolve().parent.parent
APP = "bench.hello_wsgi:app"
HELLO = wrk.Scenario("wsgi-hello", "baseline", "ASK {}")


@dataclass(frozen=True)
class Stack:
    """One WSGI server setup: a label for the report and its command (with {port})."""

    label: str
    command: tuple[str, ...]

    def argv(self, port: int) -> list[str]:
        """The command for a port, with the server's console script from this environment."""
        tool, *rest = self.command
        return [servers.venv_tool(tool), *(part.format(port=port) for part in rest)]

    def shown(self) -> str:
        """The command as the report prints it."""
        return " ".join(self.command).replace("{port}", "PORT")


STACKS: tuple[Stack, ...] = (
    Stack("waitress, 8 threads", ("waitress-serve", "--listen=127.0.0.1:{port}", "--threads=8", APP)),
    Stack("gunicorn, 2 sync workers", ("gunicorn", "-w", "2", "-b", "127.0.0.1:{port}", APP)),
)


@dataclass(frozen=True)
class Ceiling:
    """One stack's result: requests/s, or why it could not be measured."""

    stack: Stack
    result: wrk.WrkResult | None
    error: str = ""


def measure(seconds: int, threads: int, connections: int) -> list[Ceiling]:
    """wrk against the hello-world app on every stack, one at a time."""
    out: list[Ceiling] = []
    for stack in STACKS:
        port = servers.free_port()
        try:
            argv = stack.argv(port)
            with servers.running(stack.label, argv, f"http://127.0.0.1:{port}/", ready_seconds=60,
                                 env={"PYTHONPATH": str(ROOT)}) as server:
                out.append(Ceiling(stack, wrk.run(HELLO, server.endpoint, seconds, threads, connections)))
        except (servers.ServerError, wrk.WrkError) as exc:
            out.append(Ceiling(stack, None, str(exc).splitlines()[0]))
    return out
