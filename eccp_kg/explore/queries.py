"""The SPARQL behind the explorer: load a view's query from queries/explore/ and run it.

Every explorer view gets its data from a `.rq` file a user can run unchanged in the query UI
(the page links to the UI with the text), so the page and the endpoint can never
disagree. A file's PREFIX lines must match `eccp_kg.graph.namespaces.PREFIXES` exactly (checked
on load), so no namespace is spelt differently. Results are turned into plain Python values
here, once, so the shaping code and the templates never see pyoxigraph terms."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

import pyoxigraph as ox

from eccp_kg.graph.dataset import Dataset, open_store_read_only
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.query_files import read_query_file

#: A SELECT runner: (query text, substitutions or None) -> rows of variable name -> pyoxigraph term.
#: The server passes `app.extensions["eccp_kg"].select`; the report passes `store_select(store)`.
Select = Callable[..., list[dict[str, Any]]]

#: One row of plain values: IRIs and strings as str, numbers as int/float, unbound as None.
Row = dict[str, Any]

_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + t: kind
    for kind, types in {
        int: ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
              "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "gYear"),
        float: ("decimal", "double", "float"),
    }.items()
    for t in types
}


class ExploreQueryError(LookupError):
    """A view asked for a query file that is not in queries/explore/ or does not have the house form."""


@dataclass(frozen=True)
class ViewQuery:
    """One explorer query: its file name, the question it answers and the full runnable text."""

    name: str
    question: str
    text: str  # the file as it is: what the page shows and the query UI opens

    @property
    def filename(self) -> str:
        return f"queries/explore/{self.name}.rq"


def _query_dir() -> Path:
    return Path(str(resources.files("eccp_kg.queries") / "explore"))


def query_names() -> list[str]:
    """Every explorer query file, by name (without .rq), sorted."""
    return sorted(p.stem for p in _query_dir().glob("*.rq"))


def load_query(name: str) -> ViewQuery:
    """Read queries/explore/{name}.rq through graph/query_files.py (question line and prefixes checked)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ExploreQueryError(f"explorer query name {name!r}: expected lower-case letters, digits and '-'")
    path = _query_dir() / f"{name}.rq"
    if not path.is_file():
        raise ExploreQueryError(f"queries/explore/{name}.rq: no such explorer query")
    try:
        found = read_query_file(path, shown_as=f"queries/explore/{name}.rq", check_prefixes=True)
    except SourceError as exc:
        raise ExploreQueryError(str(exc)) from exc
    return ViewQuery(name, found.question, found.text)


def plain(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (numbers typed by their XSD datatype)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = _NUMERIC.get(term.datatype.value)
        if kind is not None:
            try:
                number = Decimal(term.value)
            except ArithmeticError:
                return term.value  # an ill-typed literal is shown as printed, never guessed
            return int(number) if number == number.to_integral_value() else float(number)
        return term.value
    return term.value  # NamedNode, BlankNode


def run(select: Select, query: ViewQuery, substitutions: Mapping[str, Any] | None = None) -> list[Row]:
    """Run one explorer query and return rows of plain values.

    `substitutions` maps variable names to pyoxigraph terms: user input is bound this way,
    never pasted into the query text."""
    rows = select(query.text, substitutions=dict(substitutions) if substitutions else None)
    return [{k: plain(v) for k, v in row.items()} for row in rows]


def store_select(store_dir: str | Path) -> Select:
    """A Select over a built store opened read-only, through the server's Dataset (union graph).

    Used where there is no Flask app (the static report)."""
    return Dataset(open_store_read_only(store_dir), Path(store_dir), build_id="report").select
