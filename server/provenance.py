"""The provenance line of a resource page: which factsheet (title, edition), section and table the
statements on the page came from (issue 12, part 4).

Why: `eccp:sourceLocator` is a locator as the loaders write it ("Table 1", "Section 2.3,
Cross-regional / international cooperation, paragraph 2", "Annex, Table 5", and for code lists
"eccp-country-factsheet-italy.md (IT 2023), Table 1", an internal file name). A reader needs
"Country factsheet Italy 2023 (edition 2023): Table 1, Number of regionally relevant sectoral
agglomerations ...". The pieces come from the graph: the factsheet resource (label, edition,
its own locator = the file name), its exhibits (eccp:Exhibit: "Table 1" and caption) and the
section headings the prose statements carry (eccp:section "2.2 Regionally relevant
agglomerations"). Read once per build with queries that take no user input; the resource is
bound by substitutions."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox

from eccp_kg.graph.namespaces import sparql_prologue

_P = sparql_prologue()

#: The statements a page draws on: the resource's own and those pointing at it (observations
#: about a region), each with its locator and, when stated, the factsheet it is derived from.
Q_SOURCES = _P + """SELECT ?s ?f ?loc (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?s eccp:sourceLocator ?loc . BIND(?s AS ?x) OPTIONAL { ?s prov:wasDerivedFrom ?f } }
  UNION
  { ?x ?p ?s . ?x eccp:sourceLocator ?loc . OPTIONAL { ?x prov:wasDerivedFrom ?f } }
} GROUP BY ?s ?f ?loc"""

#: Every factsheet with its label, edition and the file name its own locator gives.
Q_FACTSHEETS = _P + """SELECT ?f ?label ?edition ?file WHERE {
  ?f a eccp:Factsheet .
  OPTIONAL { ?f rdfs:label ?label } OPTIONAL { ?f eccp:edition ?edition } OPTIONAL { ?f eccp:sourceLocator ?file }
}"""

#: Tables and figures of each factsheet ("Table 1" and its caption).
Q_EXHIBITS = _P + """SELECT ?f ?e ?number ?caption WHERE {
  ?e a eccp:Exhibit ; rdfs:label ?number ; dcterms:isPartOf ?f . OPTIONAL { ?e dcterms:title ?caption }
}"""

#: Section headings as the prose statements carry them ("2.2 Regionally relevant agglomerations").
Q_SECTIONS = _P + """SELECT DISTINCT ?f ?heading WHERE { ?x eccp:section ?heading ; prov:wasDerivedFrom ?f }"""

_FILE_PREFIX = re.compile(r"^(?P<file>[\w.-]+\.md)(?: \([^)]*\))?(?:, |$)")
_FILE_NAME = re.compile(r"[\w.-]+\.md\b")
_METADATA_FILE = re.compile(r"\bfactsheet\.toml\b")
#: Places listed per factsheet; the rest are counted (a factsheet's own page draws on hundreds).
MAX_PLACES = 8
_EXHIBIT = re.compile(r"^(?P<number>(?:Table|Figure) \d+)(?: (?P<rest>.*))?$")
_SECTION = re.compile(r"^Section (?P<number>\d+(?:\.\d+)*)(?: (?P<rest>.*))?$")
_HEADING = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+(?P<title>[^>]+?)\s*(?:>.*)?$")


@dataclass(frozen=True)
class Place:
    """One place in a factsheet, ready to show: section and exhibit (either may be absent) and the
    rest of the locator (column, paragraph, list) as printed."""

    section: str = ""  # "Section 2.2 Regionally relevant agglomerations"
    exhibit: str = ""  # "Table 1"
    caption: str = ""  # its caption
    exhibit_iri: str = ""
    detail: str = ""
    exhibit_href: str = ""  # where the exhibit's page is served  # "POLICY OBJECTIVES, National cluster policy column"

    @property
    def text(self) -> str:
        parts = [p for p in (self.section, self.exhibit + (f" ({self.caption})" if self.caption else ""), self.detail) if p]
        return ", ".join(parts)


@dataclass
class Source:
    """Statements of one factsheet (or of none stated) on a page, by place."""

    factsheet_iri: str
    label: str
    edition: str
    href: str = ""
    places: list[tuple[Place, int]] = field(default_factory=list)  # (place, statements)
    more_places: int = 0  # places past MAX_PLACES, not listed
    more_statements: int = 0


@dataclass(frozen=True)
class Index:
    """What the graph says about factsheets, their exhibits and section headings."""

    factsheets: dict[str, tuple[str, str]]  # IRI -> (label, edition)
    files: dict[str, str]  # file name -> factsheet IRI
    exhibits: dict[tuple[str, str], tuple[str, str]]  # (factsheet IRI, "Table 1") -> (exhibit IRI, caption)
    sections: dict[tuple[str, str], str]  # (factsheet IRI, "2.2") -> heading title


def read_index(select: Callable[..., list[dict[str, Any]]]) -> Index:
    """The index from the graph (four small queries, no user input)."""
    factsheets, files = {}, {}
    for row in select(Q_FACTSHEETS):
        iri = row["f"].value
        factsheets[iri] = (row["label"].value if "label" in row else iri, row["edition"].value if "edition" in row else "")
        if "file" in row:
            files[row["file"].value] = iri
    exhibits = {(r["f"].value, r["number"].value): (r["e"].value, r["caption"].value if "caption" in r else "")
                for r in select(Q_EXHIBITS)}
    sections = {}
    for row in select(Q_SECTIONS):
        found = _HEADING.match(row["heading"].value)
        if found:
            sections.setdefault((row["f"].value, found.group("number")), found.group("title").strip())
    return Index(factsheets, files, exhibits, sections)


def places(locator: str, factsheet: str | None, index: Index) -> tuple[str | None, list[Place]]:
    """(factsheet IRI, places) for one locator. A leading internal file name names the factsheet
    (its own eccp:sourceLocator) and is dropped; 'A; B' are two places."""
    found = _FILE_PREFIX.match(locator)
    if found:
        factsheet = factsheet or index.files.get(found.group("file"))
        locator = locator[found.end():]
    locator = _METADATA_FILE.sub("the factsheet's details:", _FILE_NAME.sub("the factsheet", locator))
    return factsheet, [_place(part.strip(), factsheet, index) for part in locator.split("; ") if part.strip()]


def _place(text: str, factsheet: str | None, index: Index) -> Place:
    section = exhibit = caption = exhibit_iri = ""
    rest: list[str] = []
    for part in text.split(", "):
        ex = _EXHIBIT.match(part) if not exhibit else None
        sec = _SECTION.match(part) if not section else None
        if part == "Annex" and not section:
            section = "Annex"
        elif ex:
            exhibit = ex.group("number")
            exhibit_iri, caption = index.exhibits.get((factsheet or "", exhibit), ("", ""))
            if ex.group("rest"):
                rest.append(ex.group("rest"))
        elif sec:
            number = sec.group("number")
            title = index.sections.get((factsheet or "", number), "")
            section = f"Section {number}" + (f" {title}" if title else "")
            if sec.group("rest"):
                rest.append(sec.group("rest"))
        else:
            rest.append(part)
    return Place(section, exhibit, caption, exhibit_iri, ", ".join(rest))


def sources(select: Callable[..., list[dict[str, Any]]], iri: str, index: Index,
            link: Callable[[str], str | None] = lambda iri: iri) -> list[Source]:
    """The page's sources, one per factsheet (stated ones first, by label), places by statements;
    `link` gives the URL of a factsheet's or an exhibit's page."""
    by_factsheet: dict[str, Source] = {}
    for row in select(Q_SOURCES, {"s": ox.NamedNode(iri)}):
        stated = row["f"].value if "f" in row else None
        factsheet, found = places(row["loc"].value, stated, index)
        key = factsheet or ""
        label, edition = index.factsheets.get(key, ("", ""))
        source = by_factsheet.setdefault(key, Source(key, label, edition, (link(key) or key) if key else ""))
        for place in found:
            if place.exhibit_iri:
                place = replace(place, exhibit_href=link(place.exhibit_iri) or place.exhibit_iri)
            source.places.append((place, int(row["n"].value)))
    out = []
    for source in sorted(by_factsheet.values(), key=lambda s: (not s.factsheet_iri, s.label)):
        merged: dict[Place, int] = {}
        for place, n in source.places:
            merged[place] = merged.get(place, 0) + n
        ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0].text))
        source.places = ranked[:MAX_PLACES]
        source.more_places = len(ranked) - len(source.places)
        source.more_statements = sum(n for _, n in ranked[MAX_PLACES:])
        out.append(source)
    return out


_INDEX = "eccp_kg_provenance_index"


def page_sources(app: Any, dataset: Any, iri: str, link: Callable[[str], str | None]) -> list[Source]:
    """`sources` with the index read once per build (cached on the app by build id)."""
    cached = app.extensions.get(_INDEX)
    build_id = getattr(dataset, "build_id", None)
    if cached is None or cached[0] != build_id:
        cached = app.extensions[_INDEX] = (build_id, read_index(dataset.select))
    return sources(dataset.select, iri, cached[1], link)
