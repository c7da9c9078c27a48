"""Explorer views under /explore (issue 5): thin Flask views over explore_views and explore_render.

Routes:
  GET /explore                      the index of views
  GET /explore/<view>               one view (partnerships, euroclusters, regions, ecosystems, policies)
  GET /explore/partnerships?programme=KEY[&programme=KEY...]
                                    the matrix restricted to those programmes (the page's filter
                                    without JavaScript); an unknown KEY is a 400 naming the known ones
Data comes from `app.extensions["eccp_kg"].select`, the in-process SPARQL runner of the dataset."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from .explore_render import ServerLinks, render_index, render_view
from .explore_views import VIEWS, fetch, programme_keys

bp = Blueprint("explore", __name__, url_prefix="/explore")


def _error(status: int, message: str, **extra: object) -> Response:
    """Every HTTP error body comes from the one error shape (server/errors.py)."""
    from .errors import error_response

    titles = {400: "Bad Request", 404: "Not Found"}
    return error_response(status, titles.get(status, "Error"), message, **extra)


def _html(text: str) -> Response:
    return Response(text, mimetype="text/html")


@bp.get("", strict_slashes=False)
def index() -> Response:
    """The list of views."""
    return _html(render_index(ServerLinks(request.script_root)))


@bp.get("/<slug>")
def view(slug: str) -> Response:
    """One explorer view, computed from its queries on every request (the store is immutable)."""
    v = VIEWS.get(slug)
    if v is None:
        return _error(404, f"/explore/{slug}: no such view; expected one of {', '.join(VIEWS)}",
                      allowed=list(VIEWS))
    queries, rows = fetch(current_app.extensions["eccp_kg"].select, v)
    if slug == "partnerships":
        selected = request.args.getlist("programme")
        known = programme_keys(rows)
        unknown = [k for k in selected if k not in known]
        if unknown:
            return _error(400, f"query parameter 'programme': unknown value {unknown[0]!r}; "
                               f"expected one of {', '.join(known)}", parameter="programme", allowed=known)
        data = v.shape(rows, selected)
    else:
        data = v.shape(rows)
    return _html(render_view(v, queries, data, ServerLinks(request.script_root)))
