"""How jobs and outcomes cross the pipes between the server and its query workers (server/pool.py).

Over multiprocessing's own framing (`Connection.send_bytes`/`recv_bytes`) as marshalled tuples
of their fields, not pickles: bench/ipc.py measures both side by side (BENCHMARKS.md: marshal
took about a third of pickle's CPU to encode and decode a job and an outcome, and the round trip
was faster in most runs), and the records hold only str/bytes/int/float/tuple/frozenset/dict
values, which marshal takes. A worker imports this module: nothing here imports more than the
evaluator's records."""
from __future__ import annotations

import marshal

from .evaluator import Job, Outcome


def encode_job(job: Job) -> bytes:
    """A job as bytes for Connection.send_bytes (its fields in declaration order)."""
    return marshal.dumps(tuple(job.__dict__.values()))


def decode_job(data: bytes) -> Job:
    """The job `encode_job` encoded."""
    return Job(*marshal.loads(data))


def encode_outcome(outcome: Outcome) -> bytes:
    """An outcome as bytes (ValueError if a field holds something marshal cannot take)."""
    return marshal.dumps(tuple(outcome.__dict__.values()))


def decode_outcome(data: bytes) -> Outcome:
    """The outcome `encode_outcome` encoded."""
    return Outcome(*marshal.loads(data))
