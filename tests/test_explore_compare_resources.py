"""Resource pages compare the loaded countries of the compared build (tests/comparing.py)."""
from __future__ import annotations

from pathlib import Path

from tests.comparing import by_id, compare, page, partners, rows, text  # noqa: F401 - `compare` is the fixture


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
