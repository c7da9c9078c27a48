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
        assert json.loads(body)["error"] == {
            "status": 400, "code": "bad_request", "title": "Bad Request", "detail": "x < y", "line": 3, "column": 7}
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
    assert err["code"] == "internal_server_error"
    assert err["request_id"] == r.headers["X-Request-Id"] and err["request_id"] in err["detail"]


def test_unexpected_exception_is_logged_under_the_request_id(fixture_store, caplog):
    from eccp_kg.server.app import create_app

    app = create_app({"IN_PROCESS": True}, store=fixture_store)

    def boom():
        raise KeyError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    with caplog.at_level("WARNING", logger="eccp_kg.server"):
        r = app.test_client().get("/boom")
    rid = r.headers["X-Request-Id"]
    records = [rec for rec in caplog.records if rid in rec.getMessage()]
    assert records, caplog.text
    traced = [rec for rec in records if rec.exc_info]
    assert traced and "secret internal detail" in caplog.text  # the log has what the client must not see
    assert "GET /boom" in traced[0].getMessage()


@pytest.mark.parametrize("path, kwargs", [
    ("/no/such/page", {}),
    ("/sparql", {"query_string": {"query": "SELECT * WHERE {"}}),
    ("/sparql", {"method": "PUT"}),
    ("/sparql", {"query_string": {"query": "ASK {}", "format": "yaml"}}),
])
@pytest.mark.parametrize("accept", [None, "application/json", "application/sparql-results+json", "text/turtle"])
def test_every_api_error_has_status_code_title_detail_and_request_id(client, path, kwargs, accept):
    r = client.open(path, headers={"Accept": accept} if accept else {}, **kwargs)
    assert r.status_code >= 400 and r.mimetype == "application/json"
    err = r.get_json()["error"]
    assert err["status"] == r.status_code
    assert err["code"] and err["code"] == err["code"].lower() and " " not in err["code"]
    assert err["title"] and err["detail"]
    assert err["request_id"] == r.headers["X-Request-Id"]
    assert r.headers["Cache-Control"] == "no-store"


def test_request_ids_differ_and_a_good_client_id_is_kept(client):
    a, b = client.get("/nowhere"), client.get("/nowhere")
    assert a.headers["X-Request-Id"] != b.headers["X-Request-Id"]
    kept = client.get("/nowhere", headers={"X-Request-Id": "proxy-42.a:b"})
    assert kept.headers["X-Request-Id"] == "proxy-42.a:b" == kept.get_json()["error"]["request_id"]


@pytest.mark.parametrize("given", ["x" * 65, "a b", "<script>", "id;Set-Cookie=x", "é"])
def test_a_malformed_client_request_id_is_replaced(client, given):
    r = client.get("/nowhere", headers={"X-Request-Id": given})
    rid = r.headers["X-Request-Id"]
    assert rid != given and len(rid) == 16 and rid.isalnum()


def test_browser_error_page_is_in_the_site_layout(client):
    r = client.get("/explore/<b>nope</b>", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.mimetype == "text/html"
    text = r.get_data(as_text=True)
    assert 'class="eccp-header"' in text and "ui/ui.css" in text  # the site's header and stylesheet
    assert 'data-code="not_found"' in text and r.headers["X-Request-Id"] in text
    assert "<b>nope</b>" not in text and "&lt;b&gt;nope&lt;/b&gt;" in text


def test_plain_text_error_names_code_and_request_id(client):
    r = client.get("/nowhere", headers={"Accept": "text/plain"})
    text = r.get_data(as_text=True)
    assert "code: not_found" in text and f"request_id: {r.headers['X-Request-Id']}" in text


def test_body_over_the_cap_without_length_is_413(fixture_store):
    from eccp_kg.server.app import create_app

    app = create_app({"IN_PROCESS": True, "MAX_REQUEST_BYTES": 100}, store=fixture_store)
    r = app.test_client().post("/sparql", data={"query": "ASK {} #" + "x" * 500})
    assert r.status_code == 413 and r.get_json()["error"]["status"] == 413
