"""Compacted JSON-LD: the dump people read and reuse, with the project's published @context.

pyoxigraph writes JSON-LD expanded (every IRI in full, every value in an array), which nobody reads.
This module writes the compacted form instead: one @context document (every project prefix, from
`namespaces.PREFIXES`, and `@base`-free CURIEs such as `skos:prefLabel`, `eccp:rank`), published by
the server at /ns/context.jsonld and referenced by IRI from the dump, and one node object per
subject and named graph. Output is sorted (graphs, subjects, properties, values), so the same store
gives byte-identical files; expanding the dump with the context gives back exactly the store's quads."""
from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from .prefixes import PREFIXES  # plain strings, no rdflib: graph/bulk_load.py's process imports this

#: Where the context is served, relative to the base IRI (the server maps the base onto its root).
CONTEXT_PATH = "ns/context.jsonld"
XSD_STRING = PREFIXES["xsd"] + "string"
RDF_TYPE = PREFIXES["rdf"] + "type"
#: JSON string quoting as json.dumps(ensure_ascii=False) does it (the C function when available).
_quote = json.encoder.encode_basestring


def context_document() -> dict[str, object]:
    """The published @context: each prefix as a JSON-LD prefix definition, longest namespace first
    wins when compacting (so `eccpsh:` is not written as `eccp:`-something)."""
    return {"@context": {prefix: iri for prefix, iri in sorted(PREFIXES.items()) if prefix}}


def context_bytes() -> bytes:
    """The context document as served and as written beside the dump (sorted, UTF-8)."""
    return (json.dumps(context_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _namespaces() -> list[tuple[str, str]]:
    return sorted(((p, iri) for p, iri in PREFIXES.items() if p), key=lambda item: (-len(item[1]), item[0]))


def compact_iri(iri: str, namespaces: list[tuple[str, str]]) -> str:
    """prefix:local where a namespace matches and the local part is plain, else the full IRI.

    A local part starting with '//' would read as an IRI scheme; such IRIs stay absolute."""
    for prefix, namespace in namespaces:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace):]
            if not local.startswith("//") and all(c.isalnum() or c in "-._~" for c in local):
                return f"{prefix}:{local}"
    return iri


def _node_id(term: ox.NamedNode | ox.BlankNode, namespaces: list[tuple[str, str]]) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value, namespaces)


def _value(term: object, namespaces: list[tuple[str, str]]) -> object:
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_id(term, namespaces)}
    assert isinstance(term, ox.Literal)
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": _compact(term.datatype.value, namespaces)}


def _sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Compacted(dict):
    """compact_iri per IRI, computed once: a dump names each predicate and class thousands of times."""

    def __init__(self, namespaces: list[tuple[str, str]]):
        super().__init__()
        self.namespaces = namespaces

    def __missing__(self, iri: str) -> str:
        value = self[iri] = compact_iri(iri, self.namespaces)
        return value


def _compact(iri: str, namespaces: list[tuple[str, str]]) -> str:
    return namespaces[iri] if isinstance(namespaces, _Compacted) else compact_iri(iri, namespaces)


def _nodes(triples: Iterable[ox.Triple], namespaces: list[tuple[str, str]]) -> list[dict[str, object]]:
    subjects: dict[str, dict[str, list[object]]] = {}
    # each term's JSON key, id or value, built once: a graph names the same terms thousands of times
    ids: dict[object, str] = {}
    keys: dict[object, str] = {}
    values: dict[object, object] = {}
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate, triple.object
        sid = ids.get(subject)
        if sid is None:
            sid = ids[subject] = _node_id(subject, namespaces)
        node = subjects.get(sid)
        if node is None:
            node = subjects[sid] = {}
        key = keys.get(predicate)
        if key is None:
            key = keys[predicate] = "@type" if predicate.value == RDF_TYPE else _compact(predicate.value, namespaces)
        if key == "@type" and isinstance(obj, (ox.NamedNode, ox.BlankNode)):
            value = ids.get(obj)
            if value is None:
                value = ids[obj] = _node_id(obj, namespaces)
        else:
            if key == "@type":  # rdf:type with a literal value: written like any other property
                key = _compact(RDF_TYPE, namespaces)
            value = values.get(obj)
            if value is None:
                value = values[obj] = _value(obj, namespaces)
        found = node.get(key)
        if found is None:
            node[key] = [value]
        else:
            found.append(value)
    out = []
    for subject in sorted(subjects):
        node: dict[str, object] = {"@id": subject}
        properties = subjects[subject]
        for key in sorted(properties):
            found = properties[key]
            if len(found) > 1:  # the sort key is a json.dumps: most properties have one value
                found = sorted(found, key=_sort_key)
            node[key] = found[0] if len(found) == 1 else found
        out.append(node)
    return out


def _text(value: object, indent: str) -> str:
    """`value` (str, or dicts and lists of them) as json.dumps(indent=1, ensure_ascii=False) writes it when it
    starts on a line indented by `indent`: the same text, without the pure-Python encoder json uses
    whenever `indent` is set (most of the dump's time)."""
    if isinstance(value, str):
        return _quote(value)
    inner = indent + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{inner}{_quote(k)}: {_text(v, inner)}" for k, v in value.items()) + "\n" + indent + "}"
    if not value:
        return "[]"
    return "[\n" + ",\n".join(inner + _text(v, inner) for v in value) + "\n" + indent + "]"


def compact_dump(quads: Iterable[ox.Quad], context_iri: str) -> bytes:
    """The quads as compacted JSON-LD: default-graph nodes and one named-graph object per graph."""
    namespaces = _namespaces()
    graphs: dict[str | None, list[ox.Triple]] = {}
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None
        graphs.setdefault(name, []).append(quad.triple)
    default = graphs.pop(None, [])
    named = ((name, graphs[name]) for name in sorted(graphs))
    return b"".join(document_chunks(context_iri, default, named, namespaces))


def graph_text(name: str, triples: Iterable[ox.Triple | ox.Quad], cache: "_Compacted") -> bytes:
    """One named graph's top-level object of the document, as UTF-8 (b"" for a graph with no triples,
    which the document leaves out)."""
    nodes = _nodes(triples, cache)
    if not nodes:
        return b""
    return _text({"@id": compact_iri(name, cache.namespaces), "@graph": nodes}, "  ").encode("utf-8")


def document_chunks(context_iri: str, default: Iterable[ox.Triple | ox.Quad],
                    named: Iterable[tuple[str, Iterable[ox.Triple | ox.Quad] | bytes]],
                    namespaces: list[tuple[str, str]] | None = None) -> Iterator[bytes]:
    """The document's UTF-8 text, one top-level object at a time (default-graph nodes, then each named graph
    in the order given), so a dump of millions of quads holds one graph's nodes at a time. A named graph
    given as bytes is its `graph_text` rendered earlier (`GraphParts`). The text is what
    `json.dumps(document, indent=1)` writes for the whole document."""
    cache = _Compacted(namespaces or _namespaces())

    def tops() -> Iterator[bytes]:
        for node in _nodes(default, cache):
            yield _text(node, "  ").encode("utf-8")
        for name, triples in named:
            text = triples if isinstance(triples, bytes) else graph_text(name, triples, cache)
            if text:
                yield text

    yield b'{\n "@context": ' + json.dumps(context_iri, ensure_ascii=False).encode("utf-8") + b',\n "@graph": ['
    first = True
    for top in tops():
        yield (b"\n  " if first else b",\n  ") + top
        first = False
    yield (b"]" if first else b"\n ]") + b"\n}\n"


def _graph_of(quad: ox.Quad) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    return quad.graph_name


class GraphParts:
    """Named graphs' `graph_text` rendered ahead of their document, kept in a file (a graph's text is about
    as big as its N-Quads): graph/bulk_load.py's process renders the build's source graphs while SHACL runs
    on the other core, and the document written after SHACL takes them from here, rendering only the
    graphs added since (the validation report). Same bytes as rendering them at the end."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.spans: dict[str, tuple[int, int]] = {}

    def render_nquads(self, path: Path) -> int:
        """Render the named graphs of an N-Quads file that gives each graph's quads together (graph/build.py
        writes the sources one graph after another), each through an in-memory store of its own: the text is
        then that of the store's terms (Oxigraph keeps "01"^^xsd:positiveInteger as "1"^^xsd:integer, and the
        on-disk store does the same), and reading a graph back from memory is ~3x cheaper than from RocksDB,
        where each term is a lookup (at 1M triples that read was ~3/4 of the JSON-LD's time). Returns how many
        graphs were rendered; a graph given in two places is an error (its first part would be lost)."""
        cache = _Compacted(_namespaces())
        count = 0
        with open(self.path, "ab") as fh:
            for graph, quads in groupby(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS), _graph_of):
                if not isinstance(graph, ox.NamedNode):
                    continue  # the document renders the default graph from the store itself
                if graph.value in self.spans:
                    raise ValueError(f"{path}: the quads of <{graph.value}> are not together")
                store = ox.Store()
                store.extend(quads)
                text = graph_text(graph.value, store.quads_for_pattern(None, None, None, graph), cache)
                self.spans[graph.value] = (fh.tell(), len(text))
                fh.write(text)
                count += 1
        return count

    def read(self, name: str) -> bytes:
        offset, size = self.spans[name]
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            return fh.read(size)


def write_document(store: ox.Store, path: Path, context_iri: str, exclude: Iterable[str] = (),
                   parts: GraphParts | None = None) -> int:
    """Write the store's compacted JSON-LD (the default graph's nodes, then every named graph but `exclude`
    in name order) to `path`, one named graph at a time (JSON nodes cost ~1 KB a triple); returns its size.
    Graphs in `parts` are taken as rendered there (the store must still hold what they held then)."""
    excluded = set(exclude)
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in excluded)
    spans = parts.spans if parts is not None else {}
    named = ((name, parts.read(name) if parts is not None and name in spans
              else store.quads_for_pattern(None, None, None, ox.NamedNode(name))) for name in names)
    default = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    with open(path, "wb") as fh:
        for chunk in document_chunks(context_iri, default, named):
            fh.write(chunk)
    return Path(path).stat().st_size
