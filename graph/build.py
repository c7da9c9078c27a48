"""Writing a build: validated named graphs -> a new on-disk store, dumps and a dataset description, swapped in atomically.

The pipeline that loads and validates the sources and then calls `write_build` is
eccp_kg.pipeline (it sits above `graph` and `loaders`). What this module guarantees:

* nothing in the output directory changes until the staged store and dumps are complete; then
  they replace the old ones, and build-info.json is written last;
* the same graphs give the same quads (blank nodes are skolemised from content) and therefore
  the same build id; only B graph/meta (its dcterms:modified) and build-info.json's time differ."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .describe import describe
from .dumps import NQUADS_DUMP, DumpFile, copy_source_documents, write_dumps
from .jsonld import CONTEXT_PATH
from .iris import Minter, base_iri, with_slash
from .progress import Progress
from .skolem import skolemise
from .statistics import statistics
from .triples import TripleText
from .sources import Sources
from .layout import new_build_dir, publish
from .store import STORE_DIRNAME, add_graph, graph_counts, release, write_atomic, write_sorted_nquads
from .validate import ValidationOutcome

DUMPS_DIRNAME = "dumps"
BUILD_INFO = "build-info.json"
VOID_FILE = "void.ttl"


class ValidationFailed(Exception):
    """SHACL found violations: the data is wrong, so nothing is written. Carries the full outcome."""

    def __init__(self, outcome: ValidationOutcome):
        self.outcome = outcome
        super().__init__(outcome.summary())


@dataclass
class BuildResult:
    """What a finished build wrote and what it found."""

    out_dir: Path
    build_id: str
    built_at: str
    base_iri: str
    graphs: dict[str, int]
    validation: ValidationOutcome
    dumps: list[DumpFile] = field(default_factory=list)

    @property
    def store_path(self) -> Path:
        return self.out_dir / STORE_DIRNAME

    @property
    def dumps_dir(self) -> Path:
        return self.out_dir / DUMPS_DIRNAME

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    @property
    def warnings(self) -> int:
        return self.validation.warnings

    def info(self) -> dict[str, Any]:
        """The content of build-info.json."""
        return {
            "build_id": self.build_id,
            "built_at": self.built_at,
            "base_iri": self.base_iri,
            "triples": self.triples,
            "graphs": self.graphs,
            "warnings": self.validation.warnings,
            "validation": {
                "violations": self.validation.violations,
                "warnings": self.validation.warnings,
                "infos": self.validation.infos,
            },
            "dumps": [{"file": d.name, "media_type": d.media_type, "byte_size": d.byte_size} for d in self.dumps],
        }


def make_minter(base: str | None = None) -> Minter:
    """A Minter for `base` (--base-iri), else ECCP_KG_BASE_IRI, else the default; always ends in '/'."""
    return Minter(with_slash(base) if base else base_iri())


def modified_time() -> datetime:
    """dcterms:modified of the dataset: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc)


def _graph_scope(minter: Minter, iri: URIRef) -> str:
    """'it/2023' for B graph/it/2023: the skolem scope of a named graph."""
    return str(iri).removeprefix(minter.graph(""))


def _fill_memory(graphs: dict[URIRef, Any], minter: Minter) -> ox.Store:
    """The skolemised graphs in an in-memory store: Oxigraph reads, counts and dumps it several times
    faster than the on-disk store, which is then written once, in bulk (`_write_store`)."""
    store = ox.Store()
    for iri, graph in graphs.items():
        if isinstance(graph, TripleText):  # no blank nodes: loaded as written
            store.load(graph.nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(iri)))
        else:
            add_graph(store, iri, skolemise(graph, minter, _graph_scope(minter, iri)))
    return store


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


def _write_store(path: Path, nquads_file: Path, extra: bytes = b"") -> None:
    """The new on-disk store at `path`, bulk-loaded from the build's N-Quads file (in chunks, so memory
    stays bounded) plus `extra` N-Quads, then compacted for reading."""
    store = ox.Store(str(path))
    for chunk in nquads_chunks(nquads_file):
        store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
    if extra:
        store.bulk_load(extra, format=ox.RdfFormat.N_QUADS)
    store.optimize()
    release(store)


def write_build(out: Path, sources: Sources, outcome: ValidationOutcome, minter: Minter, public_url: str | None,
                progress: Progress) -> BuildResult:
    """Fill a new build folder (store, dumps, build-info.json) and publish it in one atomic step
    (graph/layout.py; the caller holds the build lock).

    The graphs in `sources` are skolemised first (blank nodes -> ``B .well-known/genid/...``)."""
    graphs = dict(sources.graphs)
    graphs[minter.graph("validation")] = outcome.report
    meta_iri = str(minter.graph("meta"))
    staged = new_build_dir(out)
    staged_store, staged_dumps = staged / STORE_DIRNAME, staged / DUMPS_DIRNAME
    staged_dumps.mkdir()
    published = False
    try:
        with progress.stage("build id") as st:
            store = _fill_memory(graphs, minter)
            counts = graph_counts(store)
            nquads_file = staged_dumps / NQUADS_DUMP  # the N-Quads dump: written once, read back in chunks
            build_id = write_sorted_nquads(store, nquads_file)
            st.detail = f"{sum(counts.values())} triples in {len(counts)} named graphs"
        with progress.stage("dumps") as st:
            dumps = write_dumps(store, staged_dumps, context_iri=minter.base + CONTEXT_PATH,
                                nquads_file=nquads_file)
            documents = copy_source_documents(sources.editions, staged_dumps)
            stats = statistics(store, counts)
            meta = describe(minter, counts, dumps, sources.editions, modified_time(), public_url, stats, documents,
                            build_id)
            meta.serialize(staged_dumps / VOID_FILE, format="turtle", encoding="utf-8")
            add_graph(store, meta_iri, meta)
            counts = graph_counts(store)
            st.detail = ", ".join(f"{d.name} {d.byte_size} B" for d in dumps) + f", {VOID_FILE}" + "".join(
                f", {d.name} (factsheet text)" for _e, d in documents)
        with progress.stage("store") as st:
            meta_quads = ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(meta_iri)),
                                      format=ox.RdfFormat.N_QUADS)
            del store
            _write_store(staged_store, nquads_file, meta_quads)
            st.detail = f"{sum(counts.values())} triples in {len(counts)} named graphs"
        result = BuildResult(
            out_dir=out,
            build_id=build_id,
            built_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            base_iri=minter.base,
            graphs=counts,
            validation=outcome,
            dumps=[DumpFile(out / DUMPS_DIRNAME / d.name, d.media_type, d.byte_size) for d in dumps],
        )
        with progress.stage("swap in") as st:
            write_atomic(staged / BUILD_INFO, (json.dumps(result.info(), indent=2) + "\n").encode("utf-8"))
            publish(out, staged)
            published = True
            st.detail = f"{out / STORE_DIRNAME}"
    finally:
        if not published:
            shutil.rmtree(staged, ignore_errors=True)
    return result


def read_build_info(out_dir: str | Path) -> dict[str, Any]:
    """build-info.json of a finished build (e.g. for the server's /dataset page or `eccp-kg export`)."""
    return json.loads((Path(out_dir) / BUILD_INFO).read_text(encoding="utf-8"))
