"""The exception a plain function raises for its view to answer as an HTTP error.

Flask-free on purpose: server/safety.py raises it inside query worker processes, which start
without importing Flask (server/errors.py turns it into the one error shape)."""
from __future__ import annotations


class Problem(Exception):
    """An HTTP error a plain function raises for its view to send with `error_response`:
    status, a short title and a detail that says what was wrong and what is expected."""

    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
