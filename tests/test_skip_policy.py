"""The no-silent-skips rule (tests/skip_policy.py) fires: each case runs a small pytest of its own with the
plugin, CI set or not, and an allowed-reasons list of the test's choosing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = '''
import pytest

@pytest.fixture
def tool():
    pytest.skip("tool not installed")

def test_passes():
    assert True

@pytest.mark.skip(reason="wrk not found on PATH")
def test_marked_skip():
    pass

def test_fixture_skips(tool):
    pass

@pytest.mark.xfail(reason="known engine bug 42")
def test_xfails():
    assert False
'''


def run_pytest(tmp_path: Path, files: dict[str, str], ci: str | None, allowed: str = "",
               extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """pytest on `files` in tmp_path with only the skip plugin (no project conftest, no project ini).

    Without the hypothesis and anyio plugins, which have nothing to do with skips: importing them is
    ~2.5 s of the ~3 s start-up of each of these pytest runs (xdist's plugin stays)."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "allowed.txt").write_text(allowed, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:hypothesispytest", "-p", "no:anyio",
         "-p", "tests.skip_policy", "-p", "no:cacheprovider", "-c", "pytest.ini",
         "--rootdir", str(tmp_path), "--allowed-skips", "allowed.txt", "-rA", *extra, *files],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def last_line(done: subprocess.CompletedProcess) -> str:
    return done.stdout.strip().splitlines()[-1]


def test_under_ci_an_unlisted_skip_or_xfail_fails_the_run_and_says_why(tmp_path):
    done = run_pytest(tmp_path, {"test_sample.py": SAMPLE}, ci="true")
    assert done.returncode == 1, done.stdout
    out = done.stdout
    assert "SKIPPED is a failure under CI=true: reason 'wrk not found on PATH' is not on allowed.txt" in out
    assert "SKIPPED is a failure under CI=true: reason 'tool not installed' is not on allowed.txt" in out
    assert "XFAIL is a failure under CI=true: reason 'known engine bug 42' is not on allowed.txt" in out
    assert "skips not allowed under CI=true" in out
    summary = last_line(done)
    assert summary.startswith("=") and "1 failed, 1 passed, 2 errors" in summary, summary  # skips happen in setup: errors
    assert "skipped" not in summary and "xfail" not in summary


def test_under_ci_and_xdist_the_failures_are_listed_by_the_controller(tmp_path):
    """`make test` runs pytest-xdist: the reports come from the workers, the summary from the controller."""
    done = run_pytest(tmp_path, {"test_sample.py": SAMPLE}, ci="true", extra=("-n", "2"))
    assert done.returncode == 1, done.stdout
    section = done.stdout.split("skips not allowed under CI=true", 1)[1]
    assert "test_sample.py::test_marked_skip: SKIPPED 'wrk not found on PATH'" in section
    assert "test_sample.py::test_fixture_skips: SKIPPED 'tool not installed'" in section
    assert "test_sample.py::test_xfails: XFAIL 'known engine bug 42'" in section
    assert "1 failed, 1 passed, 2 errors" in last_line(done)


def test_under_ci_listed_reasons_and_prefixes_pass(tmp_path):
    allowed = "# reviewed\nwrk not found on PATH\ntool not*\nknown engine bug 42\n"
    done = run_pytest(tmp_path, {"test_sample.py": SAMPLE}, ci="true", allowed=allowed)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in last_line(done)


def test_a_comment_or_a_bare_star_allows_nothing(tmp_path):
    done = run_pytest(tmp_path, {"test_sample.py": SAMPLE}, ci="1", allowed="# wrk not found on PATH\n*\n")
    assert done.returncode == 1
    assert "1 failed, 1 passed, 2 errors" in last_line(done)


def test_without_ci_a_skip_stays_a_skip(tmp_path):
    done = run_pytest(tmp_path, {"test_sample.py": SAMPLE}, ci=None)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in last_line(done)
    assert "is a failure under CI" not in done.stdout


def test_under_ci_a_module_level_skip_and_an_xpass_fail(tmp_path):
    files = {
        "test_module_skip.py": 'import pytest\npytest.importorskip("no_such_module_eccp")\n\ndef test_x():\n    pass\n',
        "test_xpass.py": 'import pytest\n\n@pytest.mark.xfail(reason="flaky")\ndef test_y():\n    pass\n',
    }
    done = run_pytest(tmp_path, files, ci="true")
    assert done.returncode != 0
    assert "reason \"could not import 'no_such_module_eccp'" in done.stdout
    files = {"test_xpass.py": files["test_xpass.py"]}
    done = run_pytest(tmp_path, files, ci="true")
    assert done.returncode == 1
    assert "XPASS is a failure under CI=true: reason 'flaky'" in done.stdout


def test_the_reviewed_list_is_short_and_allows_no_blanket_pattern():
    from tests.skip_policy import ALLOWED_SKIPS, read_allowed

    reasons = read_allowed(ALLOWED_SKIPS)
    assert ALLOWED_SKIPS.read_text(encoding="utf-8").startswith("#"), "the list explains itself in a comment header"
    assert len(reasons) <= 5, reasons
    assert all(len(r.rstrip("*")) >= 10 for r in reasons), reasons


@pytest.mark.parametrize("value, strict", [("true", True), ("1", True), ("TRUE", True), ("false", False), ("", False)])
def test_ci_values(monkeypatch, value, strict):
    from tests.skip_policy import in_ci

    monkeypatch.setenv("CI", value)
    assert in_ci() is strict
