"""A build that fails (a violation, a bad row, bad Turtle, no shapes, no data folder) names the cause and
leaves the previous build untouched."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from eccp_kg.pipeline import ValidationFailed, build_graph
from eccp_kg.graph.errors import SourceError
from tests.stand_in_build import BASE, StandIn, run_build, snapshot, write_counts
from tests.stand_in_build import project  # noqa: F401  (fixtures)


def failed_rebuild(project: SimpleNamespace, rows: list[tuple[str, str]], error: type[Exception]) -> Exception:
    """Build, change the table to `rows`, rebuild expecting `error`; the first build must be untouched."""
    run_build(project)
    before = snapshot(project.out)
    write_counts(project, rows)
    with pytest.raises(error) as info:
        run_build(project)
    assert snapshot(project.out) == before
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]
    return info.value


def test_violation_stops_the_build_and_keeps_the_old_one(project):
    failure = failed_rebuild(project, [("ITC4", "8"), ("ITF2", "-3")], ValidationFailed)
    assert failure.outcome.violations == 1
    report = failure.outcome.format()
    assert report.startswith("VIOLATION <https://example.org/kg/id/it/2023/count/itf2>\n")
    assert "path: eccp:value" in report and "value: -3" in report and "sh:MinInclusiveConstraintComponent" in report


def test_bad_row_stops_the_build_with_file_line_column_and_keeps_the_old_one(project):
    message = str(failed_rebuild(project, [("ITC4", "8"), ("ITF2", "many")], SourceError))
    assert "counts.csv:3:" in message and "'value'" in message and "an integer" in message and "'many'" in message


def test_bad_ontology_turtle_names_file_and_line(project):
    (project.ontology / "broken.ttl").write_text("@prefix ex: <http://e/> .\n\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        run_build(project)
    assert "broken.ttl:3" in str(info.value) and "Turtle" in str(info.value)
    assert not project.out.exists() or not (project.out / "store").exists()


def test_no_shapes_is_an_error(project):
    for f in project.shapes.glob("*.ttl"):
        f.unlink()
    with pytest.raises(SourceError, match="SHACL shapes"):
        run_build(project)


def test_a_missing_data_folder_is_named(project):
    with pytest.raises(SourceError, match=r"nowhere: expected a folder of source tables \(--data\)"):
        build_graph(project.out, project.tmp / "nowhere", base=BASE, loaders=StandIn,
                    ontology_dir=project.ontology, shapes_dir=project.shapes)
