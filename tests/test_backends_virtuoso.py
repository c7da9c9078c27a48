"""The backend seam over Virtuoso 7: every differential test of tests/backend_differential.py with the build
pushed into a private Virtuoso, plus what concerns this engine alone (a remote request abandoned at the
timeout: a query Virtuoso needs seconds for)."""
from __future__ import annotations

import pytest
import requests

from tests.backend_differential import *  # noqa: F403  (the shared tests and the `sites` fixture, collected here)
from tests.backend_differential import JSON, backend_fixture, serve

pytestmark = pytest.mark.slow
backend = backend_fixture("virtuoso")


def test_a_remote_request_is_abandoned_at_the_timeout(sites: dict[str, str]) -> None:
    # A cross join Virtuoso needs seconds for, so the 0.2 s timeout always comes first (a plain COUNT(*)
    # against a 1 ms timeout raced a fast engine on a quiet machine).
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    with serve(["--backend", sites["engine:virtuoso"], "--timeout", "0.2"], "virtuoso-impatient") as server:
        answer = requests.get(server.endpoint, params={"query": heavy},
                              headers={"Accept": JSON}, timeout=60)
    assert answer.status_code == 503
    assert answer.json()["error"]["title"] == "Query Timeout"
