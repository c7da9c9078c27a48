"""RDF terms as the linked-data pages show them: short names, labels, links and small print.

Why a module of its own: the resource, graph and dataset pages (server/resources.py) show terms
the same way, and picking the best of several labels is the same job on each page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from eccp_kg.graph.namespaces import PREFIXES

from .iri_map import configured_base, local_url

#: Predicates that name a resource, for its page title.
LABEL_PREDICATES = frozenset({PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["dcterms"] + "title"})


def curie(iri: str) -> str:
    """A short name for an IRI from the project's prefixes (longest namespace wins), else the IRI."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            rest = iri[len(ns):]
            if rest and all(c.isalnum() or c in "-_." for c in rest):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


@dataclass(frozen=True)
class TermView:
    """One RDF term as a page shows it: text, optional link, and the small print."""

    text: str
    href: str | None = None
    external: bool = False
    note: str = ""  # language tag, datatype or the IRI under a label
    kind: str = "iri"


def term_view(term: Any, label: Any = None) -> TermView:
    """How a term (None = the default graph) is shown; values are escaped by Jinja's autoescape."""
    if isinstance(term, ox.NamedNode):
        local = local_url(term.value)
        base = configured_base()
        short = curie(term.value)
        if isinstance(label, ox.Literal):
            text = label.value
        elif short == term.value and local is not None and term.value.startswith(base):
            text = term.value[len(base):]  # our own IRIs: the path part reads best
        else:
            text = short
        return TermView(text, local or term.value, external=local is None, note=term.value if text != term.value else "")
    if isinstance(term, ox.Literal):
        note = f"@{term.language}" if term.language else ""
        if not note and term.datatype.value != PREFIXES["xsd"] + "string":
            note = curie(term.datatype.value)
        return TermView(term.value, note=note, kind="literal")
    if term is None:  # an unbound graph: the store's default graph
        return TermView("default graph", kind="other")
    if isinstance(term, ox.BlankNode):
        return TermView(f"_:{term.value}", kind="bnode")
    return TermView(str(term), kind="other")


def label_rank(label: Any) -> int:
    """English first, then untagged, then anything else."""
    if not isinstance(label, ox.Literal):
        return 9
    return {"en": 0, None: 1}.get(label.language, 2)


def label_key(label: Any) -> tuple[int, str]:
    """label_rank, then the text: a deterministic choice among equally good labels."""
    return label_rank(label), label.value if isinstance(label, ox.Literal) else ""


def best_labels(rows: list[dict[str, Any]], key: tuple[str, ...], label_vars: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per `key` (the statement), keeping the best-ranked label for each label variable."""
    merged: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        k = tuple(str(row.get(v)) for v in key)
        kept = merged.setdefault(k, dict(row))
        for var in label_vars:
            # ties broken by the text, so every engine (whatever its row order) shows the same label
            if label_key(row.get(var)) < label_key(kept.get(var)):
                kept[var] = row[var]
    return list(merged.values())


def own_label(out: list[dict[str, Any]]) -> str | None:
    """A resource's best label among its outgoing statement rows (?p, ?o)."""
    labels = [r["o"] for r in out if r["p"].value in LABEL_PREDICATES and isinstance(r["o"], ox.Literal)]
    return min(labels, key=label_key).value if labels else None


def statement_views(rows: list[dict[str, Any]], incoming: bool = False) -> list[tuple[TermView, TermView, TermView]]:
    """Table rows of statements: (predicate, object, graph), or (subject, predicate, graph) when incoming."""
    if incoming:
        return [(term_view(r["o"], r.get("ol")), term_view(r["p"], r.get("pl")), term_view(r.get("g"))) for r in rows]
    return [(term_view(r["p"], r.get("pl")), term_view(r["o"], r.get("ol")), term_view(r.get("g"))) for r in rows]
