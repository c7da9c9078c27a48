"""The on-disk pyoxigraph store: filling it from rdflib graphs, counting it, and the build lock.

The server opens `DIR/store` read-only while a new build may be running, so a build never writes
into the live store: it fills a fresh build folder and publishes it with one atomic rename once
everything (loading, validation, dumps) has succeeded (graph/layout.py). A failed or killed
build therefore leaves the previous store and dumps exactly as they were."""
from __future__ import annotations

import fcntl
import gc
import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .layout import prune

#: Name of the store directory inside a build output directory.
STORE_DIRNAME = "store"
#: Lock file that keeps two builds from writing into the same output directory at once.
LOCK_NAME = ".build.lock"


def open_store(path: str | Path, read_only: bool = True) -> ox.Store:
    """Open an existing on-disk store; read-only by default because readers must not lock writers out."""
    path = Path(path)
    if not (path / "CURRENT").exists():
        raise FileNotFoundError(f"{path}: no pyoxigraph store here (expected the 'store' folder that `eccp-kg build` writes)")
    return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))


def add_graph(store: ox.Store, graph_iri: URIRef | str, graph: Graph) -> int:
    """Load an rdflib graph (without blank nodes: skolemise first) into one named graph; returns its size.

    N-Triples is the exchange format because it is lossless for IRIs and literals and both libraries
    implement it exactly."""
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph_iri)))
    return len(graph)


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, keyed by graph IRI, sorted by IRI (for build-info.json and VoID).

    Counted by Oxigraph (one aggregate) rather than by iterating every quad in Python."""
    counts: dict[str, int] = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        name = row["g"]
        counts[name.value if isinstance(name, ox.NamedNode) else str(name)] = int(row["n"].value)
    default = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    if default:
        counts[str(ox.DefaultGraph())] = default
    return dict(sorted(counts.items()))


_BNODE = re.compile(r"_:[A-Za-z0-9]+")
_BNODE_BYTES = re.compile(rb"_:[A-Za-z0-9]+")


def canonical_nquads(quads: Iterable[ox.Quad], mask_blank_nodes: bool = False) -> list[str]:
    """Sorted N-Quads lines: a canonical text of a dataset that has no blank nodes (a build's are
    skolemised). `mask_blank_nodes` writes every blank-node label as ``_:b``, for data loaded as it
    is (``serve --data``), whose labels differ between two loads of the same file."""
    lines = (f"{quad} ." for quad in quads)
    return sorted(_BNODE.sub("_:b", line) for line in lines) if mask_blank_nodes else sorted(lines)


def sorted_lines(store: ox.Store, exclude_graphs: Iterable[str] = (), mask_blank_nodes: bool = False) -> list[bytes]:
    """The store's N-Quads lines (without their newline), sorted as bytes: UTF-8 sorts like the code points
    `sorted` compares, so the order is `canonical_nquads`'s, and millions of quads take seconds.

    Written by Oxigraph one graph at a time (as N-Triples, the graph name appended), so the whole
    dump is never held as text beside its lines."""
    excluded = set(exclude_graphs)
    lines: list[bytes] = []
    for graph in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]:
        if isinstance(graph, ox.NamedNode) and graph.value in excluded:
            continue
        text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        if isinstance(graph, ox.DefaultGraph):
            lines += [line for line in text.split(b"\n") if line]
        else:
            suffix = f" <{graph.value}> .".encode("utf-8")
            lines += [line[:-2] + suffix for line in text.split(b"\n") if line]
        del text
    if mask_blank_nodes:
        lines = [_BNODE_BYTES.sub(b"_:b", line) for line in lines]
    lines.sort()
    return lines


def sorted_nquads(store: ox.Store, exclude_graphs: Iterable[str] = (), mask_blank_nodes: bool = False) -> bytes:
    """The store as sorted N-Quads (the text `canonical_nquads` gives, one line per quad; see `sorted_lines`)."""
    return b"".join(line + b"\n" for line in sorted_lines(store, exclude_graphs, mask_blank_nodes))


def write_sorted_nquads(store: ox.Store, path: Path) -> str:
    """Write `sorted_nquads(store)` to `path` line by line and return its SHA-256 (the build id), without
    ever holding the whole text: at 10M quads that is ~2.5 GB saved beside the lines themselves."""
    digest = hashlib.sha256()
    lines = sorted_lines(store)
    with open(path, "wb") as fh:
        for start in range(0, len(lines), 65536):
            block = b"".join(line + b"\n" for line in lines[start:start + 65536])
            digest.update(block)
            fh.write(block)
    return digest.hexdigest()


def content_hash(store: ox.Store, exclude_graphs: Iterable[str] = (), mask_blank_nodes: bool = False,
                 nquads: bytes | None = None) -> str:
    """SHA-256 of the canonical N-Quads of every graph but `exclude_graphs`: same content, same hash
    (the build id of a build; with `mask_blank_nodes`, of data files served without a build;
    `nquads`: the store's `sorted_nquads`, when the caller has it already)."""
    data = nquads if nquads is not None else sorted_nquads(store, exclude_graphs, mask_blank_nodes)
    return hashlib.sha256(data).hexdigest()




def release(store: ox.Store | None) -> None:
    """Flush and drop a writable store so RocksDB closes its files before the directory is renamed."""
    if store is not None:
        store.flush()
    del store
    gc.collect()




def write_atomic(path: Path, data: bytes) -> None:
    """Write a small file by writing a temporary sibling and renaming it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out_dir` for one build; a second build into it fails at once.

    Under the lock, folders left by earlier or killed builds are removed (graph/layout.py
    `prune`): no other build can be using them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"{out_dir}: another eccp-kg build is writing here; wait for it to finish") from None
        try:
            prune(out_dir)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
