"""Server <-> query-worker messages: multiprocessing's own pickling against hand-written marshal.

Why: server/pool.py sends each Job to a worker process and reads its Outcome back. The pool
uses `Connection.send`/`recv` (pickle); an earlier version framed marshalled tuples by hand.
This measures one round trip of a typical lookup job and a 6 KB answer both ways, with an echo
process per variant, alternating so background load hits both alike, and reports microseconds
per round trip (median of the slices). `python -m bench.ipc`, or part of `python -m bench.run`."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from eccp_kg.server.evaluator import Job, Outcome

JOB = Job(
    "SELECT ?p ?o WHERE { <https://w3id.org/eccp-kg/id/organisation/it/example> ?p ?o }\n# r1-23\n",
    base_iri="http://127.0.0.1:8000/sparql",
    known_graphs=frozenset(f"https://w3id.org/eccp-kg/graph/g{i}" for i in range(6)),
)
ANSWER_BYTES = 6000

_ECHO = r"""
import marshal, sys
from multiprocessing.connection import Connection
from eccp_kg.server.evaluator import Job, Outcome
rd, wr, mode, size = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
reader, writer = Connection(rd, writable=False), Connection(wr, readable=False)
out = Outcome(200, "results", "json", b"x" * size)
while True:
    try:
        if mode == "pickle":
            reader.recv()
            writer.send(out)
        else:
            Job(*marshal.loads(reader.recv_bytes()))
            writer.send_bytes(marshal.dumps(tuple(out.__dict__.values())))
    except EOFError:
        break
"""


@dataclass(frozen=True)
class IpcFigure:
    """Median microseconds per round trip for each way of framing."""

    pickle_us: float
    marshal_us: float
    round_trips: int

    def text(self) -> str:
        return (f"Worker messages (bench/ipc.py, {self.round_trips} round trips of a lookup job and a "
                f"{ANSWER_BYTES}-byte answer each way, alternating): multiprocessing's `Connection.send`/`recv` "
                f"(pickle, what server/pool.py uses) {self.pickle_us:.1f} us, hand-written marshal framing "
                f"{self.marshal_us:.1f} us per round trip.")


class _Echo:
    def __init__(self, mode: str):
        import marshal

        self.mode, self._marshal = mode, marshal
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        self.proc = subprocess.Popen([sys.executable, "-c", _ECHO, str(to_r), str(from_w), mode, str(ANSWER_BYTES)],
                                     pass_fds=(to_r, from_w))
        os.close(to_r)
        os.close(from_w)
        self.send, self.recv = Connection(to_w, readable=False), Connection(from_r, writable=False)

    def round_trip(self) -> None:
        if self.mode == "pickle":
            self.send.send(JOB)
            self.recv.recv()
        else:
            self.send.send_bytes(self._marshal.dumps(tuple(JOB.__dict__.values())))
            Outcome(*self._marshal.loads(self.recv.recv_bytes()))

    def close(self) -> None:
        self.send.close()
        self.recv.close()
        self.proc.wait(30)


def measure(round_trips: int = 20000, slices: int = 10) -> IpcFigure:
    """Alternate the two framings in `slices` slices; the median per-round-trip time of each."""
    echoes = {mode: _Echo(mode) for mode in ("pickle", "marshal")}
    times: dict[str, list[float]] = {mode: [] for mode in echoes}
    try:
        for echo in echoes.values():
            for _ in range(200):  # warm up (imports, page faults)
                echo.round_trip()
        per_slice = max(round_trips // slices, 1)
        for _ in range(slices):
            for mode, echo in echoes.items():
                start = time.perf_counter()
                for _ in range(per_slice):
                    echo.round_trip()
                times[mode].append((time.perf_counter() - start) / per_slice * 1e6)
    finally:
        for echo in echoes.values():
            echo.close()
    return IpcFigure(statistics.median(times["pickle"]), statistics.median(times["marshal"]), per_slice * slices)


if __name__ == "__main__":
    print(measure().text())
