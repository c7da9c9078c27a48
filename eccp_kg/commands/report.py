"""`eccp-kg report`: write the explorer's views as a static HTML report (no server needed)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eccp_kg.explore.report import write_report
from eccp_kg.graph.dataset import DataError, Dataset, open_store_read_only

from ._common import add_store_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the explorer views as static HTML files",
        description="Write the explorer views (partnerships, euroclusters, regions, ecosystems, policies) "
                    "as static HTML with their charts, CSS and chart.js, linked relatively: open "
                    "DIR/index.html in a browser, no server needed.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the report into (created)")
    add_store_option(p, "the store `eccp-kg build` wrote")
    p.add_argument("--ui-url", default=None, metavar="URL",
                   help="a query UI (e.g. https://example.org/) the pages' 'Open in the query UI' links "
                        "point to (URL#query=...); default: no such links, the SPARQL is still shown")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not Path(args.store).is_dir():  # the report reads a built store only (no --data here)
        print(f"eccp-kg report: --store {args.store}: no store directory; run `eccp-kg build` first "
              "(or pass --store DIR of another build)", file=sys.stderr)
        return 2
    try:
        select = Dataset(open_store_read_only(args.store), Path(args.store), build_id="report").select
    except DataError as exc:
        print(f"eccp-kg report: --store: {exc}", file=sys.stderr)
        return 2
    pages = write_report(select, args.out, ui_url=args.ui_url)
    print(f"wrote {len(pages)} pages to {args.out}/ (open {args.out}/index.html)")
    return 0
