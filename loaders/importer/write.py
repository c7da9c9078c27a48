"""Writing an import: the edition's CSVs (every edition table of schemas.toml, in data/'s layout),
its factsheet.toml and the review report, all at once or not at all.

The folder is written to a temporary sibling and moved into place only when complete, so an
interrupted import never leaves half an edition; every cell is checked against its schema
and a cell that does not fit is listed in the review (the table keeps the printed value)."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
import tempfile
from pathlib import Path

from ...graph.errors import SourceError
from ..tables import Schemas, check_cell
from .left_to_people import manual
from .model import Output
from .report import Review


def _toml_value(value: object) -> str:
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def factsheet_toml(fields: dict, schemas: Schemas) -> str:
    """factsheet.toml text: the declared fields in schema order, those the import found."""
    lines = ["# One ECCP country factsheet edition, written by `eccp-kg import`. Fields: data/schemas.toml [factsheet]."]
    for col in schemas.factsheet:
        if col.name in fields:
            lines.append(f"{col.name} = {_toml_value(fields[col.name])}")
    return "\n".join(lines) + "\n"


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    """A table as the repository's CSV form (RFC 4180, LF line ends, header first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buf.getvalue()


def check(output: Output, review: Review, schemas: Schemas) -> None:
    """Every cell against its column; a misfit goes to the review as 'invalid'."""
    for name, rows in output.tables.items():
        schema = schemas.tables[name]
        for n, row in enumerate(rows, 2):
            for col in schema.columns:
                try:
                    check_cell(row.get(col.name, ""), col, schema.file, n)
                except SourceError as exc:
                    review.add("invalid", None, str(exc))
    by_hand = set(manual().get("fields", {}))
    for col in schemas.factsheet:
        if col.required and col.name not in output.factsheet and col.name not in by_hand:
            review.add("invalid", None, f"factsheet.toml: required field {col.name} not found in the text")


def write_edition(output: Output, review: Review, schemas: Schemas, source_data: Path, out_dir: Path, cc: str,
                  edition: str, report: Path | None, text: Path) -> tuple[Path, dict[str, int], Path]:
    """Write out_dir/cc/edition/ (replacing an older import) and the review; returns folder, row counts, report.

    The factsheet text goes into the folder too, under its own name (`source_file`), with its
    SHA-256 where the schema declares `source_sha256`: the tables sit beside the document they
    transcribe, as in data/it/2023."""
    fields = {c.name for c in schemas.factsheet}
    output.factsheet["source_file"] = text.name
    if "source_sha256" in fields:
        output.factsheet["source_sha256"] = hashlib.sha256(text.read_bytes()).hexdigest()
    check(output, review, schemas)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / "schemas.toml").exists():
        shutil.copy2(source_data / "schemas.toml", out_dir / "schemas.toml")
    for shared in ("codelists", "links"):
        if not (out_dir / shared).exists() and (source_data / shared).is_dir():
            shutil.copytree(source_data / shared, out_dir / shared)
    target = out_dir / cc / edition
    target.parent.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    tmp = Path(tempfile.mkdtemp(prefix=f".{edition}-", dir=target.parent))
    try:
        for schema in schemas.scoped("edition"):
            table = output.tables.get(schema.name, [])
            rows[schema.file] = len(table)
            (tmp / schema.file).write_text(csv_text(schema.header, table), encoding="utf-8")
        (tmp / "factsheet.toml").write_text(factsheet_toml(output.factsheet, schemas), encoding="utf-8")
        shutil.copyfile(text, tmp / text.name)  # before the old folder goes: the text may be in it
        report_path = report or target / "import-review.md"
        text = review.markdown(f"{cc.upper()} {edition}", rows)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(text, encoding="utf-8")
    return target, rows, report_path
