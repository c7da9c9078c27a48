"""Loaders: one module per source table, pure functions from checked CSV rows to triples.

Public API (the contract in docs/architecture.md):

    load_codelists(data_dir, minter) -> rdflib.Graph   # B graph/codelists
    discover_editions(data_dir) -> list[Edition]       # every data/{cc}/{edition}/factsheet.toml
    load_edition(edition, minter) -> rdflib.Graph      # B graph/{cc}/{edition}

Every table is read through `tables.read_table`, which checks each cell against
data/schemas.toml and raises eccp_kg.graph.errors.SourceError (file, line, column, expected)
on the first bad one; nothing is returned until every table of the edition has loaded.
Country and edition come from factsheet.toml, never from code."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Graph

from ..graph.errors import SourceError
from ..graph.iris import Minter
from ..graph.namespaces import bind_all
from . import agglomerations, assessment, clusters, codelists, factsheet, figures, mentions, narrative, policies, programmes, semester
from .common import Context, Edition, Lookups, Triple
from .tables import Schemas, Tables, load_schemas, read_folder, read_toml_fields

__all__ = ["Edition", "discover_editions", "load_codelists", "load_edition", "load_edition_triples", "load_schemas",
           "SourceError"]

#: the edition loaders, in the order the factsheet is read
EDITION_LOADERS: tuple[Callable[[Tables, Context], Iterator[Triple]], ...] = (
    factsheet.load, narrative.load, agglomerations.load, clusters.load, programmes.load,
    policies.load, figures.load, assessment.load, semester.load, mentions.load,
)
SCHEMAS_FILE = "schemas.toml"
FACTSHEET_FILE = "factsheet.toml"


def _default_data_dir() -> Path:
    from ..data import PATH

    return PATH


def _display_root(data_dir: Path) -> Path:
    """Errors name files relative to the folder holding data/, e.g. data/it/2023/policies.csv."""
    return data_dir.parent


def _graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    bind_all(graph)
    for triple in triples:
        graph.add(triple)
    return graph


def _codelist_tables(data_dir: Path, schemas: Schemas) -> Tables:
    return read_folder(data_dir / "codelists", schemas.scoped("codelist"), _display_root(data_dir))


def load_codelists(data_dir: Path | None = None, minter: Minter | None = None) -> Graph:
    """The shared SKOS code lists (data/codelists/*.csv) as one graph."""
    data_dir = Path(data_dir or _default_data_dir())
    minter = minter or Minter.default()
    schemas = load_schemas(data_dir / SCHEMAS_FILE)
    return _graph(codelists.load(_codelist_tables(data_dir, schemas), schemas, minter))


def discover_editions(data_dir: Path | None = None) -> list[Edition]:
    """Every factsheet edition under data_dir: each data/{cc}/{edition}/factsheet.toml, checked.

    The folder names must agree with the file (country code lower-cased, edition), so an edition
    can never be filed under another country's IRIs."""
    data_dir = Path(data_dir or _default_data_dir())
    schemas = load_schemas(data_dir / SCHEMAS_FILE)
    root = _display_root(data_dir)
    editions = []
    for path in sorted(data_dir.glob(f"*/*/{FACTSHEET_FILE}")):
        display = str(path.relative_to(root))
        meta = read_toml_fields(path, schemas.factsheet, display)
        country, edition = str(meta["country_code"]), str(meta["edition"])
        if path.parent.parent.name != country.lower():
            raise SourceError(display, None, "country_code", f"the country code of its folder ('{path.parent.parent.name}')", country)
        if path.parent.name != edition:
            raise SourceError(display, None, "edition", f"the edition of its folder ('{path.parent.name}')", edition)
        _check_source_document(path, meta, display)
        editions.append(Edition(country, edition, path.parent, data_dir, meta))
    return editions


def _check_source_document(toml: Path, meta: dict, display: str) -> None:
    """The factsheet text named by source_file is in the edition folder and, when source_sha256 is
    given, byte for byte the published one: the build serves it for readers to check every locator."""
    folder, name = toml.parent, str(meta["source_file"])
    document = folder / name
    lines = toml.read_text(encoding="utf-8").splitlines()

    def line(key: str) -> int | None:
        return next((n for n, text in enumerate(lines, 1) if text.split("=")[0].strip() == key), None)

    if "/" in name or "\\" in name or name.startswith(".") or not document.is_file():
        raise SourceError(display, line("source_file"), "source_file", f"the name of a file in {folder.name}/ beside factsheet.toml", name)
    expected = meta.get("source_sha256")
    if expected:
        actual = hashlib.sha256(document.read_bytes()).hexdigest()
        if actual != expected:
            raise SourceError(display, line("source_sha256"), "source_sha256", f"the SHA-256 of {name} ({actual}): the factsheet text "
                              "must stay as published", expected)


_SHARED: dict[tuple, tuple[Schemas, Lookups]] = {}


def _shared_inputs(data_dir: Path) -> tuple[Schemas, Lookups]:
    """schemas.toml and the code-list lookups of a data folder, read once while their files stay unchanged
    (a build over many editions read them again for each: 1.8 s of 10 at 32 editions)."""
    files = [data_dir / SCHEMAS_FILE, *sorted((data_dir / "codelists").glob("*"))]
    key = (str(data_dir.resolve()), tuple((str(f), s.st_mtime_ns, s.st_size) for f in files if f.is_file() for s in [f.stat()]))
    if key not in _SHARED:
        schemas = load_schemas(data_dir / SCHEMAS_FILE)
        lookups = codelists.lookups(_codelist_tables(data_dir, schemas))
        _SHARED.clear()
        _SHARED[key] = (schemas, lookups)
    return _SHARED[key]


def load_edition(edition: Edition, minter: Minter | None = None) -> Graph:
    """Everything one factsheet edition states, as one graph (B graph/{cc}/{edition} in the store)."""
    return _graph(load_edition_triples(edition, minter))


def load_edition_triples(edition: Edition, minter: Minter | None = None) -> list[Triple]:
    """The triples of `load_edition` without building an rdflib Graph (the build writes them as
    N-Triples: graph/triples.py); every table is read and checked before the first is returned."""
    minter = (minter or Minter.default()).for_edition(edition.country, edition.edition)
    schemas, lookups = _shared_inputs(edition.data_dir)
    root = _display_root(edition.data_dir)
    tables = read_folder(edition.path, schemas.scoped("edition"), root)
    ctx = Context(edition, minter, lookups, tables, schemas)
    return [t for load in EDITION_LOADERS for t in load(tables, ctx)]
