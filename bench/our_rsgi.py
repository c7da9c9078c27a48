"""bench/our_wsgi.py's app as `eccp-kg serve` runs it on granian's RSGI interface: server/rsgi.py's
bridge with GET /sparql answered on the event loop (server/rsgi_sparql.py; bench/ceiling.py). The
store comes from ECCP_BENCH_STORE, as there."""
from eccp_kg.server.rsgi_sparql import serving

from bench.our_wsgi import app as wsgi_app

app = serving(wsgi_app, threads=8, max_body=int(wsgi_app.config["MAX_REQUEST_BYTES"]), body_timeout=30.0)
