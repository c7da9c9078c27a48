"""Hostile input against the REAL server (issue 11, part 5): `eccp-kg serve` on granian, over raw
sockets on 127.0.0.1, so nothing a client library would normalise (``..``, encodings, header
syntax) is normalised.

Every case gets an answer within a bounded time and never a 5xx; every answer the app makes
has the one error shape; the worker pool survives (no worker crashed or replaced) and the
graph is unchanged afterwards.

Requests that granian's HTTP/1 parser (hyper + httparse) refuses never reach the app, and
granian has no option to change that (its HTTP/1 settings are header_read_timeout, keep_alive,
max_buffer_size and pipeline_flush; hyper's limit of 100 header fields and of 65534 bytes of
request target are fixed): it answers them with an empty 400/414/431 and closes. The exact
list is in docs/endpoint.md ("What never reaches the app"); `PARSER_REFUSED` holds one request per item, each to
exactly that answer (status, empty body, connection closed, within the bound), and the
boundaries just inside each limit to reaching the app and its one error shape."""
from __future__ import annotations

import hashlib
import json
import random
import socket
import threading
import time

import pytest
import requests

from tests.test_hostile import SECRETS, TRAVERSALS, crashers

#: Seconds any one hostile request may take before the test calls it a hang.
ANSWER_SECONDS = 15
#: The server's --body-timeout: a body not arrived by then gets 408.
BODY_TIMEOUT = 2


@pytest.fixture(scope="module")
def server(start_server, served_build, tmp_path_factory):
    srv = start_server(["--store", str(served_build / "store"), "--workers", "2", "--timeout", "3",
                        "--http-processes", "1", "--max-request-bytes", "20000",
                        "--body-timeout", str(BODY_TIMEOUT)], tmp_path_factory.mktemp("hostile"))
    try:
        yield srv
    finally:
        srv.stop()


def exchange(server, data: bytes, timeout: float = ANSWER_SECONDS) -> tuple[int | None, dict[str, str], bytes]:
    """Send raw bytes (in a thread: the server may answer before it read them all) and read until
    the server closes; (status or None if it sent nothing, headers, body)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)

    def send() -> None:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server answered and closed before reading everything: fine

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    received, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                break
            if not chunk:
                break
            received += chunk
        else:
            raise AssertionError(f"no end of answer within {timeout} s for {data[:120]!r}")
    except socket.timeout:
        raise AssertionError(f"hang: no answer within {timeout} s for {data[:120]!r}") from None
    finally:
        sock.close()
        sender.join(timeout)
    if not received:
        return None, {}, b""
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def request_bytes(target: bytes, method: bytes = b"GET", headers: dict[bytes, bytes] | None = None, body: bytes = b"") -> bytes:
    head = [method + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    head += [k + b": " + v for k, v in (headers or {}).items()]
    if body and not (headers and b"Transfer-Encoding" in headers):
        head.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def assert_answer(status: int | None, headers: dict[str, str], body: bytes, what: object) -> None:
    """Below 500, from the app: an error has the one error shape (with its X-Request-Id)."""
    assert status is not None and status < 500, (what, status, body[:300])
    if status >= 400:
        assert "x-request-id" in headers, (what, status, headers)  # the app answered, not the parser
        assert headers["content-type"].startswith("application/json"), what
        err = json.loads(body)["error"]
        assert err["status"] == status and err["code"] and err["detail"], what
        assert err["request_id"] == headers["x-request-id"], what


def assert_parser_refusal(status: int | None, headers: dict[str, str], body: bytes, expected: int, what: object) -> None:
    """The HTTP parser's own answer: `expected`, no body, the connection closed (exchange() read to
    the close), nothing from the app."""
    assert status == expected, (what, status, body[:200])
    assert body == b"" and headers.get("content-length") == "0" and headers.get("connection") == "close", (what, headers)
    assert "x-request-id" not in headers, what


def state(server) -> dict:
    """What must be the same after the attack: the data, the build, the live workers."""
    count = requests.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                         timeout=30).json()["results"]["bindings"][0]["n"]["value"]
    health = requests.get(server.url + "/health", timeout=30).json()
    return {"triples": count, "build_id": health["build_id"], "replaced": health["replaced_workers"]}


CASES: dict[str, bytes] = {
    "invalid UTF-8 percent-escapes": request_bytes(b"/sparql?query=%ff%fe%fd"),
    "broken percent-escape": request_bytes(b"/sparql?query=ASK%zz%7B%7D"),
    "lone percent": request_bytes(b"/sparql?query=%"),
    "percent in parameter name": request_bytes(b"/sparql?%ff=1&query=ASK%7B%7D"),
    "overlong UTF-8 dot-dot": request_bytes(b"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"),
    "NUL in path": request_bytes(b"/id/%00"),
    "no Host": b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nConnection: close\r\n\r\n",
    "bad Host": request_bytes(b"/sparql?query=ASK%7B%7D", headers={b"Host": b'"<x>'}),
    "query string over the cap": request_bytes(b"/sparql?query=" + b"A" * 30000),
    "body over the cap": request_bytes(b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query"}, b"x" * 3_000_000),
    "chunked body over the cap": request_bytes(
        b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query", b"Transfer-Encoding": b"chunked"},
        (b"10000\r\n" + b"x" * 0x10000 + b"\r\n") * 8 + b"0\r\n\r\n"),
    "one 40 kB header": request_bytes(b"/health", headers={b"X-Padding": b"a" * 40000}),
    "100 header fields (the parser's most)": request_bytes(b"/nowhere", headers={b"X-H%d" % i: b"v" for i in range(98)}),
    "raw UTF-8 in path": request_bytes("/id/nuts/Zürich".encode()),
    "raw UTF-8 in query string": request_bytes("/sparql?query=ASK%7B%7D&x=Zürich\u2603".encode()),
    "non-ASCII bytes in a header value": request_bytes(b"/nowhere", headers={b"X-Name": "Zürich \u2603".encode() + b"\xff"}),
    "target of 65534 bytes (the parser's most)": request_bytes(b"/sparql?query=" + b"A" * (65534 - 14)),
    "chunked body with a bad chunk size": request_bytes(
        b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query", b"Transfer-Encoding": b"chunked"}, b"zz\r\nabc\r\n0\r\n\r\n"),
    "update by GET": request_bytes(b"/sparql?update=DROP%20ALL"),
    "update by POST": request_bytes(b"/sparql", b"POST", {b"Content-Type": b"application/sparql-update"}, b"DROP ALL"),
    "LOAD a file": request_bytes(b"/sparql", b"POST", {b"Content-Type": b"application/sparql-update"},
                                 b"LOAD <file:///etc/passwd>"),
    "update as query text": request_bytes(b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query"},
                                          b"INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    "invalid UTF-8 body": request_bytes(b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query"},
                                        b"ASK { \xff\xfe }"),
}
CASES.update({f"crasher: {name}": request_bytes(b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query"},
                                                 query.encode()[:19000])
              for name, query in crashers().items()})
CASES.update({f"traversal {path}": request_bytes(path.encode()) for path in TRAVERSALS})

#: What the HTTP parser answers itself (docs/endpoint.md, "What never reaches the app"): request -> its status.
PARSER_REFUSED: dict[str, tuple[bytes, int]] = {
    "garbage request line": (b"\x00\xff\xfe garbage\r\n\r\n", 400),
    "HTTP/0.9 request line": (b"GET /\r\n\r\n", 400),
    "unknown HTTP version": (b"GET /health HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
    "no request target": (b"GET  HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "method not a token": (b"G(T /health HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "raw non-ASCII in target": (request_bytes(b"/sparql?\x80\xff"), 400),
    "overlong UTF-8 in path": (request_bytes(b"/id/\xc0\xae\xc0\xae/x"), 400),
    "truncated UTF-8 in query string": (request_bytes(b"/sparql?query=ASK%7B%7D&x=\xe2\x98"), 400),
    "control byte in target": (request_bytes(b"/sparql?query=\x01"), 400),
    "DEL in target": (request_bytes(b"/sparql?query=\x7f"), 400),
    "double quote in target": (request_bytes(b'/sparql?query="x"'), 400),
    "angle brackets in target": (request_bytes(b"/sparql?query=<urn:x>"), 400),
    "backtick in path": (request_bytes(b"/id/`x`"), 400),
    "target of 65535 bytes": (request_bytes(b"/sparql?query=" + b"A" * (65535 - 14)), 414),
    "101 header fields": (request_bytes(b"/health", headers={b"X-H%d" % i: b"v" for i in range(99)}), 431),
    "300 header fields": (request_bytes(b"/health", headers={b"X-H%d" % i: b"v" for i in range(300)}), 431),
    "header name not a token": (request_bytes(b"/health", headers={b"X(A)": b"v"}), 400),
    "space before the colon": (b"GET /health HTTP/1.1\r\nHost : x\r\nConnection: close\r\n\r\n", 400),
    "control byte in a header value": (request_bytes(b"/health", headers={b"X-A": b"a\x01b"}), 400),
    "folded header line": (b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n", 400),
    "Content-Length not a number": (request_bytes(b"/sparql", b"POST", {b"Content-Length": b"abc"}), 400),
    "two different Content-Lengths": (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab", 400),
    "a lying Content-Length beside the true one": (request_bytes(
        b"/sparql", b"POST", {b"Content-Type": b"application/sparql-query", b"Content-Length": b"10"}, b"ASK {}"), 400),
}


def test_hostile_corpus_over_http(server):
    before = state(server)
    for name, data in CASES.items():
        status, headers, body = exchange(server, data)
        assert_answer(status, headers, body, name)
        if name.startswith("traversal"):
            assert status in (400, 404, 308), (name, status)
            assert not any(secret.encode() in body for secret in SECRETS), name
        if name.startswith("crasher"):
            assert status in (400, 413), (name, status, body[:200])
        if "update" in name or "LOAD" in name:
            assert status in (400, 403), (name, status)
    assert requests.get(server.url + "/health", timeout=30).status_code == 200
    assert state(server) == before  # same data, same build, no worker crashed or was replaced


def test_what_the_http_parser_refuses_is_exactly_the_documented_list(server):
    """Each documented parser refusal gets exactly its empty answer and a closed connection
    (never a hang, never a 5xx); the data, build and workers are untouched."""
    before = state(server)
    for name, (data, expected) in PARSER_REFUSED.items():
        status, headers, body = exchange(server, data)
        assert_parser_refusal(status, headers, body, expected, name)
    assert state(server) == before


def test_deep_nesting_within_the_cap_is_refused_not_a_crash(server):
    """A crasher short enough for the request cap reaches a worker: 400 Query Too Complex, and the
    worker is still the same process."""
    pids = set(requests.get(server.url + "/health", timeout=30).json()["worker_pids"])
    resp = requests.post(server.sparql, data="SELECT * WHERE " + "{" * 5000 + "}" * 5000,
                         headers={"Content-Type": "application/sparql-query"}, timeout=ANSWER_SECONDS)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "query_too_complex"
    after = requests.get(server.url + "/health", timeout=30).json()
    assert after["replaced_workers"] == 0 and set(after["worker_pids"]) == pids


def test_random_bytes_never_hang_or_break_the_server(server):
    rng = random.Random(11)
    for i in range(40):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        if i % 2:  # half of them behind a valid request line
            data = b"GET /sparql?query=" + data[:200] + b" HTTP/1.1\r\nHost: x\r\n" + data + b"\r\n\r\n"
        status, headers, body = exchange(server, data)
        if status is not None:
            assert status < 500, (data[:80], status, body[:200])
    assert requests.get(server.url + "/health", timeout=30).status_code == 200


def test_slow_clients_do_not_stall_others(server):
    """Twenty connections that send half a request and stall: a normal query still answers."""
    stalled = []
    try:
        for _ in range(20):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            stalled.append(sock)
        started = time.monotonic()
        resp = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=ANSWER_SECONDS)
        assert resp.status_code == 200 and resp.json()["boolean"] is True
        assert time.monotonic() - started < ANSWER_SECONDS
    finally:
        for sock in stalled:
            sock.close()


def test_the_dumps_are_unchanged_by_the_attack(server, served_build):
    """Nothing the server serves was written: the dumps hash the same before and after."""
    def digest() -> str:
        return hashlib.sha256((served_build / "dumps" / "eccp-kg.nq").read_bytes()).hexdigest()

    before = digest()
    for data in list(CASES.values())[:12]:
        exchange(server, data)
    assert digest() == before


#: Bodies that never arrive whole, each behind headers that promise more (they stay open: no close).
LATE_BODIES: dict[str, bytes] = {
    "Content-Length larger than the body": b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK { ?s ?p ?o }",
    "form body cut short": b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nquery=ASK",
    "chunked body without its last chunk": b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nASK {\r\n",
    "short link body cut short": b"POST /q HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    b"Content-Type: application/sparql-query\r\nContent-Length: 900\r\n\r\nASK {",
}


@pytest.mark.parametrize("name", LATE_BODIES)
def test_a_body_that_never_arrives_gets_408_in_the_one_shape(server, name):
    """The server stops waiting --body-timeout s after the headers and answers 408 from the app
    (the one error shape, X-Request-Id), then closes; before the fix such a request never got an answer."""
    started = time.monotonic()
    status, headers, body = exchange(server, LATE_BODIES[name])
    waited = time.monotonic() - started
    assert status == 408, (name, status, body[:300])
    assert_answer(status, headers, body, name)
    err = json.loads(body)["error"]
    assert err["code"] == "request_timeout" and f"{BODY_TIMEOUT} s" in err["detail"], err
    assert waited >= BODY_TIMEOUT * 0.9, waited  # it did wait for the body, it did not refuse at once


def test_a_late_body_gets_the_sites_error_page_in_a_browser(server):
    data = LATE_BODIES["Content-Length larger than the body"].replace(
        b"Connection: close\r\n", b"Connection: close\r\nAccept: text/html\r\n")
    status, headers, body = exchange(server, data)
    assert status == 408 and headers["content-type"].startswith("text/html"), (status, headers)
    page = body.decode()
    assert "Request Timeout" in page and headers["x-request-id"] in page
    assert 'class="eccp-header"' in page and 'data-status="408"' in page, page[:500]  # the site's layout, not the bare page


def test_a_body_sent_slowly_but_within_the_timeout_is_answered(server):
    """Half the body, a pause shorter than the timeout, the rest: an ordinary answer."""
    query = b"ASK { ?s ?p ?o }"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=ANSWER_SECONDS)
    try:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     b"Accept: application/sparql-results+json\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: " + str(len(query)).encode() + b"\r\n\r\n" + query[:5])
        time.sleep(BODY_TIMEOUT / 4)
        sock.sendall(query[5:])
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    finally:
        sock.close()
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.split()[1] == b"200", head
    assert json.loads(body)["boolean"] is True
