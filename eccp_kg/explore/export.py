"""Every explorer view as data: /explore/NAME.csv and /explore/NAME.json (issue 12, part 1).

Why: an analyst who found a number on a page wants the rows behind it in a spreadsheet or a
script, as Datasette gives for every view. The export is the view's SPARQL results themselves
(each query of `queries/explore/` the page is drawn from, with the page's filters applied to the
same rows), so a download can never disagree with the page or with the query UI.

Columns are the query's projected variables in SELECT order, read from pyoxigraph itself
(the query evaluated over an empty store), never parsed by hand."""
from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from typing import Any, Sequence

import pyoxigraph as ox

from eccp_kg.graph.formats import RESULTS

from .queries import Row, Select, ViewQuery
from .views import View, fetch, key_of, resolve_programmes

#: The export formats: suffix -> media type. The JSON is our own document (view, filters, tables),
#: not SPARQL JSON results, hence plain application/json; the CSV's media type is SPARQL CSV's.
FORMATS: dict[str, str] = {"csv": RESULTS["csv"].media_type, "json": "application/json"}


class UnknownTable(ValueError):
    """?query= names no query of the view; `allowed` lists the view's query names."""

    def __init__(self, name: str, allowed: list[str]):
        self.allowed = allowed
        super().__init__(f"query parameter 'query': unknown value {name!r}; expected one of {', '.join(allowed)}")


@lru_cache(maxsize=64)
def columns(text: str) -> tuple[str, ...]:
    """The projected variables of a SELECT, in order (pyoxigraph's own parse, on an empty store)."""
    result = ox.Store().query(text)
    return tuple(v.value for v in result.variables)


def _filtered(rows: list[Row], selected: Sequence[str]) -> list[Row]:
    """The page's programme filter on rows that carry a programme (others are kept as they are)."""
    if not selected:
        return rows
    return [r for r in rows if r.get("programme") is None or key_of(r["programme"]) in selected]


def tables(select: Select, view: View, selected: Sequence[str] = (), only: str | None = None,
           country: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """The programme keys applied and the view's query results as tables: name, question,
    columns, rows (plain values).

    `selected` programme values filter as on the page (unknown ones raise UnknownProgramme);
    `only` keeps one query's table (unknown names raise UnknownTable); `country` binds ?cc as on
    the page."""
    queries, rows = fetch(select, view, country)
    selected = resolve_programmes(rows, selected) if view.slug == "partnerships" else []
    names = [q.name for q in queries]
    if only is not None and only not in names:
        raise UnknownTable(only, names)
    out = []
    for q in queries:
        if only is not None and q.name != only:
            continue
        out.append(_table(q, _filtered(rows[q.name], selected)))
    return selected, out


def _table(query: ViewQuery, rows: list[Row]) -> dict[str, Any]:
    cols = list(columns(query.text))
    return {"name": query.name, "question": query.question, "file": query.filename, "columns": cols,
            "rows": [{c: r.get(c) for c in cols} for r in rows]}


def to_json(view: View, found: list[dict[str, Any]], selected: Sequence[str], country: str | None = None) -> str:
    """The JSON document: the view, the filters applied and one table per query.

    `filters.country` is the country whose rows the tables hold (the rows' ?cc), the default one
    too when the request named none; null on a view that compares every loaded country."""
    filters = {"country": country if view.per_country else None, "programme": list(selected)}
    doc = {"view": view.slug, "title": view.title, "filters": filters, "tables": found}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def to_csv(table: dict[str, Any]) -> str:
    """One table as CSV (RFC 4180, CRLF line ends, header row of variable names; unbound = empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table["columns"])
    for row in table["rows"]:
        writer.writerow(["" if row[c] is None else row[c] for c in table["columns"]])
    return buf.getvalue()
