"""Collecting the named graphs of one build: the ontology files and whatever the loaders produce.

`graph` is the bottom layer and must not import `loaders` at import time, so the loader functions
are looked up when a build runs (or passed in, which is how tests use a stand-in). Each source lands
in its documented named graph: B graph/ontology, B graph/codelists, B graph/{cc}/{edition},
B graph/links."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

from rdflib import Graph, URIRef

from .errors import SourceError
from .iris import Minter
from .namespaces import bind_all
from .progress import Progress


def package_dir(name: str) -> Path:
    """The folder of a package-data package (eccp_kg.data, eccp_kg.ontology, ...), installed or editable."""
    module = importlib.import_module(name)
    return Path(module.__file__).resolve().parent  # type: ignore[arg-type]


def default_data_dir() -> Path:
    """Where the source tables live when --data is not given: the installed eccp_kg.data package."""
    return package_dir("eccp_kg.data")


def default_ontology_dir() -> Path:
    """ontology/*.ttl as installed (the eccp_kg.ontology package)."""
    return package_dir("eccp_kg.ontology")


def default_shapes_dir() -> Path:
    """shapes/*.ttl as installed (the eccp_kg.shapes package)."""
    return package_dir("eccp_kg.shapes")


def parse_turtle_files(paths: Iterable[Path], what: str) -> Graph:
    """Parse Turtle files into one graph; a syntax error names the file and line."""
    graph = Graph()
    bind_all(graph)
    for path in sorted(paths):
        try:
            graph.parse(path, format="turtle")
        except SyntaxError as exc:  # rdflib's BadSyntax is a SyntaxError
            line = getattr(exc, "lines", None)
            why = getattr(exc, "_why", None) or str(exc)
            raise SourceError(path, line + 1 if isinstance(line, int) else None, None, f"valid Turtle ({what}): {why}") from exc
    return graph


@dataclass
class Sources:
    """The named graphs one build assembles, in build order, plus the editions they came from."""

    minter: Minter
    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    editions: list[Any] = field(default_factory=list)
    edition_graphs: list[URIRef] = field(default_factory=list)

    @property
    def ontology_iri(self) -> URIRef:
        return self.minter.graph("ontology")

    @property
    def codelists_iri(self) -> URIRef:
        return self.minter.graph("codelists")

    @property
    def links_iri(self) -> URIRef:
        return self.minter.graph("links")

    def ontology_graph(self) -> Graph:
        """Ontology + code lists: what SHACL may look up but does not itself check."""
        return _union(self.graphs.get(self.ontology_iri), self.graphs.get(self.codelists_iri))

    def data_graph(self) -> Graph:
        """Every edition graph, the code lists and the link sets: what SHACL checks.

        The code lists are checked data too, and must be in the data graph: pyshacl copies only
        class and property axioms from ont_graph, so concepts found only there would be unknown."""
        return _union(*(self.graphs[g] for g in self.edition_graphs), self.graphs.get(self.codelists_iri),
                      self.graphs.get(self.links_iri))


def _union(*graphs: Graph | None) -> Graph:
    out = Graph()
    bind_all(out)
    for graph in graphs:
        if graph is not None:
            for triple in graph:
                out.add(triple)
    return out


def _loader_api(loaders: ModuleType | Any | None) -> Any:
    if loaders is not None:
        return loaders
    return importlib.import_module("eccp_kg.loaders")


def _require(api: Any, name: str) -> Callable[..., Any]:
    func = getattr(api, name, None)
    if not callable(func):
        raise RuntimeError(f"eccp_kg.loaders does not provide {name}() (see docs/architecture.md, 'Interfaces between parts')")
    return func


def _links_loader(api: Any) -> Callable[..., Graph] | None:
    """load_links from the stand-in, or eccp_kg.loaders.links when that module exists (it is optional)."""
    func = getattr(api, "load_links", None)
    if callable(func):
        return func
    if getattr(api, "__name__", "") != "eccp_kg.loaders":
        return None
    try:
        module = importlib.import_module("eccp_kg.loaders.links")
    except ModuleNotFoundError as exc:
        if exc.name in ("eccp_kg.loaders.links",):
            return None
        raise
    return getattr(module, "load_links", None)


def collect(
    data_dir: Path,
    minter: Minter,
    progress: Progress,
    loaders: Any | None = None,
    ontology_dir: Path | None = None,
) -> Sources:
    """Load ontology, code lists, every edition found under `data_dir`, and link sets.

    Bad input raises eccp_kg.graph.errors.SourceError (from the loaders or the Turtle parser)."""
    api = _loader_api(loaders)
    sources = Sources(minter=minter)
    with progress.stage("ontology") as st:
        files = sorted(Path(ontology_dir or default_ontology_dir()).glob("*.ttl"))
        graph = parse_turtle_files(files, "ontology")
        sources.graphs[sources.ontology_iri] = graph
        st.detail = f"{len(graph)} triples from {len(files)} file(s)"
    with progress.stage("code lists") as st:
        graph = _require(api, "load_codelists")(data_dir, minter)
        sources.graphs[sources.codelists_iri] = graph
        st.detail = f"{len(graph)} triples"
    editions = sorted(_require(api, "discover_editions")(data_dir), key=lambda e: (str(e.country), str(e.edition)))
    load_edition = _require(api, "load_edition")
    for edition in editions:
        scoped = minter.for_edition(str(edition.country), str(edition.edition))
        with progress.stage(f"edition {scoped.country}/{scoped.edition}") as st:
            graph = load_edition(edition, minter)
            iri = scoped.edition_graph()
            sources.graphs[iri] = graph
            sources.editions.append(edition)
            sources.edition_graphs.append(iri)
            st.detail = f"{len(graph)} triples"
    load_links = _links_loader(api)
    if load_links is not None:
        with progress.stage("link sets") as st:
            graph = load_links(data_dir, minter)
            sources.graphs[sources.links_iri] = graph
            st.detail = f"{len(graph)} triples"
    return sources
