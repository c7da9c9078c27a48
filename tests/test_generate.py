"""bench/generate.py: the scale data sets are deterministic, in our table formats, and valid against our shapes.

Building a whole generated set takes minutes, so the suite checks what can fail cheaply: the same size
gives the same bytes, the tables carry every country, region and NACE division they should, and two
whole editions (the one-region country and the largest) load through the real loaders and pass SHACL
with no violation. The build itself over the sets is measured by the benchmark (BENCHMARKS.md)."""
from __future__ import annotations

import csv
import filecmp
import subprocess
from pathlib import Path

import pytest

from bench import generate
from eccp_kg import loaders
from eccp_kg.graph.build import make_minter
from eccp_kg.graph.validate import load_shapes, validate
from eccp_kg.loaders.links import load_links
from eccp_kg.ontology import PATH as ONTOLOGY
from eccp_kg.graph.sources import parse_turtle_files
from eccp_kg.shapes import PATH as SHAPES


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.generate(tmp_path_factory.mktemp("gen") / "data", "100k")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_same_size_same_files(small: Path, tmp_path: Path) -> None:
    again = generate.generate(tmp_path / "again", "100k")
    compared = filecmp.dircmp(small, again)
    assert compared.diff_files == [] and compared.left_only == [] and compared.right_only == []
    for sub in ("de/2023", "lu/2023", "codelists"):
        files = sorted(p.name for p in (small / sub).iterdir())
        _match, mismatch, errors = filecmp.cmpfiles(small / sub, again / sub, files, shallow=False)
        assert mismatch == [] and errors == []


def test_countries_regions_and_all_88_nace_divisions(small: Path) -> None:
    editions = loaders.discover_editions(small)
    assert len(editions) == len(generate.REGIONS) >= 30
    assert len(generate.DIVISIONS) == 88
    assert {r["code"] for r in rows(small / "codelists/nace_divisions.csv")} >= set(generate.DIVISIONS)
    de = rows(small / "de/2023/sectoral_agglomeration_counts.csv")
    assert len(de) == 38 and all(r["nuts_code"].startswith("DE") for r in de)
    listed = [r for r in rows(small / "de/2023/sectoral_agglomerations.csv") if r["nace_code"]]
    assert {r["nace_code"] for r in listed} <= set(generate.DIVISIONS)
    # the stated counts agree with the rows (no invented contradiction)
    for count in de:
        assert int(count["agglomeration_count"]) == sum(1 for r in listed if r["nuts_code"] == count["nuts_code"])
    assert generate.SIZES["1m"].years != generate.SIZES["100k"].years


def test_two_editions_load_and_have_no_shacl_violation(small: Path) -> None:
    minter = make_minter()
    data = loaders.load_codelists(small, minter)
    chosen = [e for e in loaders.discover_editions(small) if (e.country, e.edition) in (("LU", "2023"), ("UK", "2023"))]
    assert len(chosen) == 2
    for edition in chosen:
        data += loaders.load_edition(edition, minter)
    data += load_links(small, minter)
    ontology = parse_turtle_files(sorted(Path(ONTOLOGY).glob("*.ttl")), "ontology") + loaders.load_codelists(small, minter)
    outcome = validate(data, load_shapes(Path(SHAPES)), ontology)
    assert [f.format() for f in outcome.findings if f.severity == "Violation"] == []


def test_build_scale_section_replaces_itself(tmp_path: Path) -> None:
    from bench import build_scale

    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# Benchmarks\n\nother text\n", encoding="utf-8")
    for n in (1, 2):
        build_scale.write_section(target, f"{build_scale.START}\nrun {n}\n{build_scale.END}")
    text = target.read_text(encoding="utf-8")
    assert text.count(build_scale.START) == 1 and "run 2" in text and "run 1" not in text and "other text" in text


def test_build_scale_measures_a_child_and_its_failure() -> None:
    import sys

    from bench import build_scale

    ok = build_scale.measured([sys.executable, "-c", "x = bytearray(50 * 1024 * 1024); print('done')"])
    assert ok.returncode == 0 and ok.peak_mib >= 50 and ok.tail == "done"
    failed = build_scale.measured([sys.executable, "-c", "import sys; print('broken'); sys.exit(3)"])
    assert failed.returncode == 3 and failed.tail == "broken"


def test_build_scale_sums_the_memory_of_the_process_tree() -> None:
    """The build runs a store-writing child beside itself: peak memory is the tree's, not one process's."""
    import sys

    both = ("import subprocess, sys; x = bytearray(60 << 20); x[::4096] = b'1' * len(x[::4096]); "
            "child = subprocess.Popen([sys.executable, '-c', \"import sys; y = bytearray(60 << 20); "
            "y[::4096] = b'1' * len(y[::4096]); sys.stdin.read()\"], stdin=subprocess.PIPE); "
            "import time; time.sleep(1.5); child.communicate(b''); print('done')")
    # Measured from a fresh interpreter: a forked child's ru_maxrss starts at its parent's resident set, and
    # a test process of a whole run can be larger than the 120 MB this test tells apart.
    probe = ("import sys; from bench import build_scale; r = build_scale.measured([sys.executable, '-c', sys.argv[1]]); "
             "print(r.returncode, r.peak_mib, r.tree_peak_mib); print(r.tail)")
    out = subprocess.run([sys.executable, "-c", probe, both], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parents[1], check=True).stdout.split("\n")
    returncode, peak_mib, tree_peak_mib = out[0].split()
    assert int(returncode) == 0 and out[1] == "done", out
    assert float(tree_peak_mib) >= 120 > float(peak_mib) >= 60, out


def test_the_wrk_benchmark_keeps_the_other_benchmarks_sections(tmp_path: Path) -> None:
    from bench import build_scale
    from bench.run import keep_other_sections

    target = tmp_path / "BENCHMARKS.md"
    build_scale.write_section(target, f"{build_scale.START}\nscale figures\n{build_scale.END}")
    text = keep_other_sections(target, "# Benchmarks\n\nnew wrk table\n")
    assert text.startswith("# Benchmarks\n\nnew wrk table") and "scale figures" in text
    assert keep_other_sections(tmp_path / "absent.md", "# only\n") == "# only\n"
