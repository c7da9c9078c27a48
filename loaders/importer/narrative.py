"""The factsheet's prose: paragraphs, footnotes, references, captions, the document fields, and the
template sentences of section 2.3 (cluster organisations, partner-country lists, Euroclusters).

Only sentences the ECCP template prints in every factsheet are read for figures; what a
country's own prose says (Section 1's documents, 2.1's employment ranking ...) stays in
paragraphs.csv and is left to a person (see manual.toml)."""
from __future__ import annotations

import datetime as dt
import re

from .codelists import Codelists
from .model import Output
from .report import Review
from .sections import _CAPTION, Block, Document, footnote_parts
from .text import clean, footnote_markers, is_banner, links, plain

PROSE_SECTIONS = ("1", "2", "2.1", "2.2", "2.3", "3", "4", "4.1", "4.2")
_ACCESSED = re.compile(r"\((?:accessed|last access) ([0-9]{2})\.([0-9]{2})\.([0-9]{4})\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def _locator(b: Block, counter: dict, kind: str = "paragraph") -> tuple[str, str, int]:
    """(section as printed, source locator, number) of a prose block, counting per section/sub."""
    head = b.heading + (f" > {b.sub}" if b.sub else "")
    n = counter[(head, kind)] = counter.get((head, kind), 0) + 1
    sub = f", {b.sub}" if b.sub else ""
    return head, f"Section {b.section}{sub}, {'list item' if kind == 'item' else 'paragraph'} {n}", n


def paragraphs(doc: Document, out: Output, review: Review) -> dict[int, str]:
    """Every prose paragraph (and Section 1's list) -> paragraphs; returns footnote anchors by number."""
    counter: dict = {}
    positions: dict[str, int] = {}
    anchors: dict[int, str] = {}
    for b in doc.blocks:
        if b.section not in PROSE_SECTIONS or b.kind not in ("para", "item"):
            continue
        if b.kind == "item" and b.section == "2.3" and not b.sub.lower().startswith("cross"):
            continue  # 2.3's ecosystem list is cluster_organisations_by_ecosystem
        head, source, _n = _locator(b, counter, "item" if b.kind == "item" else "paragraph")
        positions[head] = positions.get(head, 0) + 1
        out.add("paragraphs", section=head, position=positions[head], text=b.text, source=source)
        for marker in footnote_markers(b.raw):
            anchors.setdefault(marker, source)
    return anchors


def footnotes(doc: Document, out: Output, review: Review, anchors: dict[int, str]) -> None:
    """Footnote lines -> footnotes (anchor = where its marker stands)."""
    for b in doc.blocks:
        if b.kind != "footnote":
            continue
        number, body = footnote_parts(b.raw)
        anchor = anchors.get(number)
        if anchor is None:
            review.add("person", b.line, f"footnotes.csv, footnote {number}: its marker was not found in a paragraph "
                       "or a Table 5 cell; anchor left to a person")
        found = links(body)
        out.add("footnotes", number=number, text=clean(body), url=found[0] if found else None, anchor=anchor,
                source=f"Footnote {number}")


def table_anchors(doc: Document) -> dict[int, str]:
    """Footnote markers inside Table 5 (European Semester) cells -> 'Table 5, AREA, Cluster policy'."""
    anchors: dict[int, str] = {}
    for b in doc.section("4.2"):
        if b.kind == "row":
            cells = b.raw.split("\t")
            area = clean(cells[0]) if cells else ""
            for i, cell in enumerate(cells[1:], 1):
                what = "Challenges" if i == 1 else "Cluster policy"
                for marker in footnote_markers(cell):
                    anchors.setdefault(marker, f"Table 5, {area}, {what}")
    return anchors


def references(doc: Document, out: Output, review: Review) -> None:
    """The References section's entries -> references."""
    n = 0
    for b in doc.section("references"):
        if b.kind == "heading":
            continue
        if b.kind != "para":
            review.unplaced(b.line, b.text, "References: not a reference entry")
            continue
        n += 1
        found = links(b.raw)
        m = _ACCESSED.search(b.text)
        out.add("references", position=n, text=b.text, url=found[0] if found else None,
                accessed=f"{m.group(1)}.{m.group(2)}.{m.group(3)}" if m else None,
                accessed_date=f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else None,
                source=f"References, entry {n}")


def captions(doc: Document, out: Output, review: Review) -> None:
    """Table and figure captions with the source line printed under them -> factsheet_tables."""
    keys: set[str] = set()
    position = 0
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if b.kind != "caption":
            continue
        m = _CAPTION.fullmatch(b.text)
        number = f"{m.group(1)} {m.group(2)}"
        key = number.lower().replace(" ", "-")
        if key in keys:
            key = f"{key}-{b.section}"
        keys.add(key)
        source_line = note = None
        for later in blocks[i + 1:]:
            if later.kind == "source":
                source_line, _, note = later.text.partition(" Note: ")
                note = note or None
                break
            if later.kind in ("caption", "heading"):
                review.add("note", b.line, f"factsheet_tables.csv: no 'Source:' line under {number} ({m.group(3)[:40]})")
                break
        position += 1
        where = "Annex, " if b.section == "annex" else ""
        out.add("factsheet_tables", key=key, position=position, number=number, caption=m.group(3),
                source_line=source_line, note=note, source=f"{where}{number} caption")


def cluster_organisations(doc: Document, out: Output, review: Review, codes: Codelists) -> None:
    """Section 2.3, first part: the template sentences and the ecosystem list."""
    blocks = [b for b in doc.section("2.3") if b.sub and not b.sub.lower().startswith("cross")]
    paras = [b for b in blocks if b.kind == "para"]
    sub = paras[0].sub if paras else "Cluster organisations in the regions"
    where = f"Section 2.3, {sub}"
    found_registered = found_shares = False
    for n, b in enumerate(paras, 1):
        m = re.search(r"There are ([0-9]+) cluster organisations registered on the ECCP in the country\.", b.text)
        if m:
            found_registered = True
            out.add("cluster_organisation_figures", measure="registered_on_eccp", label=None, value=m.group(1),
                    eu_value=None, unit="count", text=m.group(0), source=f"{where}, paragraph {n}")
        for m in re.finditer(r"(SMEs|large enterprises|research organisations) \(([0-9]+(?:\.[0-9]+)?)%, EU: "
                             r"([0-9]+(?:\.[0-9]+)?)%\)", b.text):
            found_shares = True
            measure = {"SMEs": "member_share_smes", "large enterprises": "member_share_large_enterprises",
                       "research organisations": "member_share_research_organisations"}[m.group(1)]
            out.add("cluster_organisation_figures", measure=measure, label=m.group(1), value=m.group(2),
                    eu_value=m.group(3), unit="percent", text=m.group(0), source=f"{where}, paragraph {n}")
    if not (found_registered and found_shares):
        review.add("person", paras[0].line if paras else doc.where("2.3"),
                   "cluster_organisation_figures.csv: the template sentences ('There are N cluster organisations "
                   "registered ...', 'SMEs (N%, EU: N%) ...') were not found")
    items = [b for b in blocks if b.kind == "item"]
    before = len([p for p in paras if items and p.line < items[0].line])
    for position, b in enumerate(items, 1):
        m = re.fullmatch(r"(.+) \(([0-9]+) (cluster organisations?)\)", b.text)
        if not m:
            review.unplaced(b.line, b.text, "Section 2.3 list item not 'Ecosystem (N cluster organisations)'")
            continue
        if m.group(1) not in codes.ecosystem_labels:
            review.add("codelist", b.line, f"Section 2.3 list: ecosystem {m.group(1)!r} is not in "
                       "codelists/ecosystem_labels.csv")
        out.add("cluster_organisations_by_ecosystem", position=position, ecosystem_label=m.group(1),
                count=m.group(2), count_word=m.group(3), source=f"{where}, list after paragraph {before}")


#: The template's cooperation sentences: (programme, measures, pattern); the text kept is the match.
PROGRAMME_SENTENCES = (
    ("escp", ("consortia",), r"involved in ([0-9]+) consortia of the European Strategic Cluster Partnerships"),
    ("escp-4i", ("partnerships",), r"([0-9]+) partnerships were focusing on internationalisation \(ESCP-4i\)"),
    ("escp-4x", ("partnerships",), r"([0-9]+) partnerships were on cluster management excellence \(ESCP-4x\)"),
    ("escp", ("partner_countries",), r"Consortia partners came from ([0-9]+) different (?:EU member states|countries)"),
    ("innosup-1", ("cluster_organisations",), r"([0-9]+) [\w-]+ cluster organisations participated in the INNOSUP-1 initiative"),
    ("innosup-1", ("partner_countries",), r"partner organisations coming from ([0-9]+) countries"),
    ("euroclusters", ("cluster_organisations", "euroclusters"),
     r"From [A-Z][\w ]*?, ([0-9]+) cluster organisations? (?:are|is) part of ([0-9]+) Euroclusters?"),
    ("euroclusters", ("partner_countries",), r"with partners? from ([0-9]+) countries"),
    ("euroclusters", ("ecosystems_covered",), r"Collectively, they cover all ([0-9]+) industrial ecosystems\."),
)


def cooperation(doc: Document, out: Output, review: Review, codes: Codelists) -> None:
    """Section 2.3, cross-regional part: programme figures, partner-country lists, the Euroclusters named."""
    paras = [b for b in doc.section("2.3") if b.kind == "para" and b.sub.lower().startswith("cross")]
    for programme, measures, pattern in PROGRAMME_SENTENCES:
        hit = next(((n, b, m) for n, b in enumerate(paras, 1) if (m := re.search(pattern, b.text))), None)
        if hit is None:
            review.add("person", paras[0].line if paras else doc.where("2.3"),
                       f"programme_figures.csv, {programme} {'/'.join(measures)}: the template sentence was not found")
            continue
        n, b, m = hit
        for i, measure in enumerate(measures, 1):
            # what a partner count counts, as the template words it ("different EU member states" / "countries")
            counts = None if measure != "partner_countries" else (
                "eu_member_states" if "EU member states" in m.group(0) else "countries")
            out.add("programme_figures", programme=programme, measure=measure, value=m.group(i), counts=counts,
                    text=m.group(0), source=f"Section 2.3, {b.sub}, paragraph {n}")
    mentions = []
    for slug_, (label, acronym) in codes.programmes.items():
        for word in (label, acronym):
            if word:
                mentions.append((re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w])"), slug_))
    for n, b in enumerate(paras, 1):
        source = f"Section 2.3, {b.sub}, paragraph {n}"
        sentences = _SENTENCE.split(b.text)
        for s_index, sentence in enumerate(sentences):
            for m in re.finditer(r"\(((?:[A-Z]{2}, )+[A-Z]{2})\)", sentence):
                programme = None
                for back in range(s_index, -1, -1):
                    hits = sorted((mm.start(), slug_) for rx, slug_ in mentions
                                  for mm in rx.finditer(sentences[back][: m.start()] if back == s_index else sentences[back]))
                    if hits:
                        programme = hits[0][1]
                        break
                if programme is None:
                    review.add("person", b.line, f"programme_partner_countries.csv: no programme named before the list "
                               f"({m.group(1)[:30]}…)")
                    continue
                review.add("note", b.line, f"programme_partner_countries.csv: list ({m.group(1)[:20]}…) given to "
                           f"{programme}, the first programme named in its sentence or the nearest one before")
                for position, code in enumerate(m.group(1).split(", "), 1):
                    if code not in codes.countries:
                        review.add("codelist", b.line, f"partner country {code!r} is not in codelists/countries.csv")
                    out.add("programme_partner_countries", programme=programme, position=position, country_code=code,
                            source=source)
        m = re.search(r"These Euroclusters are (.+?)\.(?:\s|$)", b.text)
        if m:
            names = re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1))
            for position, name in enumerate(names, 1):
                out.add("euroclusters", position=position, name=name.strip(), source=source)


def document_fields(doc: Document, out: Output, review: Review, country: str, edition: str, file_name: str) -> None:
    """The cover, legal notice and source lines -> factsheet.toml fields."""
    cover = [b for b in doc.blocks if b.section == "cover" and b.kind == "para"]
    legal = [b for b in doc.section("legal") if b.kind == "para"]
    sources = [b.text for b in doc.blocks if b.kind == "source"]
    fields: dict = {"country_code": country.upper(), "edition": edition, "title": "Country factsheet",
                    "source_file": file_name}
    if cover:
        fields["country_name"] = cover[0].text
    initiative = next((b.text for b in cover if b.text.lower().startswith("an initiative of")), None)
    if initiative:
        fields["initiative_of"] = initiative
    banner = " ".join(plain(t) for t in doc.furniture_texts if plain(t) in ("EUROPEAN CLUSTER", "COLLABORATION PLATFORM"))
    if "EUROPEAN CLUSTER COLLABORATION PLATFORM" in banner:
        fields["publisher"] = "European Cluster Collaboration Platform"
        review.add("note", None, "factsheet.toml: publisher is the page banner 'EUROPEAN CLUSTER COLLABORATION "
                   "PLATFORM' in title case")
    if legal:
        fields["legal_notice"] = " ".join(b.text for b in legal)
        m = re.search(r"official opinion of ([A-Z]{3,})", fields["legal_notice"])
        if m:
            fields["legal_notice_agency"] = m.group(1)
    for s in sources:
        m = re.match(r"(Source: ([A-Z]{2,}) \(([0-9]{4})\))", s)
        if m:
            fields.setdefault("source_line", m.group(1))
            fields.setdefault("publisher_acronym", m.group(2))
            fields.setdefault("reference_year", int(m.group(3)))
        d = re.search(r"extracted on ([0-9]{2})/([0-9]{2})/([0-9]{4})", s)
        if d:
            fields["data_extraction_date_as_printed"] = f"{d.group(1)}/{d.group(2)}/{d.group(3)}"
            fields["data_extraction_date"] = dt.date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
    tagline = "Strengthening the European economy through collaboration"
    if any(is_banner(ln) and plain(ln) == tagline for ln in doc.furniture_texts):
        fields["tagline"] = tagline
    out.factsheet = fields
