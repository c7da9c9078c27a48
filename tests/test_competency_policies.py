"""Competency queries about cluster policies (Table 3 objectives, budgets, amounts; Table 4 state of play),
each answer read from the factsheet text, against the real built graph."""
from __future__ import annotations

import html
import re

from tests.competency import between, bold, run
from tests.competency import store, text  # noqa: F401  (fixtures)


def objectives(text: str) -> tuple[list[str], list[str]]:
    """The bold objectives of Table 3 per column: the first page's rows and the continuation page."""
    national, regional = [], []
    first = between(text, "<b>POLICY OBJECTIVES</b>", "\n\n\n")
    for line in first.splitlines():
        cells = line.split("\t")
        if len(cells) >= 3:
            national += bold(cells[1])
            regional += bold(cells[2])
    continuation = next(line for line in text.splitlines() if "<p><b>Enhancing territorial cohesion" in line)
    cells = continuation.split("\t")
    national += [html.unescape(b) for b in re.findall(r"<p><b>(.+?)</b></p>", cells[1])]
    regional += [html.unescape(b) for b in re.findall(r"<p><b>(.+?)</b></p>", cells[2])]
    return national, regional


def test_shared_and_own_objectives(store, text):
    national, regional = objectives(text)
    assert (len(national), len(regional)) == (14, 12)

    # The objectives are standardised categories; the Lombardy column prints one of them in the singular
    # ("... innovation ecosystem"), so printed texts are compared case- and plural-insensitively.
    def key(label: str) -> str:
        return label.lower().rstrip("s")

    n, r = {key(x) for x in national}, {key(x) for x in regional}
    expected = {"both": n & r, "national only": n - r, "Lombardy only": r - n}
    rows = run(store, "policy-objectives-shared")
    got = {scope: {key(row["label"]) for row in rows if row["scope"] == scope} for scope in expected}
    assert got == expected
    assert {scope: len(v) for scope, v in got.items()} == {"both": 11, "national only": 3, "Lombardy only": 1}


def test_budget_funding_and_starting_year(store, text):
    def row(label: str) -> list[str]:
        line = next(line for line in text.splitlines() if f"<b>{label}</b>\t" in line and "BUDGET" in line
                    or line.startswith(f"\t<b>{label}</b>\t"))
        cells = line.split("\t")
        return [c.strip() for c in cells[cells.index(f"<b>{label}</b>") + 1:]]

    overall, funding, start = row("Overall"), row("Source of funding"), row("Starting year")
    rows = run(store, "policy-budget-funding-start")
    assert [r["budget"] for r in rows] == overall
    assert [r["funding"] for r in rows] == funding
    assert [r["startingYear"] for r in rows] == start == ["2013", "2014"]
    assert [r["type"] for r in rows] == ["National cluster policy", "Regional cluster policy"]


def test_policy_amounts_are_typed_values_as_printed(store, text):
    """Every 'EUR ...' Table 3 prints, read from the text (European format: 'EUR 1.500.000' = 1500000,
    'EUR 310 million' = 310000000), is an amount in EUR on its policy, with its words and qualifier."""
    table = between(text, "**Table 3", "# 04")
    printed = []
    # a page break may fall between 'EUR' and its number (the repeated table header has no digits)
    for number, million in re.findall(r"EUR[^0-9]{1,400}?([0-9][0-9.]*[0-9]|[0-9])( million)?", table):
        value = int(number.replace(".", "")) * (1_000_000 if million else 1)
        printed.append(value)
    rows = run(store, "policy-amounts")
    # the 'EUR 310 million' of BUDGET and of INSTRUMENTS are two statements; every printed amount is one row
    assert sorted(int(float(r["eur"])) for r in rows) == sorted(printed)
    assert len(printed) == 6
    national, lombardy = sorted({r["policy"] for r in rows}, key=lambda p: "lombardy" in p)
    qualified = {(int(float(r["eur"])), r["qualifier"], r["measure"]) for r in rows if r["policy"] == lombardy}
    assert (1_500_000, "at_least", "budget_total") in qualified and (50_000, "exact", "amount_per_project") in qualified
    about = [r for r in rows if r["policy"] == national and r["qualifier"] == "about"]
    assert [(int(float(r["eur"])), r["measure"]) for r in about] == [(40_000_000, "amount_per_cluster")]
    assert all("EUR " in r["printed"] and r["where"].startswith("Table 3, ") for r in rows)


def state_of_play(text: str) -> list[tuple[int, str]]:
    """Table 4: per criterion, the level printed on a line of its own (the one the country is scored at),
    numbered in reading order among the criterion's four levels."""
    table = between(text, "**Table 4", "Source: ECCP")
    blocks: list[list[str]] = []
    for line in table.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) < 2 or not cells[1].strip() or cells[0].strip() == "Italy":
            continue
        if cells[0].strip():
            blocks.append([])
        blocks[-1].append(cells[1].strip())
    scores = []
    for lines in blocks:
        levels = [re.split(r" (?=[A-Z])", line) for line in lines]
        assert sum(len(x) for x in levels) == 4
        order = 0
        for parts in levels:
            if len(parts) == 1:
                scores.append((order + 1, parts[0]))
            order += len(parts)
    return scores


def test_state_of_play_scores(store, text):
    annex = re.findall(r"^<b>(.+?)</b>\tassessment", between(text, "**Table 5: Analytical framework", "Source:"), re.M)
    rows = run(store, "state-of-play-scores")
    assert [r["criterionLabel"] for r in rows] == annex
    assert [(r["levelOrder"], r["printed"]) for r in rows] == state_of_play(text)
    assert all(r["levelCount"] == 4 for r in rows)
