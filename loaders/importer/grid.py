"""A printed table as rows of raw cells: found by its caption, ended by its source line.

Rows are tab-separated (the Italy text, pdftotext) or Markdown pipe rows; a page break inside
a table shows as furniture or blank lines between rows and, often, the header printed again.
Repeated header rows are recognised by equality with the first header and counted in the
review; the caller decides what a continued cell is."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...graph.errors import SourceError
from .report import Review
from .sections import _CAPTION, Block, Document
from .text import clean


@dataclass
class GridRow:
    """One printed table row: the input line, raw cells, and whether a page break precedes it."""

    line: int
    cells: list[str]
    after_break: bool = False

    @property
    def texts(self) -> list[str]:
        """The cells with markup removed."""
        return [clean(c) for c in self.cells]


@dataclass
class Grid:
    """A table found in the document: caption block, its rows, and the source line block (if any)."""

    number: str  # "Table 1"
    caption: Block
    header: list[GridRow]
    rows: list[GridRow]
    source: Block | None


def split_cells(raw: str) -> list[str] | None:
    """The cells of a table row (tab- or pipe-separated), or None for a pipe table's rule line."""
    s = raw.rstrip("\n")
    if s.lstrip().startswith("|"):
        inner = s.strip()
        inner = inner[1:-1] if inner.endswith("|") and len(inner) > 1 else inner[1:]
        cells = [c.strip() for c in inner.split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return None
        return cells
    return s.split("\t")


def find_caption(doc: Document, number: str, section: str | None = None) -> int | None:
    """The index of the block captioned `number` ('Table 3'), optionally within one section."""
    for i, b in enumerate(doc.blocks):
        if b.kind == "caption" and (section is None or b.section == section):
            m = _CAPTION.fullmatch(b.text)
            if m and f"{m.group(1)} {m.group(2)}" == number:
                return i
    return None


def read_grid(doc: Document, number: str, review: Review, *, section: str | None = None,
              header_rows: int = 1, where: str = "") -> Grid:
    """Read the table captioned `number`; a missing table is an error naming the line it was expected at."""
    start = find_caption(doc, number, section)
    if start is None and section and not doc.section(section):
        found = ", ".join(dict.fromkeys(b.section for b in doc.blocks if b.kind == "heading"))
        raise SourceError(doc.file, None, None,
                          f"a section {section} heading (where the template prints {number}); sections found: {found}",
                          "no such heading")
    if start is None:
        line = doc.where(section) if section else 1
        raise SourceError(doc.file, line, None,
                          f"{number} ({where or 'its caption'}) in section {section or 'any'}, "
                          f"a line '{number}: caption' followed by its rows", "no such caption")
    caption = doc.blocks[start]
    rows: list[GridRow] = []
    source = None
    broken = False
    for b in doc.blocks[start + 1:]:
        if b.kind == "row":
            cells = split_cells(b.raw)
            if cells is None:
                continue
            rows.append(GridRow(b.line, cells, broken or b.after_break))
            broken = False
            continue
        if b.kind == "source":
            source = b
        break
    if not rows:
        raise SourceError(doc.file, caption.line, None, f"the rows of {number} after its caption", "no table rows")
    header, body = rows[:header_rows], []
    keys = [_key(h) for h in header]
    i = header_rows
    while i < len(rows):
        if _key(rows[i]) == keys[0] and all(
                i + k < len(rows) and _key(rows[i + k]) == keys[k] for k in range(len(keys))):
            for k in range(len(keys)):
                review.repeated_header(rows[i + k].line)
            i += len(keys)
            if i < len(rows):
                rows[i].after_break = True
            continue
        body.append(rows[i])
        i += 1
    return Grid(number, caption, header, body, source)


def _key(row: GridRow) -> tuple[str, ...]:
    """A row compared for 'same header again': cell texts without empty cells."""
    return tuple(t for t in row.texts if t)
