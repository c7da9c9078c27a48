"""The Flask app factory: one blueprint per concern, thin views over plain functions."""
from __future__ import annotations

from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "STORE_DIR": "build/store",  # the store `eccp-kg build` writes
}


def create_app(config: dict[str, Any] | None = None, store: Any = None) -> Flask:
    """Build the app. `store` (a pyoxigraph Store) overrides STORE_DIR, for tests and --data."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})

    from . import explore, protocol, resources, ui

    for blueprint in (protocol.bp, ui.bp, resources.bp, explore.bp):
        app.register_blueprint(blueprint)
    return app
