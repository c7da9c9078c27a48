"""GET /sparql answered on the event loop (server/rsgi_sparql.py) gives what the Flask view gives.

The real server (`live_server`, `eccp-kg serve` on granian): a GET with a query is answered on
the loop (its Server-Timing carries the `loop` metric), a POST form of the same query goes
through the Flask view. Both must send the same status, body and headers (the ETag does not
depend on the method), errors included, and what the loop path must not take (the service
description, raw bytes the input guard encodes) still goes to the app."""
from __future__ import annotations

import json
import socket
import time
import urllib.parse
import uuid

import requests

from tests.test_server_live import PATHOLOGICAL, QUICK

#: Headers that differ between any two responses (time, request id, the path's own timing).
PER_RESPONSE = {"date", "server-timing", "x-request-id", "content-length", "server"}
WAIT_SECONDS = 30


def on_loop(resp: requests.Response) -> bool:
    """Whether the event loop answered (server/rsgi.py `_respond`: `app;dur=MS, loop`)."""
    timing = resp.headers.get("Server-Timing", "")
    assert timing.startswith("app;dur="), f"no Server-Timing in {dict(resp.headers)}"
    return [part.strip() for part in timing.split(",")][1:] == ["loop"]


def same_headers(resp: requests.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in resp.headers.items() if k.lower() not in PER_RESPONSE}


def unique(query: str) -> str:
    """The query made unique to this test run (the result cache has never seen it)."""
    return f"# {uuid.uuid4().hex}\n{query}"


def get(base: str, query: str, **headers: str) -> requests.Response:
    return requests.get(base + "/sparql", params={"query": query}, headers=headers, timeout=WAIT_SECONDS)


def post(base: str, query: str, **headers: str) -> requests.Response:
    return requests.post(base + "/sparql", data={"query": query}, headers=headers, timeout=WAIT_SECONDS)


def test_a_get_query_is_answered_on_the_loop_as_the_view_answers_it(live_server):
    query = unique(QUICK)
    first = get(live_server, query, Accept="text/csv")
    assert first.status_code == 200 and on_loop(first)
    assert first.headers["X-Cache"] == "miss"
    rows = first.text.splitlines()
    assert rows[0] == "s" and len(rows) > 1
    again = get(live_server, query, Accept="text/csv")
    assert again.headers["X-Cache"] == "hit" and on_loop(again) and again.content == first.content
    through_view = post(live_server, query, Accept="text/csv")  # the same result, cached by the loop path
    assert not on_loop(through_view)
    assert (through_view.status_code, through_view.content) == (200, first.content)
    assert same_headers(through_view) == same_headers(again)
    # a miss through the view, for the headers of a miss
    other = unique(QUICK)
    view_miss = post(live_server, other, Accept="text/csv")
    loop_hit = get(live_server, other, Accept="text/csv")
    assert view_miss.headers["X-Cache"] == "miss" and loop_hit.headers["X-Cache"] == "hit"
    assert {**same_headers(first), "etag": ""} == {**same_headers(view_miss), "etag": ""}


def test_not_modified_on_the_loop_as_through_the_view(live_server):
    query = unique(QUICK)
    etag = get(live_server, query).headers["ETag"]
    loop_304 = get(live_server, query, **{"If-None-Match": etag})
    view_304 = post(live_server, query, **{"If-None-Match": etag})
    assert (loop_304.status_code, view_304.status_code) == (304, 304)
    assert on_loop(loop_304) and not on_loop(view_304)
    assert loop_304.content == view_304.content == b""
    assert same_headers(loop_304) == same_headers(view_304)


def test_errors_on_the_loop_have_the_one_error_shape(live_server):
    broken = unique("SELECT ?s WHERE { ?s ?p }")
    for shape in ("application/json", "text/html", "text/plain"):
        accept = f"application/sparql-results+json, {shape};q=0.9"  # the error's media type: `shape`
        loop_error = get(live_server, broken, Accept=accept)
        view_error = post(live_server, broken, Accept=accept)
        assert on_loop(loop_error) and not on_loop(view_error)
        assert loop_error.status_code == view_error.status_code == 400
        assert loop_error.headers["Content-Type"].startswith(shape)
        assert same_headers(loop_error) == same_headers(view_error)
        assert loop_error.headers["X-Request-Id"] and loop_error.headers["X-Request-Id"] != view_error.headers["X-Request-Id"]
        blank = (loop_error.text.replace(loop_error.headers["X-Request-Id"], "ID"),
                 view_error.text.replace(view_error.headers["X-Request-Id"], "ID"))
        assert blank[0] == blank[1]
    body = get(live_server, broken).json()["error"]
    assert body["code"] == "query_syntax_error" and body["line"] == 2


def test_refusals_before_evaluation_on_the_loop(live_server):
    """Unknown format, 406 and a request past the size cap are answered on the loop as by the view."""
    for params, headers in (({"query": QUICK, "format": "nope"}, {}), ({"query": QUICK}, {"Accept": "image/png"})):
        loop = requests.get(live_server + "/sparql", params=params, headers=headers, timeout=WAIT_SECONDS)
        view = requests.post(live_server + "/sparql", data=params, headers=headers, timeout=WAIT_SECONDS)
        assert on_loop(loop) and not on_loop(view)
        assert loop.status_code == view.status_code and loop.status_code in (400, 406)
        assert same_headers(loop) == same_headers(view)
        assert {**loop.json()["error"], "request_id": ""} == {**view.json()["error"], "request_id": ""}


def test_what_the_loop_does_not_take_goes_to_the_app(live_server):
    description = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=WAIT_SECONDS)
    assert description.status_code == 200 and not on_loop(description)
    assert "sd:Service" in description.text or "ns#Service" in description.text
    # a raw (unencoded) byte in the query string: the input guard percent-encodes it, in the app
    host, port = urllib.parse.urlsplit(live_server).netloc.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=WAIT_SECONDS) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D&x=\xc3\xa9 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    assert head.startswith("http/1.1 200")
    timing = next(line for line in head.split("\r\n") if line.startswith("server-timing:"))
    assert "app;dur=" in timing and "loop" not in timing


def test_a_query_past_the_timeout_on_the_loop_is_stopped_and_its_worker_replaced(live_server):
    before = requests.get(live_server + "/health", timeout=WAIT_SECONDS).json()
    started = time.monotonic()
    slow = get(live_server, unique(PATHOLOGICAL))
    assert on_loop(slow)
    assert slow.status_code == 503 and slow.headers["Retry-After"]
    assert slow.json()["error"]["code"] == "query_timeout"
    assert time.monotonic() - started < WAIT_SECONDS
    deadline = time.monotonic() + WAIT_SECONDS
    while True:  # the replacement starts in the background
        after = requests.get(live_server + "/health", timeout=WAIT_SECONDS).json()
        if after["replaced_workers"] > before["replaced_workers"] and after["idle_workers"] == after["workers"]:
            break
        assert time.monotonic() < deadline, f"no replacement worker within {WAIT_SECONDS} s: {json.dumps(after)}"
        time.sleep(0.1)
    assert get(live_server, unique(QUICK)).status_code == 200
