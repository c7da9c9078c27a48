"""The build, validate and export commands as a user runs them: the installed `eccp-kg` script, real data,
exit codes, and what they print."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from eccp_kg.graph.sources import default_data_dir
from eccp_kg.graph.store import open_store

SCRIPT = str(Path(sys.executable).parent / "eccp-kg")


def eccp_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One `eccp-kg build` run through the console script (stderr is a pipe: no \\r progress)."""
    out = tmp_path_factory.mktemp("cli") / "out"
    return out, eccp_kg("build", "--out", str(out))


def test_build_command_writes_the_build(cli_build, built_graph):
    out, done = cli_build
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr
    for stage in ("ontology", "code lists", "edition it/2023", "SHACL validation", "store", "dumps", "swap in"):
        assert f"] {stage} ... " in done.stderr, stage
    info = json.loads((out / "build-info.json").read_text())
    assert done.stdout.strip().splitlines()[-1].startswith(f"built {info['triples']} triples in {len(info['graphs'])} graphs")
    # a separate process gives the same content as the in-process session build
    assert info["build_id"] == built_graph.build_id
    assert info["warnings"] == built_graph.warnings
    assert len(open_store(out / "store")) == info["triples"]
    for name in ("eccp-kg.ttl", "eccp-kg.nq", "eccp-kg.jsonld", "void.ttl"):
        assert (out / "dumps" / name).stat().st_size > 0


def test_build_reports_warnings_with_focus_node_and_path(cli_build, built_graph):
    _out, done = cli_build
    summary = built_graph.validation.summary()
    assert summary in done.stdout
    if built_graph.warnings:
        assert done.stdout.count("WARNING ") == built_graph.warnings
        assert "path: " in done.stdout and "message: " in done.stdout


def test_bad_csv_row_fails_and_keeps_the_old_build(cli_build, tmp_path):
    out, _done = cli_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)  # keep the layout's links (graph/layout.py)
    before = len(open_store(copy / "store"))
    info_before = (copy / "build-info.json").read_bytes()
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    table = data / "it" / "2023" / "cluster_organisation_figures.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",97,", ",ninety-seven,", 1)
    assert "ninety-seven" in lines[1]
    table.write_text("".join(lines), encoding="utf-8")
    done = eccp_kg("build", "--out", str(copy), "--data", str(data), "--quiet")
    assert done.returncode == 1
    assert "cluster_organisation_figures.csv:2:" in done.stderr and "column 'value'" in done.stderr
    assert "unchanged" in done.stderr
    assert len(open_store(copy / "store")) == before
    assert (copy / "build-info.json").read_bytes() == info_before
    assert sorted(p.name for p in copy.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]


def test_validate_command_writes_nothing(tmp_path, built_graph):
    done = eccp_kg("validate", "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert built_graph.validation.summary() in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_validate_command_fails_on_a_bad_row(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    table = data / "it" / "2023" / "cluster_organisation_figures.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",97,", ",-,", 1), encoding="utf-8")
    done = eccp_kg("validate", "--data", str(data), "--quiet")
    assert done.returncode == 1
    assert done.stderr.startswith("eccp-kg validate: error: ") and "cluster_organisation_figures.csv:2:" in done.stderr


def test_bad_public_url_is_an_error(tmp_path):
    done = eccp_kg("build", "--out", str(tmp_path / "o"), "--public-url", "not a url", "--quiet")
    assert done.returncode == 1
    assert "--public-url: expected an absolute http(s) URL" in done.stderr
    assert not (tmp_path / "o" / "store").exists()


def test_export_formats_and_graph(cli_build, tmp_path):
    out, _done = cli_build
    store = str(out / "store")
    info = json.loads((out / "build-info.json").read_text())
    edition = next(g for g in info["graphs"] if g.endswith("graph/it/2023"))
    done = subprocess.run([SCRIPT, "export", "--store", store, "--format", "ntriples", "--graph", edition], capture_output=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.decode().strip().splitlines()) == info["graphs"][edition]
    target = tmp_path / "all.nq"
    done = eccp_kg("export", "--store", store, "--format", "nquads", "--out", str(target))
    assert done.returncode == 0, done.stderr
    parsed = ox.Store()
    parsed.load(path=str(target), format=ox.RdfFormat.N_QUADS)
    assert len(parsed) == info["triples"]
    done = eccp_kg("export", "--store", store)
    assert done.returncode == 0 and "@prefix eccp: <https://w3id.org/eccp-kg/ontology#> ." in done.stdout


def test_export_errors(cli_build, tmp_path):
    out, _done = cli_build
    done = eccp_kg("export", "--store", str(tmp_path / "missing"))
    assert done.returncode == 1 and "no pyoxigraph store here" in done.stderr and "missing" in done.stderr
    done = eccp_kg("export", "--store", str(out / "store"), "--graph", "https://w3id.org/eccp-kg/graph/xx/1999")
    assert done.returncode == 1 and "no named graph <https://w3id.org/eccp-kg/graph/xx/1999>" in done.stderr
    done = eccp_kg("export", "--store", str(out / "store"), "--format", "yaml")
    assert done.returncode == 2 and "invalid choice: 'yaml'" in done.stderr


def test_shacl_violation_fails_build_and_validate_and_keeps_the_old_build(cli_build, tmp_path):
    """A row the loader accepts but the shapes reject: the same ecosystem counted twice in one list
    gives one observation two counts and two positions (each allows one)."""
    out, _done = cli_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)  # keep the layout's links (graph/layout.py)
    before = len(open_store(copy / "store"))
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    table = data / "it" / "2023" / "cluster_organisations_by_ecosystem.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",")
    first[0], first[2] = str(len(lines)), str(int(first[2]) + 1)
    table.write_text("".join(lines) + ",".join(first), encoding="utf-8")
    done = eccp_kg("build", "--out", str(copy), "--data", str(data), "--quiet")
    assert done.returncode == 1
    assert "VIOLATION " in done.stderr and "SHACL violations stop the build" in done.stderr
    assert f"/ecosystem-cluster-organisations/{first[1].lower()}" in done.stderr
    assert len(open_store(copy / "store")) == before
    done = eccp_kg("validate", "--data", str(data), "--quiet")
    assert done.returncode == 1 and "VIOLATION " in done.stdout and " violation(s)" in done.stdout


def test_base_iri_option_mints_under_the_given_base(tmp_path):
    done = eccp_kg("validate", "--base-iri", "https://example.org/kg", "--quiet")
    assert done.returncode == 0, done.stderr
    focus = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("WARNING ")]
    assert focus and all(f.startswith("<https://example.org/kg/id/") for f in focus)
