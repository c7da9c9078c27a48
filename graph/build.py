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
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from .describe import describe
from .dumps import FORMATS, NQUADS_DUMP, DumpFile, copy_source_documents, write_dumps
from .jsonld import CONTEXT_PATH
from .iris import Minter, base_iri, with_slash
from .progress import Progress
from .skolem import skolemise
from .statistics import statistics
from .triples import TripleText
from .sources import Sources
from .layout import new_build_dir, publish
from .store import STORE_DIRNAME, graph_counts, write_atomic, write_sorted_nquads
from .bulk_load import StoreWriter, nquads_chunks  # noqa: F401  (nquads_chunks: re-exported for tests)
from .validate import ValidationOutcome

DUMPS_DIRNAME = "dumps"
JSONLD_DUMP = "eccp-kg.jsonld"
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


def store_text(graph: Any, iri: URIRef, minter: Minter) -> bytes:
    """A graph as the N-Triples that go into the build's stores: a TripleText (no blank nodes) as written,
    an rdflib Graph skolemised first."""
    if isinstance(graph, TripleText):
        return graph.nt
    return skolemise(graph, minter, _graph_scope(minter, iri)).serialize(format="nt", encoding="utf-8")


def as_quads(nt: bytes, iri: str) -> bytes:
    """N-Triples lines (each ending " .\n": a newline inside a literal is written \n) as N-Quads of graph `iri`."""
    return nt.replace(b" .\n", f" <{iri}> .\n".encode("utf-8"))


class Staging:
    """One build folder being filled (under the caller's build lock): the source graphs as store text, and
    the child process that bulk-loads the on-disk store from them while SHACL runs (graph/bulk_load.py).

    Used as a context manager: leaving it without `published` set stops the child and removes the folder,
    so a failed build (bad source, SHACL violation, crash) leaves the output directory as it was."""

    SOURCE_QUADS = "sources.nq"
    JSONLD_PARTS = "jsonld-parts"

    def __init__(self, out: Path, graphs: dict[URIRef, Any], minter: Minter):
        self.out, self.minter = out, minter
        self.folder = new_build_dir(out)
        self.published = False
        self.writer: StoreWriter | None = None
        self.added: list[Path] = []
        try:
            self.texts = {iri: store_text(graph, iri, minter) for iri, graph in graphs.items()}
            self.source_quads = self.folder / self.SOURCE_QUADS
            with open(self.source_quads, "wb") as fh:
                for iri, nt in self.texts.items():
                    fh.write(as_quads(nt, str(iri)))
            self.writer = StoreWriter(self.folder / STORE_DIRNAME, self.source_quads)
            # once it has loaded them, the child renders the source graphs' JSON-LD while SHACL runs here
            self.writer.send("jsonld-parts", str(self.folder / self.JSONLD_PARTS), str(self.source_quads))
        except BaseException:
            self.close()
            raise

    def add(self, iri: URIRef, nt: bytes) -> None:
        """Have the child load one more graph (N-Triples text) into the store, after what it has."""
        path = self.folder / f"graph-{len(self.added)}.nq"
        path.write_bytes(as_quads(nt, str(iri)))
        self.added.append(path)
        assert self.writer is not None
        self.writer.send("load", str(path))

    def remove_sources(self) -> None:
        """Delete the N-Quads files the child loaded (the store has them now) and the JSON-LD parts it rendered."""
        for path in [self.source_quads, *self.added, self.folder / self.JSONLD_PARTS]:
            path.unlink(missing_ok=True)

    def quads(self) -> int:
        return sum(nt.count(b"\n") for nt in self.texts.values())

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self.published:
            if self.writer is not None:
                self.writer.abort()
            shutil.rmtree(self.folder, ignore_errors=True)


def start_staging(out: Path, sources: Sources, progress: Progress) -> Staging:
    """The build folder for `sources`, with its store loading in the background (a progress stage of its own)."""
    with progress.stage("store load started") as st:
        staging = Staging(out, sources.graphs, sources.minter)
        st.detail = f"{staging.quads()} quads loading into the new store while SHACL runs"
    return staging


def _fill_memory(texts: dict[URIRef, bytes]) -> ox.Store:
    """The skolemised graphs in an in-memory store: Oxigraph reads, counts and sorts it several times
    faster than the on-disk store (which the child process writes)."""
    store = ox.Store()
    for iri, nt in texts.items():
        store.load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(iri)))
    return store


def write_build(staging: Staging, sources: Sources, outcome: ValidationOutcome, public_url: str | None,
                progress: Progress) -> BuildResult:
    """Finish the staged build folder (dumps, build-info.json, the store the child loads) and publish it in
    one atomic step (graph/layout.py; the caller holds the build lock).

    The graphs in `sources` are skolemised first (blank nodes -> ``B .well-known/genid/...``)."""
    out, minter, writer = staging.out, staging.minter, staging.writer
    assert writer is not None
    validation_iri = minter.graph("validation")
    meta_iri = minter.graph("meta")
    staged = staging.folder
    staged_dumps = staged / DUMPS_DIRNAME
    staged_dumps.mkdir()
    jsonld = staged_dumps / JSONLD_DUMP
    with progress.stage("build id") as st:
        report = store_text(outcome.report, validation_iri, minter)
        staging.add(validation_iri, report)
        writer.send("jsonld", str(jsonld), minter.base + CONTEXT_PATH)  # in the child, beside what follows here
        store = _fill_memory({**staging.texts, validation_iri: report})
        counts = graph_counts(store)
        nquads_file = staged_dumps / NQUADS_DUMP  # the N-Quads dump: written once, read back in chunks
        build_id = write_sorted_nquads(store, nquads_file)
        st.detail = f"{sum(counts.values())} triples in {len(counts)} named graphs"
    with progress.stage("dumps") as st:
        dumps = write_dumps(store, staged_dumps, context_iri=minter.base + CONTEXT_PATH,
                            nquads_file=nquads_file, with_jsonld=False)
        documents = copy_source_documents(sources.editions, staged_dumps)
        stats = statistics(store, counts)
        del store
        writer.wait()
        dumps.append(DumpFile(jsonld, FORMATS["jsonld"].media_type, jsonld.stat().st_size))
        meta = describe(minter, counts, dumps, sources.editions, modified_time(), public_url, stats, documents,
                        build_id)
        meta.serialize(staged_dumps / VOID_FILE, format="turtle", encoding="utf-8")
        meta_text = meta.serialize(format="nt", encoding="utf-8")
        staging.add(meta_iri, meta_text)
        counts = dict(sorted({**counts, str(meta_iri): len(meta)}.items()))
        st.detail = ", ".join(f"{d.name} {d.byte_size} B" for d in dumps) + f", {VOID_FILE}" + "".join(
            f", {d.name} (factsheet text)" for _e, d in documents)
    with progress.stage("store") as st:
        writer.finish()
        staging.remove_sources()
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
        staging.published = True
        st.detail = f"{out / STORE_DIRNAME}"
    return result


def read_build_info(out_dir: str | Path) -> dict[str, Any]:
    """build-info.json of a finished build (e.g. for the server's /dataset page or `eccp-kg export`)."""
    return json.loads((Path(out_dir) / BUILD_INFO).read_text(encoding="utf-8"))
