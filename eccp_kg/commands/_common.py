"""Helpers shared by the build/validate/export commands: the options they have in common and error output."""
from __future__ import annotations

import argparse
import sys

from eccp_kg.graph.layout import DEFAULT_STORE
from eccp_kg.graph.namespaces import DEFAULT_BASE_IRI
from eccp_kg.graph.validate import DEFAULT_ENGINE, ENGINES


def add_data_options(p: argparse.ArgumentParser) -> None:
    """--data and --base-iri, with their defaults spelled out in --help."""
    p.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="folder with the source tables (code lists, one folder per country/edition); "
        "default: the data shipped in the eccp_kg.data package",
    )
    p.add_argument(
        "--base-iri",
        metavar="IRI",
        default=None,
        help=f"base IRI of minted resources; default: $ECCP_KG_BASE_IRI, else {DEFAULT_BASE_IRI}",
    )


def add_store_option(p: argparse.ArgumentParser, what: str) -> None:
    """--store DIR (default: the store `eccp-kg build` writes without --out), its default spelled out."""
    p.add_argument("--store", metavar="DIR", default=DEFAULT_STORE, help=f"{what}; default: {DEFAULT_STORE}")


def add_shacl_option(p: argparse.ArgumentParser) -> None:
    """--shacl-engine: SHACL as SPARQL over Oxigraph by default, pyshacl-turbo or pyshacl (the reference) on request."""
    p.add_argument(
        "--shacl-engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help=f"SHACL engine: oxigraph (one SPARQL query per constraint over all focus nodes; scales to millions of "
        f"triples), turbo (pyshacl-turbo, Rust, per focus node) or pyshacl (the reference); all give the same report; "
        f"default: {DEFAULT_ENGINE}",
    )


def fail(command: str, message: str, code: int = 1) -> int:
    """Print `eccp-kg COMMAND: error: MESSAGE` to stderr and return the exit code."""
    print(f"eccp-kg {command}: error: {message}", file=sys.stderr)
    return code
