"""Server <-> query-worker messages: pickled objects against marshalled tuples, both over multiprocessing's framing.

Why: server/pool.py sends each Job to a worker process and reads its Outcome back, as
marshalled tuples over multiprocessing's `Connection.send_bytes`/`recv_bytes`; the plainer
choice would be `Connection.send`/`recv` (pickle). This measures one round trip of a typical lookup job and a 6 KB answer both ways, with an echo
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
from eccp_kg.server.messages import decode_job, decode_outcome, encode_job, encode_outcome

JOB = Job(
    "SELECT ?p ?o WHERE { <https://w3id.org/eccp-kg/id/organisation/it/example> ?p ?o }\n# r1-23\n",
    base_iri="http://127.0.0.1:8000/sparql",
    known_graphs=frozenset(f"https://w3id.org/eccp-kg/graph/g{i}" for i in range(6)),
)
ANSWER_BYTES = 6000

_ECHO = r"""
import sys
from multiprocessing.connection import Connection
from eccp_kg.server.evaluator import Outcome
from eccp_kg.server.messages import decode_job, encode_outcome
from eccp_kg.server.messages import decode_job, decode_outcome, encode_job, encode_outcome
rd, wr, mode, size = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
reader, writer = Connection(rd, writable=False), Connection(wr, readable=False)
out = Outcome(200, "results", "json", b"x" * size)
while True:
    try:
        if mode == "pickle":
            reader.recv()
            writer.send(out)
        else:
            decode_job(reader.recv_bytes())
            writer.send_bytes(encode_outcome(out))
    except EOFError:
        break
"""


@dataclass(frozen=True)
class IpcFigure:
    """Median microseconds per round trip for each way of framing, and the CPU time of encoding
    and decoding one job and one outcome (no pipes: what the framing itself costs)."""

    pickle_us: float
    marshal_us: float
    round_trips: int
    pickle_codec_us: float = 0.0
    marshal_codec_us: float = 0.0

    def text(self) -> str:
        return (f"Worker messages (bench/ipc.py, {self.round_trips} round trips of a lookup job and a "
                f"{ANSWER_BYTES}-byte answer, alternating): multiprocessing's `Connection.send`/`recv` "
                f"(pickle) {self.pickle_us:.1f} us, marshalled tuples over `send_bytes`/`recv_bytes` (what "
                f"server/pool.py uses) {self.marshal_us:.1f} us per round trip; encoding and decoding a job and an outcome alone "
                f"cost {self.pickle_codec_us:.1f} us (pickle) and {self.marshal_codec_us:.1f} us (marshal) of CPU.")


def codec_us(number: int = 50000) -> tuple[float, float]:
    """CPU microseconds to encode and decode one job and one outcome: (pickle, marshal)."""
    import pickle
    import timeit

    out = Outcome(200, "results", "json", b"x" * ANSWER_BYTES)
    proto = pickle.HIGHEST_PROTOCOL

    def with_pickle() -> None:
        pickle.loads(pickle.dumps(JOB, proto))
        pickle.loads(pickle.dumps(out, proto))

    def with_marshal() -> None:
        decode_job(encode_job(JOB))
        decode_outcome(encode_outcome(out))

    times = [min(timeit.repeat(f, number=number // 5, repeat=5)) / (number // 5) * 1e6 for f in (with_pickle, with_marshal)]
    return times[0], times[1]


class _Echo:
    def __init__(self, mode: str):
        self.mode = mode
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
            self.send.send_bytes(encode_job(JOB))
            decode_outcome(self.recv.recv_bytes())

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
    return IpcFigure(statistics.median(times["pickle"]), statistics.median(times["marshal"]), per_slice * slices,
                     *codec_us())


if __name__ == "__main__":
    print(measure().text())
