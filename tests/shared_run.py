"""One build and one server per test run, also when pytest-xdist spreads the tests over processes.

Why: the tests that only read the real build share it, and one `eccp-kg serve` over it. Under
pytest-xdist (`make test` runs `-n auto --dist loadfile`) every worker is a pytest session of its
own, so a session fixture alone would build and start once per worker. Here the controller makes a
run folder before its workers start and names it in $ECCP_KG_TEST_RUN (the workers inherit it); the
first worker that needs a thing makes it under a file lock and leaves it there (a pickle), the others
take it; a server is left running and recorded, and the controller stops every recorded server when
the run ends. Without xdist, `once` simply makes the thing (a session fixture then runs once anyway).

Bytecode: where the environment sets PYTHONDONTWRITEBYTECODE, the run's processes share compiled files in
the run folder (PYTHONPYCACHEPREFIX) instead of compiling the project again in each one.

Workers: `-n auto` starts one per CPU and one more (EXTRA_AUTO_WORKERS), since a worker waits part of the time.

Scheduling under `--dist loadfile`: each test module is one unit of work, so its module fixtures
(builds, engines) are made on one worker only; the modules that assert latency (SAME_WORKER) are one
unit together, so no two of them run at the same time; and the modules that take longest
(LONGEST_FIRST, from `pytest --durations`) are handed out first, so that the workers finish together
instead of one starting the longest module last (`--no-loadscope-reorder` keeps this order; xdist
would otherwise order the units by their number of tests). Not `--dist loadgroup` with xdist_group
marks: with pytest 9.2 its node-id suffix no longer takes effect (pytest-xdist issue 1386), and the
tests would be spread one by one."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

#: The run folder shared by the controller and its workers (set by the controller, inherited by the workers).
RUN_ENV = "ECCP_KG_TEST_RUN"
#: How long a worker waits for another one to finish making a shared thing (a build takes seconds).
LOCK_SECONDS = 900
#: Modules that assert latency (issue 11: cancel within 1 s, p50/p99 under a flood): one unit of work
#: under xdist, so no two of them run at the same time.
SAME_WORKER = {"test_abandon_fairness.py": "latency", "test_runaway.py": "latency"}
#: Test modules in the order their groups are handed out first: the longest ones (measured per module on the
#: whole suite, `make test` on 2 workers, 2026-12-03; the latency pair is one unit). A module not listed follows
#: in collection order.
LONGEST_FIRST = (
    "test_site_browser.py", "test_site_crawl.py", "test_rebuild.py", "test_explore_browser.py", "test_shapes.py",
    "test_backends_virtuoso.py", "test_abandon_fairness.py", "test_runaway.py", "test_backends_oxigraph.py",
    "test_ui_editor_browser.py", "test_push.py", "test_hostile_live.py", "test_ui_browser.py", "test_protocol_pool.py",
    "test_rebuild_processes.py", "test_hostile.py", "test_server_live.py", "test_packaging.py", "test_cli.py",
    "test_backend_base_iri.py", "test_resource_answers.py", "test_differential.py", "test_skip_policy.py",
)
_OWNED = pytest.StashKey[Path]()
T = TypeVar("T")


def run_dir() -> Path | None:
    """The run folder when this process is part of an xdist run, else None."""
    value = os.environ.get(RUN_ENV)
    return Path(value) if value else None


def once(name: str, make: Callable[[Path], T], tmp_path_factory: pytest.TempPathFactory) -> T:
    """`make(folder)` once per test run; under xdist the other workers get the first one's result.

    Call it from a session fixture. The result must pickle; a failure is not kept (the next worker
    that asks tries again and fails the same way, so each worker reports it)."""
    shared = run_dir()
    if shared is None:
        return make(tmp_path_factory.mktemp(name))
    from filelock import FileLock

    with FileLock(str(shared / f"{name}.lock"), timeout=LOCK_SECONDS):
        pickled = shared / f"{name}.pickle"
        if pickled.is_file():
            return pickle.loads(pickled.read_bytes())
        folder = shared / name
        folder.mkdir(exist_ok=True)
        value = make(folder)
        pickled.write_bytes(pickle.dumps(value))
        return value


def record_server(pid: int) -> None:
    """A server process (leading its own process group) that the controller stops when the run ends."""
    shared = run_dir()
    assert shared is not None, "record_server is for xdist runs (run_dir() is None)"
    (shared / f"server-{pid}.json").write_text(json.dumps({"pid": pid}), encoding="utf-8")


def _gone(pid: int) -> bool:
    """True when the process no longer runs (exited, or a zombie nobody has reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def stop_group(pid: int, seconds: float = 15.0) -> None:
    """SIGTERM the process group `pid` leads (a server stops its workers), SIGKILL it if it lingers."""
    for sig, wait in ((signal.SIGTERM, seconds), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if _gone(pid):
                return
            time.sleep(0.05)


def _is_controller(config: pytest.Config) -> bool:
    """The xdist controller of a run with workers (not a worker, not a plain run)."""
    return not hasattr(config, "workerinput") and bool(config.getoption("numprocesses", None))


#: Environment the controller sets for its workers and every process they start, restored at the end.
_SAVED = pytest.StashKey[dict[str, str | None]]()


def pytest_configure(config: pytest.Config) -> None:
    if _is_controller(config) and RUN_ENV not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="eccp-kg-run-"))
        config.stash[_SAVED] = {name: os.environ.get(name)
                                for name in (RUN_ENV, "PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE")}
        os.environ[RUN_ENV] = str(folder)
        # The run starts many Python processes (servers, query workers, CLI calls, nested pytest runs). Where
        # the environment forbids bytecode files (PYTHONDONTWRITEBYTECODE), each one compiled the project's
        # modules again; they share compiled files in the run folder instead, and nothing is written
        # beside the sources.
        if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
            os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        config.stash[_OWNED] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_OWNED, None)
    if folder is None:
        return
    for record in sorted(folder.glob("server-*.json")):
        stop_group(json.loads(record.read_text(encoding="utf-8"))["pid"])
    for name, value in config.stash[_SAVED].items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # the order matters only to an xdist controller's scheduler
        return
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


#: Workers `-n auto` starts beyond one per CPU. A worker waits for part of its modules' time (an engine or a
#: server starting, Chromium rendering, a build in a child process, a timeout or poll interval the test
#: asserts on), and with one worker per CPU a core idles through each wait. Whole suite, fresh clone, 2 CPUs
#: (2026-12-03, under the bench lock): 215.3 s on 2 workers, 198.2 s on 3; the latency modules stay one unit.
EXTRA_AUTO_WORKERS = 1


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown (and never called) without pytest-xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one worker per CPU this process may run on, plus EXTRA_AUTO_WORKERS. None (xdist's own
    count) for `-n logical` and when PYTEST_XDIST_AUTO_NUM_WORKERS names a number."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or config.option.numprocesses != "auto":
        return None
    return len(os.sched_getaffinity(0)) + EXTRA_AUTO_WORKERS


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown (and never called) without pytest-xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile`, with the modules of SAME_WORKER handed out as one unit."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return SAME_WORKER.get(module.rsplit("/", 1)[-1], module)

    return ModuleScheduling(config, log)
