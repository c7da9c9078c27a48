"""Explorer views under /explore (issue 5): thin Flask views over explore_views and explore_render.

Routes:
  GET /explore                      the index of views
  GET /explore/<view>               one view (partnerships, euroclusters, regions, ecosystems, policies,
                                    countries, editions)
  GET /explore/<view>?country=CC    the view for one loaded country (default IT, else the first); an
                                    unknown CC is a 400 naming the loaded ones (explore_compare.py)
  GET /explore/partnerships?programme=KEY[&programme=KEY...]
                                    the matrix restricted to those programmes (the page's filter
                                    without JavaScript); an unknown KEY is a 400 naming the known ones
  GET /explore/<view>?sort=TABLE.COLUMN&order=asc|desc
                                    the page with one table sorted (explore_sort.py)
  GET /explore/<view>.json, .csv    the view's SPARQL results with the same filters (explore_export.py)
Data comes from `app.extensions["eccp_kg"].select`, the in-process SPARQL runner of the dataset.

Pages carry an ETag made of the build id, the templates' version and the request URL (server/cache.py's
`page_etag`, the same in every worker process): the graph is immutable between builds, so a browser revalidating (Cache-Control: no-cache) gets a 304 without
any query being run."""
from __future__ import annotations


from flask import Blueprint, Response, current_app, request

from .explore_compare import UnknownCountry, loaded_countries, resolve_country
from .explore_export import FORMATS, UnknownTable, tables, to_csv, to_json
from .cache import etag_matches, page_etag
from .explore_maps import BadMeasure, add_figures
from .explore_render import ServerLinks, render_index, render_view
from .explore_sort import BadSort, apply
from .explore_views import VIEWS, UnknownProgramme, View, build

bp = Blueprint("explore", __name__, url_prefix="/explore")

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
    return _html(render_index(_links()))


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
        queries, data = build(select, v, request.args.getlist("programme"), country)
        data["loadedCountries"], data["selectedCountry"] = loaded, country
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
    body = to_csv(found[0]) if fmt == "csv" else to_json(v, found, selected)
    resp = Response(body, content_type=f"{FORMATS[fmt]}; charset=utf-8")
    name = f"{slug}-{found[0]['name']}" if fmt == "csv" else slug
    resp.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    resp.headers["ETag"] = _etag()
    resp.headers["Cache-Control"] = "no-cache"
    return resp
