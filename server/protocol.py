"""SPARQL 1.1 Protocol at /sparql (issue 3)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("protocol", __name__)
