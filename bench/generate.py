"""A deterministic generator of ECCP-like source tables for scale benchmarks (100k, 1M, 10M triples).

Why: ECCP publishes 56 country factsheets a year, and the build, SHACL and the servers must hold many
years of them on one machine; the repository ships one real edition (Italy 2023). This writes a data
folder in the repository's own formats (data/schemas.toml; data/codelists/, data/links/,
data/{cc}/{yyyy}/factsheet.toml and *.csv) that `eccp-kg build --data DIR` reads like the real one:

* 32 countries with their NUTS-2 regions (as many as each country has; the codes are made up in the
  NUTS pattern, e.g. DEA1, and are not real NUTS codes), every edition year of the size;
* Table 1 per region: up to 5 sectoral agglomerations drawn from all 88 NACE Rev. 2 divisions, Table 2:
  up to 2 ecosystem agglomerations of the 14, with stated counts and totals that agree with the rows;
* cluster policies (Table 3) with their cells and their listed cluster organisations (names unique per
  country, so the organisations add up across countries: about 1,500 at 1M), cooperation programmes with
  partner countries, Euroclusters, paragraphs, the State-of-play assessment and the Semester table:
  the structure of the Italy 2023 tables, their texts reused, the codes and counts generated.

The same size always gives the same files (random.Random seeded per country and year), and the
generated data has no SHACL violation (warnings come only from the text lists copied from Italy).
Usage: `python -m bench.generate --size 1m --out DIR` (sizes: SIZES)."""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from eccp_kg.data import PATH as DATA

#: NUTS-2 regions per country (NUTS 2021 counts; CH, NO, RS, TR, UK as statistical regions).
REGIONS: dict[str, tuple[str, int]] = {
    "AT": ("Austria", 9), "BE": ("Belgium", 11), "BG": ("Bulgaria", 6), "CH": ("Switzerland", 7),
    "CY": ("Cyprus", 1), "CZ": ("Czechia", 8), "DE": ("Germany", 38), "DK": ("Denmark", 5),
    "EE": ("Estonia", 1), "EL": ("Greece", 13), "ES": ("Spain", 19), "FI": ("Finland", 5),
    "FR": ("France", 27), "HR": ("Croatia", 4), "HU": ("Hungary", 8), "IE": ("Ireland", 3),
    "IT": ("Italy", 21), "LT": ("Lithuania", 2), "LU": ("Luxembourg", 1), "LV": ("Latvia", 1),
    "MT": ("Malta", 1), "NL": ("Netherlands", 12), "NO": ("Norway", 7), "PL": ("Poland", 17),
    "PT": ("Portugal", 7), "RO": ("Romania", 8), "RS": ("Serbia", 4), "SE": ("Sweden", 8),
    "SI": ("Slovenia", 2), "SK": ("Slovakia", 4), "TR": ("Turkey", 26), "UK": ("United Kingdom", 41),
}

#: The 88 divisions of NACE Rev. 2, by section.
NACE: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3), "B": (5, 6, 7, 8, 9), "C": tuple(range(10, 34)), "D": (35,), "E": (36, 37, 38, 39),
    "F": (41, 42, 43), "G": (45, 46, 47), "H": (49, 50, 51, 52, 53), "I": (55, 56), "J": (58, 59, 60, 61, 62, 63),
    "K": (64, 65, 66), "L": (68,), "M": (69, 70, 71, 72, 73, 74, 75), "N": (77, 78, 79, 80, 81, 82), "O": (84,),
    "P": (85,), "Q": (86, 87, 88), "R": (90, 91, 92, 93), "S": (94, 95, 96), "T": (97, 98), "U": (99,),
}
DIVISIONS = [f"{section}{n:02d}" for section, numbers in NACE.items() for n in numbers]


@dataclass(frozen=True)
class Size:
    """How much to generate: edition years per country and copies of the Table 3 policies per edition."""

    years: tuple[str, ...]
    policy_copies: int


SIZES: dict[str, Size] = {
    "100k": Size(("2023",), 1),
    "1m": Size(tuple(str(y) for y in range(2018, 2024)), 2),
    "10m": Size(tuple(str(y) for y in range(2014, 2024)), 16),
}
GENERATED = "bench/generate.py (generated, not an ECCP factsheet)"


def schemas() -> dict:
    with (DATA / "schemas.toml").open("rb") as fh:
        return tomllib.load(fh)["tables"]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        out.writeheader()
        for row in rows:
            out.writerow({c: row.get(c, "") for c in columns})


def region_codes(cc: str, n: int) -> list[str]:
    """n NUTS-2-like codes of a country: CC + a letter + a digit (DEA1, DEA2, ... DEB1 ...)."""
    return [f"{cc}{'ABCDEFGHJKLMNPQRSTUVWXYZ'[i // 9]}{i % 9 + 1}" for i in range(n)]


def write_codelists(out: Path, tables: dict) -> None:
    """The shipped code lists, with all 88 NACE divisions and every generated country added."""
    (out / "codelists").mkdir(parents=True, exist_ok=True)
    for path in sorted((DATA / "codelists").glob("*.csv")):
        shutil.copyfile(path, out / "codelists" / path.name)
    divisions = read(DATA / "codelists/nace_divisions.csv")
    known = {r["code"] for r in divisions}
    divisions += [{"code": c, "section": c[0], "division": c[1:], "source": GENERATED} for c in DIVISIONS if c not in known]
    write(out / "codelists/nace_divisions.csv", list(tables["nace_divisions"]["columns"]), sorted(divisions, key=lambda r: r["code"]))
    labels = read(DATA / "codelists/nace_labels.csv")
    labelled = {r["code"] for r in labels}
    labels += [{"code": c, "label": f"Division {c}", "source": GENERATED} for c in DIVISIONS if c not in labelled]
    write(out / "codelists/nace_labels.csv", list(tables["nace_labels"]["columns"]), sorted(labels, key=lambda r: (r["code"], r["label"])))
    countries = read(DATA / "codelists/countries.csv")
    have = {r["code"] for r in countries}
    countries += [{"code": cc, "name": name, "eu_membership_source": GENERATED, "source": GENERATED}
                  for cc, (name, _n) in REGIONS.items() if cc not in have]
    write(out / "codelists/countries.csv", list(tables["countries"]["columns"]), sorted(countries, key=lambda r: r["code"]))
    shutil.copytree(DATA / "links", out / "links", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.py"))


def nace_label_of() -> dict[str, str]:
    """One printed label per division (the shipped label where there is one)."""
    labels: dict[str, str] = {}
    for row in read(DATA / "codelists/nace_labels.csv"):
        labels.setdefault(row["code"], row["label"])
    return {c: labels.get(c, f"Division {c}") for c in DIVISIONS}


def write_edition(out: Path, tables: dict, cc: str, year: str, size: Size, template: Path) -> None:
    """One factsheet edition folder: Italy 2023's tables with this country's regions, codes and counts."""
    name, n_regions = REGIONS[cc]
    rng = random.Random(f"{cc}-{year}")
    folder = out / cc.lower() / year
    folder.mkdir(parents=True, exist_ok=True)
    regions = region_codes(cc, n_regions)
    italian = [r["nuts_code"] for r in read(template / "sectoral_agglomeration_counts.csv")]
    remap = {code: regions[i % n_regions] for i, code in enumerate(italian)}
    labels = nace_label_of()
    ecosystems = [r["label"] for r in read(DATA / "codelists/ecosystems.csv")]

    text = f"# Country factsheet: {name} ({year})\n\nGenerated by bench/generate.py for scale benchmarks; not an ECCP document.\n"
    (folder / "factsheet.md").write_text(text, encoding="utf-8")
    toml = (template / "factsheet.toml").read_text(encoding="utf-8")
    toml = re.sub(r'(?m)^country_code = ".*"$', f'country_code = "{cc}"', toml)
    toml = re.sub(r'(?m)^country_name = ".*"$', f'country_name = "{name}"', toml)
    toml = re.sub(r'(?m)^edition = ".*"$', f'edition = "{year}"', toml)
    toml = re.sub(r'(?m)^source_file = ".*"$', 'source_file = "factsheet.md"', toml)
    toml = re.sub(r'(?m)^source_sha256 = ".*"$', f'source_sha256 = "{hashlib.sha256(text.encode()).hexdigest()}"', toml)
    toml = re.sub(r'(?m)^attribution = ".*"$', f'attribution = "Generated country factsheet: {name} ({year})"', toml)
    toml = re.sub(r"(?m)^data_extraction_date = .*$", f"data_extraction_date = {year}-12-21", toml)
    toml = re.sub(r'(?m)^data_extraction_date_as_printed = ".*"$', f'data_extraction_date_as_printed = "21/12/{year}"', toml)
    toml = re.sub(r"(?m)^reference_year = .*$", f"reference_year = {year}", toml)
    (folder / "factsheet.toml").write_text(toml, encoding="utf-8")

    # Tables 1 and 2, generated per region with counts that agree with the rows
    sectoral, sectoral_counts, eco, eco_counts = [], [], [], []
    for position, code in enumerate(regions, 1):
        picks = rng.sample(DIVISIONS, 5)
        listed = rng.randint(1, 5)
        for rank in range(1, 6):
            if rank <= listed:
                nace = picks[rank - 1]
                sectoral.append({"nuts_code": code, "rank": rank, "cell": f"{nace} - {labels[nace]}", "nace_code": nace,
                                 "nace_label": labels[nace], "source": "Table 1"})
            else:
                sectoral.append({"nuts_code": code, "rank": rank, "cell": "-", "source": "Table 1"})
        sectoral_counts.append({"nuts_code": code, "position": position, "region_label": f"Region {code}",
                                "agglomeration_count": listed, "source": "Table 1"})
        kinds = rng.sample(ecosystems, 2)
        shown = rng.randint(0, 2)
        for rank in (1, 2):
            label = kinds[rank - 1] if rank <= shown else ""
            eco.append({"nuts_code": code, "rank": rank, "cell": label or "-", "ecosystem_label": label, "source": "Table 2"})
        eco_counts.append({"nuts_code": code, "position": position, "region_label": f"Region {code}",
                           "agglomeration_count": shown, "source": "Table 2"})
    generated = {
        "sectoral_agglomerations": sectoral, "sectoral_agglomeration_counts": sectoral_counts,
        "ecosystem_agglomerations": eco, "ecosystem_agglomeration_counts": eco_counts,
    }
    totals = {"sectoral_agglomerations": sum(r["agglomeration_count"] for r in sectoral_counts),
              "ecosystem_agglomerations": sum(r["agglomeration_count"] for r in eco_counts)}

    for table, schema in tables.items():
        if schema["scope"] != "edition" or not (template / schema["file"]).is_file():
            continue
        columns = list(schema["columns"])
        if table in generated:
            write(folder / schema["file"], columns, generated[table])
            continue
        rows = read(template / schema["file"])
        nuts_columns = [c for c, spec in schema["columns"].items() if spec.get("type") == "nuts2"]
        for row in rows:
            for column in nuts_columns:
                if row.get(column):
                    row[column] = remap.get(row[column], regions[0])
            if table == "agglomeration_statements" and row["kind"] == "nuts2" and row["code"]:
                row["code"] = remap.get(row["code"], regions[0])
            if table == "agglomeration_totals" and row["measure"] in totals:
                row["value"] = str(totals[row["measure"]])
        if table == "cluster_organisation_regions":
            seen: set[tuple[str, str]] = set()
            rows = [r for r in rows if (r["ranking"], r["nuts_code"]) not in seen and not seen.add((r["ranking"], r["nuts_code"]))]
            for ranking in ("most", "fewest"):
                for i, r in enumerate([r for r in rows if r["ranking"] == ranking], 1):
                    r["position"] = str(i)
            if n_regions == 1:  # one region cannot be both the one with most and fewest organisations
                rows = [r for r in rows if r["ranking"] == "most"]
        if table == "agglomeration_statements":
            rows = _dedupe_mentions(rows)
        if table in ("policies", "policy_cells", "policy_clusters"):
            rows = _copy_policies(table, rows, size.policy_copies, cc)
        if table == "semester_listed_clusters":  # Table 5 names the Table 3 clusters of the first copy
            for row in rows:
                if row.get("cluster"):
                    row["cluster"] = f"{row['cluster']} {cc}1"
        write(folder / schema["file"], columns, rows)


def _dedupe_mentions(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """A statement naming two Italian regions that map to one generated region keeps one mention."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for row in rows:
        key = (row["statement"], row["kind"], row["code"] if row["kind"] == "nuts2" else row["position"])
        if key in seen:
            continue
        seen.add(key)
        kept.append(row)
    positions: dict[str, int] = {}
    for row in kept:
        positions[row["statement"]] = positions.get(row["statement"], 0) + 1
        row["position"] = str(positions[row["statement"]])
    return kept


def _copy_policies(table: str, rows: list[dict[str, str]], copies: int, cc: str) -> list[dict[str, str]]:
    """Table 3 repeated `copies` times (keys, columns and listed clusters numbered), so editions grow;
    cluster names get the country code, so each country has its own cluster organisations."""
    out: list[dict[str, str]] = []
    columns = max((int(r["column"]) for r in rows), default=0) if table == "policies" else 0
    for copy in range(copies):
        for row in rows:
            new = dict(row)
            suffix = "" if copy == 0 else f"-{copy + 1}"
            if table == "policies":
                new["key"] = row["key"] + suffix
                new["column"] = str(int(row["column"]) + copy * columns)
                new["name"] = row["name"] + ("" if copy == 0 else f" ({copy + 1})")
            else:
                new["policy"] = row["policy"] + suffix
            if table == "policy_clusters":
                new["name"] = f"{row['name']} {cc}{copy + 1}"
                new["item"] = f"{row['item']} {cc}{copy + 1}"
                if row.get("acronym"):
                    new["acronym"] = f"{row['acronym']}-{cc}{copy + 1}"
            out.append(new)
    return out


def generate(out: Path, size_name: str) -> Path:
    """Write the data folder of one size into `out` (emptied first); returns `out`."""
    size = SIZES[size_name]
    if out.exists():
        shutil.rmtree(out)
    tables = schemas()
    shutil.copyfile(DATA / "schemas.toml", out.mkdir(parents=True) or out / "schemas.toml")
    write_codelists(out, tables)
    template = DATA / "it" / "2023"
    for cc in REGIONS:
        for year in size.years:
            write_edition(out, tables, cc, year, size, template)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="100k", help="about how many triples; default: 100k")
    parser.add_argument("--out", type=Path, required=True, help="data folder to write (replaced)")
    args = parser.parse_args(argv)
    generate(args.out, args.size)
    editions = len(REGIONS) * len(SIZES[args.size].years)
    print(f"wrote {editions} editions ({len(REGIONS)} countries x {len(SIZES[args.size].years)} years) into {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
