"""The per-country example queries answered for each loaded country of the compared build
(tests/comparing.py); expectations read from each country's tables."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from tests.test_competency_mentions import answered, expected_from
from tests.comparing import (  # noqa: F401 - `compare` is the fixture
    DATA, FACTSHEET, compare, competency, partners, rows,
)


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
