"""Short links for queries: POST /q stores a query under its content hash, /q/<id> opens it.

Why: a query shared as /?query=... is a URL of hundreds of characters; /q/k3v7a2q9xw5m is one a
person pastes into a mail. The id is the first 12 characters of the base32 SHA-256 of the query
text, so the same query always gets the same link (on any server) and a link stays valid across
restarts: the text is a file named by its id in LINKS_DIR (`eccp-kg serve --links-dir`), written to
a temporary name and renamed, so no reader sees half a file. Only texts that parse as a SPARQL
query (with the predeclared prefixes) are stored, at most MAX_REQUEST_BYTES each and MAX_LINKS in
all: the store is no pastebin."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, request

from .errors import error_response
from eccp_kg.graph.sparql_prologue import PREDECLARED
from eccp_kg.graph.sparql_errors import describe_syntax_error

bp = Blueprint("links", __name__)

#: Characters of an id: 60 bits of the hash, lower-case base32.
ID_LENGTH = 12
ID_PATTERN = re.compile(rf"[a-z2-7]{{{ID_LENGTH}}}")
#: Most stored queries; past it new links are refused (507), existing ones still resolve.
MAX_LINKS = 100_000
SUFFIX = ".rq"


def link_id(query: str) -> str:
    """The id of a query text: deterministic, the same for the same text everywhere."""
    digest = hashlib.sha256(query.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:ID_LENGTH]


def links_dir() -> Path:
    return Path(current_app.config["LINKS_DIR"])


def read_link(folder: Path, ident: str) -> str | None:
    """The query stored under `ident`, or None (an id that is not of our form is never a path)."""
    if not ID_PATTERN.fullmatch(ident):
        return None
    try:
        return (folder / (ident + SUFFIX)).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None


def store_link(folder: Path, query: str) -> tuple[str, bool]:
    """(id, created): the query written under its id unless already there. Raises OSError."""
    ident = link_id(query)
    target = folder / (ident + SUFFIX)
    if target.exists():
        return ident, False
    folder.mkdir(parents=True, exist_ok=True)
    if sum(1 for _ in folder.glob("*" + SUFFIX)) >= MAX_LINKS:
        raise LinksFull()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(query)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ident, True


class LinksFull(Exception):
    """MAX_LINKS queries are stored already."""


def _query_from_request() -> str | None:
    if request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    return request.form.get("query")


@bp.post("/q")
def create() -> Response:
    """Store the query (form `query=` or an application/sparql-query body); 201 with its link, or
    200 when the same text was stored before. The body: {"id", "url", "query_url"}."""
    query = _query_from_request()
    if not query or not query.strip():
        return error_response(400, "Bad Request", "No query: send query=... (form) or an application/sparql-query body.",
                              parameter="query")
    try:
        ox.Store().query(query, prefixes=PREDECLARED)  # parsed only: the empty store has nothing to evaluate
    except SyntaxError as exc:
        report = describe_syntax_error(str(exc), query)
        return error_response(400, "Query Syntax Error", "Only queries that parse get a short link. " + report.detail,
                              **report.extra)
    try:
        ident, created = store_link(links_dir(), query)
    except LinksFull:
        return error_response(507, "Insufficient Storage", f"This server stores at most {MAX_LINKS} short links; "
                              "share the query as a /?query= link instead.")
    except OSError as exc:
        return error_response(503, "Short Links Unavailable", f"Short links cannot be stored on this server "
                              f"({type(exc).__name__}: the links folder is not writable); share the query as a /?query= link.")
    root = request.host_url.rstrip("/") + request.script_root
    body = {"id": ident, "url": f"{root}/q/{ident}", "query_url": f"{root}/q/{ident}{SUFFIX}"}
    resp = jsonify(body)
    resp.status_code = 201 if created else 200
    resp.headers["Location"] = body["url"]
    return resp


@bp.get("/q/<ident>")
def open_link(ident: str) -> Response | str:
    """The query page with the stored query open in a tab (the tab already holding it, if any)."""
    from .ui import render_ui

    query = read_link(links_dir(), ident)
    if query is None:
        return _not_found(ident)
    return render_ui({"name": f"q/{ident}", "query": query})


@bp.get("/q/<ident>" + SUFFIX)
def raw(ident: str) -> Response:
    """The stored query text itself."""
    query = read_link(links_dir(), ident)
    if query is None:
        return _not_found(ident)
    return Response(query, content_type="application/sparql-query; charset=utf-8")


def _not_found(ident: str) -> Response:
    return error_response(404, "Not Found", f"No query is stored under the short link /q/{ident}; links are made "
                          "with the editor's share button or POST /q.")
