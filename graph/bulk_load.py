"""The build's on-disk store, bulk-loaded in a process of its own while the build validates and dumps.

Why a process: writing the RocksDB store (bulk load, then compaction) costs about as much CPU as SHACL
at a million triples, and needs nothing SHACL finds except the small validation and meta graphs. So
the build writes the source graphs' N-Quads to a file and starts this module on it (`StoreWriter`), and
runs SHACL meanwhile on the other core; the child, once loaded, renders the JSON-LD of the source graphs
(the dump's slowest part, pure Python; from the N-Quads file, each graph through a small in-memory store)
beside SHACL too. Then it has the child load the validation graph
and finish the JSON-LD dump (rendering only the validation graph) while the build itself sorts the
N-Quads and writes the Turtle; last the meta graph. The store is compacted right after the big load,
still beside SHACL (the graphs loaded after it are small). A thread would share the GIL;
this process imports pyoxigraph only (~0.1 s to start).

Crash safety: the child dies with the build (PR_SET_PDEATHSIG on Linux, and a parent check between
chunks), and stdin closed before `end` (the build was killed or failed) means "abandon": it exits
at once, and the build folder it wrote into is removed by the next build (graph/layout.py
`prune`). Usage (what StoreWriter runs): `python -m eccp_kg.graph.bulk_load STORE_DIR NQUADS_FILE`."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

#: Bytes of N-Quads per bulk load: Oxigraph's bulk loader holds a batch of up to a million quads per
#: thread in memory (~1 GB at 1M quads); ~64 MB of text (~250k quads) keeps that a few hundred MB at any size.
BULK_CHUNK = 64 << 20


def nquads_chunks(path: Path, size: int = BULK_CHUNK) -> Iterator[bytes]:
    """The N-Quads file at `path` in blocks of about `size` bytes, each ending at a line end."""
    with open(path, "rb") as fh:
        rest = b""
        while True:
            block = fh.read(size)
            if not block:
                break
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
        if rest:
            yield rest


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def load(store_dir: Path, nquads_file: Path, parent: int | None = None) -> ox.Store:
    """A new store at `store_dir` holding the N-Quads file (in chunks, so memory stays bounded)."""
    store = ox.Store(str(store_dir))
    for chunk in nquads_chunks(nquads_file):
        if parent is not None and os.getppid() != parent:
            raise SystemExit("the build that started this load is gone")
        store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
    return store


def serve(store: ox.Store, commands: IO[bytes], replies: IO[bytes]) -> int:
    """Run the build's commands on the loaded (and compacted) store, one per line (tab-separated), replying
    "ok" to each: `load PATH` (bulk-load an N-Quads file), `jsonld-parts PATH SOURCE_NQUADS` (render the
    JSON-LD of every named graph of that N-Quads file, the one this store was loaded from, into PATH,
    graph/jsonld.py GraphParts: the build sends it at once, so it runs beside SHACL; graphs loaded later must
    be new ones), `jsonld PATH CONTEXT_IRI` (write the compacted JSON-LD dump of what the store holds, taking
    the graphs rendered by `jsonld-parts`, whose file it then deletes), `end` (flush: the store is complete). The end of `commands` before `end` means the build is gone: exit 3."""
    parts = None
    for line in commands:
        command, *args = line.decode("utf-8").rstrip("\n").split("\t")
        try:
            if command == "load":
                store.bulk_load(path=args[0], format=ox.RdfFormat.N_QUADS)
            elif command == "jsonld-parts":
                from .jsonld import GraphParts  # no rdflib: this process stays small

                parts = GraphParts(Path(args[0]))
                parts.render_nquads(Path(args[1]))
            elif command == "jsonld":
                from .jsonld import write_document

                write_document(store, Path(args[0]), args[1], parts=parts)
                if parts is not None:
                    parts.path.unlink(missing_ok=True)
                    parts = None
            elif command == "end":
                store.flush()
            else:
                raise ValueError(f"unknown command {command!r}")
        except Exception as exc:  # the build reports it (StoreWriter._failed) and fails
            print(f"{command} {' '.join(args)}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        replies.write(b"ok\n")
        replies.flush()
        if command == "end":
            return 0
    print("the build ended before the store was finished; abandoned", file=sys.stderr)
    return 3


def main(argv: list[str]) -> int:
    store_dir, nquads_file = Path(argv[0]), Path(argv[1])
    parent = os.getppid()
    _die_with_parent()
    store = load(store_dir, nquads_file, parent)
    store.optimize()  # now, while the build still runs SHACL: what comes after (validation, meta) is small
    return serve(store, sys.stdin.buffer, sys.stdout.buffer)


class StoreWriter:
    """The child process that writes one build's store (see the module docstring and `serve`)."""

    def __init__(self, store_dir: Path, nquads_file: Path):
        self.store_dir, self.nquads_file = Path(store_dir), Path(nquads_file)
        self.pending = 0
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eccp_kg.graph.bulk_load", str(self.store_dir), str(self.nquads_file)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)

    def send(self, *words: str) -> None:
        """Queue one command (see `serve`); the child runs them in order while this process goes on."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(("\t".join(words) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except BrokenPipeError:
            self._failed()
        self.pending += 1

    def wait(self) -> None:
        """Wait until every command sent has been done; RuntimeError with the child's errors if it failed."""
        assert self.process.stdout is not None
        while self.pending:
            if self.process.stdout.readline() != b"ok\n":
                self._failed()
            self.pending -= 1

    def finish(self) -> None:
        """Compact the store and wait for the child to exit: the store is complete."""
        self.send("end")
        self.wait()
        self.process.stdin.close()
        if self.process.wait() != 0:
            self._failed()
        self.errors.close()

    def _failed(self) -> None:
        code = self.process.wait()
        self.errors.seek(0)
        text = self.errors.read().decode("utf-8", "replace").strip()[-2000:]
        raise RuntimeError(f"writing the store {self.store_dir} failed (exit {code}): {text}")

    def abort(self) -> None:
        """Stop the child (the build failed); its half-written store goes with the build folder."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            if stream is not None:
                stream.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
