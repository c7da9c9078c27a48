"""Loading a build into a remote SPARQL store through the SPARQL 1.1 Graph Store HTTP Protocol.

A deployment that outgrows one machine keeps its data in an engine built for that (Virtuoso, the
Oxigraph server, a managed store) and points `eccp-kg serve --backend` at it. `push` puts the built
store there, one named graph per request, graph names kept:

1. the old build's graphs are read from the remote B graph/meta (its void:subset list), if any;
2. every graph of the new build but B graph/meta is PUT (PUT replaces a graph whole, so pushing the
   same build twice leaves the same store);
3. graphs of the old build that the new one lacks are DELETEd;
4. B graph/meta goes last: it holds the build id (owl:versionInfo), so a server over the remote
   store sees the new build id only once every other graph of that build is in place.

Authentication is whatever the engine asks for (HTTP basic or digest): the first request (the GET of
B graph/meta) has no body and draws the 401 challenge; every later request carries credentials from
the start. (Answering a challenge to a PUT is too late: Virtuoso sends its 401 and closes the
connection while a large body is still being sent.) Errors name the graph, the URL and what the
engine answered."""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from .namespaces import VOID

#: Graphs go as N-Triples text labelled text/turtle: N-Triples is a subset of Turtle, and every
#: Graph Store implementation reads Turtle (Virtuoso 7 does not know application/n-triples on PUT).
PUT_MEDIA_TYPE = "text/turtle; charset=utf-8"
#: Seconds one request may take (a 10M-triple build has graphs of hundreds of MB).
DEFAULT_TIMEOUT = 600.0


class PushError(RuntimeError):
    """A Graph Store request failed; the message names the method, graph, URL and the engine's answer."""


@dataclass(frozen=True)
class PushedGraph:
    """One request of a push: what was done to which graph, with how many triples, in how long."""

    action: str  # "PUT" or "DELETE"
    graph: str
    triples: int
    seconds: float
    status: int


def graph_url(gsp_url: str, graph: str) -> str:
    """The Graph Store URL of one named graph (indirect identification: ?graph=IRI)."""
    sep = "&" if "?" in gsp_url else "?"
    return gsp_url + sep + urllib.parse.urlencode({"graph": graph})


class _PreemptiveDigest(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that, once challenged, signs every later request up front (new nonce count each)."""

    challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req, auth):  # noqa: ANN001 - urllib's signature
        _token, challenge = auth.split(" ", 1)
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req):  # noqa: ANN001
        if self.challenge is not None and not req.has_header("Authorization"):
            signed = self.get_authorization(req, self.challenge)
            if signed:
                req.add_unredirected_header("Authorization", f"Digest {signed}")
        return req

    https_request = http_request


class _PreemptiveBasic(urllib.request.HTTPBasicAuthHandler):
    """Basic auth that, once a Basic-signed request succeeded, sends it up front (never to a digest server)."""

    def http_response(self, req, response):  # noqa: ANN001
        accepted = response.code < 400 or response.code == 404  # 404: signed in, the graph is just not there
        if accepted and str(req.get_header("Authorization", "")).startswith("Basic "):
            self.passwd.update_authenticated(req.full_url, True)
        return response

    https_response = http_response


class GraphStore:
    """A SPARQL 1.1 Graph Store endpoint, with optional credentials for basic or digest auth."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"GSP_URL: expected an http:// or https:// Graph Store URL, got {url!r}")
        if (user is None) != (password is None):
            raise ValueError("--user and --password go together")
        self.url = url
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
            passwords.add_password(None, url, user, password, is_authenticated=False)
            handlers += [_PreemptiveDigest(passwords), _PreemptiveBasic(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def request(self, method: str, graph: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, missing_ok: bool = False) -> tuple[int, bytes]:
        """One request on one graph; HTTP errors become PushError (404 is returned when `missing_ok`)."""
        url = graph_url(self.url, graph)
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self._opener.open(req, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            answer = exc.read()
            if missing_ok and exc.code == 404:
                return 404, answer
            text = answer.decode("utf-8", errors="replace").strip()[:600] or "(empty body)"
            raise PushError(f"{method} <{graph}> at {url}: the engine answered HTTP {exc.code} {exc.reason}: {text}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(f"{method} <{graph}> at {url}: cannot reach the Graph Store ({reason})") from None

    def get_graph(self, graph: str) -> list[ox.Triple] | None:
        """The triples of a remote graph, or None if the store does not have it."""
        status, body = self.request("GET", graph, headers={"Accept": "application/n-triples"}, missing_ok=True)
        if status == 404:
            return None
        try:
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise PushError(f"GET <{graph}> at {graph_url(self.url, graph)}: the answer is not N-Triples ({exc})") from None

    def put_graph(self, graph: str, triples: list[ox.Triple]) -> int:
        """Replace a remote graph by `triples`; returns the HTTP status (200, 201 or 204)."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        status, _ = self.request("PUT", graph, body, {"Content-Type": PUT_MEDIA_TYPE})
        return status

    def delete_graph(self, graph: str) -> int:
        """Drop a remote graph (a graph that is already gone is fine)."""
        status, _ = self.request("DELETE", graph, missing_ok=True)
        return status


def old_graphs(remote: GraphStore, meta_graph: str) -> set[str]:
    """The graphs the build now in the remote store consists of: its meta graph's void:subset list."""
    triples = remote.get_graph(meta_graph)
    if not triples:
        return set()
    subset = ox.NamedNode(str(VOID.subset))
    return {t.object.value for t in triples if t.predicate == subset and isinstance(t.object, ox.NamedNode)}


def push(store: ox.Store, remote: GraphStore, meta_graph: str,
         report: Callable[[PushedGraph, int, int], None] | None = None) -> list[PushedGraph]:
    """Push every named graph of `store` to `remote` in the order the module docstring gives.

    `report(done, index, total)` is called after each request (the command's progress lines)."""
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if meta_graph not in graphs:
        raise PushError(f"the store has no <{meta_graph}> (the build's dataset description): is it a complete build?")
    stale = sorted(old_graphs(remote, meta_graph) - set(graphs))
    plan = [("PUT", g) for g in graphs if g != meta_graph] + [("DELETE", g) for g in stale] + [("PUT", meta_graph)]
    done: list[PushedGraph] = []
    for index, (action, graph) in enumerate(plan, 1):
        started = time.monotonic()
        if action == "PUT":
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
            status = remote.put_graph(graph, triples)
            count = len(triples)
        else:
            status, count = remote.delete_graph(graph), 0
        item = PushedGraph(action, graph, count, time.monotonic() - started, status)
        done.append(item)
        if report is not None:
            report(item, index, len(plan))
    return done


def push_build(store_dir: Path, remote: GraphStore, meta_graph: str,
               report: Callable[[PushedGraph, int, int], None] | None = None) -> list[PushedGraph]:
    """`push` from a build's store folder (opened read-only, so a running server is not disturbed)."""
    from .store import open_store

    return push(open_store(store_dir), remote, meta_graph, report)
