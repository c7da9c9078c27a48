"""Sortable explorer tables: `?sort=TABLE.COLUMN&order=asc|desc` (issue 12, part 1).

Why on the server: a table must sort without JavaScript (a header is a link to the sorted page);
explore.js then sorts the same rows in the page, with the same rule, without a reload. The rule,
shared by both: missing values (shown as "–") last in either order, numbers by value, text by its
lower-case form, ties in the query's order (each row carries `data-index`, its place before sorting).

Each view declares its sortable tables once here: the table's id on the page, the key of its rows in
the view's data and one value function per column (what the cell shows first)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

Value = Callable[[dict[str, Any]], Any]


class BadSort(ValueError):
    """A ?sort= or ?order= value the page does not offer; `parameter` and `allowed` say what is."""

    def __init__(self, parameter: str, value: str, allowed: list[str]):
        self.parameter, self.allowed = parameter, allowed
        super().__init__(f"query parameter {parameter!r}: unknown value {value!r}; expected one of {', '.join(allowed)}")


@dataclass(frozen=True)
class Sortable:
    """One table a view can sort: where its rows are in the view's data and its columns' values."""

    table: str
    rows: str
    columns: Mapping[str, Value]


def _item(i: int, field: str) -> Value:
    return lambda g: g["items"][i][field] if len(g["items"]) > i else None


def _ranked(table: str, rows: str, width: int, field: str) -> Sortable:
    cols: dict[str, Value] = {"region": lambda g: g["code"], "stated": lambda g: g["stated"]}
    cols.update({f"rank{i + 1}": _item(i, field) for i in range(width)})
    return Sortable(table, rows, cols)


def sortables(slug: str, data: Mapping[str, Any]) -> dict[str, Sortable]:
    """The sortable tables of one view's page, by table id (some columns depend on the data)."""
    found: list[Sortable] = []
    if slug == "partnerships":
        cols: dict[str, Value] = {"country": lambda c: c["code"]}
        cols.update({p["key"]: (lambda k: lambda c: c["counts"].get(k, 0))(p["key"]) for p in data["programmes"]})
        cols["programmes"] = lambda c: len(c["programmes"])
        found.append(Sortable("matrix", "matrix", cols))
        found.append(Sortable("stated-counts", "stated", {
            "programme": lambda s: s["label"], "stated": lambda s: s["stated"], "listed": lambda s: s["listed"],
            "distinct": lambda s: s["distinct"]}))
    elif slug == "euroclusters":
        found.append(Sortable("euroclusters", "euroclusters", {
            "eurocluster": lambda e: e["label"], "ecosystems": lambda e: len(e["ecosystems"]) or None}))
    elif slug == "regions":
        found.append(_ranked("sectoral", "sectoral", data["sectorWidth"], "naceCode"))
        found.append(_ranked("ecosystem-agglomerations", "ecosystems", data["ecosystemWidth"], "ecosystemLabel"))
        found.append(Sortable("ranking", "ranking", {
            "place": lambda r: r["place"], "region": lambda r: r["code"], "sectoral": lambda r: r["sectoral"],
            "ecosystems": lambda r: r["ecosystems"], "total": lambda r: r["total"]}))
    elif slug == "ecosystems":
        found.append(Sortable("organisations", "organisations", {
            "ecosystem": lambda b: b["label"], "organisations": lambda b: b["value"]}))
        found.append(Sortable("members", "members", {
            "type": lambda m: m["label"], "share": lambda m: m["share"], "eu": lambda m: m["euShare"]}))
    elif slug == "policies":
        found.append(Sortable("policies", "aspects", {"aspect": lambda a: a["label"]}))
    return {s.table: s for s in found}


def sort_key(value: Any) -> tuple:
    """The shared rule: numbers by value, text lower-cased; missing values are placed by the caller."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float)):
        return (0, value, "")
    return (1, 0, str(value).casefold())


def apply(slug: str, data: dict[str, Any], sort: str | None, order: str | None) -> dict[str, Any]:
    """Number every table's rows (data-index), sort the one ?sort= names; return the sort state
    {"table", "column", "order"} for the templates (table None when unsorted)."""
    tables = sortables(slug, data)
    for s in tables.values():
        for i, row in enumerate(data[s.rows]):
            row["index"] = i
    state: dict[str, Any] = {"table": None, "column": None, "order": "asc", "tables": tables}
    if order not in (None, "", "asc", "desc"):
        raise BadSort("order", str(order), ["asc", "desc"])
    if not sort:
        return state
    table, _, column = sort.partition(".")
    allowed = [f"{t}.{c}" for t, s in tables.items() for c in s.columns]
    if table not in tables or column not in tables[table].columns:
        raise BadSort("sort", sort, allowed)
    spec, descending = tables[table], order == "desc"
    value = spec.columns[column]
    rows = data[spec.rows]
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: r["index"])
    present.sort(key=lambda r: sort_key(value(r)), reverse=descending)  # stable either way: ties keep query order
    data[spec.rows] = present + missing
    state.update(table=table, column=column, order="desc" if descending else "asc")
    return state

