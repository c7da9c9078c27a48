"""The review report: everything a person must look at after an import, by line.

Five kinds of entry, each naming the input line(s): `unplaced` (a line no table took),
`joined` (a cell or paragraph a page break split, joined again), `codelist` (a value outside
the code lists), `person` (a table or column the importer leaves to a person, with the
reason) and `note` (a decision the importer made from the template, e.g. a category printed
before its row heading). Page furniture (banners, covers, repeated table headers) is counted
with its lines, so nothing the input holds disappears without a trace."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

KINDS = {
    "unplaced": "Lines not placed in any table",
    "joined": "Cells and paragraphs joined across a page break",
    "codelist": "Values outside the code lists",
    "person": "Tables and columns left to a person",
    "invalid": "Cells that do not match their schema (the written table will not validate)",
    "note": "Placements made from the template (check them)",
}


@dataclass(frozen=True)
class Entry:
    """One review entry: its kind, the input line it is about (None for a whole table) and what to check."""

    kind: str
    line: int | None
    message: str


@dataclass
class Review:
    """Collects review entries while an import runs; `markdown()` renders the report."""

    source: str = ""
    entries: list[Entry] = field(default_factory=list)
    furniture_lines: list[int] = field(default_factory=list)
    repeated_headers: list[int] = field(default_factory=list)

    def add(self, kind: str, line: int | None, message: str) -> None:
        """Record one entry (kind as in KINDS)."""
        if kind not in KINDS:
            raise ValueError(f"unknown review kind {kind!r}")
        self.entries.append(Entry(kind, line, message))

    def furniture(self, line: int, text: str) -> None:
        """A line of page furniture (banner, cover, page number, table of contents)."""
        self.furniture_lines.append(line)

    def repeated_header(self, line: int) -> None:
        """A table header row printed again after a page break."""
        self.repeated_headers.append(line)

    def joined(self, first: int, second: int, what: str, tail: str, head: str) -> None:
        """A cell or paragraph split by a page break, joined with one space."""
        self.add("joined", second, f"{what} continued from line {first}: '…{tail}' + '{head}…' joined with one space")

    def unplaced(self, line: int, text: str, why: str) -> None:
        """A line the importer could not put in any table."""
        self.add("unplaced", line, f"{why}: '{_short(text)}'")

    def of(self, kind: str) -> list[Entry]:
        """The entries of one kind, in input order."""
        return sorted((e for e in self.entries if e.kind == kind), key=lambda e: (e.line or 0, e.message))

    def markdown(self, title: str, written: dict[str, int]) -> str:
        """The report as Markdown: a summary, then one section per kind, entries by line."""
        out = [f"# Import review: {title}", "", f"Source: `{self.source}`", ""]
        out += ["| what | count |", "|---|---|"]
        for kind, heading in KINDS.items():
            out.append(f"| {heading} | {len(self.of(kind))} |")
        out.append(f"| Page-furniture lines recognised (banners, covers, contents, page numbers) | {len(self.furniture_lines)} |")
        out.append(f"| Repeated table header rows (after page breaks) | {len(self.repeated_headers)} |")
        out.append("")
        for kind, heading in KINDS.items():
            out += [f"## {heading}", ""]
            entries = self.of(kind)
            if not entries:
                out += ["None.", ""]
                continue
            for e in entries:
                where = f"line {e.line}" if e.line else "whole file"
                out.append(f"- {where}: {e.message}")
            out.append("")
        out += ["## Page furniture", "", _ranges("Lines", self.furniture_lines), "",
                _ranges("Repeated header rows", self.repeated_headers), ""]
        out += ["## Tables written", "", "| file | rows |", "|---|---|"]
        out += [f"| {name} | {count} |" for name, count in sorted(written.items())]
        return "\n".join(out) + "\n"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ranges(label: str, numbers: list[int]) -> str:
    """'Lines 1-4, 9' style listing."""
    if not numbers:
        return f"{label}: none."
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return f"{label}: " + ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs) + "."


def by_kind(review: Review) -> dict[str, int]:
    """Entry counts per kind (for the command's summary line)."""
    counts: dict[str, int] = defaultdict(int)
    for e in review.entries:
        counts[e.kind] += 1
    return dict(counts)
