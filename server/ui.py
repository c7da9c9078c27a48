"""The query UI at / and /queries (issue 3)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ui", __name__)
