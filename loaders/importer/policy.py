"""Table 3: the cluster policies (one per column) and every piece of every cell.

The table runs over several pages; each page repeats the 'Policy type:' and 'Policy name:'
rows, and a cell cut by the page break continues in the same column on the next page. Rows
carry their row heading (POLICY OBJECTIVES ...) and sub-row label (Financial, Period ...)
in the first one or two cells; an empty heading continues the one above. A bold piece is a
standardised category (codelists/policy_categories.csv); a category printed before its row
heading (a page-layout shift) is placed by the scheme that holds it and noted in the review."""
from __future__ import annotations

import re

from ...graph.iris import slug
from .codelists import Codelists
from .grid import GridRow, read_grid
from .model import Output
from .report import Review
from .sections import Document
from .text import Piece, clean, pieces

#: Row headings of Table 3 and the SKOS scheme of their standardised categories.
SECTIONS = {
    "POLICY OBJECTIVES": "policy-objectives",
    "POLICY FOCUS": "policy-focus",
    "RESPONSIBLE AUTHORITIES": "responsible-roles",
    "BENEFICIARIES": "beneficiary-types",
    "INSTRUMENTS": "financial-instruments",
    "HISTORY": "policy-periods",
    "BUDGET": "",
    "POLICY EVALUATION": "evaluation-availability",
    "POLICY ALIGNMENT WITH THE EU PRIORITIES": "eu-priorities",
}
_SHORT_VALUE = re.compile(r"N/A|-|–|[0-9]{4}|Data unavailable\.?|None")
_ENDS_SENTENCE = re.compile(r"[.!?:;]$")
_NATIONAL_ITEM = re.compile(r"[0-9]+\.\s+(.+)")
_CLUSTER_ITEM = re.compile(r"(?P<name>.+?)(?: \((?P<acronym>[^()]+)\))?, (?:with|which counts) (?P<n>[0-9]+) members[.,]?")


class _Column:
    """What has been placed so far in one policy column: position counters and the last row."""

    def __init__(self, key: str, label: str):
        self.key, self.label = key, label
        self.positions: dict[str, int] = {}
        self.last: dict[str, str] | None = None
        self.last_line = 0

    def next(self, section: str) -> int:
        self.positions[section] = self.positions.get(section, 0) + 1
        return self.positions[section]


def table3(doc: Document, out: Output, review: Review, codes: Codelists, regions: dict[str, str]) -> None:
    """Table 3 -> policies, policy_cells, policy_clusters."""
    grid = read_grid(doc, "Table 3", review, section="3", header_rows=2, where="the cluster policies")
    types = [t for t in grid.header[0].texts[1:] if t]
    names = [t for t in grid.header[1].texts[1:] if t]
    if len(types) != len(names) or not types:
        review.add("invalid", grid.header[0].line, f"Table 3: {len(types)} 'Policy type:' cells but {len(names)} "
                   "'Policy name:' cells")
    columns: list[_Column] = []
    for number, (ptype, name) in enumerate(zip(types, names), 1):
        key = slug(name)
        level = "national" if ptype.lower().startswith("national") else "regional" if ptype.lower().startswith("regional") else None
        if level is None:
            review.add("person", grid.header[0].line, f"policies.csv, column {number}: level of policy type {ptype!r} "
                       "(neither national nor regional)")
        nuts = None
        if level == "regional":
            hits = sorted({code for code, label in regions.items() if re.search(rf"\b{re.escape(label)}\b", name)})
            if len(hits) == 1:
                nuts = hits[0]
                review.add("note", grid.header[1].line, f"policies.csv: regional policy {name!r} placed in {nuts} "
                           f"({regions[nuts]}), the region of Tables 1-2 its name contains")
            else:
                review.add("person", grid.header[1].line, f"policies.csv: nuts_code of regional policy {name!r} "
                           f"({'no' if not hits else 'several'} region names of Tables 1-2 in it)")
        out.add("policies", key=key, column=number, policy_type=ptype, name=name, level=level, nuts_code=nuts,
                source="Table 3, Policy type and Policy name")
        columns.append(_Column(key, ptype))
    width = len(columns)
    section, sub = "", ""
    for row in grid.rows:
        label, subrow, cells = _layout(row, width, review)
        if label:
            if label not in SECTIONS:
                review.unplaced(row.line, label, "Table 3: row heading not in the template's list")
                continue
            section, sub = label, ""
        if subrow:
            sub = subrow
        if not section:
            review.unplaced(row.line, " | ".join(clean(c) for c in cells), "Table 3: cells before the first row heading")
            continue
        for col, raw in zip(columns, cells):
            parts = pieces(raw)
            if parts and row.after_break and _continues(col, parts[0]):
                review.joined(col.last_line, row.line, f"Table 3, {col.label} column cell", col.last["text"][-40:],
                              parts[0].text[:40])
                col.last["text"] += " " + parts[0].text
                parts = parts[1:]
            for piece in parts:
                _place(out, review, codes, col, piece, section, sub, row.line)
    for col in columns:
        _clusters(out, review, col)


def _layout(row: GridRow, width: int, review: Review) -> tuple[str, str, list[str]]:
    """(row heading, sub-row label, the policy cells) of one printed row, whatever its layout.

    Rows have `width + 1` cells (heading, policies) or `width + 2` (heading, sub-row,
    policies). A heading printed one cell to the right (a layout shift) is moved back and
    noted."""
    cells = list(row.cells)
    texts = [clean(c) for c in cells]
    for i in range(1, len(texts)):
        if texts[i] in SECTIONS and not texts[0]:
            review.add("note", row.line, f"Table 3: row heading {texts[i]!r} printed in cell {i + 1}; "
                       "read as the row heading, the cells after it as the policy columns")
            cells = [cells[i]] + cells[i + 1:]
            texts = [texts[i]] + texts[i + 1:]
            break
    if len(cells) >= width + 2:
        label, subrow, policy = texts[0], texts[1], cells[2:2 + width]
        extra = cells[2 + width:]
    else:
        label, subrow, policy = texts[0], "", cells[1:1 + width]
        extra = []
    if any(clean(c) for c in extra):
        review.unplaced(row.line, " | ".join(clean(c) for c in extra), "Table 3: cells beyond the policy columns")
    policy += [""] * (width - len(policy))
    return label, subrow, policy


def _continues(col: _Column, first: Piece) -> bool:
    """True when a cell at the top of a page continues the column's last paragraph or value."""
    last = col.last
    return (last is not None and last["kind"] in ("paragraph", "value") and first.kind == "text"
            and not _ENDS_SENTENCE.search(last["text"]) and bool(re.match(r"[a-z0-9]", first.text)))


def _place(out: Output, review: Review, codes: Codelists, col: _Column, piece: Piece, section: str,
           sub: str, line: int) -> None:
    """One piece of a cell -> one policy_cells row."""
    text = piece.text
    category = None
    if piece.kind == "bold":
        kind = "category"
        scheme = SECTIONS[section]
        found = slug(text) if slug(text) in codes.categories.get(scheme, {}) else None
        if found is None:
            elsewhere = [(s, sec) for sec, s in SECTIONS.items() if s and slug(text) in codes.categories.get(s, {})]
            if len(elsewhere) == 1 and sub == "":
                scheme, target = elsewhere[0]
                review.add("note", line, f"Table 3, {col.label} column: category {text!r} printed under {section}, "
                           f"placed in {target} (its scheme {scheme} in codelists/policy_categories.csv)")
                section, found = target, slug(text)
            else:
                review.add("codelist", line, f"Table 3, {section}, {col.label} column: category {text!r} is not in "
                           f"scheme {scheme or '(none)'} of codelists/policy_categories.csv; category left empty")
        category = found
    elif piece.kind == "item":
        kind = "list_item"
    elif _SHORT_VALUE.fullmatch(text) or sub not in ("", "Explanation"):
        kind = "value"
    else:
        kind = "paragraph"
    if piece.kind == "text" and SECTIONS.get(section):
        labels = codes.categories.get(SECTIONS[section], {}).values()
        if any(text.startswith(label) for label in labels):
            review.add("person", line, f"Table 3, {section}, {col.label} column: text begins with a standardised "
                       "category but is not marked bold; categories run together cannot be split without markup "
                       f"('{text[:60]}')")
    source = f"Table 3, {section}, {col.label} column" + (f", {sub}" if sub else "")
    out.add("policy_cells", policy=col.key, section=section, position=col.next(section), row_label=sub or None,
            kind=kind, category=category, text=text, source=source)
    col.last, col.last_line = out.rows("policy_cells")[-1], line


def _clusters(out: Output, review: Review, col: _Column) -> None:
    """The POLICY FOCUS list items of one policy -> policy_clusters."""
    items = [r for r in out.rows("policy_cells")
             if r["policy"] == col.key and r["section"] == "POLICY FOCUS" and r["kind"] == "list_item"]
    for position, r in enumerate(items, 1):
        text = r["text"]
        m = _CLUSTER_ITEM.fullmatch(text)
        n = _NATIONAL_ITEM.fullmatch(text)
        source = f"Table 3, POLICY FOCUS, {col.label} column, list"
        if m:
            out.add("policy_clusters", policy=col.key, position=position, name=m.group("name"),
                    acronym=m.group("acronym"), member_count=m.group("n"), item=text, source=source)
        elif n:
            out.add("policy_clusters", policy=col.key, position=position, name=n.group(1), acronym=None,
                    member_count=None, item=text, source=source)
        else:
            review.add("person", None, f"policy_clusters.csv, {col.label} column, list item {position}: {text!r} is "
                       "neither 'N. name' nor 'Name (ACRONYM), with/which counts N members'")
