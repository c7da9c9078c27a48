"""Reading a factsheet's text: lines with their numbers, page furniture, and markup removal.

A factsheet converted from its PDF comes as Markdown with HTML inside table cells (the Italy
text), as plain tab-separated text (pdftotext), or as Markdown pipe tables. Everything below
works on `Line`s that keep their 1-based line number, so every review entry and every error
names the line of the input it is about."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

#: Lines the ECCP template prints on every chapter cover and page head: page furniture, not content.
BANNER_LINES = (
    "EUROPEAN CLUSTER",
    "COLLABORATION PLATFORM",
    "EUROPEAN CLUSTER COLLABORATION PLATFORM",
    "Strengthening the European economy through collaboration",
)
_CHAPTER_NUMBER = re.compile(r"#*\s*0[1-9]")  # "# 01": a chapter cover's big number
_PAGE_NUMBER = re.compile(r"(?:Page\s+)?[0-9]{1,3}(?:\s*/\s*[0-9]{1,3})?")
_SUP = re.compile(r"<sup>\s*([0-9]+)\s*</sup>")
_TAG = re.compile(r"<[^>]+>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Line:
    """One input line: its 1-based number and its text without the line break."""

    number: int
    text: str

    @property
    def blank(self) -> bool:
        """True for an empty or whitespace-only line."""
        return not self.text.strip()


def read_lines(path: Path) -> list[Line]:
    """The file's lines, numbered from 1; form feeds (pdftotext's page breaks) become their own line."""
    raw = path.read_text(encoding="utf-8-sig")
    lines: list[Line] = []
    for number, text in enumerate(raw.split("\n"), 1):
        text = text.rstrip("\r")
        if "\f" in text:
            for part in text.split("\f"):
                if part.strip():
                    lines.append(Line(number, part))
            lines.append(Line(number, "\f"))
        else:
            lines.append(Line(number, text))
    return lines


def plain(text: str) -> str:
    """Text without Markdown heading marks, emphasis, HTML tags and entities, whitespace collapsed."""
    text = text.strip()
    text = re.sub(r"^#{1,6}\s*", "", text)
    return clean(text)


def is_banner(text: str) -> bool:
    """True for a line of page furniture: the platform name, the tagline or a form feed."""
    if text == "\f":
        return True
    bare = " ".join(plain(text).split())
    return bare in BANNER_LINES


def is_chapter_number(text: str) -> bool:
    """True for the big chapter number of a chapter cover ('# 01')."""
    return bool(_CHAPTER_NUMBER.fullmatch(text.strip()))


def is_page_number(text: str) -> bool:
    """True for a line holding only a page number ('12', 'Page 12', '12 / 28')."""
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))


def footnote_markers(text: str) -> list[int]:
    """The footnote numbers marked in a piece of text (`<sup>n</sup>`), in order."""
    return [int(n) for n in _SUP.findall(text)]


def clean(text: str) -> str:
    """A cell or paragraph as the data keeps it: verbatim, markup removed.

    Footnote markers, HTML tags, bold/italic markers and Markdown link syntax go; HTML
    entities are decoded and the converter's escaped underscores restored; runs of white
    space become one space. Nothing else is changed (spelling, punctuation, dashes stay)."""
    text = _SUP.sub("", text)
    text = re.sub(r"<br\s*/?>", " ", text)
    text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", text)) if "<" in text else text
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _BOLD.sub(r"\1", text)
    text = re.sub(r"\\{1,2}_", "_", text)
    text = html.unescape(text)
    text = " ".join(text.split())
    if len(text) > 1 and text.startswith("*") and text.endswith("*") and not text.startswith("**"):
        text = text[1:-1].strip()
    return text


def links(text: str) -> list[str]:
    """The link targets of a piece of raw text, in order: Markdown link targets and bare URLs."""
    found: list[str] = []
    for m in _MD_LINK.finditer(text):
        if m.group(2).startswith("http"):
            found.append(m.group(2).replace("\\\\_", "_").replace("\\_", "_"))
    if not found:
        for m in re.finditer(r"https?://[^\s<>)\]]+", text):
            found.append(m.group(0).replace("\\\\_", "_").replace("\\_", "_").rstrip(".,;"))
    return found


def is_bold(raw: str) -> bool:
    """True when the whole piece is bold (`<b>...</b>` or `**...**`): a standardised category."""
    s = raw.strip()
    s = re.sub(r"^<p>\s*(.*?)\s*</p>$", r"\1", s)
    return bool(re.fullmatch(r"<b>(?:(?!</?b>).)*</b>", s) or re.fullmatch(r"\*\*(?:(?!\*\*).)+\*\*", s))


#: How a cell's raw text breaks into pieces: list items, paragraphs, bold runs.
_PIECE = re.compile(r"<li[^>]*>(?P<li>.*?)</li>|<p>(?P<p>.*?)</p>|<b>(?P<b>.*?)</b>|\*\*(?P<md>.+?)\*\*", re.S)


@dataclass(frozen=True)
class Piece:
    """A piece of a table cell: `kind` is 'bold', 'item' (list item) or 'text'."""

    kind: str
    raw: str

    @property
    def text(self) -> str:
        """The piece as kept in the data (markup removed; list bullets '• ' dropped)."""
        out = clean(self.raw)
        if self.kind == "item":
            out = re.sub(r"^[•·▪\-]\s*", "", out)
        return out


def pieces(raw: str) -> list[Piece]:
    """Split a cell into its printed pieces, in order.

    `<li>` items are list items; a `<p>` or a run that is wholly bold is one category; other
    `<p>` paragraphs and loose text are text. A cell without markup is one text piece."""
    out: list[Piece] = []
    pos = 0
    for m in _PIECE.finditer(raw):
        loose = raw[pos:m.start()]
        _loose(loose, out)
        if m.group("li") is not None:
            out.append(Piece("item", m.group("li")))
        elif m.group("p") is not None:
            body = m.group("p")
            if is_bold(body):
                out.append(Piece("bold", body))
            else:
                out.append(Piece("text", body))
        else:
            out.append(Piece("bold", m.group("b") if m.group("b") is not None else m.group("md")))
        pos = m.end()
    _loose(raw[pos:], out)
    return [p for p in out if p.text]


def _loose(text: str, out: list[Piece]) -> None:
    """Text between markup pieces (not list wrappers) becomes a text piece."""
    bare = re.sub(r"</?(?:ul|ol)[^>]*>", " ", text)
    if clean(bare):
        out.append(Piece("text", bare))
