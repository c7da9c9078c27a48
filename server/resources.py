"""Linked-data pages: dereferencing minted IRIs, /dataset, /download (issue 4)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("resources", __name__)
