"""Reading the source tables under data/ and the factsheet text they transcribe, for the test_source_* modules.

Only csv/tomllib: the typed validation is the loaders' job; these helpers read what the files say."""
from __future__ import annotations

import csv
import html
import re
import tomllib
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
EDITION = DATA / "it" / "2023"
CODELISTS = DATA / "codelists"
SCHEMAS = tomllib.loads((DATA / "schemas.toml").read_text(encoding="utf-8"))
TABLES = SCHEMAS["tables"]


#: The factsheet text the tables transcribe: the file factsheet.toml names, in the edition folder.
SEED_PATH = EDITION / tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))["source_file"]


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_lines(seed: str) -> list[str]:
    return seed.splitlines()


def plain(text: str) -> str:
    """Markdown/HTML of the seed reduced to printed text (tags, footnote markers, entities, bold)."""
    text = re.sub(r"<sup>\d+</sup>", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)
    return html.unescape(text).replace("**", "").strip()


def folder(name: str) -> Path:
    return CODELISTS if TABLES[name]["scope"] == "codelist" else EDITION


def rows(name: str) -> list[dict[str, str]]:
    with open(folder(name) / TABLES[name]["file"], newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def header(name: str) -> list[str]:
    with open(folder(name) / TABLES[name]["file"], newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def find_rows(name: str, **match: str) -> list[dict[str, str]]:
    return [r for r in rows(name) if all(r[k] == v for k, v in match.items())]
