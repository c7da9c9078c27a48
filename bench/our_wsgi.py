"""Our app as a plain WSGI module, so bench/ceiling.py can serve the very same app on granian,
waitress and gunicorn (each HTTP process imports this and starts its own query workers).

The store comes from the ECCP_BENCH_STORE environment variable: the servers' command lines
only take a module path, and only the benchmark harness sets it. ECCP_BENCH_WORKERS query workers
per HTTP process, and the per-client limits opened to ECCP_BENCH_CONNECTIONS connections, as
bench/run.py serves ours: with the defaults (2 workers, 1 per client) most of wrk's requests,
all from one address, were refused with 503 and not counted."""
import os

from eccp_kg.server.app import create_app

_WORKERS = int(os.environ.get("ECCP_BENCH_WORKERS", "4"))
app = create_app({"STORE_DIR": os.environ["ECCP_BENCH_STORE"], "QUERY_WORKERS": _WORKERS, "CLIENT_WORKERS": _WORKERS,
                  "CLIENT_QUEUE": int(os.environ.get("ECCP_BENCH_CONNECTIONS", "8"))})
app.extensions["eccp_kg.endpoint"].start()  # query workers up before the first request
