"""Search the graph by name or code: /search?q= (HTML) and /search.json?q= (issue 12, part 5).

Why: an analyst looking for Lombardy, C28 or a Eurocluster should not need SPARQL or the IRI
pattern. Every resource of the kinds people look for (`KINDS`) is indexed once per process from
the graph itself, with every name it has: its labels, its code (skos:notation), its alternative
labels and every variant the factsheet prints for it (eccp:printedAs, eccp:printedLabel). The
index query takes no user input; what the user typed is only ever compared in Python, so nothing
of it reaches SPARQL text.

Ranking (highest first): the code exactly, a name exactly, a name starting with the query, a word
of a name starting with it, the query inside a name, then close spellings (difflib ratio >= 0.75,
for typos such as "Lombrady"); ties go by kind (`KINDS` order) and label. Accents and case are
ignored ("Trentino-Alto Adige" = "trentino alto adige")."""
from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from eccp_kg.graph.namespaces import ECCP, sparql_prologue

from .iri_map import local_url

bp = Blueprint("search", __name__)

#: The classes searched, in the order ties are broken, with the name a result shows for its kind.
KINDS: tuple[tuple[str, str], ...] = (
    ("NutsRegion", "region"),
    ("Country", "country"),
    ("NaceDivision", "NACE division"),
    ("IndustrialEcosystem", "industrial ecosystem"),
    ("CooperationProgramme", "programme"),
    ("Eurocluster", "Eurocluster"),
    ("ClusterPolicy", "cluster policy"),
    ("ClusterOrganisation", "cluster organisation"),
    ("TechnologyCluster", "technology cluster"),
    ("PolicyDocument", "policy document"),
    ("PublicAuthority", "public authority"),
    ("University", "university"),
    ("Factsheet", "factsheet"),
)
_LABELS = "skos:prefLabel|rdfs:label|dcterms:title"
Q_INDEX = sparql_prologue() + f"""SELECT DISTINCT ?s ?type ?label ?code ?name WHERE {{
  VALUES ?type {{ {' '.join(f'eccp:{k}' for k, _ in KINDS)} }}
  ?s a ?type .
  OPTIONAL {{ ?s {_LABELS} ?label }}
  OPTIONAL {{ ?s skos:notation ?code }}
  OPTIONAL {{ {{ ?s skos:altLabel|skos:hiddenLabel|eccp:printedLabel ?name }}
             UNION {{ ?entry eccp:item ?s ; eccp:printedAs ?name }} }}
}}"""
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
_FUZZY = 0.75
_EXTENSION = "eccp_kg.search"
_LOCK = threading.Lock()


def fold(text: str) -> str:
    """Case, accents and punctuation ignored: what two spellings of a name have in common."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[0-9a-z]+", plain))


@dataclass
class Entry:
    """One searchable resource with every name it goes by."""

    iri: str
    kind: str
    order: int
    label: str = ""
    code: str = ""
    names: set[str] = field(default_factory=set)


def build_index(select: Any) -> list[Entry]:
    """Every resource of `KINDS` with its names, from one query over the served graph."""
    kinds = {str(ECCP[k]): (name, i) for i, (k, name) in enumerate(KINDS)}
    entries: dict[str, Entry] = {}
    for row in select(Q_INDEX):
        iri = row["s"].value
        kind, order = kinds[row["type"].value]
        e = entries.setdefault(iri, Entry(iri, kind, order))
        if order < e.order:  # a resource of two kinds shows the first
            e.kind, e.order = kind, order
        label = row.get("label")
        if label is not None and (not e.label or getattr(label, "language", None) == "en"):
            e.label = label.value
        if row.get("code") is not None:
            e.code = row["code"].value
        for key in ("label", "code", "name"):
            if row.get(key) is not None:
                e.names.add(row[key].value)
    for e in entries.values():
        e.label = e.label or e.code or e.iri.rsplit("/", 1)[-1]
    return sorted(entries.values(), key=lambda e: (e.order, e.label))


def index() -> list[Entry]:
    """The index of the served dataset, built on first use (the store is immutable)."""
    ext = current_app.extensions
    if _EXTENSION not in ext:
        with _LOCK:
            if _EXTENSION not in ext:
                ext[_EXTENSION] = build_index(ext["eccp_kg"].select)
    return ext[_EXTENSION]


def _score(entry: Entry, q: str, fuzzy: bool = True) -> tuple[int, str]:
    """How well `entry` matches the folded query, and the name that matched (0 = no match)."""
    best, matched = 0, ""
    for name in entry.names:
        n = fold(name)
        if not n:
            continue
        if n == q:
            s = 100 if name == entry.code else 90
        elif n.startswith(q):
            s = 70
        elif any(w.startswith(q) for w in n.split()):
            s = 60
        elif q in n:
            s = 40
        elif fuzzy:
            ratio = max([difflib.SequenceMatcher(None, q, n).ratio()]
                        + [difflib.SequenceMatcher(None, q, w).ratio() for w in n.split() if len(q) > 3])
            s = int(30 * ratio) if ratio >= _FUZZY else 0
        else:
            s = 0
        if s > best:
            best, matched = s, name
    return best, matched


def search(entries: list[Entry], text: str, limit: int = DEFAULT_LIMIT, fuzzy_from: int = 5) -> list[dict[str, Any]]:
    """The best `limit` matches for `text`, ranked (see module doc). Close spellings count only
    for queries of `fuzzy_from` characters or more (ITC4 must not find ITF4 by spelling)."""
    q = fold(text)
    if not q:
        return []
    found = []
    for e in entries:
        score, matched = _score(e, q, len(q) >= fuzzy_from)
        if score:
            found.append((score, e, matched))
    found.sort(key=lambda t: (-t[0], t[1].order, t[1].label))
    return [{"iri": e.iri, "href": local_url(e.iri) or e.iri, "label": e.label, "code": e.code or None,
             "kind": e.kind, "matched": matched, "score": score} for score, e, matched in found[:limit]]


def suggestions(text: str, limit: int = 5) -> list[dict[str, Any]]:
    """Close matches for a 404 (the missing IRI's last segment, e.g. ITC9 -> ITC4, ITC1 ...)."""
    return search(index(), text, limit, fuzzy_from=2)


def _limit() -> int | Response:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        from .errors import error_response

        return error_response(400, "Bad Request", f"query parameter 'limit': expected a whole number from 1 to "
                              f"{MAX_LIMIT}, got {raw!r}", parameter="limit")
    return int(raw)


@bp.get("/search.json")
def search_json() -> Response:
    """{"query", "results": [{iri, href, label, code, kind, matched, score}]}, best first."""
    limit = _limit()
    if isinstance(limit, Response):
        return limit
    q = request.args.get("q", "")
    resp = current_app.json.response({"query": q, "results": search(index(), q, limit)})
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/search")
def search_page() -> Response | str:
    """The results as a page; without ?q= the box and what can be searched."""
    limit = _limit()
    if isinstance(limit, Response):
        return limit
    q = request.args.get("q", "")
    return render_template("site/search.html", q=q, results=search(index(), q, limit) if q.strip() else None,
                           kinds=[name for _, name in KINDS])
