"""A query worker process: `python -m eccp_kg.server.worker READ_FD WRITE_FD HEAP_BYTES`.

Started by pool.WorkerPool. Receives the StoreSource, opens the store once (read-only),
answers ("ready", None) or ("failed", the exception), then evaluates one Job at a time and
sends back its Outcome (marshalled by server/messages.py over multiprocessing
Connections), until the pipe closes (the server stopped) or the server kills it (timeout, cancel)."""
from __future__ import annotations

import os
import pickle
import sys
from multiprocessing.connection import Connection


def _portable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling (StoreChanged must: the pool tells a
    rebuilt store by its type), else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def serve(reader: Connection, writer: Connection) -> None:
    """The worker loop (separate from main() so it can be read and tested on its own)."""
    from .evaluator import Outcome, run_job
    from .messages import decode_job, encode_outcome

    try:
        source = reader.recv()
        store = source.open()
    except Exception as exc:  # report, do not leave the server waiting
        writer.send(("failed", _portable(exc)))
        return
    writer.send(("ready", None))
    while True:
        try:
            job = decode_job(reader.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            outcome = run_job(store, job)
        except Exception as exc:  # a bad query must never kill the worker silently
            outcome = Outcome(500, title="Query Evaluation Error", detail=f"{type(exc).__name__}: {exc}")
        try:
            data = encode_outcome(outcome)
        except ValueError as exc:  # a field marshal cannot take: a bug, reported, not fatal
            data = encode_outcome(Outcome(500, title="Query Evaluation Error", detail=f"unsendable result: {exc}"))
        try:
            writer.send_bytes(data)
        except (EOFError, OSError):
            return


def limit_memory(limit: int) -> None:
    """Cap the heap (RLIMIT_DATA: brk and anonymous mmaps, not the store's file mappings), so a
    query that materialises too much makes this process abort instead of starving the machine."""
    if limit > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def main(argv: list[str]) -> int:
    """Entry point: argv = read fd, write fd, heap limit in bytes (0 = none)."""
    read_fd, write_fd = int(argv[0]), int(argv[1])
    limit_memory(int(argv[2]) if len(argv) > 2 else 0)
    # stdout is not the protocol channel, but keep stray prints off the server's stdout
    os.dup2(2, 1)
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
