"""`eccp-kg import`: a country factsheet's text -> data/{cc}/{edition}/ source tables and a review report."""
from __future__ import annotations

import argparse
from pathlib import Path

from eccp_kg.graph.errors import SourceError
from eccp_kg.loaders.importer import import_factsheet
from eccp_kg.loaders.importer.report import KINDS, by_kind

from ._common import fail


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg import` and its options (each --help line states its default)."""
    p = sub.add_parser(
        "import",
        help="read a factsheet's text into source tables plus a review report",
        description="Read the text form of an ECCP country factsheet (Markdown with HTML table cells, plain "
        "tab-separated text as pdftotext writes it, or Markdown pipe tables) and write DATA_DIR/cc/yyyy/ in the "
        "layout of data/: every edition CSV of schemas.toml, factsheet.toml, and import-review.md listing every "
        "line not placed, every cell joined across a page break, every value outside the code lists and every "
        "table left to a person. Exit status: 0 written, 1 bad input (the message names the line). "
        "See docs/adding-a-country.md.",
    )
    p.add_argument("factsheet", metavar="FACTSHEET", type=Path, help="the factsheet text file")
    p.add_argument("--country", required=True, metavar="CC", help="Eurostat country code, e.g. FR or EL (required)")
    p.add_argument("--edition", required=True, metavar="YYYY", help="edition year, e.g. 2024 (required)")
    p.add_argument("--out", required=True, metavar="DATA_DIR", type=Path,
                   help="data folder to write cc/yyyy/ into; gets schemas.toml, codelists/ and links/ if it has none (required)")
    p.add_argument("--data", metavar="DIR", type=Path, default=None,
                   help="data folder whose schemas.toml and code lists to use; default: the data shipped with eccp-kg")
    p.add_argument("--report", metavar="FILE", type=Path, default=None,
                   help="where to write the review report; default: DATA_DIR/cc/yyyy/import-review.md")
    p.add_argument("--corrections", metavar="FILE", type=Path, default=None,
                   help="reviewed cell corrections to apply after reading (TOML [[cell]] entries); default: none")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import; print where it wrote and the review counts; 1 on bad input."""
    try:
        result = import_factsheet(args.factsheet, args.country, args.edition, args.out, data_dir=args.data,
                                  report=args.report, corrections=args.corrections)
    except SourceError as exc:
        return fail("import", str(exc))
    except OSError as exc:
        return fail("import", str(exc))
    counts = by_kind(result.review)
    print(f"wrote {result.folder} ({sum(result.rows.values())} rows in {len(result.rows)} tables)")
    print(f"review: {result.report}")
    for kind, heading in KINDS.items():
        print(f"  {heading}: {counts.get(kind, 0)}")
    return 0
