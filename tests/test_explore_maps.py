"""The explorer's maps and partnership network, in-process over the REAL build (issue 12, parts 2
and 3). Expectations come from the source tables in data/it/2023/, never pasted: every partner
country the factsheet prints has its shape, every region its shape, every node of the network is
there, and the shading is the tables' numbers."""
from __future__ import annotations

from collections import Counter

import pytest

from eccp_kg.explore import geometry as maps

SVG = "{http://www.w3.org/2000/svg}"
from tests.exploring import explore_client, page, partner_lists, stated_counts, store_dir, table, text  # noqa: F401


def test_every_partner_country_has_its_shape_on_the_map(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    svg = doc.find(f".//figure[@id='partner-map']/{SVG}svg")
    shapes = {p.get("data-country"): p for p in svg.findall(f"./{SVG}path") if p.get("data-country")}
    lists = partner_lists()
    partners = set().union(*map(set, lists.values()))
    assert partners <= set(shapes), partners - set(shapes)  # EL and UK as printed, not GR/GB
    assert "IT" in shapes and shapes["IT"].get("class") == "home"
    for code in partners:
        listed_in = {k for k, codes in lists.items() if code in codes}
        assert set(shapes[code].get("data-programmes").split()) == listed_in, code
        assert shapes[code].get("fill"), code  # shaded
    assert not [p for p in svg.findall(f"./{SVG}path") if p.get("data-country") and p.get("data-country") not in partners | {"IT"}]
    legend = [text(li) for li in doc.findall(".//figure[@id='partner-map']//ul[@class='legend']/li[@data-group]")]
    combos = Counter("+".join(k for k in lists if c in lists[k]) for c in partners)
    assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in legend) == len(partners)
    assert len(legend) == len(combos)


def test_network_has_every_node_and_link(explore_client):
    doc = page(explore_client, "/explore/partnerships")
    svg = doc.find(f".//{SVG}svg[@id='network']")
    nodes = {g.get("data-node") for g in svg.iter(SVG + "g") if g.get("data-node")}
    lists = partner_lists()
    partners = set().union(*map(set, lists.values()))
    assert nodes == {"country:IT"} | {f"programme:{k}" for k in lists} | {f"country:{c}" for c in partners}
    links = [(l.get("data-source"), l.get("data-target"), int(l.get("data-weight"))) for l in svg.iter(SVG + "line")]
    expected = {(f"programme:{k}", f"country:{c}", n) for k, codes in lists.items() for c, n in Counter(codes).items()}
    assert {x for x in links if x[0] != "country:IT"} == expected
    assert {x[1] for x in links if x[0] == "country:IT"} == {f"programme:{k}" for k in lists}
    # the matrix is beside it, in the same section
    assert doc.find(".//div[@class='side-by-side']//table[@id='matrix']") is not None
    assert doc.find(f".//div[@class='side-by-side']//{SVG}svg[@id='network']") is not None


def regions_map(doc) -> dict[str, dict]:
    out = {}
    for p in doc.find(f".//figure[@id='region-map']/{SVG}svg").findall(f"./{SVG}path"):
        for code in p.get("data-nuts").split():
            out[code] = {"codes": p.get("data-nuts").split(), "value": p.get("data-value"), "fill": p.get("fill")}
    return out


def test_every_region_has_its_own_shape_shaded_by_the_tables(explore_client):
    doc = page(explore_client, "/explore/regions")
    shapes = regions_map(doc)
    sectoral = stated_counts("sectoral_agglomeration_counts")
    assert set(sectoral) == set(shapes)  # Italy's 21 NUTS-2 regions, each its own shape (Bolzano and Trento too)
    assert all(s["codes"] == [code] for code, s in shapes.items())
    caption = text(doc.find(".//figure[@id='region-map']/figcaption"))
    assert "One shape per NUTS 2021 NUTS-2 region (21 for IT); no shape merges regions." in caption
    for code, n in sectoral.items():  # the default measure: stated sectoral agglomerations
        assert int(shapes[code]["value"]) == n and shapes[code]["fill"] == maps.shade(n, max(sectoral.values())), code


def legend(doc) -> list[tuple[str, str]]:
    """The region map's legend: (text, swatch colour) per entry, in order."""
    items = doc.findall(".//figure[@id='region-map']/figcaption/ul[@class='legend']/li")
    return [(text(li), li.find("span").get("style").split(":", 1)[1].strip()) for li in items]


@pytest.mark.parametrize("measure", ["sectoral", "ecosystems"])
def test_the_legend_explains_every_region_s_shade_in_whole_numbers(explore_client, measure):
    """Counts get whole-number entries (never "0.0-1.6"), one per colour used, and each region's
    value lies in the entry of its own colour; a 0 has its own entry."""
    doc = page(explore_client, f"/explore/regions?measure={measure}")
    entries = legend(doc)
    ranges = {}
    for label, colour in entries:
        lo, _, hi = label.partition("–")
        assert lo.isdigit() and (hi == "" or hi.isdigit()), label
        ranges[colour] = (int(lo), int(hi or lo))
    assert entries and len(ranges) == len(entries)
    spans = sorted(ranges.values())
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), spans  # disjoint, no gaps in meaning
    shaded = {c: s for c, s in regions_map(doc).items() if s["value"] is not None}
    assert len(shaded) == 21
    for code, s in shaded.items():
        lo, hi = ranges[s["fill"]]
        assert lo <= int(s["value"]) <= hi, (code, s, entries)


def test_regions_shaded_by_a_chosen_nace_division_and_ecosystem(explore_client):
    rows = [r for r in table("sectoral_agglomerations") if r["nace_code"]]
    code = Counter(r["nace_code"] for r in rows).most_common(1)[0][0]
    ranks = {r["nuts_code"]: int(r["rank"]) for r in rows if r["nace_code"] == code}
    doc = page(explore_client, f"/explore/regions?measure=nace:{code}")
    shapes = regions_map(doc)
    for region, s in shapes.items():
        assert int(s["value"]) == (6 - ranks[region] if region in ranks else 0), region
    assert doc.find(".//select[@id='measure']/option[@selected]").get("value") == f"nace:{code}"
    eco = next(r["ecosystem_label"] for r in table("ecosystem_agglomerations") if r["ecosystem_label"])
    listing = {r["nuts_code"] for r in table("ecosystem_agglomerations") if r["ecosystem_label"] == eco}
    shapes = regions_map(page(explore_client, f"/explore/regions?measure=ecosystem:{eco}"))
    assert {c for c, s in shapes.items() if s["value"] == "1"} == listing


def test_unknown_measure_is_a_400_listing_the_measures(explore_client):
    r = explore_client.get("/explore/regions?measure=nace:Z99", headers={"Accept": "application/json"})
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["parameter"] == "measure" and "sectoral" in error["allowed"]


def test_geometry_sources_and_projection():
    from eccp_kg.explore import nuts

    italy = nuts.regions()["IT"]  # the vendored NUTS 2021 level-2 geometry
    assert len(italy) == len({r["code"] for r in italy}) == 21 and {"ITH1", "ITH2"} <= {r["code"] for r in italy}
    x, y = maps.laea(10.0, 52.0)
    assert abs(x) < 1e-12 and abs(y) < 1e-12  # the centre of the projection
    assert maps.laea(20.0, 52.0)[0] > 0 and maps.laea(10.0, 60.0)[1] > 0
    assert maps.shade(None, 5) is None and maps.shade(5, 5) == maps.SHADES[-1]


def test_report_has_the_maps_and_network(store_dir, tmp_path):
    from eccp_kg.explore.queries import store_select
    from eccp_kg.explore.report import write_report

    write_report(store_select(store_dir), tmp_path / "r")
    html = (tmp_path / "r" / "partnerships.html").read_text(encoding="utf-8")
    assert 'data-country="DE"' in html and 'id="network"' in html
    assert (tmp_path / "r" / "static" / "vendor" / "d3-force" / "d3-force.min.js").is_file()
    assert 'data-nuts="ITC4"' in (tmp_path / "r" / "regions.html").read_text(encoding="utf-8")
