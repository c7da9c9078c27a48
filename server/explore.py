"""Explorer views under /explore (issue 5): thin Flask views over the eccp_kg.explore package
(views, render, ...), which the static report (`eccp-kg report`) renders with too.

Routes:
  GET /explore                      the index of views
  GET /explore/<view>               one view (partnerships, euroclusters, regions, ecosystems, policies,
                                    countries, editions)
  GET /explore/<view>?country=CC    the view for one loaded country (default IT, else the first); an
                                    unknown CC is a 400 naming the loaded ones (eccp_kg/explore/compare.py)
  GET /explore/partnerships?programme=KEY[&programme=KEY...]
                                    the matrix restricted to those programmes (the page's filter
                                    without JavaScript); an unknown KEY is a 400 naming the known ones
  GET /explore/<view>?sort=TABLE.COLUMN&order=asc|desc
                                    the page with one table sorted (eccp_kg/explore/sort.py)
  GET /explore/<view>.json, .csv    the view's SPARQL results with the same filters (eccp_kg/explore/export.py)
Data comes from `app.extensions["eccp_kg"].select`, the in-process SPARQL runner of the dataset.

Pages carry an ETag made of the build id, the templates' version and the request URL (server/cache.py's
`page_etag`, the same in every worker process): the graph is immutable between builds, so a browser revalidating (Cache-Control: no-cache) gets a 304 without
any query being run."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request

from eccp_kg.explore.compare import UnknownCountry, loaded_countries, resolve_country
from eccp_kg.explore.export import FORMATS, UnknownTable, tables, to_csv, to_json
from eccp_kg.explore.maps import BadMeasure, add_figures
from eccp_kg.explore.render import render_index, render_view, ui_fragment
from eccp_kg.explore.sort import BadSort, apply
from eccp_kg.explore.views import VIEWS, UnknownProgramme, View, build

from .cache import etag_matches, page_etag
from .iri_map import local_url
from .site import nav

bp = Blueprint("explore", __name__, url_prefix="/explore")


class ServerLinks:
    """Links for pages served under /explore on the live server.

    `args` are the request's query parameters: sort links and exports keep the page's filters."""

    def __init__(self, root: str = "", path: str = "", args: list[tuple[str, str]] | None = None) -> None:
        self.root = root.rstrip("/")  # SCRIPT_NAME when mounted below /
        self.path = path
        self.args = list(args or [])

    def _filters(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.args if k not in ("sort", "order", "query")]

    def sort(self, table: str, column: str, order: str) -> str | None:
        query = urlencode(self._filters() + [("sort", f"{table}.{column}"), ("order", order)])
        return f"{self.root}{self.path}?{query}#{table}"

    def site_nav(self) -> list[dict[str, Any]] | None:
        return nav(self.root, self.path or "/explore")

    def site_root(self) -> str:
        return self.root

    def export(self, slug: str, fmt: str, query: str | None = None) -> str | None:
        params = self._filters() + ([("query", query)] if query else [])
        return f"{self.root}/explore/{slug}.{fmt}" + (f"?{urlencode(params)}" if params else "")

    def view(self, slug: str | None) -> str:
        """A view (or the index), for the country this page shows if one was asked for."""
        kept = [(k, v) for k, v in self.args if k == "country"]
        return f"{self.root}/explore" + (f"/{slug}" if slug else "") + (f"?{urlencode(kept)}" if kept else "")

    def country(self, slug: str, code: str) -> str:
        """This view for another country, with the page's other filters (programme, sort, order, measure)."""
        kept = [(k, v) for k, v in self.args if k not in ("country", "query")]
        return f"{self.root}/explore/{slug}?" + urlencode(kept + [("country", code)])

    def asset(self, path: str) -> str:
        return f"{self.root}/static/{path}"

    def resource(self, iri: str) -> str:
        """This site's page for a minted IRI (the linked-data blueprint's mapping, honouring
        BASE_IRI); external IRIs stay as they are."""
        return local_url(iri) or iri

    def query_ui(self, query: str | None) -> str | None:
        return f"{self.root}/" + ui_fragment(query)



def _etag() -> str:
    """The validator of the page at this URL for the served build (server/cache.py's scheme)."""
    return page_etag(getattr(current_app.extensions["eccp_kg"], "build_id", None), request.full_path)


@bp.before_request
def _not_modified() -> Response | None:
    """Answer 304 before any query runs when the client already has this page."""
    etag = _etag()
    if etag_matches(request.headers.get("If-None-Match"), etag):
        resp = Response(status=304)
        resp.headers["ETag"] = etag
        resp.headers["Cache-Control"] = "no-cache"
        return resp
    return None


def _error(status: int, message: str, **extra: object) -> Response:
    """Every HTTP error body comes from the one error shape (server/errors.py)."""
    from .errors import error_response

    titles = {400: "Bad Request", 404: "Not Found"}
    return error_response(status, titles.get(status, "Error"), message, **extra)


def _html(text: str) -> Response:
    resp = Response(text, mimetype="text/html")
    resp.headers["ETag"] = _etag()
    resp.headers["Cache-Control"] = "no-cache"  # revalidate: cheap, and right after a rebuild
    return resp


@bp.get("", strict_slashes=False)
def index() -> Response:
    """The list of views."""
    return _html(render_index(_links(), countries=loaded_countries(current_app.extensions["eccp_kg"].select)))


def _links() -> ServerLinks:
    return ServerLinks(request.script_root, request.path, list(request.args.items(multi=True)))


def _view_or_404(slug: str) -> View | Response:
    v = VIEWS.get(slug)
    if v is None:
        return _error(404, f"/explore/{slug}: no such view; expected one of {', '.join(VIEWS)}",
                      allowed=list(VIEWS))
    return v


@bp.get("/<slug>")
def view(slug: str) -> Response:
    """One explorer view, computed from its queries on every request (the store is immutable)."""
    v = _view_or_404(slug)
    if isinstance(v, Response):
        return v
    select = current_app.extensions["eccp_kg"].select
    try:
        loaded = loaded_countries(select)
        country = resolve_country(loaded, request.args.get("country"))
        queries, data = build(select, v, request.args.getlist("programme"), country, loaded)
        add_figures(v.slug, data, loaded, country, request.args.get("measure"))
        state = apply(v.slug, data, request.args.get("sort"), request.args.get("order"))
    except UnknownCountry as exc:
        return _error(400, str(exc), parameter="country", allowed=exc.allowed)
    except UnknownProgramme as exc:
        return _error(400, str(exc), parameter="programme", allowed=exc.allowed)
    except BadSort as exc:
        return _error(400, str(exc), parameter=exc.parameter, allowed=exc.allowed)
    except BadMeasure as exc:
        return _error(400, str(exc), parameter="measure", allowed=exc.allowed)
    return _html(render_view(v, queries, data, _links(), sort=state))


@bp.get("/<slug>.<any(csv, json):fmt>")
def export(slug: str, fmt: str) -> Response:
    """The view's SPARQL results with the page's filters: JSON (every query, or ?query=NAME) or
    CSV (one query: ?query=NAME, default the view's first)."""
    v = _view_or_404(slug)
    if isinstance(v, Response):
        return v
    only = request.args.get("query") or (v.queries[0] if fmt == "csv" else None)
    select = current_app.extensions["eccp_kg"].select
    try:
        country = resolve_country(loaded_countries(select), request.args.get("country"))
        selected, found = tables(select, v, request.args.getlist("programme"), only, country)
    except UnknownCountry as exc:
        return _error(400, str(exc), parameter="country", allowed=exc.allowed)
    except UnknownProgramme as exc:
        return _error(400, str(exc), parameter="programme", allowed=exc.allowed)
    except UnknownTable as exc:
        return _error(400, str(exc), parameter="query", allowed=exc.allowed)
    body = to_csv(found[0]) if fmt == "csv" else to_json(v, found, selected, country)
    resp = Response(body, content_type=f"{FORMATS[fmt]}; charset=utf-8")
    name = f"{slug}-{found[0]['name']}" if fmt == "csv" else slug
    resp.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    resp.headers["ETag"] = _etag()
    resp.headers["Cache-Control"] = "no-cache"
    return resp
