"""Packaging: the wheel installs one import namespace (eccp_kg.*) with its Turtle, CSV and SPARQL files,
and the console script answers --help for every sub-command.

The wheel is built from a copy of the working tree's files (tracked and not ignored), so the test
sees what a fresh clone would ship and never writes setuptools' build/ folder into the project."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from eccp_kg.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "eccp-kg"


def project_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode("utf-8")
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> list[str]:
    src = tmp_path_factory.mktemp("src")
    for rel in project_files():
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)],
        cwd=src, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    wheels = list(out.glob("eccp_kg-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as zf:
        return zf.namelist()


def test_wheel_has_one_namespace(wheel_names):
    tops = {n.split("/", 1)[0] for n in wheel_names if not n.split("/", 1)[0].endswith((".dist-info", ".data"))}
    assert tops == {"eccp_kg"}
    for generic in ("graph/", "server/", "loaders/", "ontology/", "shapes/", "data/", "queries/"):
        assert not any(n.startswith(generic) for n in wheel_names), generic


def test_wheel_ships_code_and_package_data(wheel_names):
    names = set(wheel_names)
    for module in ("cli.py", "commands/build.py", "commands/export.py", "commands/validate.py", "commands/import_.py",
                   "loaders/importer/__init__.py", "loaders/importer/left_to_people.py", "loaders/importer/manual.toml",
                   "pipeline.py", "graph/build.py", "graph/formats.py", "graph/dataset.py", "graph/store.py", "graph/dumps.py", "graph/describe.py", "graph/validate.py",
                   "loaders/__init__.py", "server/app.py", "server/backends/remote.py", "server/explore.py", "explore/views.py", "explore/render.py",
                   "explore/report.py", "pages/__init__.py"):
        assert f"eccp_kg/{module}" in names, module

    def shipped(prefix: str, suffix: str) -> list[str]:
        return [n for n in names if n.startswith(prefix) and n.endswith(suffix)]

    # every such file of the source tree is in the wheel
    for folder, pattern, prefix in (("ontology", "*.ttl", "eccp_kg/ontology/"), ("shapes", "*.ttl", "eccp_kg/shapes/"),
                                    ("queries", "*.rq", "eccp_kg/queries/"), ("data", "**/*.csv", "eccp_kg/data/"),
                                    ("data", "**/*.md", "eccp_kg/data/")):  # the factsheet texts too
        files = {str(p.relative_to(ROOT / folder)) for p in (ROOT / folder).glob(pattern)}
        assert files, f"no {pattern} under {folder}/"
        missing = files - {n.removeprefix(prefix) for n in shipped(prefix, pattern.rsplit(".", 1)[1])}
        assert not missing, f"not in the wheel: {sorted(missing)}"
    # the templates and static files the server and the report render with (vendor/ is git-ignored: `make vendor`)
    pages = {p.relative_to(ROOT).as_posix() for folder in ("templates", "static")
             for p in (ROOT / "eccp_kg" / "pages" / folder).rglob("*") if p.is_file() and "vendor" not in p.parts}
    assert any(p.endswith("explore/base.html") for p in pages) and any(p.endswith("site/site.css") for p in pages)
    assert sorted(pages - names) == []


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_exits_zero(command):
    args = [str(SCRIPT)] + ([command] if command else []) + ["--help"]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: eccp-kg")
    if command in ("build", "validate", "export"):
        assert "default" in done.stdout
