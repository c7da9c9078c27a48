"""bench/our_wsgi.py's app behind server/rsgi.py's bridge alone: every request, GET /sparql too,
through the Flask view in a bridge thread (bench/ceiling.py). The peer that server/rsgi_sparql.py's
path on the event loop is measured against (it stays only while it buys >= 1.5x on uncached lookups)."""
from eccp_kg.server.rsgi import RSGIBridge

from bench.our_wsgi import app as wsgi_app

app = RSGIBridge(wsgi_app, threads=8, max_body=int(wsgi_app.config["MAX_REQUEST_BYTES"]))
