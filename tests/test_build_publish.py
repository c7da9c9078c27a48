"""Publishing a build: one atomic rename swaps the new build in, a failed one keeps the live build, the old
folder layout is migrated, a second concurrent build into the same folder is refused."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from eccp_kg.graph.store import open_store
from tests.stand_in_build import BASE, run_build, select, snapshot, write_counts
from tests.stand_in_build import project  # noqa: F401  (fixtures)


def test_rebuild_in_place_swaps_in_the_new_store(project):
    run_build(project)
    write_counts(project, [("ITC4", "8"), ("ITF2", "150"), ("ITC1", "3")])
    result = run_build(project)
    store = open_store(project.out / "store")
    assert result.graphs[BASE + "graph/it/2023"] == 9
    c = BASE + "id/it/2023/count/itc1"
    assert select(store, "SELECT ?c ?v WHERE { ?c eccp:value ?v }", c=ox.NamedNode(c)) == [(c, "3")]


def test_publish_is_one_rename_and_a_failed_one_keeps_the_live_build(tmp_path, monkeypatch):
    from eccp_kg.graph import layout

    out = tmp_path / "out"
    out.mkdir()
    first = layout.new_build_dir(out)
    (first / "store").mkdir()
    (first / "store" / "CURRENT").write_text("old")
    layout.publish(out, first)
    assert (out / "store" / "CURRENT").read_text() == "old"
    second = layout.new_build_dir(out)
    (second / "store").mkdir()
    (second / "store" / "CURRENT").write_text("new")
    real_replace, calls = layout.os.replace, []

    def replace(src, dst):
        calls.append(dst)
        raise OSError("disk trouble")

    monkeypatch.setattr(layout.os, "replace", replace)
    with pytest.raises(OSError, match="disk trouble"):
        layout.publish(out, second)
    assert calls == [out / "current"]  # the only step that changes what is live
    assert (out / "store" / "CURRENT").read_text() == "old"
    monkeypatch.setattr(layout.os, "replace", real_replace)
    layout.publish(out, second)
    assert (out / "store" / "CURRENT").read_text() == "new"
    layout.prune(out)
    assert [p.name for p in (out / "store").resolve().parent.parent.iterdir()] == [second.name]
    assert not list(out.glob(".current-*"))


def test_a_build_folder_of_the_old_layout_is_migrated(project):
    run_build(project)
    live = (project.out / "store").resolve().parent
    for name in ("store", "dumps", "build-info.json"):  # turn it into the pre-layout shape
        (project.out / name).unlink()
        (live / name).rename(project.out / name)
    (project.out / "current").unlink()
    before = snapshot(project.out)
    from eccp_kg.graph.layout import ensure_layout

    ensure_layout(project.out)
    assert (project.out / "store").is_symlink() and snapshot(project.out) == before
    run_build(project)
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]
    assert len(list((project.out / ".builds").iterdir())) == 2  # legacy (the previous build) and the new one


def test_a_second_build_into_the_same_folder_is_refused_and_stale_staging_is_cleaned(project):
    from eccp_kg.graph.store import build_lock

    run_build(project)
    before = snapshot(project.out)
    with build_lock(project.out):
        with pytest.raises(RuntimeError, match="another eccp-kg build is writing here"):
            run_build(project)
    assert snapshot(project.out) == before
    # a build killed half-way leaves hidden staging folders; the next build removes them
    (project.out / ".store-killed").mkdir()
    (project.out / ".dumps-killed" / "x").mkdir(parents=True)
    (project.out / ".builds" / "build-killed" / "store").mkdir(parents=True)
    run_build(project)
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]
