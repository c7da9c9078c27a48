"""The tables and fields of a factsheet the importer leaves to a person (manual.toml), with the reason.

A module of its own so that both the importer's entry point and the writer read it without
importing each other."""
from __future__ import annotations

import tomllib
from pathlib import Path

MANUAL = Path(__file__).with_name("manual.toml")


def manual() -> dict:
    """The tables and fields left to a person, with the reason (manual.toml)."""
    return tomllib.loads(MANUAL.read_text(encoding="utf-8"))
