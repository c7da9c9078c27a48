"""Explorer views under /explore (issue 5)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("explore", __name__)
