"""Rendering explorer pages to HTML, the same way for the live server and the static report.

The templates (eccp_kg/pages/templates/explore/) never build a URL themselves: they ask a `Links`
object, which the server implements with absolute paths on this site (server/explore.py
`ServerLinks`) and the report with relative file names (`ReportLinks` below). That is what lets one template serve both without a server."""
from __future__ import annotations

import json
import posixpath
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from eccp_kg.pages import STATIC as STATIC_DIR

from .queries import ViewQuery
from .sort import apply
from .views import VIEWS, View


def chart_js() -> str | None:
    """Where the vendored chart.js UMD bundle is, relative to the static folder (eccp_kg/pages/static) (None if not vendored).

    `python -m eccp_kg.server.vendor` copies it from the npm package; the pages work without it
    (every chart has its table), so a missing bundle degrades, it does not break."""
    vendor = STATIC_DIR / "vendor"
    found = sorted(vendor.rglob("chart.umd.min.js")) or sorted(vendor.rglob("chart.umd.js"))
    return found[0].relative_to(STATIC_DIR).as_posix() if found else None


#: The network's scripts in load order: d3-force's UMD build needs the other three first.
D3_SCRIPTS = ("d3-dispatch/d3-dispatch.min.js", "d3-quadtree/d3-quadtree.min.js", "d3-timer/d3-timer.min.js",
              "d3-force/d3-force.min.js")


def d3_js() -> list[str]:
    """The vendored d3-force scripts relative to the static folder (eccp_kg/pages/static) (empty unless all are there: the
    network then keeps its server-drawn radial layout)."""
    found = [f"vendor/{s}" for s in D3_SCRIPTS if (STATIC_DIR / "vendor" / s).is_file()]
    return found if len(found) == len(D3_SCRIPTS) else []


class Links(Protocol):
    """Every URL a page shows, for one output (live server or static report)."""

    def view(self, slug: str | None) -> str: ...  # None = the /explore index
    def country(self, slug: str, code: str) -> str: ...  # this view for another loaded country, filters kept
    def asset(self, path: str) -> str: ...  # a file under eccp_kg/pages/static/
    def resource(self, iri: str) -> str: ...  # a minted IRI's page
    def query_ui(self, query: str | None) -> str | None: ...  # the query UI, with this SPARQL in a tab
    def sort(self, table: str, column: str, order: str) -> str | None: ...  # this page, sorted (None: in-page only)
    def export(self, slug: str, fmt: str, query: str | None = None) -> str | None: ...  # the view as CSV/JSON
    def site_nav(self) -> list[dict[str, Any]] | None: ...  # the site's navigation (None: no site around)
    def site_root(self) -> str: ...


def ui_fragment(query: str | None) -> str:
    """`#query=...`: YASGUI opens a tab with this query from its page's URL fragment (its
    populateFromUrl). A fragment never reaches the server, so long queries cost nothing."""
    return "#" + urlencode({"query": query}, quote_via=quote) if query else ""


class ReportLinks:
    """Relative links between the report's files; resources link to their published IRIs.

    The report has one set of per-country pages per loaded country: the default country's are
    `VIEW.html`, another's `VIEW-cc.html` (`country`: the pages these links are for; None = the
    default's), so the views' navigation stays within one country."""

    def __init__(self, ui_url: str | None = None, country: str | None = None, default: str | None = None) -> None:
        self.ui_url = ui_url  # an eccp-kg query UI (e.g. the public one) to open queries in, or none
        self.default = default
        self.current = None if country == default else country

    def view(self, slug: str | None) -> str:
        if not slug:
            return "index.html"
        if self.current and VIEWS[slug].per_country:
            return f"{slug}-{self.current.lower()}.html"
        return f"{slug}.html"

    def country(self, slug: str, code: str) -> str:
        return ReportLinks(self.ui_url, code, self.default).view(slug)

    def asset(self, path: str) -> str:
        return posixpath.join("static", path)

    def resource(self, iri: str) -> str:
        return iri

    def query_ui(self, query: str | None) -> str | None:
        return self.ui_url.split("#", 1)[0] + ui_fragment(query) if self.ui_url else None

    def sort(self, table: str, column: str, order: str) -> str | None:
        return None  # files cannot sort themselves: explore.js sorts in the page

    def export(self, slug: str, fmt: str, query: str | None = None) -> str | None:
        return None

    def site_nav(self) -> list[dict[str, Any]] | None:
        return None  # the report is files: no search, no endpoint, no dataset pages

    def site_root(self) -> str:
        return ""


def _json_attr(value: Any) -> Markup:
    """JSON for a data-* attribute, HTML-escaped (the browser unescapes it before JSON.parse)."""
    return escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


_env: Environment | None = None


def environment() -> Environment:
    """The explorer's Jinja environment: autoescaped, strict about undefined names."""
    global _env
    if _env is None:
        env = Environment(
            loader=PackageLoader("eccp_kg.pages", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["json"] = _json_attr
        _env = env
    return _env


def render_index(links: Links, standalone: bool = False, countries: list[dict[str, Any]] | None = None) -> str:
    """The /explore landing page: one card per view; `countries` (compare.loaded_countries) name
    the loaded countries in the heading and the summaries."""
    return environment().get_template("explore/index.html").render(
        views=list(VIEWS.values()), links=links, chart_js=chart_js(), standalone=standalone, current=None,
        countries=countries or [],
    )


def render_view(view: View, queries: list[ViewQuery], data: dict[str, Any], links: Links,
                standalone: bool = False, sort: dict[str, Any] | None = None) -> str:
    """One view page from its shaped data and the queries it came from; `sort` is the state
    sort.apply returned (None: the query's order)."""
    state = sort if sort is not None else apply(view.slug, data, None, None)
    return environment().get_template(f"explore/{view.slug}.html").render(
        view=view, views=list(VIEWS.values()), queries=queries, data=data, links=links,
        chart_js=chart_js(), d3_js=d3_js() if view.slug == "partnerships" else [], standalone=standalone,
        current=view.slug, sort=state,
    )
