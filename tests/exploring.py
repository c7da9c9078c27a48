"""Helpers of the explorer tests: expectations read from the source tables in data/it/2023/ (never
pasted), the real build served in-process (Flask test client), and reading pages the way a person
reads them (table cells by id and column)."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest


DATA = Path(__file__).resolve().parent.parent / "data" / "it" / "2023"


# --- expectations from the source tables ------------------------------------------------------
def table(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def partner_lists() -> dict[str, list[str]]:
    """Programme key -> partner codes exactly as printed (order and duplicates kept)."""
    lists: dict[str, list[str]] = defaultdict(list)
    for row in sorted(table("programme_partner_countries"), key=lambda r: int(r["position"])):
        lists[row["programme"]].append(row["country_code"])
    return dict(lists)


def stated_partner_counts() -> dict[str, int]:
    return {r["programme"]: int(r["value"]) for r in table("programme_figures") if r["measure"] == "partner_countries"}


def top5(nuts: str) -> list[str]:
    rows = [r for r in table("sectoral_agglomerations") if r["nuts_code"] == nuts and r["nace_code"]]
    return [r["nace_code"] for r in sorted(rows, key=lambda r: int(r["rank"]))]


def stated_counts(name: str) -> dict[str, int]:
    return {r["nuts_code"]: int(r["agglomeration_count"]) for r in table(name)}


def objectives() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for r in table("policy_cells"):
        if r["section"] == "POLICY OBJECTIVES" and r["kind"] == "category":
            found[r["policy"]].add(r["category"])
    return dict(found)


# --- the real build, served in-process ---------------------------------------------------------
@pytest.fixture(scope="module")
def store_dir(served_build: Path) -> Path:
    """The real build's store ($ECCP_KG_BUILD_DIR or the session build, see conftest `served_build`)."""
    return served_build / "store"


@pytest.fixture(scope="module")
def explore_client(store_dir: Path):
    from eccp_kg.server.app import create_app

    app = create_app({"TESTING": True, "IN_PROCESS": True, "STORE_DIR": str(store_dir)})
    return app.test_client()


def page(client, path: str) -> Element:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def text(el: Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def rows_of(doc: Element, table_id: str, part: str = "tbody") -> list[list[Element]]:
    tbl = doc.find(f".//table[@id='{table_id}']")
    assert tbl is not None, f"no table #{table_id}"
    return [list(tr) for tr in tbl.findall(f"./{part}/tr")]


def header(doc: Element, table_id: str) -> list[str]:
    return [text(th) for th in doc.find(f".//table[@id='{table_id}']/thead/tr")]


def matrix(doc: Element) -> dict[str, dict[str, int]]:
    """Country code -> programme key -> count, read from the rendered matrix (hidden cells included)."""
    out: dict[str, dict[str, int]] = {}
    for cells in rows_of(doc, "matrix"):
        code = text(cells[0]).split()[0]
        out[code] = {c.get("data-programme"): int(text(c).split()[0]) for c in cells[1:-1]
                     if c.get("data-programme") and "hit" in c.get("class", "")}
    return out
