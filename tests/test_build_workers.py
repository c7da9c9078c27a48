"""The loaders in worker processes (eccp_kg.pipeline.edition_graphs, ECCP_KG_BUILD_WORKERS): a build that
loads its editions in several processes must give exactly what one process gives; a bad row found in a worker
names its file, line and column as it does in one process."""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.sources import default_data_dir
from eccp_kg.pipeline import build_graph, load_workers


def test_worker_processes_build_what_one_process_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       built_graph) -> None:
    from eccp_kg.loaders import discover_editions

    if load_workers(len(discover_editions())) == 1:
        one = built_graph  # the run's build (conftest `built_graph`) loaded its editions in one process
    else:
        monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "1")
        one = build_graph(tmp_path / "one")
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "2")
    two = build_graph(tmp_path / "two")
    assert one.build_id == two.build_id and one.graphs == two.graphs
    for name in ("eccp-kg.nq", "eccp-kg.ttl", "eccp-kg.jsonld"):
        assert (one.dumps_dir / name).read_bytes() == (two.dumps_dir / name).read_bytes(), name


def test_a_bad_row_found_in_a_worker_names_file_line_and_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    table = next(data.glob("*/*/sectoral_agglomeration_counts.csv"))
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",5,", ",many,", 1)
    assert ",many," in lines[2]
    table.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "2")
    with pytest.raises(SourceError) as info:
        build_graph(tmp_path / "out", data)
    message = str(info.value)
    assert "sectoral_agglomeration_counts.csv:3:" in message and "'agglomeration_count'" in message and "'many'" in message
    assert not (tmp_path / "out" / "store").exists()


def test_a_source_error_crosses_a_process_boundary_whole() -> None:
    error = SourceError("data/it/2023/x.csv", 7, "value", "an integer", "many")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is SourceError and str(copy) == str(error)
    assert (copy.file, copy.line, copy.column, copy.expected, copy.got) == ("data/it/2023/x.csv", 7, "value", "an integer", "many")


def test_auto_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECCP_KG_BUILD_WORKERS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1})
    assert load_workers(192) == 2 and load_workers(1) == 1
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "3")
    assert load_workers(1) == 3


def test_auto_workers_are_one_per_cpu_for_big_builds_and_one_for_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "auto")
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1})
    assert load_workers(1) == 1 and load_workers(15) == 1
    assert load_workers(192) == 2
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(64)))
    assert load_workers(192) == 4


@pytest.mark.parametrize("value", ["0", "-1", "two", "", "AUTO"])
def test_a_bad_worker_count_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", value)
    with pytest.raises(ValueError, match="ECCP_KG_BUILD_WORKERS: expected a whole number >= 1 or 'auto'"):
        load_workers(192)


class Unpicklable(Exception):
    def __init__(self, a: str, b: str):
        super().__init__(f"{a} and {b}")


def test_an_error_that_cannot_cross_processes_fails_the_build_with_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """multiprocessing.Pool waits for ever on such an error; here it becomes a RuntimeError naming it."""
    from eccp_kg import pipeline

    def broken(edition, minter):
        raise Unpicklable("first", "second")

    monkeypatch.setattr(pipeline.project_loaders, "load_edition_triples", broken)
    with pytest.raises(RuntimeError, match="Unpicklable: first and second"):
        pipeline._project_edition(SimpleEdition(), None)


class SimpleEdition:
    path = "data/it/2023"


def test_worker_processes_give_each_edition_its_own_graph_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import generate
    from eccp_kg import loaders
    from eccp_kg.graph.build import make_minter
    from eccp_kg.pipeline import edition_graphs

    data = generate.generate(tmp_path / "data", "100k")
    editions = sorted(loaders.discover_editions(data), key=lambda e: (str(e.country), str(e.edition)))[:4]
    minter = make_minter(None)
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "1")
    one = [g.nt for g in edition_graphs(loaders, editions, minter)]
    monkeypatch.setenv("ECCP_KG_BUILD_WORKERS", "2")
    two = [g.nt for g in edition_graphs(loaders, editions, minter)]
    assert len(set(one)) == 4 and one == two
