"""The shared code lists an import checks printed values against (data/codelists)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..tables import Schemas, read_table


@dataclass(frozen=True)
class Codelists:
    """Printed labels and codes the code lists know; a value outside them goes to the review."""

    ecosystem_labels: frozenset[str]
    nace_codes: frozenset[str]
    nace_labels: frozenset[tuple[str, str]]
    countries: frozenset[str]
    categories: dict[str, dict[str, str]]  # scheme -> slug -> label
    programmes: dict[str, tuple[str, str]]  # slug -> (label, acronym)

    @classmethod
    def load(cls, data_dir: Path, schemas: Schemas) -> "Codelists":
        """Read the code lists of one data folder (checked against their schemas)."""
        def rows(name: str):
            schema = schemas.tables[name]
            return read_table(data_dir / "codelists" / schema.file, schema, f"codelists/{schema.file}")

        categories: dict[str, dict[str, str]] = {}
        for r in rows("policy_categories"):
            categories.setdefault(r["scheme"], {})[r["slug"]] = r["label"]
        return cls(
            frozenset(r["label"] for r in rows("ecosystem_labels")),
            frozenset(r["code"] for r in rows("nace_divisions")),
            frozenset((r["code"], r["label"]) for r in rows("nace_labels")),
            frozenset(r["code"] for r in rows("countries")),
            categories,
            {r["slug"]: (r["label"], r["acronym"] or "") for r in rows("programmes")},
        )
