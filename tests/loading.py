"""Helpers of the loader tests: a private copy of the source tables to break, one-line edits, loading it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter


BASE = "https://example.org/kg/"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A private copy of the source tables, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("__pycache__", "*.py", "links"))
    return target


def edit(path: Path, line: int, old: str, new: str) -> None:
    """Replace `old` by `new` on one (1-based) line of a text file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], f"{old!r} not on line {line} of {path}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def load(data_dir: Path) -> Graph:
    minter = Minter(BASE)
    (edition,) = [e for e in loaders.discover_editions(data_dir) if e.country == "IT"]
    return loaders.load_edition(edition, minter)


def raises(data_dir: Path) -> SourceError:
    with pytest.raises(SourceError) as info:
        loaders.load_codelists(data_dir, Minter(BASE))
        load(data_dir)
    return info.value


EDITION = "data/it/2023/"
