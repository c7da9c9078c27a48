"""A served graph for TRUSTED in-process queries (the server's pages, the static report, `eccp-kg query`),
and opening what is served: a built store read-only, or RDF files in memory.

Why in `graph`: the server, the static report and the CLI all open stores and data files the
same way, and only the serve command may import the server. Views written by the project
(resource pages, the explorer, the service description) run their fixed queries here, binding
every user-supplied value with pyoxigraph ``substitutions``. User-written SPARQL never comes
here: it goes through the server's evaluator (worker processes with a timeout, row cap and
SERVICE checks).

The default graph is the union of all named graphs, as in docs/architecture.md."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .formats import rdf_file_suffixes, rdf_format_for_suffix
from .iris import with_slash
from .store import content_hash


Term = Any  # pyoxigraph NamedNode | BlankNode | Literal | Triple


class DataError(ValueError):
    """A data file or store that cannot be opened; the message names the file and the problem."""


def _variables(substitutions: Mapping[str, Term] | None) -> dict[ox.Variable, Term] | None:
    """Accept plain names ("s" or "?s") as substitution keys, as the pages find natural."""
    if not substitutions:
        return None
    out: dict[ox.Variable, Term] = {}
    for key, value in substitutions.items():
        var = key if isinstance(key, ox.Variable) else ox.Variable(str(key).lstrip("?$"))
        out[var] = value
    return out


def format_for(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a data file from its suffix, or a DataError listing the known ones."""
    fmt = rdf_format_for_suffix(path.suffix) if path.suffix else None
    if fmt is None:
        known = ", ".join(rdf_file_suffixes())
        raise DataError(f"{path}: unknown RDF file suffix {path.suffix!r}; expected one of {known}")
    return fmt


def load_data_files(paths: Iterable[str | Path]) -> ox.Store:
    """An in-memory store holding the given RDF files (`eccp-kg serve --data`).

    Triples of triple-only formats go to the default graph, like `oxigraph serve` does."""
    store = ox.Store()
    for raw in paths:
        path = Path(raw)
        fmt = format_for(path)
        if not path.is_file():
            raise DataError(f"{path}: no such file")
        try:
            with path.open("rb") as fh:
                store.load(fh, format=fmt, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise DataError(f"{path}: {fmt.name} syntax error: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: could not read {fmt.name}: {exc}") from exc
    return store


def open_store_read_only(store_dir: str | Path) -> ox.Store:
    """The built store, read-only (the server never writes)."""
    path = Path(store_dir)
    if not path.is_dir():
        raise DataError(f"{path}: no store directory (run `eccp-kg build` first, or pass --data FILE)")
    try:
        return ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
        raise DataError(f"{path}: cannot open the store read-only: {exc}") from exc


def build_info_for(store_dir: Path | None) -> dict[str, Any]:
    """build-info.json next to a built store (build/store -> build/build-info.json), {} if there is none."""
    if store_dir is None:
        return {}
    info = Path(store_dir).parent / "build-info.json"
    try:
        value = json.loads(info.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def base_iri_for(store_dir: Path | None, store: ox.Store) -> str | None:
    """The base IRI the served data was minted under: build-info.json's `base_iri`, else the one
    named graph ``B graph/meta`` the build writes (so `serve --data` of a build's dump knows it too),
    else None."""
    value = build_info_for(store_dir).get("base_iri")
    if value:
        return with_slash(str(value))
    metas = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.endswith("/graph/meta")]
    return metas[0].removesuffix("graph/meta") if len(metas) == 1 else None


def build_id_for(store_dir: Path | None, store: ox.Store) -> str:
    """The id of the served build: build-info.json's `build_id` next to the store if present,
    else a content hash, so ETags change exactly when the data changes."""
    value = build_info_for(store_dir).get("build_id")
    if value:
        return str(value)
    return "sha256-" + content_hash(store, mask_blank_nodes=True)[:20]  # labels differ between loads


class Dataset:
    """The served graph (union default graph) plus what the server needs to describe it.

    Put in ``app.extensions["eccp_kg"]`` by `create_app`. Thread-safe: pyoxigraph stores
    can be queried from many threads."""

    def __init__(self, store: ox.Store, store_dir: Path | None = None, build_id: str | None = None):
        self.store = store
        self.store_dir = Path(store_dir) if store_dir is not None else None
        self.build_id = build_id or build_id_for(self.store_dir, store)
        #: the base IRI of the served build (None: not known from the data; the server then uses its default)
        self.base_iri = base_iri_for(self.store_dir, store)
        self._stats: dict[str, int] | None = None

    # -- trusted queries -------------------------------------------------------------
    def _query(self, query: str, substitutions: Mapping[str, Term] | None) -> Any:
        return self.store.query(query, use_default_graph_as_union=True, substitutions=_variables(substitutions))

    def select(self, query: str, substitutions: Mapping[str, Term] | None = None) -> list[dict[str, Term]]:
        """Rows of a SELECT as {variable name: term}; unbound variables are absent from a row.

        pyoxigraph 0.5 only substitutes variables that the SELECT projects, so project
        every variable you bind (``SELECT ?s ?label WHERE ...`` with ``{"s": iri}``)."""
        result = self._query(query, substitutions)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def construct(self, query: str, substitutions: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE."""
        result = self._query(query, substitutions)
        if not isinstance(result, ox.QueryTriples):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def ask(self, query: str, substitutions: Mapping[str, Term] | None = None) -> bool:
        """The answer of an ASK."""
        result = self._query(query, substitutions)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    # -- description -----------------------------------------------------------------
    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted (blank-node graphs are left out)."""
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_triple_counts(self) -> dict[str, int]:
        """Triples per named graph plus "" for the store's own default graph (computed once:
        the graph is immutable while served)."""
        if self._stats is None:
            counts: dict[str, int] = {}
            for quad in self.store.quads_for_pattern(None, None, None, None):
                key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
                counts[key] = counts.get(key, 0) + 1
            self._stats = counts
        return dict(self._stats)

    def __len__(self) -> int:
        return len(self.store)
