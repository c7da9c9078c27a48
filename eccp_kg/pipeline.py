"""The build pipeline: loaders -> SHACL -> a new on-disk store, dumps and a dataset description.

Why here, above both `graph` and `loaders`: the build is the one place that runs the loaders
(`eccp_kg.loaders`, which use `graph`) and hands their graphs to `graph` for validation, storing
and dumping. `graph` itself imports no loader, so it stays the bottom layer (docs/architecture.md).

`build_graph` is the one function behind `eccp-kg build`, the competency-query tests and anything
else that needs a built graph. Its guarantees:

* a SourceError (bad CSV cell, bad Turtle) or any SHACL violation stops it before anything in the
  output directory changes; the previous store, dumps and build-info.json stay as they were;
* warnings (inconsistencies of the factsheet itself) do not stop it; the SHACL report is stored in
  B graph/validation so they can be queried;
* the same input gives the same quads (blank nodes are skolemised from content) and therefore the
  same build id; only B graph/meta (its dcterms:modified) and build-info.json's time differ."""
from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterator

from eccp_kg import loaders as project_loaders
from eccp_kg.graph.build import BuildResult, ValidationFailed, make_minter, start_staging, write_build
from eccp_kg.graph.describe import public_base
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.layout import DEFAULT_OUT
from eccp_kg.graph.progress import Progress
from eccp_kg.graph.sources import Sources, default_data_dir, default_ontology_dir, default_shapes_dir, latest_graph, parse_turtle_files
from eccp_kg.graph.store import build_lock
from eccp_kg.graph.triples import TripleText
from eccp_kg.graph.validate import DEFAULT_ENGINE, ValidationOutcome, load_shapes, validate_parts
from eccp_kg.loaders.links import load_links as project_load_links

__all__ = ["BuildResult", "ValidationFailed", "build_graph", "check_sources", "collect", "edition_graphs", "load_sources",
           "load_workers", "run_shacl"]


def collect(
    data_dir: Path,
    minter: Minter,
    progress: Progress,
    loaders: Any | None = None,
    ontology_dir: Path | None = None,
) -> Sources:
    """Load ontology, code lists, every edition found under `data_dir`, and link sets.

    `loaders` replaces the project's loaders (tests pass a stand-in with load_codelists,
    discover_editions, load_edition and optionally load_links). Bad input raises
    eccp_kg.graph.errors.SourceError (from the loaders or the Turtle parser)."""
    api = loaders if loaders is not None else project_loaders
    load_links = getattr(api, "load_links", None) if loaders is not None else project_load_links
    sources = Sources(minter=minter)
    with progress.stage("ontology") as st:
        files = sorted(Path(ontology_dir or default_ontology_dir()).glob("*.ttl"))
        graph = parse_turtle_files(files, "ontology")
        sources.graphs[sources.ontology_iri] = graph
        st.detail = f"{len(graph)} triples from {len(files)} file(s)"
    with progress.stage("code lists") as st:
        graph = api.load_codelists(data_dir, minter)
        sources.graphs[sources.codelists_iri] = graph
        st.detail = f"{len(graph)} triples"
    editions = sorted(api.discover_editions(data_dir), key=lambda e: (str(e.country), str(e.edition)))
    graphs = edition_graphs(api, editions, minter)
    for edition in editions:
        scoped = minter.for_edition(str(edition.country), str(edition.edition))
        with progress.stage(f"edition {scoped.country}/{scoped.edition}") as st:
            graph = next(graphs)
            iri = scoped.edition_graph()
            sources.graphs[iri] = graph
            sources.editions.append(edition)
            sources.edition_graphs.append(iri)
            st.detail = f"{len(graph)} triples"
    if sources.editions:
        with progress.stage("latest editions") as st:
            graph = latest_graph(sources.editions, minter)
            sources.graphs[sources.latest_iri] = graph
            st.detail = f"{len(graph)} triples"
    if load_links is not None:
        with progress.stage("link sets") as st:
            graph = load_links(data_dir, minter)
            sources.graphs[sources.links_iri] = graph
            st.detail = f"{len(graph)} triples"
    return sources


#: Editions a build needs before its loaders run in worker processes (starting one costs ~1 s of CPU).
PARALLEL_EDITIONS = 16
#: At most this many loader processes.
MAX_WORKERS = 4


def load_workers(editions: int) -> int:
    """Processes that load `editions` editions: ECCP_KG_BUILD_WORKERS (a number, or `auto`, the default: one
    per CPU this process may use, at most MAX_WORKERS, once there are PARALLEL_EDITIONS editions).
    Measured at 1M triples (192 editions) on the 2-core machine, one after the other at load ~9: 61.8 s
    wall with auto (2 workers) against 72.1 s with 1, same build id (BENCHMARKS.md "Build at scale")."""
    text = os.environ.get("ECCP_KG_BUILD_WORKERS", "auto")
    if text != "auto":
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"ECCP_KG_BUILD_WORKERS: expected a whole number >= 1 or 'auto', got {text!r}")
        return int(text)
    if editions < PARALLEL_EDITIONS:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_WORKERS))


def _project_edition(edition: Any, minter: Minter) -> Any:
    """One edition's graph, in a worker; an error that would not survive pickling comes back as a
    RuntimeError with its type and message (the parent could not rebuild it)."""
    try:
        return TripleText.of(project_loaders.load_edition_triples(edition, minter))
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError(f"loading {edition.path}: {type(exc).__name__}: {exc}") from None
        raise


def edition_graphs(api: Any, editions: list[Any], minter: Minter) -> Iterator[Any]:
    """Each edition's graph (graph.triples.TripleText, or an rdflib Graph), in the order of `editions`.

    The project's loaders are pure Python (~0.08 s of CPU an edition), so a big build loads its editions
    in `load_workers` processes (started with spawn: the build may run in a server's thread, and fork
    copies other threads' locks). A SourceError raised in a worker is raised here, whole."""
    workers = load_workers(len(editions)) if api is project_loaders else 1
    if workers < 2:
        triples = getattr(api, "load_edition_triples", None)
        for edition in editions:
            yield TripleText.of(triples(edition, minter)) if triples else api.load_edition(edition, minter)
        return
    # concurrent.futures, not multiprocessing.Pool: a worker that dies (killed, out of memory) fails the
    # build with BrokenProcessPool instead of leaving it waiting for ever
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_project_edition, edition, minter) for edition in editions]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def load_sources(
    data_dir: Path | None = None,
    base: str | None = None,
    progress: Progress | None = None,
    loaders: Any | None = None,
    ontology_dir: Path | None = None,
) -> Sources:
    """Run the loaders over `data_dir` (default: the shipped data); nothing is validated or written."""
    progress = progress or Progress(quiet=True)
    minter = make_minter(base)
    folder = Path(data_dir or default_data_dir())
    if not folder.is_dir():
        raise SourceError(folder, None, None, "a folder of source tables (--data)")
    return collect(folder, minter, progress, loaders=loaders, ontology_dir=ontology_dir)


def run_shacl(sources: Sources, progress: Progress, shapes_dir: Path | None = None,
              shacl_engine: str = DEFAULT_ENGINE) -> ValidationOutcome:
    """SHACL over the loaded sources, as a progress stage."""
    with progress.stage("SHACL validation") as st:
        shapes_graph = load_shapes(Path(shapes_dir or default_shapes_dir()))
        outcome = validate_parts(sources.data_parts(), sources.ontology_parts(), shapes_graph, engine=shacl_engine)
        st.detail = outcome.summary().removeprefix("SHACL: ") + f" ({shacl_engine})"
    return outcome


def check_sources(
    data_dir: Path | None = None,
    base: str | None = None,
    progress: Progress | None = None,
    loaders: Any | None = None,
    ontology_dir: Path | None = None,
    shapes_dir: Path | None = None,
    shacl_engine: str = DEFAULT_ENGINE,
) -> tuple[Sources, ValidationOutcome]:
    """Load every source and run SHACL; nothing is written. Used by `eccp-kg validate`."""
    progress = progress or Progress(quiet=True)
    sources = load_sources(data_dir, base, progress, loaders, ontology_dir)
    return sources, run_shacl(sources, progress, shapes_dir, shacl_engine)


def build_graph(
    out_dir: str | Path = DEFAULT_OUT,
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

    The on-disk store is bulk-loaded from the sources by a child process while SHACL runs here
    (graph/build.py `Staging`); the validation and meta graphs are added at the end.
    Raises SourceError for bad input and ValidationFailed for SHACL violations; in both cases
    `out_dir` is left exactly as it was."""
    out = Path(out_dir)
    progress = progress or Progress(quiet=True)
    minter = make_minter(base)
    public_base(minter.base, public_url)  # reject a bad --public-url before the slow steps
    sources = load_sources(Path(data_dir) if data_dir else None, minter.base, progress, loaders, ontology_dir)
    with build_lock(out), start_staging(out, sources, progress) as staging:
        outcome = run_shacl(sources, progress, shapes_dir, shacl_engine)
        if not outcome.ok:
            raise ValidationFailed(outcome)
        return write_build(staging, sources, outcome, public_url, progress)
