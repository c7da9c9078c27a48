"""The region map of every loaded country over the compared build (tests/comparing.py)."""
from __future__ import annotations

import html5lib
import pytest

from tests.comparing import (  # noqa: F401 - `compare` is the fixture
    SVG, by_id, compare, nuts2_of, page, region_shapes, rows, text,
)


@pytest.mark.parametrize("cc,folder", [("NO", "NO"), ("IT", "IT2024")])
def test_region_map_for_each_loaded_country_shows_every_region(compare, cc, folder):
    """Each loaded country gets its NUTS-2 map: a shape for every NUTS 2021 region of the country (so
    for every region its tables list), shaded by the tables' numbers; regions far from the mainland
    in framed insets the caption names."""
    client, folders, _store = compare
    doc = page(client, f"/explore/regions?country={cc}")
    shapes = region_shapes(doc)
    expected = nuts2_of(cc)
    assert set(shapes) == set(expected) and len(expected) >= 7
    stated = {r["nuts_code"]: int(r["agglomeration_count"]) for r in rows(folders[folder], "sectoral_agglomeration_counts")}
    assert set(stated) <= set(shapes)
    for code, n in stated.items():
        assert int(shapes[code].get("data-value")) == n and shapes[code].get("fill"), code
        assert shapes[code].find(f"{SVG}title").text.startswith(code + " "), code
    caption = text(by_id(doc, "region-map-caption"))
    assert f"One shape per NUTS 2021 NUTS-2 region ({len(expected)} for {cc}); no shape merges regions." in caption
    assert "No NUTS 2021 shape" not in caption and "EuroGeographics" in caption
    insets = {g.get("data-inset") for g in by_id(doc, "region-map").iter(f"{SVG}g") if g.get("class") == "inset"}
    assert insets == {c for c, p in shapes.items() if "inset" in (p.get("class") or "").split()}
    if cc == "NO":  # Svalbard and Jan Mayen, at 78° N, in an inset; the others on the main map
        assert insets == {"NO0B"} and "NO0B Campania" in caption
    else:
        assert not insets


def test_region_map_names_the_codes_it_has_no_shape_for(compare):
    """A code the factsheet prints that NUTS 2021 has no shape for is said under the map, never dropped;
    a country NUTS does not cover gets no map and a sentence saying why."""
    from types import SimpleNamespace

    from eccp_kg.explore import maps
    from eccp_kg.explore.render import environment
    from eccp_kg.explore.views import VIEWS

    macro = environment().from_string('{% import "explore/_macros.html" as m %}{{ m.region_map(data, links, view) }}')
    links = SimpleNamespace(view=lambda slug: f"/explore/{slug}")
    data = {"sectoral": [{"code": "NO02", "label": "Piedmont", "stated": 3, "items": []},
                         {"code": "NO01", "label": "Oslo og Akershus (NUTS 2016)", "stated": 2, "items": []}],
            "ecosystems": []}
    maps.region_map(data, None, "NO")
    assert data["regionMap"]["missing"] == ["NO01"]
    assert {s["codes"][0] for s in data["regionMap"]["shapes"]} == set(nuts2_of("NO"))
    shown = html5lib.parse(macro.render(data=data, links=links, view=VIEWS["regions"]), namespaceHTMLElements=False)
    assert "No NUTS 2021 shape for NO01" in text(by_id(shown, "region-map-caption"))
    assert set(region_shapes(shown)) == set(nuts2_of("NO"))  # NO01 is not drawn as something else
    ukraine = {"sectoral": [{"code": "UA11", "label": "Kyiv", "stated": 1, "items": []}], "ecosystems": []}
    maps.region_map(ukraine, "sectoral", "UA")
    assert "regionMap" not in ukraine and "no NUTS-2 region of UA" in ukraine["regionMapError"]
    said = html5lib.parse(macro.render(data=ukraine, links=links, view=VIEWS["regions"]), namespaceHTMLElements=False)
    assert text(by_id(said, "region-map-error")).startswith("Map not shown: NUTS 2021 has no NUTS-2 region of UA")
    with pytest.raises(maps.BadMeasure):
        maps.region_map(dict(ukraine), "nace:Z99", "UA")
