"""The explorer's views as plain functions: run a view's SPARQL, shape its rows for the templates.

One `View` per page under /explore. The shaping is pure (rows in, a dict for the template out),
so the server, the static report and the tests all compute the same numbers from the same
queries in queries/explore/. Nothing here knows about Flask or HTML."""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import pyoxigraph as ox

from eccp_kg.graph.namespaces import ECCP

from .compare import countries, editions
from .queries import Row, Select, ViewQuery, load_query, run


def key_of(iri: str) -> str:
    """The last path segment of an IRI: a stable, URL-safe key for filters and anchors."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


_key = key_of


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


# --------------------------------------------------------------------------- partnerships


def partnerships(rows: Mapping[str, list[Row]], selected: Sequence[str] = ()) -> dict[str, Any]:
    """Country x programme matrix, the set view and stated-versus-counted partner numbers.

    Rows of `partnership-listings`: programme, programmeLabel, code, country?, countryLabel?, listed.
    Rows of `partnership-stated-counts`: programme, programmeLabel, statedCount, statedText?,
    listed, distinct. `selected` are programme keys to show (empty = all); unknown keys are
    the caller's to reject (see `programme_keys`)."""
    programmes: OrderedDict[str, dict[str, Any]] = OrderedDict()
    countries: dict[str, dict[str, Any]] = {}
    for r in rows["partnership-listings"]:
        key = _key(r["programme"])
        programmes.setdefault(key, {"key": key, "iri": r["programme"], "label": r["programmeLabel"]})
        c = countries.setdefault(
            r["code"], {"code": r["code"], "iri": r.get("country"), "label": r.get("countryLabel") or r["code"],
                        "counts": {}},
        )
        c["counts"][key] = c["counts"].get(key, 0) + int(r["listed"])
    for c in countries.values():
        c["programmes"] = [k for k in programmes if c["counts"].get(k)]
    shown = [k for k in programmes if not selected or k in selected]
    # every country is rendered (the page's filter shows and hides rows without a reload);
    # `visible` says whether it is listed in a shown programme
    matrix = sorted(countries.values(), key=lambda c: (-len(c["counts"]), -sum(c["counts"].values()), c["code"]))
    for c in matrix:
        c["visible"] = any(c["counts"].get(k) for k in shown)
    totals = {k: sum(c["counts"].get(k, 0) for c in countries.values()) for k in programmes}
    distinct = {k: sum(1 for c in countries.values() if c["counts"].get(k)) for k in programmes}

    sets, only = _set_view(countries, programmes)
    return {
        "programmes": list(programmes.values()), "shown": shown, "selected": list(selected),
        "matrix": matrix, "totals": totals, "distinct": distinct, "sets": sets, "only": only,
        "stated": _stated_counts(rows["partnership-stated-counts"]), "countryCount": len(countries),
        "visibleCount": sum(c["visible"] for c in matrix),
    }


def _set_view(countries: Mapping[str, dict[str, Any]], programmes: Mapping[str, dict[str, Any]],
              ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Countries by how many programmes list them, grouped by which ones ("A + B"), and "X only"."""
    by_number: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in sorted(countries.values(), key=lambda c: c["code"]):
        by_number[len(c["counts"])].append(c)
    sets, order = [], list(programmes)
    for n in range(len(programmes), 0, -1):
        combos: OrderedDict[tuple[str, ...], list[dict[str, Any]]] = OrderedDict()
        if n == 1:  # every "X only" box, even an empty one
            combos.update(((k,), []) for k in programmes)
        for c in by_number.get(n, []):
            combos.setdefault(tuple(c["programmes"]), []).append(c)
        sets.append({
            "n": n, "countries": by_number.get(n, []),
            "label": "all programmes" if n == len(programmes) else f"{n} programme" + ("s" if n > 1 else ""),
            "groups": [{"keys": list(keys), "label": " + ".join(programmes[k]["label"] for k in keys),
                        "countries": members}
                       for keys, members in sorted(combos.items(), key=lambda kv: [order.index(k) for k in kv[0]])
                       if n == 1 or members],
        })
    only = {k: [c for c in by_number.get(1, []) if k in c["counts"]] for k in programmes}
    return sets, only


def _stated_counts(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Per programme: the count the text states, the codes listed and distinct, and whether they differ."""
    stated = []
    for r in rows:
        entry = {"key": _key(r["programme"]), "label": r["programmeLabel"], "stated": _int(r.get("statedCount")),
                 "statedText": r.get("statedText"), "listed": int(r["listed"]), "distinct": int(r["distinct"])}
        entry["differs"] = entry["stated"] is not None and (
            entry["stated"] != entry["listed"] or entry["stated"] != entry["distinct"]
        )
        stated.append(entry)
    return stated


def programme_keys(rows: Mapping[str, list[Row]]) -> list[str]:
    """The programme keys the partnership filter accepts (from the data, never a fixed list)."""
    return list(OrderedDict.fromkeys(_key(r["programme"]) for r in rows["partnership-listings"]))


# --------------------------------------------------------------------------- euroclusters


def euroclusters(rows: Mapping[str, list[Row]]) -> dict[str, Any]:
    """Each Eurocluster with the ecosystems the factsheet gives it (often none).

    Rows of `euroclusters`: eurocluster, label, ecosystem?, ecosystemLabel?."""
    found: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows["euroclusters"]:
        e = found.setdefault(r["eurocluster"], {"iri": r["eurocluster"], "label": r["label"], "ecosystems": []})
        if r.get("ecosystem") and all(x["iri"] != r["ecosystem"] for x in e["ecosystems"]):
            e["ecosystems"].append({"iri": r["ecosystem"], "label": r.get("ecosystemLabel") or _key(r["ecosystem"])})
    items = list(found.values())
    return {"euroclusters": items, "count": len(items),
            "withEcosystems": sum(1 for e in items if e["ecosystems"])}


# --------------------------------------------------------------------------- regions


def _ranked(rows: Iterable[Row], item: str, fields: Sequence[str]) -> list[dict[str, Any]]:
    """Regions (in query order) with their stated number and their ranked items."""
    regions: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows:
        g = regions.setdefault(r["region"], {"iri": r["region"], "code": r["code"], "label": r["regionLabel"],
                                             "stated": _int(r.get("stated")), "items": []})
        if r.get(item) is not None:
            g["items"].append({"rank": _int(r.get("rank")), **{f: r.get(f) for f in (item, *fields)}})
    width = max((len(g["items"]) for g in regions.values()), default=0)
    for g in regions.values():
        g["items"].sort(key=lambda i: (i["rank"] is None, i["rank"] or 0))
        # a table shows the top `width`: fewer listed than min(stated, width) (or more) contradicts the number
        g["differs"] = g["stated"] is not None and len(g["items"]) != min(g["stated"], width)
    return list(regions.values())


def regions(rows: Mapping[str, list[Row]]) -> dict[str, Any]:
    """Sectoral (NACE) and ecosystem agglomerations per NUTS-2 region, and the ranking.

    Rows of `region-sector-agglomerations`: region, code, regionLabel, stated, rank?, nace?,
    naceCode?, naceLabel?; of `region-ecosystem-agglomerations`: region, code, regionLabel,
    stated, rank?, ecosystem?, ecosystemLabel?; of `region-ranking`: region, code, regionLabel,
    sectoral, ecosystems (stated counts, already ordered by the query)."""
    sectoral = _ranked(rows["region-sector-agglomerations"], "nace", ("naceCode", "naceLabel"))
    ecosystems = _ranked(rows["region-ecosystem-agglomerations"], "ecosystem", ("ecosystemLabel",))
    ranking = []
    previous, place = None, 0
    for i, r in enumerate(rows["region-ranking"], start=1):
        score = (_int(r.get("sectoral")), _int(r.get("ecosystems")))
        place = place if score == previous else i  # ties share a place
        previous = score
        ranking.append({"place": place, "iri": r["region"], "code": r["code"], "label": r["regionLabel"],
                        "sectoral": score[0], "ecosystems": score[1],
                        "total": (score[0] or 0) + (score[1] or 0)})
    width = max((len(g["items"]) for g in sectoral), default=0)
    return {"sectoral": sectoral, "ecosystems": ecosystems, "ranking": ranking, "sectorWidth": width,
            "ecosystemWidth": max((len(g["items"]) for g in ecosystems), default=0)}


# --------------------------------------------------------------------------- ecosystems


def ecosystems(rows: Mapping[str, list[Row]], country: str = "the country") -> dict[str, Any]:
    """Cluster organisations per ecosystem and member composition against the EU average.

    Rows of `ecosystem-cluster-organisations`: ecosystem, ecosystemLabel, organisations (ordered);
    of `member-composition`: memberType, memberTypeLabel, share, euShare, comparisonLabel?."""
    bars = [{"iri": r["ecosystem"], "label": r["ecosystemLabel"], "value": r["organisations"]}
            for r in rows["ecosystem-cluster-organisations"]]
    members = [{"iri": r["memberType"], "label": r["memberTypeLabel"], "share": r.get("share"),
                "euShare": r.get("euShare")} for r in rows["member-composition"]]
    comparison = next((r["comparisonLabel"] for r in rows["member-composition"] if r.get("comparisonLabel")), "EU")
    return {
        "organisations": bars,
        "organisationsChart": {"labels": [b["label"] for b in bars],
                               "series": [{"label": "Cluster organisations", "values": [b["value"] for b in bars]}]},
        "members": members,
        "membersChart": {"labels": [m["label"] for m in members],
                         "series": [{"label": f"{country} (%)", "values": [m["share"] for m in members]},
                                    {"label": f"{comparison} average (%)",
                                     "values": [m["euShare"] for m in members]}]},
        "comparison": comparison,
    }


# --------------------------------------------------------------------------- policies


def policies(rows: Mapping[str, list[Row]]) -> dict[str, Any]:
    """National and regional policy side by side, aspect by aspect, with shared items marked.

    Rows of `policies`: policy, policyLabel, policyType?, column?, aspect, aspectLabel, item?,
    itemLabel?, text? (in the query's order; policies are shown in column order). Two cells share an item when both list the same concept (item)
    or print the same text."""
    pols: OrderedDict[str, dict[str, Any]] = OrderedDict()
    aspects: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows["policies"]:
        pols.setdefault(r["policy"], {"iri": r["policy"], "label": r["policyLabel"], "type": r.get("policyType"),
                                      "column": _int(r.get("column"))})
        a = aspects.setdefault(r["aspect"], {"key": _key(r["aspect"]), "label": r["aspectLabel"], "cells": {}})
        cell = a["cells"].setdefault(r["policy"], [])
        value = r.get("text") or r.get("itemLabel")  # as printed; the concept decides what is shared
        if value is None:
            continue
        ident = r.get("item") or " ".join(str(value).split()).casefold()
        if all(v["id"] != ident for v in cell):
            cell.append({"id": ident, "label": value, "concept": bool(r.get("item"))})
    order = sorted(pols, key=lambda p: (pols[p]["column"] is None, pols[p]["column"] or 0))  # table columns
    pols = OrderedDict((p, pols[p]) for p in order)
    for a in aspects.values():
        seen: dict[str, int] = defaultdict(int)
        for cell in a["cells"].values():
            for v in cell:
                seen[v["id"]] += 1
        for cell in a["cells"].values():
            for v in cell:
                v["shared"] = len(pols) > 1 and seen[v["id"]] == len(pols)
        a["row"] = [a["cells"].get(p, []) for p in pols]
        a["shared"] = sum(1 for v in a["row"][0] if v["shared"]) if a["row"] else 0
    return {"policies": list(pols.values()), "aspects": list(aspects.values())}


# --------------------------------------------------------------------------- registry

#: The query listing validation warnings; each view binds its ?about (see View.warnings_about).
WARNINGS = "validation-warnings"


class UnknownProgramme(ValueError):
    """A programme key the partnership filter does not know; `allowed` are the known keys."""

    def __init__(self, key: str, allowed: list[str]):
        self.key, self.allowed = key, allowed
        super().__init__(f"query parameter 'programme': unknown value {key!r}; expected one of {', '.join(allowed)}")


@dataclass(frozen=True)
class View:
    """One explorer page: where it lives, what it says and which queries feed it.

    `warnings_about` names the ontology class or Data Cube structure whose SHACL warnings (source
    inconsistencies) the page lists, so a contradiction is shown where its numbers are."""

    slug: str
    title: str
    summary: str
    queries: tuple[str, ...]
    shape: Callable[..., dict[str, Any]]
    warnings_about: str | None = None
    per_country: bool = True  # the page shows one country (?country=), not all side by side

    def summary_for(self, country: str | None) -> str:
        """The summary naming the country shown (its label), or "the factsheet's country"."""
        return self.summary.replace("{country}", country or "the factsheet's country")

    def load(self) -> list[ViewQuery]:
        """The view's queries (the warnings query last), as the page shows them."""
        names = self.queries + ((WARNINGS,) if self.warnings_about else ())
        return [load_query(n) for n in names]


VIEWS: OrderedDict[str, View] = OrderedDict(
    (v.slug, v)
    for v in (
        View("partnerships", "Partnerships",
             "Partner countries of the cluster organisations of {country} in ESCP-4i/ESCP-4x, INNOSUP-1 and the "
             "Euroclusters: a country x programme matrix, the set view and stated against counted numbers.",
             ("partnership-listings", "partnership-stated-counts"), partnerships, "ProgrammeParticipation"),
        View("euroclusters", "Euroclusters",
             "The Euroclusters with members from {country} and the industrial ecosystems the factsheet gives each.",
             ("euroclusters",), euroclusters),
        View("regions", "Regions",
             "The NUTS-2 regions of {country}: ranked sectoral (NACE) and ecosystem agglomerations, and a ranking "
             "of regions.",
             ("region-sector-agglomerations", "region-ecosystem-agglomerations", "region-ranking"), regions,
             "AgglomerationCountStructure"),
        View("ecosystems", "Ecosystems",
             "Cluster organisations of {country} per industrial ecosystem and member composition against the "
             "EU average.",
             ("ecosystem-cluster-organisations", "member-composition"), ecosystems, "MemberCompositionStructure"),
        View("policies", "Policies",
             "The national and the regional cluster policies of {country} side by side, cell by cell, shared "
             "items marked.",
             ("policies",), policies),
        View("countries", "Countries",
             "The loaded countries side by side: partner countries per programme, state-of-play levels per "
             "criterion, and the partner countries the factsheets of several countries list.",
             ("countries-programmes", "countries-state-of-play", "countries-shared-partners"), countries,
             per_country=False),
        View("editions", "Editions",
             "What changed between the two latest editions of the factsheet of {country}: counts, the regions' "
             "ranking, policies and partner countries.",
             ("edition-figures", "edition-rankings", "edition-policies", "edition-partners"), editions),
    )
)


def fetch(select: Select, view: View, country: str | None = None) -> tuple[list[ViewQuery], dict[str, list[Row]]]:
    """Run every query of a view; return the queries (to show them) and their rows by name.

    The warnings query gets the view's ?about bound through `substitutions`, never pasted in;
    `country` (a loaded country's code) binds ?cc the same way on a per-country view."""
    queries = view.load()
    rows = {}
    for q in queries:
        subs: dict[str, Any] = {}
        if q.name == WARNINGS:
            subs["about"] = ox.NamedNode(str(ECCP[view.warnings_about]))
        if country and view.per_country:
            subs["cc"] = ox.Literal(country)
        rows[q.name] = run(select, q, subs or None)
    return queries, rows


def resolve_programmes(rows: Mapping[str, list[Row]], asked: Sequence[str]) -> list[str]:
    """The programme keys a filter names: a key (`escp`) or any printed notation of the programme
    or its sub-programmes (`ESCP-4i`), case-insensitively. Unknown values raise UnknownProgramme."""
    names: dict[str, str] = {}
    for r in rows.get("partnership-listings", []):
        key = key_of(r["programme"])
        names[key.casefold()] = key
        for notation in str(r.get("programmeLabel") or "").split("/"):
            if notation.strip():
                names.setdefault(notation.strip().casefold(), key)
    keys: list[str] = []
    for value in asked:
        key = names.get(value.strip().casefold())
        if key is None:
            raise UnknownProgramme(value, programme_keys(rows))
        if key not in keys:
            keys.append(key)
    return keys


def build(select: Select, view: View, selected: Sequence[str] = (), country: str | None = None,
          loaded: Sequence[Mapping[str, Any]] = ()) -> tuple[list[ViewQuery], dict[str, Any]]:
    """A view's queries and its template data (with its validation warnings); the one entry point
    for the server and the report. `selected` programme keys filter the partnerships matrix; an
    unknown key raises UnknownProgramme. `loaded` (compare.loaded_countries) names the countries for
    the selector and the country shown (`countryLabel`) for the summaries."""
    queries, rows = fetch(select, view, country)
    label = next((str(c["label"]) for c in loaded if c["code"] == country), country)
    if view.slug == "partnerships":
        data = view.shape(rows, resolve_programmes(rows, selected))
    elif view.slug == "ecosystems":
        data = view.shape(rows, label or "the country")
    else:
        data = view.shape(rows)
    data["warnings"] = [{"iri": r["focus"], "label": r.get("label"), "message": r["message"]}
                        for r in rows.get(WARNINGS, [])]
    data["loadedCountries"], data["selectedCountry"] = list(loaded), country
    data["countryLabel"] = label if view.per_country else None
    return queries, data
