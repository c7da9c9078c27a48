"""bench/our_wsgi.py's app behind server/rsgi.py's bridge: our app as `eccp-kg serve` runs it on granian's
RSGI interface (bench/ceiling.py). The store comes from ECCP_BENCH_STORE, as there."""
from eccp_kg.server.rsgi import RSGIBridge

from bench.our_wsgi import app as wsgi_app

app = RSGIBridge(wsgi_app, threads=8, max_body=int(wsgi_app.config["MAX_REQUEST_BYTES"]))
