"""Resource pages compare countries (issue 14, part 4): with the factsheets of more than one country
loaded, a loaded country's page shows it beside the others (latest edition, registered cluster
organisations, partner countries per programme, state-of-play levels, partner countries shared),
and the page of a cooperation programme, a NACE division or an industrial ecosystem shows its
figures per loaded country.

The numbers come from the explorer's queries (queries/explore/*.rq) with ?cc unbound, i.e. each
country's latest edition (B graph/latest), so a page, the countries view and the explorer agree.
With one country loaded there is nothing to compare and no section is added."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

import pyoxigraph as ox

from eccp_kg.explore.compare import loaded_countries
from eccp_kg.explore.queries import load_query, run

from .iri_map import local_url

Section = dict[str, Any]
Countries = list[dict[str, Any]]


def _cell(text: Any, iri: str | None = None) -> dict[str, Any]:
    return {"text": "–" if text is None else str(text), "href": (local_url(iri) or iri) if iri else None}


def _rows(select: Any, name: str, bind: dict[str, str]) -> list[dict[str, Any]]:
    return run(select, load_query(name), {k: ox.NamedNode(v) for k, v in bind.items()} or None)


def _table(ident: str, title: str, columns: list[str], rows: list[list[dict[str, Any]]], explore: str) -> Section:
    return {"id": ident, "title": title, "columns": columns, "rows": rows, "stated": None, "counted": None,
            "explore": explore}


def _latest(loaded: Countries) -> dict[str, str]:
    return {c["code"]: c["editions"][-1] for c in loaded}


def beside(select: Any, iri: str, loaded: Countries) -> list[Section]:
    """A loaded country beside the others: one row per figure, one column per country (its own first)."""
    this = next((c for c in loaded if c["iri"] == iri), None)
    if this is None:
        return []
    codes = [this["code"]] + [c["code"] for c in loaded if c is not this]
    latest = _latest(loaded)
    figures: dict[str, dict[str, Any]] = defaultdict(dict)  # figure -> country code -> value

    for cc, edition in latest.items():
        figures["Latest edition"][cc] = edition
    for r in _rows(select, "edition-figures", {}):
        if r["measure"] == "registered" and latest.get(r["cc"]) == r["edition"]:
            figures["Cluster organisations registered (stated)"][r["cc"]] = r["value"]
    for r in _rows(select, "countries-programmes", {}):
        figures[f"{r['programmeLabel']}: partner countries"][r["cc"]] = r["partners"]
    for r in sorted(_rows(select, "countries-state-of-play", {}), key=lambda r: r["criterionPosition"]):
        figures[f"{r['criterionLabel']}: state-of-play level (1 = lowest)"][r["cc"]] = r["levelOrder"]
    partners: dict[str, set[str]] = defaultdict(set)
    for r in _rows(select, "countries-shared-partners", {}):
        partners[r["cc"]].add(r["code"])
    for cc in codes[1:]:
        figures[f"Partner countries shared with {this['code']}"][cc] = len(partners[this["code"]] & partners[cc])
    rows = [[_cell(name)] + [_cell(values.get(cc)) for cc in codes] for name, values in figures.items()]
    return [_table("beside", f"{this['label']} beside the other loaded countries", ["Figure", *codes], rows,
                   "/explore/countries#country-programmes")]


def _per_country(ident: str, title: str, columns: list[str], loaded: Countries,
                 values: dict[str, list[Any]], explore: str) -> Section:
    """One row per loaded country (a dash where its latest edition states nothing)."""
    rows = [[_cell(f"{c['label']} ({c['code']})", c["iri"])] + [_cell(v) for v in values.get(c["code"], [None] * len(columns))]
            for c in loaded]
    return _table(ident, title, ["Country", *columns], rows, explore)


def programme(select: Any, iri: str, loaded: Countries) -> list[Section]:
    """How many partner countries each country's factsheet lists in the programme."""
    values = {r["cc"]: [r["edition"], r["partners"], r["listed"]] for r in _rows(select, "countries-programmes", {"programme": iri})}
    if not values:
        return []
    return [_per_country("per-country", "Per country: the partner countries its factsheet lists in this programme",
                         ["Edition", "Partner countries", "Listings"], loaded, values, "/explore/countries#country-programmes")]


def nace(select: Any, iri: str, loaded: Countries) -> list[Section]:
    """How many regions of each country rank the division among their top five, and the best rank."""
    ranks: dict[str, list[int]] = defaultdict(list)
    for r in _rows(select, "region-sector-agglomerations", {"nace": iri}):
        if r.get("rank") is not None:
            ranks[r["cc"]].append(int(r["rank"]))
    values = {cc: [len(found), min(found)] for cc, found in ranks.items()}
    return [_per_country("per-country", "Per country: regions ranking it among their top five sectoral agglomerations",
                         ["Regions", "Best rank"], loaded, values, "/explore/regions")]


def ecosystem(select: Any, iri: str, loaded: Countries) -> list[Section]:
    """Per country: regions with it as an agglomeration, cluster organisations, Euroclusters."""
    regions: dict[str, set[str]] = defaultdict(set)
    for r in _rows(select, "region-ecosystem-agglomerations", {"ecosystem": iri}):
        if r.get("rank") is not None:
            regions[r["cc"]].add(r["code"])
    orgs = {r["cc"]: r["organisations"] for r in _rows(select, "ecosystem-cluster-organisations", {"ecosystem": iri})}
    euro: dict[str, set[str]] = defaultdict(set)
    for r in _rows(select, "euroclusters", {"ecosystem": iri}):
        if r.get("ecosystemLabel") is not None:  # matched inside the query's OPTIONAL (resource_answers.ecosystem)
            euro[r["cc"]].add(r["eurocluster"])
    values = {c["code"]: [len(regions[c["code"]]), orgs.get(c["code"]), len(euro[c["code"]])] for c in loaded}
    return [_per_country("per-country", "Per country: regions, cluster organisations and Euroclusters",
                         ["Regions with it as an agglomeration", "Cluster organisations", "Euroclusters"], loaded, values,
                         "/explore/ecosystems")]


#: What a page adds when several countries are loaded, by the resource's class (eccp: local name).
BY_CLASS: dict[str, Callable[[Any, str, Countries], list[Section]]] = {
    "Country": beside, "CooperationProgramme": programme, "NaceDivision": nace, "IndustrialEcosystem": ecosystem,
}


def compared(select: Any, iri: str, kind: str) -> list[Section]:
    """The comparison sections of a resource of this class, [] with fewer than two countries loaded."""
    if kind not in BY_CLASS:
        return []
    loaded = loaded_countries(select)
    return BY_CLASS[kind](select, iri, loaded) if len(loaded) > 1 else []
