"""Build progress (graph/progress.py): plain lines without a terminal, lines updated in place on one,
failure reported, nothing when quiet."""
from __future__ import annotations

import io

import pytest

from eccp_kg.graph.progress import Progress
from tests.stand_in_build import run_build
from tests.stand_in_build import project  # noqa: F401  (fixtures)


def test_progress_lines_without_tty(project):
    stream = io.StringIO()
    run_build(project, progress=Progress(stream))
    text = stream.getvalue()
    assert "\r" not in text
    stages = [line.split(" ... ")[0] for line in text.splitlines()]
    assert stages == [
        "[1] ontology", "[2] code lists", "[3] edition it/2023", "[4] latest editions", "[5] link sets",
        "[6] store load started", "[7] SHACL validation", "[8] build id", "[9] dumps", "[10] store", "[11] swap in",
    ]
    assert "[3] edition it/2023 ... 6 triples (" in text


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_updates_in_place_on_a_tty_and_reports_failure():
    stream = FakeTTY()
    progress = Progress(stream)
    with pytest.raises(RuntimeError):
        with progress.stage("loading") as st:
            st.detail = "never shown"
            raise RuntimeError("boom")
    assert stream.getvalue().startswith("\r[1] loading ... running\r")
    assert "[1] loading ... FAILED (" in stream.getvalue()
    quiet = io.StringIO()
    with Progress(quiet, quiet=True).stage("x"):
        pass
    assert quiet.getvalue() == ""
