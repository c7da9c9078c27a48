"""The one error shape (server/errors.py): negotiated JSON / HTML / text, for every blueprint."""
from __future__ import annotations

import json

import pytest

from eccp_kg.server.errors import error_body


def test_unknown_path_is_json_404_by_default(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert body["error"]["status"] == 404
    assert "/no/such/page" in body["error"]["detail"]


def test_browser_gets_escaped_html(client):
    r = client.get("/no/<script>", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    text = r.get_data(as_text=True)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_plain_text_when_asked(client):
    r = client.get("/nowhere", headers={"Accept": "text/plain"})
    assert r.mimetype == "text/plain"
    assert r.get_data(as_text=True).startswith("404 Not Found")


@pytest.mark.parametrize("media_type", ["application/json", "text/html", "text/plain"])
def test_error_body_carries_extra_fields(media_type):
    body = error_body(400, "Bad Request", "x < y", media_type, line=3, column=7)
    if media_type == "application/json":
        assert json.loads(body)["error"] == {"status": 400, "title": "Bad Request", "detail": "x < y", "line": 3, "column": 7}
    elif media_type == "text/html":
        assert "x &lt; y" in body and "column" in body
    else:
        assert "line: 3" in body and "column: 7" in body


def test_unexpected_exception_is_a_500_in_the_same_shape(fixture_store):
    from eccp_kg.server.app import create_app

    app = create_app({"IN_PROCESS": True}, store=fixture_store)  # not TESTING: errors are handled, not raised

    def boom():
        raise KeyError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    r = app.test_client().get("/boom")
    assert r.status_code == 500
    err = r.get_json()["error"]
    assert err["title"] == "Internal Server Error" and "KeyError" in err["detail"]
    assert "secret internal detail" not in r.get_data(as_text=True)  # no internals, no traceback


def test_body_over_the_cap_without_length_is_413(fixture_store):
    from eccp_kg.server.app import create_app

    app = create_app({"IN_PROCESS": True, "MAX_REQUEST_BYTES": 100}, store=fixture_store)
    r = app.test_client().post("/sparql", data={"query": "ASK {} #" + "x" * 500})
    assert r.status_code == 413 and r.get_json()["error"]["status"] == 413
