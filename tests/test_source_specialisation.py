"""Tables 1 and 2 of the factsheet (regional specialisation: NUTS-2 regions x NACE divisions and
ecosystems) against their source tables, every cell and printed inconsistency as printed."""
from __future__ import annotations

from tests.source_tables import find_rows, plain, rows
from tests.source_tables import seed, seed_lines  # noqa: F401  (fixtures)


# ------------------------------------------------------------------ Tables 1 and 2

def _table_lines(seed_lines: list[str], cells: int) -> list[list[str]]:
    return [l.split("\t") for l in seed_lines if l.startswith("<b>IT") and len(l.split("\t")) == cells]


def test_table1_regions_counts_and_every_cell_as_printed(seed_lines: list[str]) -> None:
    printed = _table_lines(seed_lines, 7)
    assert len(printed) == 21
    counts = rows("sectoral_agglomeration_counts")
    assert [(r["nuts_code"], r["region_label"], r["agglomeration_count"]) for r in counts] == \
        [tuple(plain(p[0]).split(": ", 1)) + (p[1],) for p in printed]
    cells = {(r["nuts_code"], int(r["rank"])): r for r in rows("sectoral_agglomerations")}
    assert len(cells) == 21 * 5
    for p in printed:
        code = plain(p[0]).split(":")[0]
        for rank, cell in enumerate(p[2:], 1):
            row = cells[(code, rank)]
            assert row["cell"] == cell
            if cell in ("-", ""):
                assert row["nace_code"] == row["nace_label"] == ""
            else:
                assert cell == f"{row['nace_code']} - {row['nace_label']}" or cell == f"{row['nace_code']} – {row['nace_label']}"


def test_table1_keeps_the_printed_inconsistencies() -> None:
    """Sardinia is counted 4 with 3 listed; Trento's Agg. 3 is empty (not '-'); its label keeps the break."""
    sardinia = find_rows("sectoral_agglomerations", nuts_code="ITG2")
    assert find_rows("sectoral_agglomeration_counts", nuts_code="ITG2")[0]["agglomeration_count"] == "4"
    assert sum(1 for r in sardinia if r["nace_code"]) == 3
    trento = {r["rank"]: r["cell"] for r in find_rows("sectoral_agglomerations", nuts_code="ITH2")}
    assert trento == {"1": "T97 - Households as employers act.", "2": "I56 - Food and beverage service activities",
                      "3": "", "4": "-", "5": "-"}
    assert find_rows("sectoral_agglomeration_counts", nuts_code="ITH2")[0]["region_label"] == "Autonomo us Province of Trento"
    assert find_rows("sectoral_agglomerations", nuts_code="ITH3", rank="3")[0]["cell"].startswith("C28 – ")


def test_nace_codes_in_table1_answer_the_a01_question() -> None:
    a01 = sorted(r["nuts_code"] for r in rows("sectoral_agglomerations") if r["nace_code"] == "A01")
    assert a01 == ["ITF2", "ITF4", "ITF5", "ITF6", "ITG1", "ITH1"]


def test_table2_counts_and_cells_as_printed(seed_lines: list[str]) -> None:
    printed = _table_lines(seed_lines, 4)
    assert len(printed) == 21
    assert [(r["nuts_code"], r["region_label"], r["agglomeration_count"]) for r in rows("ecosystem_agglomeration_counts")] == \
        [tuple(plain(p[0]).split(": ", 1)) + (p[1],) for p in printed]
    cells = {(r["nuts_code"], int(r["rank"])): r for r in rows("ecosystem_agglomerations")}
    for p in printed:
        code = plain(p[0]).split(":")[0]
        for rank, cell in enumerate(p[2:], 1):
            assert cells[(code, rank)]["cell"] == cell
            assert cells[(code, rank)]["ecosystem_label"] == ("" if cell == "-" else cell)


def test_table2_keeps_campania_zero_next_to_textile_and_both_proximity_spellings() -> None:
    assert find_rows("ecosystem_agglomeration_counts", nuts_code="ITF3")[0]["agglomeration_count"] == "0"
    assert find_rows("ecosystem_agglomerations", nuts_code="ITF3", rank="1")[0]["ecosystem_label"] == "Textile"
    assert find_rows("ecosystem_agglomerations", nuts_code="ITG2", rank="1")[0]["ecosystem_label"] == \
        "Proximity, Social economy and Civil Security"
    assert find_rows("ecosystem_agglomerations", nuts_code="ITI4", rank="1")[0]["ecosystem_label"] == \
        "Proximity, Social Economy and Civil Security"


def test_table_regions_are_the_same_21_nuts_codes() -> None:
    t1 = [r["nuts_code"] for r in rows("sectoral_agglomeration_counts")]
    assert len(set(t1)) == 21 and all(c.startswith("IT") for c in t1)
    assert t1 == [r["nuts_code"] for r in rows("ecosystem_agglomeration_counts")]
    named = {r["nuts_code"] for r in rows("cluster_organisation_regions")}
    assert named <= set(t1)
