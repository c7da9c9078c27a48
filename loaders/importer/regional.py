"""Tables 1 and 2: regions with their sectoral (NACE) and ecosystem agglomerations."""
from __future__ import annotations

import re

from .codelists import Codelists
from .grid import Grid, read_grid
from .model import Output
from .report import Review
from .sections import Document

_REGION = re.compile(r"([A-Z]{2}[A-Z0-9]{2})\s*:\s*(.+)")
_NACE = re.compile(r"([A-U][0-9]{2})\s+(?:-|–)\s+(.+)")


def _region(grid: Grid, row, review: Review) -> tuple[str, str] | None:
    m = _REGION.fullmatch(row.texts[0]) if row.texts else None
    if not m:
        review.unplaced(row.line, "\t".join(row.texts), f"{grid.number} row without a 'CODE: Region' first cell")
    return (m.group(1), m.group(2)) if m else None


def _cells(grid: Grid, row, width: int, review: Review) -> list[str]:
    """The row's cells padded to the header's width; extra non-empty cells go to the review."""
    texts = row.texts
    if len(texts) > width and any(texts[width:]):
        review.unplaced(row.line, " | ".join(texts[width:]), f"{grid.number}: cells beyond the {width} header columns")
    return (texts + [""] * width)[:width]


def table1(doc: Document, out: Output, review: Review, codes: Codelists) -> dict[str, str]:
    """Table 1 -> sectoral_agglomeration_counts, sectoral_agglomerations; returns region labels by code."""
    grid = read_grid(doc, "Table 1", review, section="2.2", where="sectoral agglomerations by region")
    width = len(grid.header[0].cells)
    ranks = width - 2
    labels: dict[str, str] = {}
    for position, row in enumerate((r for r in grid.rows if _region(grid, r, review)), 1):
        code, label = _region(grid, row, review) or ("", "")
        cells = _cells(grid, row, width, review)
        labels[code] = label
        count = cells[1]
        if not re.fullmatch(r"[0-9]+", count):
            review.add("invalid", row.line, f"Table 1, {code}: 'Number of agg.' is {count!r}, not a whole number")
        out.add("sectoral_agglomeration_counts", nuts_code=code, position=position, region_label=label,
                agglomeration_count=count, source="Table 1")
        for rank in range(1, ranks + 1):
            cell = cells[1 + rank]
            m = _NACE.fullmatch(cell)
            if cell not in ("", "-") and not m:
                review.unplaced(row.line, cell, f"Table 1, {code}, Agg. {rank}: not 'CODE - label'")
            if m:
                if m.group(1) not in codes.nace_codes:
                    review.add("codelist", row.line, f"Table 1, {code}, Agg. {rank}: NACE division {m.group(1)} "
                               "is not in codelists/nace_divisions.csv")
                elif (m.group(1), m.group(2)) not in codes.nace_labels:
                    review.add("codelist", row.line, f"Table 1, {code}, Agg. {rank}: label {m.group(2)!r} of "
                               f"{m.group(1)} is not in codelists/nace_labels.csv")
            out.add("sectoral_agglomerations", nuts_code=code, rank=rank, cell=cell,
                    nace_code=m.group(1) if m else None, nace_label=m.group(2) if m else None, source="Table 1")
    return labels


def table2(doc: Document, out: Output, review: Review, codes: Codelists) -> dict[str, str]:
    """Table 2 -> ecosystem_agglomeration_counts, ecosystem_agglomerations; returns region labels by code."""
    grid = read_grid(doc, "Table 2", review, section="2.2", where="ecosystem agglomerations by region")
    width = len(grid.header[0].cells)
    labels: dict[str, str] = {}
    for position, row in enumerate((r for r in grid.rows if _region(grid, r, review)), 1):
        code, label = _region(grid, row, review) or ("", "")
        cells = _cells(grid, row, width, review)
        labels[code] = label
        out.add("ecosystem_agglomeration_counts", nuts_code=code, position=position, region_label=label,
                agglomeration_count=cells[1], source="Table 2")
        for rank in range(1, width - 1):
            cell = cells[1 + rank]
            eco = cell if cell not in ("", "-") else None
            if eco and eco not in codes.ecosystem_labels:
                review.add("codelist", row.line, f"Table 2, {code}, Agglomeration {rank}: ecosystem {eco!r} is not "
                           "in codelists/ecosystem_labels.csv")
            out.add("ecosystem_agglomerations", nuts_code=code, rank=rank, cell=cell, ecosystem_label=eco,
                    source="Table 2")
    return labels
