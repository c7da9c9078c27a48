"""The build: sources -> SHACL -> a new on-disk store, dumps and a dataset description, swapped in atomically.

`build_graph` is the one function behind `eccp-kg build`, the competency-query tests and anything
else that needs a built graph. Its guarantees:

* a SourceError (bad CSV cell, bad Turtle) or any SHACL violation stops it before anything in the
  output directory changes; the previous store, dumps and build-info.json stay as they were;
* warnings (inconsistencies of the factsheet itself) do not stop it; the SHACL report is stored in
  B graph/validation so they can be queried;
* the same input gives the same quads (blank nodes are skolemised from content) and therefore the
  same build id; only B graph/meta (its dcterms:modified) and build-info.json's time differ."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .describe import describe, public_base
from .errors import SourceError
from .dumps import DumpFile, copy_source_documents, write_dumps
from .iris import Minter, base_iri
from .progress import Progress
from .skolem import skolemise
from .statistics import statistics
from .sources import Sources, collect, default_data_dir, default_shapes_dir
from .store import STORE_DIRNAME, add_graph, build_lock, content_hash, graph_counts, new_staging_dir, release, swap_in, write_atomic
from .validate import DEFAULT_ENGINE, ValidationOutcome, load_shapes, validate

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
    value = base or base_iri()
    return Minter(value if value.endswith("/") else value + "/")


def modified_time() -> datetime:
    """dcterms:modified of the dataset: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc)


def check_sources(
    data_dir: Path | None = None,
    base: str | None = None,
    progress: Progress | None = None,
    loaders: Any | None = None,
    ontology_dir: Path | None = None,
    shapes_dir: Path | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
) -> tuple[Sources, ValidationOutcome]:
    """Load every source and run SHACL; nothing is written. Used by `build` and by `eccp-kg validate`."""
    progress = progress or Progress(quiet=True)
    minter = make_minter(base)
    folder = Path(data_dir or default_data_dir())
    if not folder.is_dir():
        raise SourceError(folder, None, None, "a folder of source tables (--data)")
    sources = collect(folder, minter, progress, loaders=loaders, ontology_dir=ontology_dir)
    with progress.stage("SHACL validation") as st:
        shapes = load_shapes(Path(shapes_dir or default_shapes_dir()))
        outcome = validate(sources.data_graph(), shapes, sources.ontology_graph(), engine=shacl_engine)
        st.detail = outcome.summary().removeprefix("SHACL: ") + f" ({shacl_engine})"
    return sources, outcome


def _graph_scope(minter: Minter, iri: URIRef) -> str:
    """'it/2023' for B graph/it/2023: the skolem scope of a named graph."""
    return str(iri).removeprefix(minter.graph(""))


def _fill_store(path: Path, graphs: dict[URIRef, Graph], minter: Minter) -> tuple[dict[str, int], str]:
    """Write the skolemised graphs into a new store at `path`; return triples per graph and the content hash."""
    store = ox.Store(str(path))
    for iri, graph in graphs.items():
        add_graph(store, iri, skolemise(graph, minter, _graph_scope(minter, iri)))
    counts = graph_counts(store)
    build_id = content_hash(store)
    release(store)
    return counts, build_id


def build_graph(
    out_dir: str | Path = "build",
    data_dir: str | Path | None = None,
    base: str | None = None,
    public_url: str | None = None,
    progress: Progress | None = None,
    loaders: Any | None = None,
    ontology_dir: Path | None = None,
    shapes_dir: Path | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
) -> BuildResult:
    """Build the knowledge graph into `out_dir` (store/, dumps/, build-info.json) and return what was built.

    Raises SourceError for bad input and ValidationFailed for SHACL violations; in both cases
    `out_dir` is left exactly as it was."""
    out = Path(out_dir)
    progress = progress or Progress(quiet=True)
    minter = make_minter(base)
    public_base(minter.base, public_url)  # reject a bad --public-url before the slow steps
    sources, outcome = check_sources(
        Path(data_dir) if data_dir else None, minter.base, progress, loaders, ontology_dir, shapes_dir, shacl_engine
    )
    if not outcome.ok:
        raise ValidationFailed(outcome)

    with build_lock(out):
        return _write(out, sources, outcome, minter, public_url, progress)


def _write(out: Path, sources: Sources, outcome: ValidationOutcome, minter: Minter, public_url: str | None,
           progress: Progress) -> BuildResult:
    """Fill a staged store and dumps beside the live ones and swap them in (caller holds the build lock)."""
    graphs = dict(sources.graphs)
    graphs[minter.graph("validation")] = outcome.report
    meta_iri = str(minter.graph("meta"))
    staged_store = new_staging_dir(out, "store")
    staged_dumps = new_staging_dir(out, "dumps")
    try:
        with progress.stage("store") as st:
            counts, build_id = _fill_store(staged_store, graphs, minter)
            st.detail = f"{sum(counts.values())} triples in {len(counts)} named graphs"
        with progress.stage("dumps") as st:
            store = ox.Store(str(staged_store))
            dumps = write_dumps(store, staged_dumps)
            documents = copy_source_documents(sources.editions, staged_dumps)
            stats = statistics(store, counts)
            meta = describe(minter, counts, dumps, sources.editions, modified_time(), public_url, stats, documents,
                            build_id)
            add_graph(store, meta_iri, meta)
            meta.serialize(staged_dumps / VOID_FILE, format="turtle", encoding="utf-8")
            store.optimize()
            counts = graph_counts(store)
            release(store)
            del store
            st.detail = ", ".join(f"{d.name} {d.byte_size} B" for d in dumps) + f", {VOID_FILE}" + "".join(
                f", {d.name} (factsheet text)" for _e, d in documents)
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
            swap_in(staged_store, out / STORE_DIRNAME)
            swap_in(staged_dumps, out / DUMPS_DIRNAME)
            write_atomic(out / BUILD_INFO, (json.dumps(result.info(), indent=2) + "\n").encode("utf-8"))
            st.detail = f"{out / STORE_DIRNAME}"
    finally:
        shutil.rmtree(staged_store, ignore_errors=True)
        shutil.rmtree(staged_dumps, ignore_errors=True)
    return result


def read_build_info(out_dir: str | Path) -> dict[str, Any]:
    """build-info.json of a finished build (e.g. for the server's /dataset page or `eccp-kg export`)."""
    return json.loads((Path(out_dir) / BUILD_INFO).read_text(encoding="utf-8"))
