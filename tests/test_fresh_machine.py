"""`make test` on a fresh machine installs what the suite runs: the Debian packages are declared once in
the Makefile, installed before anything else, non-interactively and without removing anything; CI's
output ends with pytest's summary line."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def variable(name: str) -> list[str]:
    match = re.search(rf"^{name}\s*:?=\s*(.*)$", MAKEFILE, re.M)
    assert match, f"{name} is not set in the Makefile"
    return match.group(1).split()


def recipe(target: str) -> tuple[list[str], list[str]]:
    """(prerequisites, recipe lines) of a rule."""
    match = re.search(rf"^{re.escape(target)}:([^\n=]*)\n((?:\t[^\n]*\n)*)", MAKEFILE, re.M)
    assert match, f"no rule for {target}"
    return match.group(1).split(), [line.strip() for line in match.group(2).splitlines()]


def test_every_tool_the_tests_run_is_a_listed_debian_package():
    assert {"chromium", "wrk", "virtuoso-opensource"} <= set(variable("APT_TEST"))
    assert "npm" in variable("APT_INSTALL")


def test_make_test_installs_the_debian_packages_before_anything_else():
    prerequisites, lines = recipe("test")
    assert prerequisites[0] == "apt-packages", prerequisites
    assert {"install", "build"} <= set(prerequisites)
    assert lines[-1].startswith("$(BIN)/python -m pytest"), "nothing may print after pytest's summary line"
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert ci[-1] == "make test"


def test_apt_is_called_in_one_place():
    """One install routine: a package added to a list needs no recipe of its own."""
    code = "\n".join(line for line in MAKEFILE.splitlines() if not line.lstrip().startswith("#"))
    assert len(re.findall(r"\bapt-get\b", code)) == 1, "apt-get only as APT_GET's default"
    assert code.count("$(APT_GET)") == 1


def test_the_apt_step_is_non_interactive_updates_once_and_never_removes(tmp_path):
    """`make -n` prints the shell code the step would run for a package this machine lacks."""
    done = subprocess.run(["make", "-n", "-f", str(ROOT / "Makefile"), "apt-packages", "APT_INSTALL=",
                           "APT_TEST=eccp-kg-no-such-package"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    shell = done.stdout
    assert "eccp-kg-no-such-package" in shell
    assert "DEBIAN_FRONTEND=noninteractive" in shell and "install -y" in shell and "--no-remove" in shell
    assert shell.count("$apt update") == 1 and "Lock::Timeout" in shell
    assert 'if [ "$(id -u)" = 0 ]; then sudo=' in shell
