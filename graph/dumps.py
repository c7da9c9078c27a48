"""Serialising the store: the build's download files and `eccp-kg export`.

People and tools that do not speak SPARQL want files: Turtle (one readable graph, the union of the
named graphs, with every project prefix), N-Quads (lossless, graphs kept) and JSON-LD compacted with
the project's published @context (graph/jsonld.py). Output is sorted, so the same store gives
byte-identical files. Beside them the build puts the text of each
factsheet edition (`source_file` of its factsheet.toml, copied unchanged), so a reader can check any
eccp:sourceLocator against the document it points into."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import pyoxigraph as ox

from .formats import RDF, Format
from .iris import base_iri
from .jsonld import CONTEXT_PATH, compact_dump, write_document
from .namespaces import PREFIXES
from .store import sorted_nquads


#: The formats `eccp-kg export --format` writes (every RDF format of graph/formats.py).
FORMATS: dict[str, Format] = dict(RDF)

#: The dumps a build writes to DIR/dumps/, as (file name, format name).
BUILD_DUMPS: tuple[tuple[str, str], ...] = (
    ("eccp-kg.ttl", "turtle"),
    ("eccp-kg.nq", "nquads"),  # NQUADS_DUMP
    ("eccp-kg.jsonld", "jsonld"),
)

NQUADS_DUMP = "eccp-kg.nq"


@dataclass(frozen=True)
class DumpFile:
    """A written dump: where it is, its media type and size (the DCAT distribution needs both)."""

    path: Path
    media_type: str
    byte_size: int

    @property
    def name(self) -> str:
        return self.path.name


def _graph_name(quad: ox.Quad) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def select_quads(store: ox.Store, graph: str | None = None, exclude: Iterable[str] = ()) -> list[ox.Quad]:
    """Quads of one named graph (or of all graphs but `exclude`), sorted for reproducible output.

    Raises LookupError when `graph` names a graph the store does not have, so a typo in
    `--graph` is an error rather than an empty file."""
    if graph is not None:
        node = ox.NamedNode(graph)
        if node not in set(store.named_graphs()):
            known = ", ".join(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
            raise LookupError(f"--graph: no named graph <{graph}> in the store; it has: {known}")
        quads: Iterator[ox.Quad] = store.quads_for_pattern(None, None, None, node)
    else:
        excluded = set(exclude)
        quads = (q for q in store.quads_for_pattern(None, None, None, None) if _graph_name(q) not in excluded)
    return sorted(quads, key=str)


def serialize_quads(quads: list[ox.Quad], fmt: Format, output: IO[bytes] | str | Path | None = None,
                    context_iri: str | None = None) -> bytes | None:
    """Write quads in `fmt`; triple-only formats get the union of the graphs (each triple once).

    JSON-LD is compacted against the published context (`context_iri`, default: the configured base
    IRI + ns/context.jsonld)."""
    if fmt.name == "jsonld":
        data = compact_dump(quads, context_iri or base_iri() + CONTEXT_PATH)
        if output is None:
            return data
        if isinstance(output, (str, Path)):
            Path(output).write_bytes(data)
        else:
            output.write(data)
        return None
    items: list[ox.Quad] | list[ox.Triple]
    if fmt.has_graphs:
        items = quads
    else:
        seen: set[ox.Triple] = set()
        items = []
        for quad in quads:
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                items.append(triple)
    target = str(output) if isinstance(output, Path) else output
    return ox.serialize(items, target, fmt.syntax, prefixes=PREFIXES if fmt.name in ("turtle", "trig", "rdfxml") else None)


def export(
    store: ox.Store,
    format_name: str,
    output: IO[bytes] | str | Path | None = None,
    graph: str | None = None,
    exclude: Iterable[str] = (),
) -> bytes | None:
    """Serialise the store (or one named graph) to `output` (None: return bytes)."""
    try:
        fmt = FORMATS[format_name]
    except KeyError:
        raise ValueError(f"--format: expected one of {', '.join(FORMATS)}, got {format_name!r}") from None
    return serialize_quads(select_quads(store, graph, exclude), fmt, output)


def _distinct_triples(sorted_quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    previous = None
    for quad in sorted_quads:
        triple = quad.triple
        if triple != previous:
            yield triple
            previous = triple


def write_dumps(store: ox.Store, dumps_dir: Path, exclude: Iterable[str] = (), context_iri: str | None = None,
                nquads: bytes | None = None, nquads_file: Path | None = None, with_jsonld: bool = True) -> list[DumpFile]:
    """Write the build's dump files into `dumps_dir` (created) and report their media types and sizes.
    `with_jsonld=False` leaves the JSON-LD out (the build has graph/bulk_load.py's process write it).

    The store's `sorted_nquads(store, exclude)` may come as `nquads` or, already written by
    graph/store.py `write_sorted_nquads`, as `nquads_file` (at millions of quads the text is not held in memory)."""
    dumps_dir.mkdir(parents=True, exist_ok=True)
    if nquads is None and nquads_file is None:
        nquads = sorted_nquads(store, exclude)  # the order select_quads gives, sorted as bytes (fast at millions)

    def parsed() -> Iterator[ox.Quad]:
        if nquads is not None:
            return ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
        return ox.parse(path=str(nquads_file), format=ox.RdfFormat.N_QUADS)

    written: list[DumpFile] = []
    for file_name, format_name in BUILD_DUMPS:
        fmt = FORMATS[format_name]
        path = dumps_dir / file_name
        if format_name == "nquads":
            if nquads is not None:
                path.write_bytes(nquads)
            elif Path(nquads_file).resolve() != path.resolve():
                shutil.copyfile(nquads_file, path)
        elif format_name == "jsonld":
            if not with_jsonld:
                continue
            write_document(store, path, context_iri or base_iri() + CONTEXT_PATH, exclude)
        elif not fmt.has_graphs:  # the union, each triple once: sorted quads put a triple's copies side by side
            ox.serialize(_distinct_triples(parsed()), str(path), fmt.syntax,
                         prefixes=PREFIXES if fmt.name in ("turtle", "trig", "rdfxml") else None)
        else:
            serialize_quads(list(parsed()), fmt, path, context_iri)
        written.append(DumpFile(path, fmt.media_type, path.stat().st_size))
    return written


#: Media types of the source documents by suffix (the factsheet texts are Markdown).
SOURCE_MEDIA_TYPES: dict[str, str] = {".md": "text/markdown"}


def source_document_name(edition: Any) -> str:
    """'factsheet-it-2023.md': the download name of an edition's text (flat, one folder for all editions)."""
    suffix = Path(str(edition.meta["source_file"])).suffix
    return f"factsheet-{str(edition.country).lower()}-{edition.edition}{suffix}"


def copy_source_documents(editions: Iterable[Any], dumps_dir: Path) -> list[tuple[Any, DumpFile]]:
    """Copy each edition's factsheet text (loaders.Edition: path, meta["source_file"]) into `dumps_dir`
    byte for byte; returns (edition, written file) pairs for the dataset description. An edition
    that names no text (a test's stand-in loader) has none to copy."""
    dumps_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for edition in editions:
        name = (getattr(edition, "meta", None) or {}).get("source_file")
        if not name:
            continue
        source = Path(edition.path) / str(name)
        target = dumps_dir / source_document_name(edition)
        shutil.copyfile(source, target)
        media_type = SOURCE_MEDIA_TYPES.get(target.suffix, "application/octet-stream")
        written.append((edition, DumpFile(target, media_type, target.stat().st_size)))
    return written
