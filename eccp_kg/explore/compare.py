"""Countries and editions side by side: the country selector and the two comparison views.

With more than one country loaded, every explorer view shows one country at a time (its latest
edition), chosen by `?country=CC`; the `countries` view puts the loaded countries side by side
(countries x programmes, state-of-play levels, shared partner countries) and the `editions`
view shows what changed between the two latest editions of a country (counts, the regions'
ranking, policies, partners). Like the other views, the shaping here is pure: rows in, a dict
for the template out; every number comes from a query in queries/explore/."""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from typing import Any, Iterable, Mapping

from .queries import Row, Select, load_query, run

#: The country the explorer shows when none is asked for (the first source), if it is loaded.
DEFAULT_COUNTRY = "IT"


class UnknownCountry(ValueError):
    """A ?country= value the graph holds no factsheet for; `allowed` are the loaded codes."""

    def __init__(self, code: str, allowed: list[str]):
        self.code, self.allowed = code, allowed
        super().__init__(f"query parameter 'country': no factsheet for {code!r}; expected one of {', '.join(allowed)}")


def loaded_countries(select: Select) -> list[dict[str, Any]]:
    """The countries the graph holds factsheets for: code, label, editions (oldest first)."""
    found: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in run(select, load_query("countries")):
        c = found.setdefault(r["cc"], {"code": r["cc"], "iri": r["country"], "label": r.get("countryLabel") or r["cc"],
                                       "editions": []})
        if r["edition"] not in c["editions"]:
            c["editions"].append(r["edition"])
    return list(found.values())


def resolve_country(countries: list[dict[str, Any]], requested: str | None) -> str | None:
    """The country code a view shows: the one asked for, else IT, else the first loaded.

    An unknown code raises UnknownCountry naming the loaded ones; None when nothing is loaded."""
    codes = [c["code"] for c in countries]
    if requested:
        if requested not in codes:
            raise UnknownCountry(requested, codes)
        return requested
    if DEFAULT_COUNTRY in codes:
        return DEFAULT_COUNTRY
    return codes[0] if codes else None


# --------------------------------------------------------------------------- countries side by side


def countries(rows: Mapping[str, list[Row]]) -> dict[str, Any]:
    """Countries x programmes, state-of-play levels per criterion, and the partner countries
    the factsheets of two or more countries list."""
    names: OrderedDict[str, dict[str, Any]] = OrderedDict()
    programmes: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows["countries-programmes"]:
        names.setdefault(r["cc"], {"code": r["cc"], "label": r.get("countryLabel") or r["cc"], "edition": r["edition"]})
        p = programmes.setdefault(r["programmeLabel"], {"label": r["programmeLabel"], "iri": r["programme"], "cells": {}})
        p["cells"][r["cc"]] = {"partners": r["partners"], "listed": r["listed"]}
    criteria: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows["countries-state-of-play"]:
        names.setdefault(r["cc"], {"code": r["cc"], "label": r["cc"], "edition": r["edition"]})
        c = criteria.setdefault(r["criterion"], {"iri": r["criterion"], "label": r["criterionLabel"], "cells": {}})
        c["cells"][r["cc"]] = {"level": r["levelOrder"], "printed": r.get("printed")}
    codes = sorted(names)
    for c in criteria.values():
        levels = {v["level"] for v in c["cells"].values()}
        c["same"] = len(codes) > 1 and len(levels) == 1 and len(c["cells"]) == len(codes)
    partners: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows["countries-shared-partners"]:
        p = partners.setdefault(r["code"], {"code": r["code"], "label": r.get("partnerLabel") or r["code"], "by": {}})
        p["by"][r["cc"]] = sorted(r["programmes"].split(", ")) if r.get("programmes") else []
    shared = [p for p in partners.values() if len(p["by"]) >= 2]
    return {
        "countries": [names[c] for c in codes],
        "programmes": list(programmes.values()),
        "criteria": list(criteria.values()),
        "shared": shared,
        "sharedByAll": [p["code"] for p in shared if len(p["by"]) == len(codes)],
        "partnerCount": len(partners),
    }


# --------------------------------------------------------------------------- editions side by side


def _ranks(regions: Mapping[str, dict[str, Any]]) -> dict[str, int]:
    """Competition ranking by stated number (most first; ties share a place)."""
    ordered = sorted(regions.values(), key=lambda r: -r["sectoral"])
    ranks, place = {}, 0
    for i, r in enumerate(ordered, 1):
        if i == 1 or r["sectoral"] != ordered[i - 2]["sectoral"]:
            place = i
        ranks[r["code"]] = place
    return ranks


def _by_edition(rows: Iterable[Row]) -> dict[str, dict[str, list[Row]]]:
    out: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        out[r["cc"]][r["edition"]].append(r)
    return out


def editions(rows: Mapping[str, list[Row]]) -> dict[str, Any]:
    """For each country with two or more editions: what changed between its two latest editions.

    Counts (measure: older, newer, change), the regions' ranking by stated sectoral
    agglomerations (place in each, movement), policies added / removed / kept (with objectives
    gained and lost), partner countries added / removed per programme."""
    figures = _by_edition(rows["edition-figures"])
    rankings = _by_edition(rows["edition-rankings"])
    policies = _by_edition(rows["edition-policies"])
    partners = _by_edition(rows["edition-partners"])
    all_editions: dict[str, set[str]] = defaultdict(set)
    for table in (figures, rankings, policies, partners):
        for cc, eds in table.items():
            all_editions[cc].update(eds)
    out = []
    for cc in sorted(all_editions):
        eds = sorted(all_editions[cc])
        entry: dict[str, Any] = {"code": cc, "editions": eds}
        if len(eds) < 2:
            entry["single"] = True
            out.append(entry)
            continue
        old, new = eds[-2], eds[-1]
        entry.update(old=old, new=new, single=False)
        counts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        for ed in (old, new):
            for r in figures[cc].get(ed, []):
                m = counts.setdefault(r["measure"], {"key": r["measure"], "label": r["measureLabel"]})
                m[ed] = r["value"]
        for m in counts.values():
            a, b = m.get(old), m.get(new)
            m["old"], m["new"] = a, b
            m["change"] = b - a if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
        entry["counts"] = list(counts.values())
        regions = {}
        for ed in (old, new):
            regions[ed] = {}
            for r in rankings[cc].get(ed, []):
                regions[ed].setdefault(r["code"], {"code": r["code"], "label": r.get("regionLabel"),
                                                   "sectoral": r["sectoral"]})
        ranks = {ed: _ranks(regions[ed]) for ed in (old, new)}
        ranking = []
        for code in sorted(set(regions[old]) | set(regions[new])):
            a, b = ranks[old].get(code), ranks[new].get(code)
            label = (regions[new].get(code) or regions[old].get(code))["label"]
            ranking.append({"code": code, "label": label, "oldPlace": a, "newPlace": b,
                            "old": (regions[old].get(code) or {}).get("sectoral"),
                            "new": (regions[new].get(code) or {}).get("sectoral"),
                            "moved": (a - b) if a is not None and b is not None else None})
        ranking.sort(key=lambda r: (r["newPlace"] is None, r["newPlace"] or 0, r["code"]))
        entry["ranking"] = ranking
        entry["rankingChanged"] = [r for r in ranking if r["moved"] or r["oldPlace"] is None or r["newPlace"] is None]
        pols = {ed: defaultdict(set) for ed in (old, new)}
        for ed in (old, new):
            for r in policies[cc].get(ed, []):
                objs = pols[ed][r["policyLabel"]]
                if r.get("objective"):
                    objs.add(r["objective"])
        entry["policies"] = {
            "added": sorted(set(pols[new]) - set(pols[old])),
            "removed": sorted(set(pols[old]) - set(pols[new])),
            "kept": [{"label": p, "gained": sorted(pols[new][p] - pols[old][p]), "lost": sorted(pols[old][p] - pols[new][p])}
                     for p in sorted(set(pols[old]) & set(pols[new]))],
        }
        progs: dict[str, dict[str, set[str]]] = defaultdict(lambda: {old: set(), new: set()})
        for ed in (old, new):
            for r in partners[cc].get(ed, []):
                progs[r["programmeLabel"]][ed].add(r["code"])
        entry["partners"] = [{"programme": p, "added": sorted(v[new] - v[old]), "removed": sorted(v[old] - v[new]),
                              "kept": len(v[old] & v[new])} for p, v in sorted(progs.items())]
        out.append(entry)
    return {"countries": out}
