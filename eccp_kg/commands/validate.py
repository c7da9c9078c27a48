"""`eccp-kg validate`: load every source and run SHACL, writing nothing (see eccp_kg.pipeline.check_sources)."""
from __future__ import annotations

import argparse
import sys

from eccp_kg.pipeline import check_sources
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.progress import Progress

from ._common import add_data_options, add_shacl_option, fail


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg validate` and its options (each --help line states its default)."""
    p = sub.add_parser(
        "validate",
        help="load the sources and check them with SHACL; writes nothing",
        description="Load the ontology, code lists, every factsheet edition and the link sets, run the SHACL "
        "shapes and print the report (focus node, path, message, severity; counts per severity). Exit status: "
        "0 no violations (warnings allowed), 1 violations or bad input. No store is written.",
    )
    add_data_options(p)
    add_shacl_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress lines (default: progress on stderr)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load and validate; print the report; 1 on violations or bad input, else 0."""
    try:
        _sources, outcome = check_sources(args.data, args.base_iri, Progress(sys.stderr, quiet=args.quiet),
                                      shacl_engine=args.shacl_engine)
    except SourceError as exc:
        return fail("validate", str(exc))
    except (ValueError, RuntimeError, OSError) as exc:
        return fail("validate", str(exc))
    print(outcome.format())
    return 0 if outcome.ok else 1
