"""Where a build lives on disk, and the one atomic step that publishes it.

A build output folder ``DIR`` looks like this::

    DIR/.builds/<id>/store/            a complete build: pyoxigraph store,
    DIR/.builds/<id>/dumps/            its dumps
    DIR/.builds/<id>/build-info.json   and its description
    DIR/current -> .builds/<id>        THE pointer: which build is live
    DIR/store -> current/store         fixed links, so DIR/store, DIR/dumps and
    DIR/dumps -> current/dumps         DIR/build-info.json name the live build
    DIR/build-info.json -> current/build-info.json

A build fills a fresh ``.builds/<id>`` and, only when everything in it is complete, replaces
``current`` with one rename (`publish`). So store, dumps and build-info.json change together,
and whenever a build is killed (kill -9 at any point) ``DIR/store`` is the old build or the
new one, complete, never absent or mixed. The previous build's folder stays until the next
build starts (`prune`), so a server still reading it keeps working while it switches.

A folder written before this layout (real ``store/``, ``dumps/``, ``build-info.json``) is
moved under ``.builds/legacy`` by the first build (`ensure_layout`; each step is a rename and
the function picks up wherever a killed run left it)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

#: The folder `eccp-kg build` writes when --out is not given, and the store the other commands
#: (query, export, push, report, serve) read when --store is not given.
DEFAULT_OUT = "build"
DEFAULT_STORE = DEFAULT_OUT + "/store"
#: The hidden folder holding complete and staged builds.
BUILDS_DIRNAME = ".builds"
#: The symlink naming the live build.
CURRENT = "current"
#: What a build folder holds; each is also a fixed link DIR/<name> -> current/<name>.
LIVE_NAMES = ("store", "dumps", "build-info.json")
#: The folder a pre-layout build is moved to.
LEGACY = "legacy"
#: Leftovers of older layouts and killed publishes, removed by `prune`.
STALE_PATTERNS = (".store-*", ".dumps-*", ".current-*")


def new_build_dir(out_dir: Path) -> Path:
    """A fresh folder for one build under DIR/.builds (same file system: publishing is a rename)."""
    builds = out_dir / BUILDS_DIRNAME
    builds.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    folder.chmod(0o755)  # readable like any build output (mkdtemp makes it private)
    return folder


def live_build_dir(out_dir: Path) -> Path | None:
    """The folder `current` points to, None before the first build of this layout."""
    link = out_dir / CURRENT
    if not link.is_symlink():
        return None
    return (out_dir / os.readlink(link)).resolve()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point(out_dir: Path, name: str, target: str) -> None:
    """Make DIR/<name> a symlink to `target`, replacing whatever link was there in one rename."""
    fd, tmp = tempfile.mkstemp(prefix=".current-", dir=out_dir)
    os.close(fd)
    os.unlink(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, out_dir / name)


def ensure_layout(out_dir: Path) -> None:
    """Move a pre-layout build under .builds/legacy and create the fixed links (idempotent)."""
    legacy = out_dir / BUILDS_DIRNAME / LEGACY
    for name in LIVE_NAMES:
        path = out_dir / name
        if path.exists() and not path.is_symlink():  # a real folder or file: the old layout
            legacy.mkdir(parents=True, exist_ok=True)
            os.rename(path, legacy / name)
    if not (out_dir / CURRENT).is_symlink() and legacy.is_dir():
        _point(out_dir, CURRENT, os.path.join(BUILDS_DIRNAME, LEGACY))
    for name in LIVE_NAMES:
        if not (out_dir / name).is_symlink():
            _point(out_dir, name, os.path.join(CURRENT, name))
    _fsync_dir(out_dir)


def publish(out_dir: Path, build_dir: Path) -> None:
    """Make a complete build folder the live one: one atomic rename of the `current` link."""
    ensure_layout(out_dir)
    _fsync_dir(build_dir)
    _point(out_dir, CURRENT, os.path.relpath(build_dir, out_dir))
    _fsync_dir(out_dir)


def prune(out_dir: Path) -> None:
    """Remove every build folder but the live one, and leftovers of killed builds (caller holds
    the build lock, so no other build is using them)."""
    live = live_build_dir(out_dir)
    builds = out_dir / BUILDS_DIRNAME
    if builds.is_dir():
        for folder in builds.iterdir():
            if live is None or folder.resolve() != live:
                if folder.name == LEGACY and live is None:
                    continue  # a migration a killed build left half-done: ensure_layout finishes it
                shutil.rmtree(folder, ignore_errors=True)
    for pattern in STALE_PATTERNS:
        for stale in out_dir.glob(pattern):
            if stale.is_symlink() or stale.is_file():
                stale.unlink(missing_ok=True)
            else:
                shutil.rmtree(stale, ignore_errors=True)
