"""Our app as a plain WSGI module, so bench/ceiling.py can serve the very same app on granian,
waitress and gunicorn (each HTTP process imports this and starts its own query workers).

The store comes from the ECCP_BENCH_STORE environment variable: the servers' command lines
only take a module path, and only the benchmark harness sets it."""
import os

from eccp_kg.server.app import create_app

app = create_app({"STORE_DIR": os.environ["ECCP_BENCH_STORE"]})
app.extensions["eccp_kg.endpoint"].start()  # query workers up before the first request
