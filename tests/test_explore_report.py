"""`eccp-kg report`: the explorer's views as static files with relative assets, the same numbers as
the live views, clear failures and no half-written report."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest

from eccp_kg.graph.iris import base_iri
from eccp_kg.explore.views import VIEWS
from tests.exploring import page, text, top5
from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)


# --- eccp-kg report ----------------------------------------------------------------------------
def run_cli(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("eccp-kg")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def report_dir(store_dir: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    done = run_cli("report", "--out", str(out), "--store", str(store_dir))
    assert done.returncode == 0, done.stderr
    assert f"wrote {len(VIEWS) + 1} pages" in done.stdout
    return out


def test_report_writes_every_page_with_relative_assets(report_dir: Path):
    assert sorted(p.name for p in report_dir.glob("*.html")) == sorted(["index.html", *(f"{s}.html" for s in VIEWS)])
    for html_file in report_dir.glob("*.html"):
        doc = html5lib.parse(html_file.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        refs = [e.get("href") for e in doc.iter("link")] + [e.get("src") for e in doc.iter("script") if e.get("src")]
        refs += [a.get("href") for a in doc.iter("a") if not a.get("href", "").startswith(("http", "#"))]
        for ref in refs:
            if ref.startswith("data:"):
                continue
            assert not ref.startswith("/"), (html_file.name, ref)
            assert (report_dir / ref.split("#")[0]).is_file(), (html_file.name, ref)
    bundles = list((report_dir / "static").rglob("chart.umd*.js"))
    assert bundles, "chart.js is copied"
    assert (bundles[0].parent / "LICENSE").is_file(), "with its licence"


def test_report_has_the_same_numbers_as_the_live_views(report_dir: Path, explore_client):
    for slug in VIEWS:
        static = html5lib.parse((report_dir / f"{slug}.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
        live = page(explore_client, f"/explore/{slug}")
        for tbl in live.iter("table"):
            ident = tbl.get("id")
            same = static.find(f".//table[@id='{ident}']")
            assert same is not None, (slug, ident)
            body = lambda t: [text(tr) for part in ("tbody", "tfoot") for tr in t.findall(f"./{part}/tr")]  # noqa: E731
            assert body(same) == body(tbl), (slug, ident)  # headers differ: live ones are sort links
    doc = html5lib.parse((report_dir / "regions.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    cells = [c for c in doc.find(".//tr[@id='sectoral-ITC4']") if c.get("data-rank")]
    assert [text(c.find(".//abbr")) for c in cells] == top5("ITC4")
    links = [a.get("href") for a in doc.findall(".//table[@id='ranking']//a")]
    assert links and all(h.startswith(base_iri() + "id/nuts/") for h in links)  # published IRIs


def test_report_without_store_fails_clearly(tmp_path: Path):
    done = run_cli("report", "--out", str(tmp_path / "r"), "--store", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "--store" in done.stderr and "missing" in done.stderr
    assert not (tmp_path / "r").exists()


def test_report_ui_url_links_queries(store_dir: Path, tmp_path: Path):
    out = tmp_path / "r"
    done = run_cli("report", "--out", str(out), "--store", str(store_dir), "--ui-url", "https://example.org/ui/")
    assert done.returncode == 0, done.stderr
    doc = html5lib.parse((out / "euroclusters.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    href = doc.find(".//section[@class='sparql']//a").get("href")
    parts = urlsplit(href)
    assert href.startswith("https://example.org/ui/#") and "Eurocluster" in parse_qs(parts.fragment)["query"][0]


def test_report_without_ui_url_has_no_dead_query_links(report_dir: Path):
    doc = html5lib.parse((report_dir / "policies.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    assert doc.findall(".//section[@class='sparql']//pre")
    assert not doc.findall(".//section[@class='sparql']//a")


def test_failing_query_leaves_no_half_report(tmp_path: Path):
    from eccp_kg.explore.report import write_report

    calls = []

    def select(query: str, substitutions=None):
        calls.append(query)
        if len(calls) == 3:
            raise OSError("store read failed")
        return []

    with pytest.raises(OSError, match="store read failed"):
        write_report(select, tmp_path / "r")
    assert not (tmp_path / "r").exists()
