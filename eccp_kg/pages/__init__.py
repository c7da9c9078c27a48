"""The site's presentation as package data: Jinja templates (templates/) and static files
(static/: CSS, JS, the favicon, and static/vendor/, the front-end libraries `make vendor` copies
from npm). No code but the paths to them, declared once here.

Why a package of its own, below server/: the live server (Flask's template and static folders)
and the static report (eccp_kg.explore.report) render the same pages with the same header and
styles, and the report must not depend on the server."""
from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
#: Git-ignored; filled by `python -m eccp_kg.server.vendor` (the Makefile's `vendor` target).
VENDOR = STATIC / "vendor"
