"""The Flask app factory: one blueprint per concern, thin views over plain functions."""
from __future__ import annotations

from typing import Any

from flask import Flask

from eccp_kg.pages import STATIC, TEMPLATES

from .config import DEFAULTS
from eccp_kg.graph.dataset import Dataset, load_data_files, open_store_read_only
from .cors import install_cors
from .endpoint import Endpoint
from .errors import register_error_handlers
from .guard import install_guard
from .reload import LiveDataset, PinGeneration, real_store_dir


def _open_dataset(app: Flask, store: Any) -> Dataset:
    """The served dataset: the given store, else a remote engine (--backend), else --data files in
    memory, else the built store (server/backends/__init__.py)."""
    if store is None and app.config.get("BACKEND"):
        from .backends.remote import RemoteDataset

        return RemoteDataset(app.config["BACKEND"], app.config.get("BASE_IRI"))  # type: ignore[return-value]
    if store is not None:
        return Dataset(store, store_dir=None, build_id=app.config.get("BUILD_ID"))
    files = app.config.get("DATA_FILES") or []
    if files:
        return Dataset(load_data_files(files), store_dir=None, build_id=app.config.get("BUILD_ID"))
    # the real folder of the build (graph/layout.py: build/store links to .builds/<id>/store), so
    # workers and pages stay on this build until the endpoint switches to a newer one
    store_dir = real_store_dir(app.config["STORE_DIR"])
    return Dataset(open_store_read_only(store_dir), store_dir=store_dir, build_id=app.config.get("BUILD_ID"))


def create_app(config: dict[str, Any] | None = None, store: Any = None) -> Flask:
    """Build the app. `store` (a pyoxigraph Store) overrides STORE_DIR, for tests and --data."""
    app = Flask(__name__, template_folder=TEMPLATES, static_folder=STATIC)  # shared with the report
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_BYTES"]

    endpoint = Endpoint(_open_dataset(app, store), app.config)
    app.extensions["eccp_kg.endpoint"] = endpoint  # user queries (/sparql)
    app.extensions["eccp_kg"] = LiveDataset(endpoint.generations)  # trusted in-process queries (pages)
    register_error_handlers(app)
    install_cors(app)

    from . import downloads, explore, protocol, resources, search, shapes_doc, short_links, site, ui

    for blueprint in (protocol.bp, ui.bp, resources.bp, downloads.bp, explore.bp, site.bp, shapes_doc.bp, search.bp,
                      short_links.bp):
        app.register_blueprint(blueprint)
    install_guard(app)  # raw query-string bytes and malformed Host headers (server/guard.py)
    # outermost: each request sees one build from start to end, the one the store link names
    # when it arrives (server/reload.py)
    app.wsgi_app = PinGeneration(app.wsgi_app, endpoint.generations, endpoint.follow_build)  # type: ignore[method-assign]
    return app
