"""tests/shared_run.py's worker count for `-n auto`: one more than the CPUs, and out of the way when the
user names a count (PYTEST_XDIST_AUTO_NUM_WORKERS) or asks for `-n logical`."""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from tests import shared_run


def config(numprocesses: str) -> SimpleNamespace:
    """As much of a pytest.Config as the hook reads."""
    return SimpleNamespace(option=SimpleNamespace(numprocesses=numprocesses))


def test_auto_is_one_worker_per_cpu_and_one_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    cpus = len(os.sched_getaffinity(0))
    assert shared_run.EXTRA_AUTO_WORKERS >= 1
    assert shared_run.pytest_xdist_auto_num_workers(config("auto")) == cpus + shared_run.EXTRA_AUTO_WORKERS


def test_a_named_count_and_logical_are_left_to_xdist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "5")
    assert shared_run.pytest_xdist_auto_num_workers(config("auto")) is None
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS")
    assert shared_run.pytest_xdist_auto_num_workers(config("logical")) is None
