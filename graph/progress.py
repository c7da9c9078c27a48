"""Terminal progress for long-running commands: one stage line per step, with counts and elapsed time.

A build has a handful of slow steps (parsing, SHACL, writing the store, dumps). The person at the
terminal should see which one is running and what it produced, while logs and CI output (stderr not
a TTY) get exactly one clean line per finished stage, without carriage-return noise."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Iterator


@dataclass
class Stage:
    """One running step; the body of ``with progress.stage(...)`` sets `detail` to what it produced."""

    name: str
    detail: str = ""
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        """Seconds since the stage started."""
        return time.monotonic() - self.started


class Progress:
    """Prints ``[n] name ... detail (1.2s)`` per stage to `stream` (stderr by default).

    When the stream is a TTY, a stage first shows a ``... running`` line that the finished line
    overwrites with ``\\r``; otherwise only finished lines are printed. `quiet` prints nothing."""

    def __init__(self, stream: IO[str] | None = None, quiet: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.count = 0
        self.started = time.monotonic()
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def _write(self, text: str) -> None:
        if not self.quiet:
            self.stream.write(text)
            self.stream.flush()

    @contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Run one step; its line reports `Stage.detail` and the elapsed time, or FAILED."""
        self.count += 1
        current = Stage(name)
        label = f"[{self.count}] {name}"
        if self.tty:
            self._write(f"\r{label} ... running")
        try:
            yield current
        except BaseException:
            self._finish(label, "FAILED", current.elapsed())
            raise
        self._finish(label, current.detail, current.elapsed())

    def _finish(self, label: str, detail: str, seconds: float) -> None:
        line = f"{label} ... {detail} ({seconds:.1f}s)" if detail else f"{label} ... done ({seconds:.1f}s)"
        # On a TTY, clear the "running" line before writing the finished one over it.
        prefix = "\r\033[K" if self.tty else ""
        self._write(prefix + line + "\n")

    def note(self, text: str) -> None:
        """A free-form line (e.g. the final summary); printed unless quiet."""
        self._write(text + "\n")

    def total(self) -> float:
        """Seconds since the Progress was created (the whole command)."""
        return time.monotonic() - self.started
