"""Import a country factsheet's text into source tables (data/{cc}/{edition}/) with a review report.

`import_factsheet` reads the text form of an ECCP country factsheet (Markdown with HTML
table cells, plain tab-separated text, or Markdown pipe tables), writes every edition table
of data/schemas.toml in data/'s layout, and a Markdown review listing every line it could
not place, every cell or paragraph joined across a page break, every value outside the
code lists and every table left to a person (manual.toml). Nothing is guessed: what the
importer cannot read is reported, never dropped or made up.

Modules by concept: text (lines, furniture, markup), sections (blocks and the template's
sections), grid (a printed table's rows), regional (Tables 1-2), policy (Table 3),
assessment (Table 4, 4.1, Table 5, Annex), narrative (prose, footnotes, references,
captions, 2.3's template sentences, factsheet.toml), report (the review), write (CSV/TOML)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...graph.errors import SourceError
from ..tables import Schemas, load_schemas
from . import assessment, narrative, policy, regional
from .codelists import Codelists
from .corrections import apply as apply_corrections
from .left_to_people import manual
from .model import Output
from .report import Review
from .sections import segment
from .text import read_lines
from .write import write_edition

@dataclass(frozen=True)
class ImportResult:
    """Where the import wrote, what, and its review."""

    folder: Path
    report: Path
    rows: dict[str, int]
    review: Review


def parse(path: Path, country: str, edition: str, codes: Codelists, display: str | None = None) -> tuple[Output, Review]:
    """Read one factsheet text into rows per table and the review (nothing written)."""
    file = display or path.name
    review = Review(source=file)
    doc = segment(read_lines(path), file, review)
    out = Output()
    labels = regional.table1(doc, out, review, codes)
    labels2 = regional.table2(doc, out, review, codes)
    for code in sorted(set(labels) ^ set(labels2)):
        review.add("note", None, f"region {code} is in only one of Tables 1 and 2")
    regions = {**labels2, **labels}
    policy.table3(doc, out, review, codes, regions)
    criteria = assessment.table4(doc, out, review)
    assessment.assessments(doc, out, review, criteria)
    assessment.semester(doc, out, review)
    assessment.framework(doc, out, review, criteria)
    anchors = narrative.paragraphs(doc, out, review)
    anchors.update({k: v for k, v in narrative.table_anchors(doc).items() if k not in anchors})
    narrative.footnotes(doc, out, review, anchors)
    narrative.references(doc, out, review)
    narrative.captions(doc, out, review)
    narrative.cluster_organisations(doc, out, review, codes)
    narrative.cooperation(doc, out, review, codes)
    narrative.document_fields(doc, out, review, country, edition, path.name)
    _unplaced(doc, review)
    for name, spec in manual().get("tables", {}).items():
        out.tables.pop(name, None)
        review.add("person", None, f"{name}.csv written with its header only: {spec['reason']}")
    for name, spec in manual().get("columns", {}).items():
        table, column = name.split(".")
        for row in out.tables.get(table, []):
            row[column] = ""
        review.add("person", None, f"{table}.csv column {column} written empty: {spec['reason']}")
    for name, spec in manual().get("fields", {}).items():
        out.factsheet.pop(name, None)
        review.add("person", None, f"factsheet.toml field {name}: fill it in by hand ({spec['reason']})")
    return out, review


def _unplaced(doc, review: Review) -> None:
    """Blocks no reader takes: cover or contents text beyond the template's, text before the first
    heading, rows outside any table, Annex text outside its table, source lines under nothing."""
    cover = [b for b in doc.blocks if b.section == "cover" and b.kind != "heading"]
    used = cover[:1] + [b for b in cover if b.kind == "para" and b.text.lower().startswith("an initiative of")]
    for b in cover:
        if b not in used:
            review.unplaced(b.line, b.text, "cover text the template does not have (the cover holds the country "
                            "name and 'An initiative of ...')")
    for b in doc.blocks:
        if b.section == "contents" and b.kind != "heading":
            review.unplaced(b.line, b.text, "table-of-contents line without leader dots")
        if b.section == "legal" and b.kind not in ("heading", "para"):
            review.unplaced(b.line, b.text, "legal notice text that is not a paragraph")
    last = None
    for b in doc.blocks:
        if b.kind == "source" and (last is None or last.kind not in ("caption", "row")):
            review.unplaced(b.line, b.text, "'Source:' line not under a table or figure caption")
        if b.kind not in ("footnote",):
            last = b
    in_table = False
    for b in doc.blocks:
        if b.kind == "caption":
            in_table = True
        elif b.kind in ("heading", "source"):
            in_table = False
        elif b.kind == "para":
            in_table = False
        if b.kind == "row" and not in_table and b.section != "contents":
            review.unplaced(b.line, b.text, "table row outside any captioned table")
        if b.kind in ("para", "item") and b.section == "annex":
            review.unplaced(b.line, b.text, "Annex text outside its table")


def import_factsheet(path: Path, country: str, edition: str, out_dir: Path, *, data_dir: Path | None = None,
                     report: Path | None = None, corrections: Path | None = None) -> ImportResult:
    """Import `path` into `out_dir/{cc}/{edition}/`; returns where and what was written.

    Code lists and schemas come from `data_dir` (default: the data shipped with eccp-kg); an
    output folder without them (and links/) gets a copy, so `eccp-kg validate --data OUT` works at once.
    `corrections` is a reviewed file of cell corrections (see corrections.py) applied after
    reading. A bad input raises SourceError naming the line before anything is written."""
    if not path.is_file():
        raise SourceError(path, None, None, "a factsheet text file", "no such file")
    if not (len(country) == 2 and country.isalpha()):
        raise SourceError("--country", None, None, "a two-letter Eurostat country code like FR or EL", country)
    if not (len(edition) == 4 and edition.isdigit()):
        raise SourceError("--edition", None, None, "an edition year like 2024", edition)
    source_data = data_dir or Path(__file__).resolve().parents[2] / "data"
    if not (source_data / "schemas.toml").is_file():
        from importlib import resources
        source_data = Path(str(resources.files("eccp_kg.data")))
    schemas: Schemas = load_schemas(source_data / "schemas.toml")
    codes = Codelists.load(source_data, schemas)
    output, review = parse(path, country, edition, codes)
    if corrections is not None:
        apply_corrections(corrections, output, schemas, review)
    folder, rows, report_path = write_edition(output, review, schemas, source_data, out_dir, country.lower(), edition,
                                              report, path)
    return ImportResult(folder, report_path, rows, review)
