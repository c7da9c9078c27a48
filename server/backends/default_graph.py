"""How a request to a remote engine gets the union of the pushed build's graphs as its default graph.

Why: the embedded store answers over the union of the build's graphs; an engine's own default
graph may hold more (Virtuoso keeps its system graphs: virtrdf, DAV, owl, ldp, its endpoint's
description). Naming the build's graphs in every request (default-graph-uri and named-graph-uri)
is right on every engine, but at 1M triples that is 198 graphs: a 25 KB form to encode, an engine
that evaluates graph by graph, and ~400 header lines Virtuoso echoes (BENCHMARKS.md: a lookup on
Virtuoso alone took 43.5 ms with the graphs named against 23.8 ms without). So, cheapest first:

1. `engine`: the engine's named graphs are exactly the build's and its default graph holds as many
   triples as they do together (`oxigraph serve --union-default-graph` holding only the push): no
   graph names at all.
2. `engine, other graphs excluded`: Virtuoso's own default graph is every graph it holds, and its
   `define input:default-graph-exclude <g>` / `define input:named-graph-exclude <g>` pragmas take
   graphs out of the default graph and out of GRAPH ?g. The graphs it holds beyond the build's
   (five at 1M) are excluded in a line before the query; used only when, with that line, the
   engine's named graphs are exactly the build's and its default graph holds their triples (an
   engine that does not know the pragma refuses the probe and gets case 3).
3. `named graphs`: the build's graphs as default-graph-uri and named-graph-uri of each request.

(Named graphs only for a query with a GRAPH pattern was tried: Virtuoso 7 then answered the
property-path queries explore/partnership-listings and partnership-stated-counts with other rows.)
The choice is made when the backend starts and again whenever the pushed build id changes
(server/backends/remote.py): a graph added to the engine without a new push is not seen until then."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

#: One SELECT with its prologue -> its rows as {variable: value or None}; raises on any failure.
Select = Callable[[str], list[dict[str, str | None]]]

ENGINE, EXCLUDED, NAMED = "engine", "engine, other graphs excluded", "named graphs"
GRAPHS_HELD = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
#: Virtuoso 7 answers GRAPHS_HELD with one unbound ?g; this form lists its graphs (about 1 s at 1M).
GRAPHS_WITH_TRIPLES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class DefaultGraph:
    """What a request over the build's union default graph carries: `prologue` goes before the query
    text, `default` and `named` are its default-graph-uri and named-graph-uri parameters."""

    mode: str
    prologue: str = ""
    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


def exclusion_prologue(graphs: list[str]) -> str:
    """Virtuoso's pragmas taking `graphs` out of the default graph and out of GRAPH ?g ('' for none)."""
    return "".join(f"define input:default-graph-exclude <{g}> define input:named-graph-exclude <{g}>\n"
                   for g in sorted(graphs))


def _is_union(select: Select, prologue: str, listing: str, counts: dict[str, int]) -> bool:
    held = [row.get("g") for row in select(prologue + listing)]
    if None in held or set(held) != set(counts):
        return False
    seen = int(select(prologue + COUNT_DEFAULT)[0]["n"] or -1)
    return seen == sum(counts.values())


def choose(select: Select, counts: dict[str, int]) -> DefaultGraph:
    """The cheapest of the three forms that gives the build's union (`counts`: triples per build graph)."""
    graphs = tuple(sorted(counts))
    try:
        if _is_union(select, "", GRAPHS_HELD, counts):
            return DefaultGraph(ENGINE)
    except (OSError, RuntimeError, ValueError, SyntaxError, IndexError, KeyError):
        pass  # an engine that cannot say gets the graphs named
    try:
        held = {row.get("g") for row in select(GRAPHS_WITH_TRIPLES)}
        if None not in held and held >= set(counts):
            prologue = exclusion_prologue([g for g in held if g not in counts])  # type: ignore[misc]
            if prologue and _is_union(select, prologue, GRAPHS_WITH_TRIPLES, counts):
                return DefaultGraph(EXCLUDED, prologue)
    except (OSError, RuntimeError, ValueError, SyntaxError, IndexError, KeyError):
        pass  # the pragma is Virtuoso's: other engines refuse it
    return DefaultGraph(NAMED, "", graphs, graphs)
