"""The factsheet's structure: lines grouped into blocks (headings, paragraphs, list items, table
rows, captions, source lines, footnotes) and blocks into the template's sections.

The ECCP template numbers its sections the same way in every factsheet (1, 2.1-2.3, 3, 4.1,
4.2, References, Annex); sub-headings (2.3's two parts, 4.1's criteria) are whatever heading
follows inside a numbered section. Page furniture (banners, chapter covers, page numbers, the
table of contents) is recognised and counted in the review, never silently dropped."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...graph.errors import SourceError
from .report import Review
from .text import Line, clean, is_banner, is_chapter_number, is_page_number, plain

_NUMBERED = re.compile(r"([1-4](?:\.[1-9])?)\.?\s+(\S.*)")
_CAPTION = re.compile(r"(Table|Figure)\s+([0-9]+)\s*:\s*(.+)")
_FOOTNOTE = re.compile(r"\s*<sup>\s*([0-9]+)\s*</sup>\s*(.+)|\s*\[\^([0-9]+)\]:\s*(.+)")
_PLAIN_FOOTNOTE = re.compile(r"([0-9]{1,2})\s+(\S.*)")
_BULLET = re.compile(r"\s*(?:[-*•]|[0-9]+\.)\s+(.+)")
SUBHEADED = ("2.3", "4.1")  # the template's sections with sub-headings
_NAMED = {"references": "References", "annex": "Annex", "legal notice": "LEGAL NOTICE", "content": "Content",
          "contents": "Content"}


@dataclass
class Block:
    """A run of input: `kind` is heading, para, item, row, caption, source, footnote or pagebreak."""

    kind: str
    raw: str
    line: int
    end: int = 0
    section: str = ""  # section key: "1", "2.3", "references", ...
    heading: str = ""  # the section heading as printed ("2.3 Cluster organisations ...")
    sub: str = ""  # the sub-heading within the section, if any
    after_break: bool = False  # a page break (furniture) stands between this block and the previous one

    @property
    def text(self) -> str:
        """The block's text with markup removed."""
        return clean(self.raw)


@dataclass
class Document:
    """The blocks of one factsheet, in order, and the file name errors use."""

    file: str
    blocks: list[Block] = field(default_factory=list)
    furniture_texts: list[str] = field(default_factory=list)  # page furniture as printed (banners, covers)

    def section(self, key: str) -> list[Block]:
        """The blocks of one section (numbered key like '2.3', or 'references'/'annex')."""
        return [b for b in self.blocks if b.section == key]

    def where(self, key: str) -> int:
        """The first line of a section (or 1 when absent), for error messages."""
        found = self.section(key)
        return found[0].line if found else 1


def footnote_parts(raw: str) -> tuple[int, str]:
    """(number, text) of a footnote line: `<sup>n</sup> text`, `[^n]: text` or, without markup, `n text`."""
    m = _FOOTNOTE.match(raw)
    if m:
        return int(m.group(1) or m.group(3)), m.group(2) or m.group(4)
    m = _PLAIN_FOOTNOTE.match(raw.strip())
    return int(m.group(1)), m.group(2)


def _heading_text(raw: str) -> str | None:
    """The heading text of a Markdown heading line, or None."""
    m = re.match(r"\s*#{1,6}\s+(.*)", raw)
    return plain(m.group(1)) if m else None


def _section_of(text: str) -> tuple[str, str] | None:
    """(key, heading) when a heading names a template section."""
    m = _NUMBERED.fullmatch(text)
    if m and "...." not in text and len(text) < 200:
        return m.group(1), f"{m.group(1)}{'.' if '.' not in m.group(1) else ''} {m.group(2)}"
    named = _NAMED.get(text.strip().lower())
    if named:
        return named.lower().replace("legal notice", "legal").replace("content", "contents"), named
    return None


def segment(lines: list[Line], file: str, review: Review) -> Document:
    """Group lines into blocks and give every block its section; record page furniture."""
    doc = Document(file)
    furniture = review.furniture

    def note_furniture(number: int, text: str) -> None:
        doc.furniture_texts.append(text)
        furniture(number, text)

    review.furniture = note_furniture  # type: ignore[method-assign]
    section, heading, sub = "cover", "", ""
    pending_break = False
    i = 0
    n = len(lines)
    seen_title = False
    next_footnote = 1
    while i < n:
        line = lines[i]
        raw = line.text
        if line.blank:
            i += 1
            continue
        if is_banner(raw) or is_page_number(raw) or raw.strip() in ("---", "***", "___"):
            review.furniture(line.number, raw)
            pending_break = True
            i += 1
            continue
        if is_chapter_number(raw):
            # A chapter cover: the number and the chapter title under it.
            review.furniture(line.number, raw)
            j = i + 1
            while j < n and lines[j].blank:
                j += 1
            if j < n:
                review.furniture(lines[j].number, lines[j].text)
            pending_break = True
            i = j + 1
            continue
        if "\t" not in raw and "...." in raw and section == "contents":
            review.furniture(line.number, raw)
            i += 1
            continue
        if section == "contents" and "\t" in raw and re.search(r"\.{4,}", raw):
            review.furniture(line.number, raw)
            i += 1
            continue
        htext = _heading_text(raw)
        bare = plain(raw)
        if htext is None and "\t" not in raw and not raw.lstrip().startswith("|"):
            # No Markdown marks: a numbered or named section heading is still recognisable.
            alone = (i + 1 >= n or lines[i + 1].blank) and (i == 0 or lines[i - 1].blank)
            if _section_of(bare) and (i + 1 >= n or lines[i + 1].blank) and not bare.endswith((".", ",", ";")):
                htext = bare
            elif (_NUMBERED.fullmatch(bare) and i + 2 < n and not lines[i + 1].blank and lines[i + 2].blank
                  and len(lines[i + 1].text.strip()) <= 60 and "\t" not in lines[i + 1].text
                  and not re.search(r"[.,;:]$", lines[i + 1].text.strip()) and (i == 0 or lines[i - 1].blank)):
                htext = bare + " " + plain(lines[i + 1].text)  # a heading wrapped onto a second line
                i += 1
            elif (section in SUBHEADED and alone and len(bare) <= 70 and bare[:1].isupper()
                  and not re.search(r"[.,;:)]$", bare) and not _CAPTION.fullmatch(bare)
                  and not bare.startswith("Source:") and not _PLAIN_FOOTNOTE.fullmatch(bare)):
                htext = bare  # a sub-heading printed without Markdown marks
        if htext is not None:
            if htext.lower() == "country factsheet":
                seen_title = True
            found = _section_of(htext)
            if found:
                key, head = found
                if key == section and head == heading:
                    review.furniture(line.number, raw)  # the same heading again after a page break
                else:
                    section, heading, sub = key, head, ""
                doc.blocks.append(Block("heading", raw, line.number, line.number, section, heading, sub, pending_break))
            else:
                sub = htext if section not in ("cover",) else sub
                doc.blocks.append(Block("heading", raw, line.number, line.number, section, heading, sub, pending_break))
            pending_break = False
            i += 1
            continue
        if bare.lower() == "country factsheet":
            seen_title = True  # the title without Markdown marks
        block = _content_block(line, bare)
        if block.kind == "footnote":
            next_footnote = footnote_parts(raw)[0] + 1
        elif block.kind == "para" and (m := _PLAIN_FOOTNOTE.fullmatch(raw.strip())) and int(m.group(1)) == next_footnote:
            block.kind = "footnote"  # a footnote line without markup: its number is the next one expected
            next_footnote += 1
        # Soft-wrapped paragraphs: following non-blank plain lines belong to the same paragraph.
        if block.kind == "para":
            j = i + 1
            while j < n and not lines[j].blank and _is_continuation(lines[j]):
                block.raw += " " + lines[j].text.strip()
                block.end = lines[j].number
                j += 1
            i = j
        else:
            i += 1
        block.section, block.heading, block.sub, block.after_break = section, heading, sub, pending_break
        pending_break = False
        doc.blocks.append(block)
    if not seen_title:
        first = next((ln for ln in lines if not ln.blank), None)
        raise SourceError(file, first.number if first else 1, None,
                          "an ECCP country factsheet (a 'Country factsheet' title heading before section 1)",
                          first.text.strip()[:80] if first else "an empty file")
    _join_split_paragraphs(doc, review)
    return doc


def _content_block(line: Line, bare: str) -> Block:
    raw = line.text
    m = _FOOTNOTE.match(raw)
    if m:
        return Block("footnote", raw, line.number, line.number)
    if "\t" in raw or raw.lstrip().startswith("|"):
        return Block("row", raw, line.number, line.number)
    if _CAPTION.fullmatch(bare):
        return Block("caption", raw, line.number, line.number)
    if bare.startswith("Source:"):
        return Block("source", raw, line.number, line.number)
    m = _BULLET.match(raw)
    if m and raw.lstrip()[:1] in "-*•":
        return Block("item", m.group(1), line.number, line.number)
    return Block("para", raw, line.number, line.number)


def _is_continuation(line: Line) -> bool:
    """A non-blank line that continues the paragraph above (not a new block of another kind)."""
    raw = line.text
    if "\t" in raw or raw.lstrip().startswith(("|", "#", "- ", "* ", "• ", "<sup>")):
        return False
    if is_banner(raw) or is_chapter_number(raw) or is_page_number(raw):
        return False
    bare = plain(raw)
    return not (_CAPTION.fullmatch(bare) or bare.startswith("Source:"))


def _join_split_paragraphs(doc: Document, review: Review) -> None:
    """Join a paragraph a page break cut in two (the first part ends mid-sentence, the second
    starts in lower case) and say so in the review."""
    out: list[Block] = []
    for b in doc.blocks:
        prev = out[-1] if out else None
        if (b.kind == "para" and b.after_break and prev is not None and prev.kind == "para"
                and prev.section == b.section and prev.sub == b.sub
                and not re.search(r"[.!?:;)”\"]$", prev.text) and re.match(r"[a-z0-9(]", b.text)):
            review.joined(prev.line, b.line, "paragraph", prev.text[-40:], b.text[:40])
            prev.raw += " " + b.raw
            prev.end = b.end
            continue
        out.append(b)
    doc.blocks = out
