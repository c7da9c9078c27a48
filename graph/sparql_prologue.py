"""The project's prefixes predeclared for user queries, at /sparql and by `eccp-kg query`.

Why: a query may use `skos:prefLabel` or `eccp:ClusterOrganisation` without PREFIX lines, and
the table of prefixes is the one in eccp_kg.graph.prefixes.PREFIXES (also listed by the
service description and docs/endpoint.md). A query's own PREFIX lines win over the table.

* The embedded store gets the table through pyoxigraph's `prefixes=` argument: the query text is
  not touched, so every error position points into the user's text.
* A remote engine gets the text: PREFIX declarations from OUR table (never from user input) for
  the table's prefixes the query may use and does not declare, on one line before the query.
  Syntax errors are found by pyoxigraph on the user's own text before anything is sent."""
from __future__ import annotations

import re

from eccp_kg.graph.prefixes import PREFIXES

#: The predeclared prefixes (the one table).
PREDECLARED: dict[str, str] = PREFIXES

#: The prologue at the start of a query: blanks, comments, BASE and PREFIX declarations.
_PROLOGUE_ITEM = re.compile(
    r"\s+|#[^\n\r]*|BASE\s*<[^<>\s]*>|PREFIX\s*(?P<name>[A-Za-z][\w.-]*)?:\s*<[^<>\s]*>", re.IGNORECASE)
#: A prefixed name's prefix (or the empty prefix), as far as text can tell: over-matching only
#: adds a harmless declaration from the table.
_USED_PREFIX = re.compile(r"(?<![\w.<\"'?$:-])(?P<name>[A-Za-z][\w.-]*)?:")


def _prologue(query: str) -> tuple[set[str], int]:
    found, at = set(), 0
    while True:
        match = _PROLOGUE_ITEM.match(query, at)
        if match is None or match.end() == at:
            return found, at
        if match.group(0)[:6].upper() == "PREFIX":
            found.add(match.group("name") or "")
        at = match.end()


def declared_prefixes(query: str) -> set[str]:
    """Prefixes the query's own prologue declares ('' for the empty prefix)."""
    return _prologue(query)[0]


def prologue_end(query: str) -> int:
    """Offset of the first character after the prologue (and blanks and comments): the query form."""
    return _prologue(query)[1]


def remote_text(query: str) -> str:
    """The query as sent to a remote engine: one line declaring the table's prefixes it may use
    and does not declare itself, then the query unchanged ('' added when none is needed)."""
    declared = declared_prefixes(query)
    used = {m.group("name") or "" for m in _USED_PREFIX.finditer(query)}
    needed = [p for p in PREDECLARED if p in used and p not in declared]
    if not needed:
        return query
    return " ".join(f"PREFIX {p}: <{PREDECLARED[p]}>" for p in needed) + "\n" + query



def docs_table() -> str:
    """The predeclared prefixes as the Markdown table of docs/endpoint.md (a test compares them)."""
    return "\n".join(["| prefix | namespace |", "|---|---|", *(f"| `{p}:` | `{iri}` |" for p, iri in PREDECLARED.items())])


if __name__ == "__main__":
    print(docs_table())
