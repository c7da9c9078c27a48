"""Regression: the SERVICE/FROM check stays correct under concurrent requests.

rdflib's SPARQL parser (pyparsing) breaks for the life of the process when its parse actions are
first called from several threads at once; under load (the benchmark's competency-query scenario)
every later query mentioning FROM or SERVICE was refused with a 400. The check runs in a fresh
interpreter so the parser is cold, as in a just-started server."""
from __future__ import annotations

import subprocess
import sys

SCRIPT = r'''
import threading
from eccp_kg.server.safety import inspect_query

QUERIES = [
    "# counts taken from the factsheet\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } ORDER BY ?n",
    "SELECT ?s FROM <http://example.org/g> WHERE { ?s ?p ?o } LIMIT 3",
]
errors = []
start = threading.Barrier(8)

def work():
    start.wait()
    for i in range(20):
        try:
            inspect_query(QUERIES[i % 2])
        except Exception as exc:
            errors.append(str(exc))

threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
after = inspect_query(QUERIES[1])
print(len(errors), errors[:1], after.from_default)
'''


def test_concurrent_service_from_checks_do_not_break_the_parser() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "0 [] ('http://example.org/g',)", result.stdout

