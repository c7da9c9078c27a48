"""Resource pages that answer (issue 12, part 4): above a resource's raw statements, the answers a
reader came for, by the kind of resource.

* a region: its ranked sectoral (NACE) agglomerations with code and label, its ecosystem
  agglomerations, the stated numbers beside the counted ones, the cluster policies covering it
  and the cluster organisations they recognise;
* a country: the programmes it partners in, with the times listed;
* a NACE division: the regions where it ranks, in rank order;
* an industrial ecosystem: the regions where it is an agglomeration, its cluster organisations and
  the Euroclusters the factsheet gives it.

Each section links to its row in the explorer. The numbers come from the explorer's own queries
(queries/explore/*.rq) with the resource bound by pyoxigraph `substitutions`, so a page and the
explorer cannot disagree; only the region's policies have a query of their own here."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

import pyoxigraph as ox

from eccp_kg.graph.namespaces import ECCP, sparql_prologue

from eccp_kg.explore.compare import DEFAULT_COUNTRY
from eccp_kg.explore.queries import load_query, run
from .iri_map import local_url
from .resource_compare import compared

Q_REGION_POLICIES = sparql_prologue() + """SELECT DISTINCT ?region ?policy ?policyLabel ?cluster ?clusterLabel WHERE {
  ?policy a eccp:ClusterPolicy ; dcterms:spatial ?region .
  OPTIONAL { ?policy skos:prefLabel|rdfs:label ?policyLabel }
  OPTIONAL { ?cluster eccp:recognisedUnder ?policy . OPTIONAL { ?cluster rdfs:label|skos:prefLabel ?clusterLabel } }
} ORDER BY ?policyLabel ?clusterLabel"""


def _cell(text: Any, iri: str | None = None) -> dict[str, Any]:
    return {"text": "–" if text is None else str(text), "href": (local_url(iri) or iri) if iri else None}


def _rows(select: Any, name: str, bind: dict[str, str]) -> list[dict[str, Any]]:
    return run(select, load_query(name), {k: ox.NamedNode(v) for k, v in bind.items()})


def _ranked_section(rows: list[dict[str, Any]], kind: str, title: str, anchor: str, code: str) -> dict[str, Any]:
    listed = [r for r in rows if r.get("rank") is not None]
    listed.sort(key=lambda r: r["rank"])
    stated = next((r.get("stated") for r in rows if r.get("stated") is not None), None)
    if kind == "nace":
        body = [[_cell(r["rank"]), _cell(r.get("naceCode"), r.get("nace")), _cell(r.get("naceLabel"))] for r in listed]
        cols = ["Rank", "NACE", "Division"]
    else:
        body = [[_cell(r["rank"]), _cell(r.get("ecosystemLabel"), r.get("ecosystem"))] for r in listed]
        cols = ["Rank", "Ecosystem"]
    return {"id": anchor, "title": title, "columns": cols, "rows": body, "stated": stated, "counted": len(listed),
            "explore": f"/explore/regions#{anchor}-{code}"}


def region(select: Any, iri: str, code: str) -> list[dict[str, Any]]:
    """The region's answers (see module doc)."""
    sections = [
        _ranked_section(_rows(select, "region-sector-agglomerations", {"region": iri}), "nace",
                        "Sectoral agglomerations, ranked", "sectoral", code),
        _ranked_section(_rows(select, "region-ecosystem-agglomerations", {"region": iri}), "ecosystem",
                        "Ecosystem agglomerations", "ecosystem-agglomerations", code),
    ]
    policies = select(Q_REGION_POLICIES, {"region": ox.NamedNode(iri)})
    rows = [[_cell(r["policyLabel"].value if r.get("policyLabel") else r["policy"].value, r["policy"].value),
             _cell(r["clusterLabel"].value if r.get("clusterLabel") else None, r["cluster"].value if r.get("cluster") else None)]
            for r in policies]
    sections.append({"id": "clusters", "title": "Cluster policies covering it and the cluster organisations they recognise",
                     "columns": ["Policy", "Cluster organisation"], "rows": rows, "stated": None, "counted": None,
                     "explore": "/explore/policies"})
    return sections


def country(select: Any, iri: str, code: str) -> list[dict[str, Any]]:
    """The programmes the country partners in, with the factsheet country listing it (the last
    column; its latest edition) when the graph holds more than one."""
    rows = _rows(select, "partnership-listings", {"country": iri})
    several = len({r["cc"] for r in rows}) > 1
    body = [[_cell(r["programmeLabel"], r["programme"]), _cell(r.get("period")), _cell(r["listed"])]
            + ([_cell(r["cc"])] if several else []) for r in rows]
    listed_by = sorted({r["cc"] for r in rows})
    # the explorer's matrix of a factsheet country that lists it (the default one's if it does)
    shown = "" if not listed_by or DEFAULT_COUNTRY in listed_by else f"?country={listed_by[0]}"
    return [{"id": "programmes", "title": "Programmes it partners in (listed by the factsheet of "
             + (", ".join(listed_by) if listed_by else "a loaded country") + ")",
             "columns": ["Programme", "Funding period", "Times listed"] + (["Listed by"] if several else []),
             "rows": body, "stated": None, "counted": len(body), "explore": f"/explore/partnerships{shown}#country-{code}"}]


def nace(select: Any, iri: str, code: str) -> list[dict[str, Any]]:
    """The regions where the division ranks among the top five, in rank order."""
    rows = [r for r in _rows(select, "region-sector-agglomerations", {"nace": iri}) if r.get("rank") is not None]
    rows.sort(key=lambda r: (r["rank"], r["code"]))
    body = [[_cell(r["rank"]), _cell(r["code"], r["region"]), _cell(r["regionLabel"])] for r in rows]
    return [{"id": "regions", "title": "Regions where it ranks among the top five sectoral agglomerations",
             "columns": ["Rank", "Region", "Name"], "rows": body, "stated": None, "counted": len(body),
             "explore": f"/explore/regions?measure={quote('nace:' + code)}#region-map"}]


def ecosystem(select: Any, iri: str, code: str) -> list[dict[str, Any]]:
    """Regions with the ecosystem as an agglomeration, its cluster organisations, its Euroclusters."""
    regions = [r for r in _rows(select, "region-ecosystem-agglomerations", {"ecosystem": iri}) if r.get("rank") is not None]
    label = next((r.get("ecosystemLabel") for r in regions if r.get("ecosystemLabel")), code)
    orgs = _rows(select, "ecosystem-cluster-organisations", {"ecosystem": iri})
    # ?ecosystem is bound inside the query's OPTIONAL: a Eurocluster the text gives no (or another)
    # ecosystem still comes back, with its printed ecosystem label unbound, so keep the matched rows.
    euro = [r for r in _rows(select, "euroclusters", {"ecosystem": iri}) if r.get("ecosystemLabel") is not None]
    return [
        {"id": "regions", "title": "Regions where it is a regionally relevant agglomeration", "columns": ["Region", "Name", "Rank"],
         "rows": [[_cell(r["code"], r["region"]), _cell(r["regionLabel"]), _cell(r["rank"])] for r in sorted(regions, key=lambda r: r["code"])],
         "stated": None, "counted": len(regions),
         # the map can shade an ecosystem only by the name the agglomeration table prints for it
         "explore": f"/explore/regions?measure={quote('ecosystem:' + str(label))}#region-map" if regions else "/explore/regions"},
        {"id": "organisations", "title": "Cluster organisations in this ecosystem", "columns": ["Cluster organisations"],
         # with several countries' factsheets, each number says whose it is
         "rows": [[_cell(f"{r['cc']}: {r['organisations']}" if len({o["cc"] for o in orgs}) > 1 else r["organisations"])]
                  for r in orgs], "stated": None, "counted": None, "explore": "/explore/ecosystems"},
        {"id": "euroclusters", "title": "Euroclusters the factsheet gives this ecosystem", "columns": ["Eurocluster"],
         "rows": [[_cell(r["label"], r["eurocluster"])] for r in euro], "stated": None, "counted": len(euro),
         "explore": "/explore/euroclusters"},
    ]


#: Which answers a page shows, by the resource's class (local name in the eccp: namespace).
BY_CLASS: dict[str, Callable[[Any, str, str], list[dict[str, Any]]]] = {
    "NutsRegion": region, "Country": country, "NaceDivision": nace, "IndustrialEcosystem": ecosystem,
}


def answers(select: Any, iri: str, types: list[str], code: str | None) -> list[dict[str, Any]]:
    """The answer sections for a resource of these types (none for other kinds), then, with more
    than one country loaded, its figures per country (server/resource_compare.py)."""
    kinds = [t[len(str(ECCP)):] for t in types if t.startswith(str(ECCP))]
    for kind in kinds:
        if kind in BY_CLASS:
            return BY_CLASS[kind](select, iri, code or iri.rsplit("/", 1)[-1]) + compared(select, iri, kind)
    return next((found for kind in kinds if (found := compared(select, iri, kind))), [])
