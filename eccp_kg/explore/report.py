"""The explorer as a static HTML report: the same views, files only, no server needed.

`eccp-kg report` calls `write_report`. Pages link to each other and to their CSS, JS and
chart.js by relative paths, so the folder can be zipped, mailed or published as it is."""
from __future__ import annotations

import shutil
from pathlib import Path

from .compare import loaded_countries, resolve_country
from .queries import Select
from .maps import add_figures
from .render import STATIC_DIR, ReportLinks, chart_js, d3_js, render_index, render_view
from .views import VIEWS, build


def write_report(select: Select, out: str | Path, ui_url: str | None = None) -> list[Path]:
    """Write index.html, one page per view and their static files under `out`; return the pages.

    Every page is rendered before anything is written, so a failing query leaves no half report.
    Each per-country view is written once per loaded country (the default country, IT else the
    first loaded, as VIEW.html, the others as VIEW-cc.html), linked by the page's country selector;
    the countries view compares them all."""
    loaded = loaded_countries(select)
    default = resolve_country(loaded, None)
    links = ReportLinks(ui_url, default, default)
    pages: dict[str, str] = {"index.html": render_index(links, standalone=True, countries=loaded)}
    for view in VIEWS.values():
        for country in ([c["code"] for c in loaded] or [None]) if view.per_country else [default]:
            links = ReportLinks(ui_url, country, default)
            queries, data = build(select, view, country=country, loaded=loaded)
            add_figures(view.slug, data, loaded, country)
            pages[links.view(view.slug)] = render_view(view, queries, data, links, standalone=True)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    assets = [p.relative_to(STATIC_DIR) for folder in ("explore", "site") for p in (STATIC_DIR / folder).iterdir()
              if p.is_file() and p.name != "site.js"]  # site.js talks to the server's search
    bundle = chart_js()
    if bundle:  # the bundle with the files beside it (its licence travels with it)
        folder = STATIC_DIR / Path(bundle).parent
        assets += [p.relative_to(STATIC_DIR) for p in folder.iterdir() if p.is_file()]
    for script in d3_js():  # the network's layout library, each with its licence
        folder = STATIC_DIR / Path(script).parent
        assets += [p.relative_to(STATIC_DIR) for p in folder.iterdir() if p.is_file()]
    for rel in assets:
        target = out / "static" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC_DIR / rel, target)
    written = []
    for name, html in pages.items():
        path = out / name
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written
