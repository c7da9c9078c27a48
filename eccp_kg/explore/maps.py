"""The explorer's maps and network, from a view's shaped data (issue 12, parts 2 and 3).

Partnerships: partner countries on a map of Europe, shaded by the programmes that list them, and
the node-link network (the factsheet's country, its programmes, the partner countries; explore.js
lays it out with the vendored d3-force, the server draws a first radial layout so every node is
there without JavaScript). Regions: the NUTS-2 regions of the country shown, shaded by a measure
the reader picks (`?measure=`): stated sectoral or ecosystem agglomerations, the rank of one NACE
division, or whether one ecosystem is listed. Geometry and projection: eccp_kg/explore/geometry.py
(countries) and nuts.py (regions)."""
from __future__ import annotations

import math
from typing import Any, Mapping

from . import geometry, nuts

#: Categorical colours for programme combinations (Okabe-Ito, distinguishable with colour-vision
#: deficiencies); every shape also names its programmes in its title, and the matrix is beside it.
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
MEASURES = ("sectoral", "ecosystems")


class BadMeasure(ValueError):
    """?measure= names nothing the regions map can show; `allowed` lists what it can."""

    def __init__(self, value: str, allowed: list[str]):
        self.allowed = allowed
        super().__init__(f"query parameter 'measure': unknown value {value!r}; expected one of {', '.join(allowed)}")


def _groups(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One legend entry per programme combination the countries have, in the set view's order."""
    legend = []
    for s in data["sets"]:
        for g in s["groups"]:
            if g["countries"]:
                key = "+".join(g["keys"])
                legend.append({"key": key, "label": g["label"] + (" only" if len(g["keys"]) == 1 else ""),
                               "colour": GROUP_COLOURS[len(legend) % len(GROUP_COLOURS)], "count": len(g["countries"])})
    return legend


def partnership_map(data: dict[str, Any], home: str) -> None:
    """data["map"]: the Europe map (or data["mapError"] when the geometry is not vendored)."""
    legend = _groups(data)
    colours = {g["key"]: g["colour"] for g in legend}
    labels = {p["key"]: p["label"] for p in data["programmes"]}
    countries = []
    for c in data["matrix"]:
        key = "+".join(c["programmes"])
        listed = ", ".join(f"{labels[k]} ({c['counts'][k]}×)" for k in c["programmes"])
        countries.append({"code": c["code"], "label": c["label"], "group": key, "programmes": c["programmes"],
                          "title": f"{c['code']} {c['label']}: {listed}"})
    try:
        drawn = geometry.country_map(countries, home, legend)
    except geometry.MapUnavailable as exc:
        data["mapError"] = str(exc)
        return
    by_code = {c["code"]: c for c in countries}
    for shape in drawn["shapes"]:
        c = by_code.get(shape["code"]) if shape["code"] else None
        shape["fill"] = colours.get(shape["group"]) if c else ("#bdbdbd" if shape["group"] == "home" else None)
        shape["programmes"] = c["programmes"] if c else []
        shape["home"] = shape["group"] == "home"
    data["map"] = drawn


def network(data: dict[str, Any], home: str, home_label: str) -> None:
    """data["network"]: nodes (home, programmes, countries) with a first radial layout, and links
    (home-programme, programme-country weighted by the times listed)."""
    programmes = data["programmes"]
    size = 600.0
    centre = size / 2
    nodes = [{"id": f"country:{home}", "kind": "home", "label": home_label or home, "code": home,
              "x": centre, "y": centre, "programmes": [p["key"] for p in programmes]}]
    links = []
    for i, p in enumerate(programmes):
        angle = 2 * math.pi * i / max(1, len(programmes)) - math.pi / 2
        nodes.append({"id": f"programme:{p['key']}", "kind": "programme", "label": p["label"], "code": p["key"],
                      "x": centre + 120 * math.cos(angle), "y": centre + 120 * math.sin(angle), "programmes": [p["key"]]})
        links.append({"source": nodes[0]["id"], "target": f"programme:{p['key']}", "weight": 1, "programme": p["key"]})
    partners = sorted(data["matrix"], key=lambda c: ("+".join(c["programmes"]), c["code"]))
    for i, c in enumerate(partners):
        angle = 2 * math.pi * i / max(1, len(partners)) - math.pi / 2
        nodes.append({"id": f"country:{c['code']}", "kind": "country", "label": c["label"], "code": c["code"],
                      "x": centre + 260 * math.cos(angle), "y": centre + 260 * math.sin(angle),
                      "programmes": c["programmes"]})
        for k in c["programmes"]:
            links.append({"source": f"programme:{k}", "target": f"country:{c['code']}", "weight": c["counts"][k],
                          "programme": k})
    where = {n["id"]: n for n in nodes}
    for link in links:
        link["x1"], link["y1"] = where[link["source"]]["x"], where[link["source"]]["y"]
        link["x2"], link["y2"] = where[link["target"]]["x"], where[link["target"]]["y"]
    data["network"] = {"size": size, "nodes": nodes, "links": links}


def measure_options(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the regions map can show: the two stated counts, each NACE division and ecosystem listed."""
    options = [{"value": "sectoral", "label": "Sectoral agglomerations (stated number)"},
               {"value": "ecosystems", "label": "Ecosystem agglomerations (stated number)"}]
    nace = {i["naceCode"]: i["naceLabel"] for g in data["sectoral"] for i in g["items"] if i.get("naceCode")}
    options += [{"value": f"nace:{c}", "label": f"NACE {c} {label}: its rank in the region"} for c, label in sorted(nace.items())]
    eco = {i["ecosystemLabel"] for g in data["ecosystems"] for i in g["items"] if i.get("ecosystemLabel")}
    options += [{"value": f"ecosystem:{e}", "label": f"Ecosystem {e}: listed as an agglomeration"} for e in sorted(eco)]
    return options


def region_map(data: dict[str, Any], measure: str | None, country: str = "IT") -> None:
    """data["regionMap"] for `measure` (default: sectoral) over the NUTS-2 regions of `country`
    (data["regionMapError"] when NUTS has none or nothing is vendored); BadMeasure for a measure
    the country's data does not offer, map or no map."""
    measure = measure or "sectoral"
    options = measure_options(data)
    if measure not in {o["value"] for o in options}:
        raise BadMeasure(measure, [o["value"] for o in options])
    labels = {g["code"]: g["label"] for g in data["sectoral"] + data["ecosystems"]}
    values: dict[str, float | None] = {}
    notes: dict[str, str] = {}
    if measure in MEASURES:
        groups = data["sectoral"] if measure == "sectoral" else data["ecosystems"]
        for g in groups:
            values[g["code"]] = g["stated"]
            notes[g["code"]] = f"{g['stated'] if g['stated'] is not None else 'no'} {measure} agglomerations stated"
    else:
        kind, _, key = measure.partition(":")
        groups = data["sectoral"] if kind == "nace" else data["ecosystems"]
        field = "naceCode" if kind == "nace" else "ecosystemLabel"
        for g in groups:
            rank = next((i["rank"] for i in g["items"] if i.get(field) == key), None)
            if kind == "nace":
                values[g["code"]] = (6 - rank) if rank else 0
                notes[g["code"]] = f"{key} ranks {rank}" if rank else f"{key} not in the top five"
            else:
                values[g["code"]] = 1 if rank else 0
                notes[g["code"]] = f"{key} listed" if rank else f"{key} not listed"
    try:
        drawn = nuts.region_map(country, values, labels, lambda c: notes.get(c, "not in the tables"))
    except geometry.MapUnavailable as exc:
        data["regionMapError"] = str(exc)
        return
    drawn.update(measure=measure, options=options,
                 label=next(o["label"] for o in options if o["value"] == measure),
                 ranked=measure.startswith("nace:"), binary=measure.startswith("ecosystem:"))
    data["regionMap"] = drawn


def add_figures(slug: str, data: dict[str, Any], countries: list[dict[str, Any]] | None = None,
                country: str | None = None, measure: str | None = None) -> None:
    """The maps and the network of one view's page (server and report alike)."""
    home = country or "IT"
    label = next((c["label"] for c in countries or [] if c["code"] == home), home)
    if slug == "partnerships":
        partnership_map(data, home)
        network(data, home, label)
    elif slug == "regions":
        region_map(data, measure, home)
