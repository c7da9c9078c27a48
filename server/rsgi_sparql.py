"""GET /sparql answered on granian's event loop, without a thread hand-off (issue 9, part 3).

Why: behind the RSGI bridge (server/rsgi.py) every request crosses threads twice (event loop ->
an app thread -> the loop): an uncached lookup cost 584 us of HTTP-process CPU through the Flask
view, 291 us answered on the loop with the query worker's answer awaited on its pipe
(`loop.add_reader`; one A/B under the bench lock), and bench/ceiling.py's same bridge served
3984 uncached lookups/s this way against 2261 through the view (1.76x; BENCHMARKS.md, the figure
this path is kept for: it must stay >= 1.5x).

It is the same path for a query as the Flask view's, not a copy: `protocol.read_get` reads the
request as `request.args` would, `protocol.prepare` answers from the cache (or refuses) or gives
the job, `protocol.complete` makes the reply of its outcome; an error reply becomes its response
through `errors.error_response` in a Flask request context (the one error shape), with the app's
after_request hooks (CORS). The worker side is the pool's own (`WorkerPool.try_take` / `settle`:
the same timeout, cancel and replacement), within the client's share of the workers
(`ClientLimiter.try_enter`). Whatever would wait (no free worker or slot, another evaluator such
as a remote backend) runs `Endpoint.run` in a bridge thread as the Flask view does.
A worker released while a bridge thread waits for one (`WorkerPool._take`) may go to a request
on the loop that asks at that moment: each kind of waiter is served in order, the two kinds not
against each other.

Only requests the Flask app would answer the same way are taken: GET /sparql with a query and
no body that the input guard (server/guard.py) leaves as it is; everything else (the service
description, POST, raw bytes, odd Host) goes to the app. Reading a finished answer off the pipe
(`recv_bytes`) runs on the loop: the worker writes it in one go once serialised."""
from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

from flask import Flask
from werkzeug.datastructures import Headers

from .cors import cors_headers
from .endpoint import Endpoint
from .evaluator import Job, Outcome
from .guard import untouched
from .pool import WorkerPool, _Worker
from .protocol import Pending, ProtocolRequest, Reply, complete, endpoint_url, prepare, read_get, to_response
from .reload import PIN, Generation
from .rsgi import RSGIBridge, _environ, watch_disconnect


class SparqlOnLoop:
    """The bridge's `direct` handler (see the module docstring) for one app."""

    def __init__(self, app: Flask):
        self.app = app
        self.endpoint: Endpoint = app.extensions["eccp_kg.endpoint"]
        # the CORS headers of a request that names no origin (what scripts send), worked out once
        self._no_origin = tuple(cors_headers(app, Headers(), "GET"))

    async def __call__(self, scope: Any, protocol: Any, bridge: RSGIBridge) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """The response to a GET /sparql query, or None for the app to answer the request."""
        if scope.method != "GET" or scope.path != "/sparql" or "query" not in scope.query_string:
            return None
        environ = _environ(scope, b"")
        if not untouched(environ):
            return None
        endpoint = self.endpoint
        endpoint.follow_build()
        generation = endpoint.generations.acquire()
        token = PIN.set(generation)
        try:
            asked = read_get(endpoint, environ["QUERY_STRING"])
            if isinstance(asked, ProtocolRequest) and asked.query is None:
                return None  # the service description
            reply = asked if isinstance(asked, Reply) else await self._answer(asked, environ, generation, protocol, bridge)
            return self._response(reply, environ)
        finally:
            PIN.reset(token)
            endpoint.generations.release(generation)

    async def _answer(self, asked: ProtocolRequest, environ: dict[str, Any], generation: Generation, protocol: Any,
                      bridge: RSGIBridge) -> Reply:
        step = prepare(self.endpoint, asked, environ.get("HTTP_ACCEPT"), environ.get("HTTP_IF_NONE_MATCH"),
                       endpoint_url(environ, "/sparql"))
        if not isinstance(step, Pending):
            return step
        client = environ["REMOTE_ADDR"] or "-"
        return complete(self.endpoint, step, await self._evaluate(step.job, generation, client, protocol, bridge))

    async def _evaluate(self, job: Job, generation: Generation, client: str, protocol: Any, bridge: RSGIBridge) -> Outcome:
        """The job's outcome from an idle worker awaited on the loop, else `Endpoint.run` in a thread."""
        endpoint = self.endpoint
        pool = generation.evaluator
        if isinstance(pool, WorkerPool) and endpoint.limiter.try_enter(client):
            try:
                worker = pool.try_take()
                if worker is not None:
                    return await _on_worker(pool, worker, job, endpoint.timeout, protocol)
            finally:
                endpoint.limiter.leave(client)
        cancel = threading.Event()
        context = contextvars.copy_context()  # the thread sees this request's pinned generation
        return await bridge.in_thread(protocol, lambda: context.run(endpoint.run, job, cancel, client), cancel)

    def _response(self, reply: Reply, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        if reply.title:  # an error: the one error shape and the app's hooks, as the Flask view's
            with self.app.request_context(environ):
                resp = self.app.process_response(to_response(reply))
                return resp.status_code, resp.headers.to_wsgi_list(), resp.get_data()
        headers = [("Content-Type", reply.content_type)] if reply.content_type else []
        vary: list[str] = []
        asked = _cors_request_headers(environ)
        for name, value in (*reply.headers, *(cors_headers(self.app, asked, "GET") if asked else self._no_origin)):
            if name != "Vary":
                headers.append((name, value))
            elif value not in vary:  # one Vary header, as werkzeug's resp.vary.add makes it
                vary.append(value)
        if vary:
            headers.append(("Vary", ", ".join(vary)))
        return reply.status, headers, reply.body


def _cors_request_headers(environ: dict[str, Any]) -> Headers | None:
    """The request headers flask-cors reads (Origin, Access-Control-Request-*), None without any."""
    found = [(key[5:].replace("_", "-").title(), value) for key, value in environ.items()
             if key.startswith(("HTTP_ORIGIN", "HTTP_ACCESS_CONTROL"))]
    return Headers(found) if found else None


async def _on_worker(pool: WorkerPool, worker: _Worker, job: Job, timeout: float, protocol: Any) -> Outcome:
    """Send the job to a worker taken from the pool and await its answer, the timeout or the
    client's disconnect on the loop; the pool settles the end (`WorkerPool.settle`)."""
    loop = asyncio.get_running_loop()
    ended = loop.create_future()

    def end(why: str) -> None:
        if not ended.done():
            ended.set_result(why)

    try:
        worker.send(job)
    except OSError:
        return pool.settle(worker, "answer", timeout)  # a worker that died idle: reported as its end
    fd = worker.fileno()
    loop.add_reader(fd, end, "answer")
    timer = loop.call_later(timeout, end, "timeout")
    unwatch = watch_disconnect(loop, protocol, lambda: end("cancelled"))
    try:
        waited = await ended
    except asyncio.CancelledError:  # the server is stopping: the worker must not stay taken
        pool.settle(worker, "cancelled", timeout)
        raise
    finally:
        loop.remove_reader(fd)
        timer.cancel()
        unwatch()
    return pool.settle(worker, waited, timeout)


def serving(app: Flask, threads: int, max_body: int, body_timeout: float) -> RSGIBridge:
    """The RSGI application `eccp-kg serve` runs: the bridge, with GET /sparql on the loop."""
    return RSGIBridge(app, threads=threads, max_body=max_body, body_timeout=body_timeout, direct=SparqlOnLoop(app))
