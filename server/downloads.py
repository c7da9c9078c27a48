"""The dumps of the build and the factsheet texts beside them, served at /download/ (index) and /download/<file>.

Why a blueprint of its own: serving files from a folder is a different job from describing
resources, with its own safety rule (nothing outside the dumps folder can be read)."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, send_from_directory
from werkzeug.security import safe_join

from eccp_kg.graph.formats import RDF, media_type_for_file
from eccp_kg.graph.jsonld import CONTEXT_PATH, context_bytes

from .errors import error_response

bp = Blueprint("downloads", __name__)

#: Files beside the dumps that are not RDF (RDF media types come from graph/formats.py).
OTHER_TYPES: dict[str, str] = {
    ".md": "text/markdown; charset=utf-8",  # the factsheet texts the build serves beside the dumps
}


def media_type(name: str) -> str:
    """A file's media type: RDF syntaxes from pyoxigraph (graph/formats.py), then OTHER_TYPES, else by name."""
    return (media_type_for_file(name) or OTHER_TYPES.get(Path(name).suffix.lower())
            or mimetypes.guess_type(name)[0] or "application/octet-stream")


def dumps_dir() -> Path | None:
    """DUMPS_DIR, else the dumps/ folder next to the served store (build/store -> build/dumps)."""
    configured = current_app.config.get("DUMPS_DIR")
    if configured:
        return Path(configured).resolve()  # send_from_directory would read a relative one from the package
    store_dir = getattr(current_app.extensions["eccp_kg"], "store_dir", None)
    return Path(store_dir).resolve().parent / "dumps" if store_dir is not None else None


def dump_files() -> list[tuple[str, int]]:
    """(name, size in bytes) of each regular file in the dumps folder."""
    folder = dumps_dir()
    if folder is None or not folder.is_dir():
        return []
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


@bp.get("/download/")
def download_index() -> Response | str:
    """The dump files, with sizes and media types."""
    files = [(name, size, media_type(name)) for name, size in dump_files()]
    return render_template("resources/downloads.html", files=files)


@bp.get("/download/<path:name>")
def download(name: str) -> Response:
    """One dump file. Paths are joined with werkzeug's safe_join: no '..', no absolute paths,
    no sub-folders, so nothing outside the dumps folder can be read."""
    folder = dumps_dir()
    if folder is None or "/" in name or "\\" in name or safe_join(str(folder), name) is None:
        return error_response(404, "Not Found", f"No dump named {name!r}; see /download/ for the list.")
    target = folder / name
    if not target.is_file() or name.startswith("."):
        return error_response(404, "Not Found", f"No dump named {name!r}; see /download/ for the list.")
    return send_from_directory(folder, name, mimetype=media_type(name), conditional=True, max_age=300)


@bp.get("/" + CONTEXT_PATH)
def jsonld_context() -> Response:
    """The published @context of the JSON-LD dump (every project prefix): the dump names it by IRI
    (base IRI + ns/context.jsonld), so any JSON-LD processor can expand the dump back to the quads.
    CORS-open, like every JSON-LD context a browser-side processor must fetch."""
    response = Response(context_bytes(), mimetype=RDF["jsonld"].media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.add_etag()
    return response.make_conditional(request)
