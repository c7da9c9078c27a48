"""Countries and editions side by side in the explorer, over a real build with a second country and a
second edition (tests/comparing.py makes it from the Italy text with `eccp-kg import`; every expected
value is read from the tables the import wrote, never pasted). Region maps, the example queries,
the per-country answers and the resource pages over the same build: tests/test_explore_compare_*.py."""
from __future__ import annotations

import csv
import re

from tests.comparing import (  # noqa: F401 - `compare` is the fixture
    DATA, NEW_POLICY, OLD_POLICY, by_id, compare, lead, page, partners, rows, selector, text,
)


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
