"""`eccp-kg build`: load, validate and write the store, dumps and dataset description (see eccp_kg.pipeline)."""
from __future__ import annotations

import argparse
import sys

from eccp_kg.pipeline import ValidationFailed, build_graph
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.layout import DEFAULT_OUT
from eccp_kg.graph.progress import Progress

from ._common import add_data_options, add_shacl_option, fail


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg build` and its options (each --help line states its default)."""
    p = sub.add_parser(
        "build",
        help="build the knowledge graph: store, dumps, VoID/DCAT, build-info.json",
        description="Load the ontology, code lists, every factsheet edition and the link sets, validate them "
        "with SHACL, and write DIR/store (pyoxigraph), DIR/dumps/ (eccp-kg.ttl, .nq, .jsonld, void.ttl) and "
        "DIR/build-info.json. The new store is built beside the old one and swapped in only when everything "
        "succeeded. Exit status: 0 built (possibly with warnings), 1 bad input or SHACL violations (nothing "
        "in DIR changed).",
    )
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"output folder; default: {DEFAULT_OUT}")
    add_data_options(p)
    add_shacl_option(p)
    p.add_argument(
        "--public-url",
        metavar="URL",
        default=None,
        help="URL the server is published at; the VoID/DCAT description gives the SPARQL endpoint as URL + "
        "'sparql' and downloads as URL + 'download/FILE'; default: the base IRI (the server's root)",
    )
    p.add_argument("--quiet", action="store_true", help="print only errors and the final summary line (default: progress and report)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build; bad input and SHACL violations print why and return 1 with the output folder unchanged."""
    progress = Progress(sys.stderr, quiet=args.quiet)
    try:
        result = build_graph(args.out, args.data, args.base_iri, args.public_url, progress,
                             shacl_engine=args.shacl_engine)
    except SourceError as exc:
        return fail("build", f"{exc}\nnothing was written; {args.out} is unchanged")
    except ValidationFailed as exc:
        print(exc.outcome.format(), file=sys.stderr)
        return fail("build", f"SHACL violations stop the build; {args.out} is unchanged")
    except (ValueError, RuntimeError, OSError) as exc:
        return fail("build", str(exc))
    if not args.quiet and result.validation.findings:
        print(result.validation.format())
    print(
        f"built {result.triples} triples in {len(result.graphs)} graphs into {result.out_dir} "
        f"(build {result.build_id[:12]}, {result.validation.warnings} warning(s), {progress.total():.1f}s)"
    )
    return 0
