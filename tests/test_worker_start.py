"""A query worker process starts without rdflib, Flask or werkzeug (issue 9 part 3).

Why it matters: a worker is killed and started again each time a query is stopped (client gone,
timeout), and an HTTP process starts `--workers` + `--spare-workers` of them. Importing rdflib
and Flask cost about 0.3 s of CPU per start on this machine (0.45 s -> 0.15 s with the store
opened); under the benchmark's wrk slices, which abandon their in-flight queries, 11-17 workers
were replaced per run. rdflib is still imported when a query needs it (SERVICE / FROM checks,
telling an update from a query), which the checks below exercise.

Each check runs in a fresh interpreter, the worker's own modules imported as server/worker.py
imports them, so what another test imported cannot hide an import."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("rdflib", "flask", "werkzeug", "flask_cors", "pyparsing")

SCRIPT = """
import json, sys
import pyoxigraph as ox
from eccp_kg.server import worker  # noqa: F401 - what `python -m eccp_kg.server.worker` loads first
from eccp_kg.server.evaluator import Job, run_job
from eccp_kg.server.messages import decode_job, encode_job, encode_outcome

heavy = {heavy!r}
def loaded():
    return sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))

store = ox.Store()
store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o"),
                  ox.NamedNode("http://example.org/g")))
report = {{"at_start": loaded()}}
for name, query in {queries!r}:
    outcome = run_job(store, decode_job(encode_job(Job(query))))
    encode_outcome(outcome)
    report[name] = {{"status": outcome.status, "title": outcome.title, "loaded": loaded()}}
print(json.dumps(report))
"""


def run(queries: list[tuple[str, str]]) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY, queries=queries)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_worker_starts_and_answers_plain_queries_without_rdflib_or_flask() -> None:
    report = run([("select", "SELECT ?o WHERE { ?s ?p ?o }"),
                  ("prefixed", "SELECT ?l WHERE { ?s skos:prefLabel ?l }"),  # a predeclared prefix
                  ("syntax", "SELECT ?o WHERE { ?s ?p ?o ")])
    assert report["at_start"] == []
    assert report["select"] == {"status": 200, "title": "", "loaded": []}
    assert report["prefixed"] == {"status": 200, "title": "", "loaded": []}
    assert report["syntax"]["status"] == 400 and report["syntax"]["title"] == "Query Syntax Error"


def test_rdflib_still_checks_service_from_and_updates_when_a_query_needs_it() -> None:
    report = run([("service", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
                  ("from", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
                  ("update", "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }")])
    assert report["at_start"] == []
    assert (report["service"]["status"], report["service"]["title"]) == (403, "SERVICE Not Allowed")
    assert "rdflib" in report["service"]["loaded"]  # parsed to find the SERVICE, as before
    assert (report["from"]["status"], report["from"]["title"]) == (400, "Dataset IRI Not Allowed")
    assert (report["update"]["status"], report["update"]["title"]) == (403, "Update Not Allowed")
    assert not {"flask", "werkzeug"} & set(report["update"]["loaded"])
