"""The validation-warnings competency query: every contradiction the factsheet's own text shows (found
in the text, not pasted) has a SHACL warning about the right programme or region in the built graph."""
from __future__ import annotations

import re

from eccp_kg.graph.namespaces import PREFIXES
from tests.competency import codes, run, table1, table2
from tests.competency import store, text  # noqa: F401  (fixtures)


def inconsistencies(text: str) -> dict[str, tuple[str, str]]:
    """The contradictions of the factsheet, found in its text: name -> (how to find the statement, key).

    Kinds: a stated count that differs from the items listed, a code listed twice, a count of 0 (or
    fewer than five) next to a different number of listed items."""
    found: dict[str, tuple[str, str]] = {}
    stated, listing = re.search(r"partners came from (\d+) different EU member states \(([^)]+)\)", text).groups()
    if int(stated) != len(codes(listing)):
        found["ESCP partner countries: stated count differs from the list"] = ("programme", "ESCP")
    innosup = codes(re.search(r"coming from \d+ countries \(([^)]+)\)", text).group(1))
    if len(set(innosup)) != len(innosup):
        found["INNOSUP-1 partner countries: a code listed twice"] = ("programme", "INNOSUP-1")
    for nuts, (count, listed) in table2(text).items():
        if count != len(listed):
            found[f"Table 2 {nuts}: {count} next to {len(listed)} listed"] = ("area", nuts)
    for nuts, row in table1(text).items():
        if row["count"] < 5 and row["count"] != len(row["aggs"]):
            found[f"Table 1 {nuts}: {row['count']} next to {len(row['aggs'])} listed"] = ("area", nuts)
    return found


# What a warning's focus node is about: the programme of a participation (or of the list it is an item
# of) and the region of an observation.
ABOUT = """
SELECT ?focus ?kind ?key WHERE {
  { ?focus eccp:programme/skos:notation ?key . BIND("programme" AS ?kind) }
  UNION { ?owner eccp:listedItem ?focus . ?owner eccp:programme/skos:notation ?key . BIND("programme" AS ?kind) }
  UNION { ?focus sdmx-dimension:refArea/skos:notation ?key . BIND("area" AS ?kind) }
}"""


def test_validation_warnings_name_the_factsheet_contradictions(store, built_graph, text):
    rows = run(store, "validation-warnings")
    assert len({(r["focus"], r["message"], r["value"]) for r in rows}) == built_graph.validation.warnings > 0
    assert all(r["message"] for r in rows)
    about: set[tuple[str, str]] = set()
    focus_nodes = {r["focus"] for r in rows}
    for solution in store.query(ABOUT, prefixes=PREFIXES, use_default_graph_as_union=True):
        if solution["focus"].value in focus_nodes:
            about.add((solution["kind"].value, solution["key"].value))
    expected = inconsistencies(text)
    assert len(expected) >= 4
    missing = {name: where for name, where in expected.items() if where not in about}
    assert not missing, f"contradictions of the factsheet without a warning: {missing}"
