"""No silent skips in CI: a skipped, xfailed or xpassed test fails the run unless its reason is listed.

Why: a skip turns a missing install step (wrk not installed, the factsheet text in a folder outside
the checkout) into a green run that tested less than it claims. Locally a skip stays a skip; with
`CI` set to true (as CI runs `.ci/run`) every skip, xfail and xpass whose reason is not on the short
reviewed list tests/allowed-skips.txt is turned into a failure that names the reason and the list.

A line of the list is a reason exactly as pytest reports it (`pytest.skip("...")`, `skipif(reason=...)`,
`xfail(reason=...)`), or a prefix of one ending in `*`. Loaded by tests/conftest.py; tests/test_skip_policy.py
runs it in a pytest of its own to prove that it fires."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The reviewed list: reasons a CI run may skip for.
ALLOWED_SKIPS = Path(__file__).with_name("allowed-skips.txt")
_TRUE = {"1", "true", "yes", "on"}


def in_ci() -> bool:
    """CI=true (or 1/yes/on): the environment every CI service sets, and .ci/run's contract."""
    return os.environ.get("CI", "").strip().lower() in _TRUE


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--allowed-skips", default=str(ALLOWED_SKIPS), metavar="FILE",
                     help="the reasons a skip or xfail may have when CI=true (default: tests/allowed-skips.txt)")


def read_allowed(path: Path) -> list[str]:
    """The listed reasons: one per line; blank lines and lines starting with # are not reasons."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def is_allowed(reason: str, allowed: list[str]) -> bool:
    """Exact reason, or a listed prefix ending in '*'."""
    return any(reason == a or (a.endswith("*") and len(a) > 1 and reason.startswith(a[:-1])) for a in allowed)


def skip_of(report: pytest.CollectReport | pytest.TestReport) -> tuple[str, str] | None:
    """(kind, reason) when the report is a skip, xfail or xpass, else None."""
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail is not None:
        return ("XPASS" if report.passed else "XFAIL"), str(wasxfail).removeprefix("reason: ")
    if report.skipped:
        longrepr = report.longrepr
        message = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        return "SKIPPED", message.removeprefix("Skipped: ")
    return None


def _enforce(report: pytest.CollectReport | pytest.TestReport, config: pytest.Config) -> None:
    """Turn a skip whose reason is not listed into a failure, in CI only."""
    found = skip_of(report)
    if found is None or not in_ci():
        return
    kind, reason = found
    path = Path(config.getoption("allowed_skips"))
    if is_allowed(reason, read_allowed(path)):
        return
    if hasattr(report, "wasxfail"):
        del report.wasxfail
    report.outcome = "failed"
    report.longrepr = (f"{kind} is a failure under CI=true: reason {reason!r} is not on {path.name}. "
                       f"A skip hides a missing install step: make `make test` install what the test needs, "
                       f"or add the reason to {path} in a reviewed change.")
    report.ci_skip_failure = f"{kind} {reason!r}"  # a plain attribute: pytest-xdist carries it to the controller


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ARG001
    report = yield
    _enforce(report, item.config)
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    _enforce(report, collector.config)
    return report


def _shown(path: str, config: pytest.Config) -> str:
    """The list's path relative to the rootdir when it is inside it (tests/allowed-skips.txt)."""
    try:
        return str(Path(path).resolve().relative_to(config.rootpath))
    except ValueError:
        return path


def pytest_report_header(config: pytest.Config) -> str | None:
    if in_ci():
        return f"CI=true: a skip or xfail fails the run unless its reason is on {_shown(config.getoption('allowed_skips'), config)}"
    return None


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    reports = [r for key in ("failed", "error") for r in terminalreporter.stats.get(key, [])]
    failed = [f"{r.nodeid}: {r.ci_skip_failure}" for r in reports if getattr(r, "ci_skip_failure", None)]
    if failed:
        terminalreporter.section("skips not allowed under CI=true")
        for line in failed:
            terminalreporter.line(line)
        terminalreporter.line(f"allowed reasons: {_shown(config.getoption('allowed_skips'), config)}")
