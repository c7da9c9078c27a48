"""bench/hello_wsgi.py's app behind server/rsgi.py's bridge, as `eccp-kg serve` runs our app on granian's
RSGI interface (bench/ceiling.py): what the bridge alone costs on this machine."""
from eccp_kg.server.rsgi import RSGIBridge

from bench.hello_wsgi import app as wsgi_app

app = RSGIBridge(wsgi_app, threads=8, max_body=64 * 1024)
