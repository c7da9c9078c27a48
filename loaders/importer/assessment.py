"""Section 4 and the Annex: Table 4 (state of play), the 4.1 criterion texts, Table 5 (European
Semester) and the Annex framework table (captioned 'Table 5' too)."""
from __future__ import annotations

import re

from ...graph.iris import slug
from .grid import read_grid
from .model import Output
from .report import Review
from .sections import Document
from .text import clean, pieces

#: Table 4 prints the levels of a criterion run together; a level starts with a capitalised word.
_LEVEL_START = re.compile(r" (?=[A-Z][a-z])")


def table4(doc: Document, out: Output, review: Review) -> list[str]:
    """Table 4 -> state_of_play; returns the criterion slugs in printed order.

    The country's level is printed on its own line: the levels before it run together on one
    line, those after it on another. So the groups are [before][selected][after] with
    either side possibly empty, and the selected level is determined whenever the 4 levels
    split into such groups."""
    grid = read_grid(doc, "Table 4", review, section="4.1", where="the state of play")
    criteria: list[tuple[str, int, list[list[str]]]] = []
    for row in grid.rows:
        texts = row.texts + [""]
        label, cell = texts[0], texts[1]
        if label:
            criteria.append((label, row.line, []))
        elif not criteria:
            review.unplaced(row.line, cell, "Table 4: levels before the first criterion")
            continue
        if cell:
            criteria[-1][2].append(_LEVEL_START.split(cell))
    slugs = []
    for label, line, groups in criteria:
        key = slug(label)
        slugs.append(key)
        levels = [lv for g in groups for lv in g]
        sizes = [len(g) for g in groups]
        selected = None
        if len(groups) == 3 and sizes[1] == 1:
            selected = sizes[0] + 1
        elif len(groups) == 2 and 1 in sizes and sizes.count(1) == 1:
            selected = 1 if sizes[0] == 1 else len(levels)
        elif len(groups) == 2 and sizes == [1, 1]:
            selected = None
        if len(levels) != 4 or selected is None:
            review.add("person", line, f"state_of_play.csv, {label}: the levels as printed ({' / '.join(levels)}) do "
                       "not split into 4 levels with one on its own line; levels and 'selected' left to a person")
        for position, level in enumerate(levels, 1):
            out.add("state_of_play", criterion=key, criterion_label=label, position=position, level_label=level,
                    selected=position == selected if selected else False, source="Table 4")
    return slugs


def assessments(doc: Document, out: Output, review: Review, criteria: list[str]) -> None:
    """Section 4.1's sub-headed paragraphs -> state_of_play_assessments (criterion by heading slug)."""
    counts: dict[str, int] = {}
    for b in doc.section("4.1"):
        if b.kind != "para" or not b.sub:
            continue
        key = slug(b.sub)
        if key not in criteria:
            review.add("person", b.line, f"state_of_play_assessments.csv: heading {b.sub!r} is not a Table 4 criterion "
                       f"({', '.join(criteria)})")
            continue
        counts[key] = counts.get(key, 0) + 1
        out.add("state_of_play_assessments", criterion=key, heading=b.sub, position=counts[key], text=b.text,
                source=f"Section 4.1, {b.sub}, paragraph {counts[key]}")


def semester(doc: Document, out: Output, review: Review) -> None:
    """Table 5 (section 4.2) -> semester_policy_areas, semester_challenges, semester_listed_clusters."""
    grid = read_grid(doc, "Table 5", review, section="4.2", where="the European Semester challenges")
    for position, row in enumerate(grid.rows, 1):
        cells = row.cells + ["", "", ""]
        area = clean(cells[0])
        if not area:
            review.unplaced(row.line, " | ".join(row.texts), "Table 5: row without a policy area")
            continue
        challenges = pieces(cells[1])
        for n, piece in enumerate(challenges, 1):
            out.add("semester_challenges", policy_area=area, position=n, text=piece.text,
                    source=f"Table 5, {area}, Challenges")
        policy = pieces(cells[2])
        text = " ".join(p.text for p in policy if p.kind != "item")
        out.add("semester_policy_areas", policy_area=area, position=position, cluster_policy=text,
                source=f"Table 5, {area}, Cluster policy")
        items = [p for p in policy if p.kind == "item"]
        if items:
            m = re.search(r"(?:[Tt]he )?((?:[A-Z][\w'’]*)(?: (?:[A-Z][\w'’]*|di|de|of|del|della))*) participates in", text)
            participant = m.group(1) if m else None
            if m:
                review.add("note", row.line, f"semester_listed_clusters.csv, {area}: participant {participant!r} taken "
                           "from '... participates in' before the list")
            else:
                review.add("person", row.line, f"semester_listed_clusters.csv, {area}: who the listed clusters "
                           "belong to (no '... participates in' before the list)")
            for n, piece in enumerate(items, 1):
                out.add("semester_listed_clusters", policy_area=area, position=n, participant=participant,
                        name=piece.text, source=f"Table 5, {area}, Cluster policy, list")


def framework(doc: Document, out: Output, review: Review, criteria: list[str]) -> None:
    """The Annex table -> framework_criteria, framework_levels (criteria in Table 4's order)."""
    grid = read_grid(doc, "Table 5", review, section="annex", where="the analytical framework")
    rows = [r for r in grid.rows if any(r.texts)]
    if len(rows) != len(criteria):
        review.add("person", grid.caption.line, f"framework_criteria.csv: the Annex has {len(rows)} criteria, Table 4 "
                   f"{len(criteria)}; criterion slugs left to a person")
    for position, row in enumerate(rows, 1):
        cells = row.cells + ["", "", ""]
        key = criteria[position - 1] if len(rows) == len(criteria) else slug(clean(cells[0]))
        out.add("framework_criteria", criterion=key, position=position, label=clean(cells[0]),
                description=clean(cells[1]), source="Annex, Table 5")
        levels = pieces(cells[2])
        if len(levels) == 1 and levels[0].kind == "text":
            review.add("person", row.line, f"framework_levels.csv, {clean(cells[0])}: the categorical variables are "
                       "printed without markup between them; split them by hand")
        for n, piece in enumerate(levels, 1):
            out.add("framework_levels", criterion=key, position=n, label=piece.text, source="Annex, Table 5")
