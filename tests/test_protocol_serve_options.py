"""`eccp-kg serve` options map onto the documented server settings (server/config.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from eccp_kg.cli import build_parser
from eccp_kg.commands.serve import config_from_args
from eccp_kg.server.config import DEFAULTS


def parse(*argv: str) -> dict:
    return config_from_args(build_parser().parse_args(["serve", *argv]))


def test_defaults_are_the_documented_ones():
    cfg = parse()
    assert cfg["STORE_DIR"] == "build/store" and cfg["DATA_FILES"] == []
    assert cfg["QUERY_TIMEOUT"] == 30 and cfg["MAX_ROWS"] == 100_000 and cfg["QUERY_WORKERS"] == 2
    assert cfg["MAX_REQUEST_BYTES"] == 1_000_000 and cfg["MAX_RESULT_BYTES"] == 128 * 1024 * 1024
    assert cfg["CORS_ORIGINS"] == ["*"] and cfg["SERVICE_ALLOWLIST"] == []
    for key in ("QUERY_TIMEOUT", "MAX_ROWS", "QUERY_WORKERS", "WORKER_MEMORY", "MAX_REQUEST_BYTES", "MAX_RESULT_BYTES", "CACHE_BYTES", "CACHE_MAX_AGE"):
        assert cfg[key] == DEFAULTS[key]
    docs = (Path(__file__).resolve().parent.parent / "docs" / "endpoint.md").read_text(encoding="utf-8")
    for option in ("--store", "--data", "--host", "--port", "--workers", "--worker-memory", "--threads", "--timeout", "--max-rows",
                   "--max-result-bytes", "--max-request-bytes", "--cache-bytes", "--max-age", "--cors-origin",
                   "--service-allowlist", "--base-iri"):
        assert f"`{option}" in docs, f"{option} is not documented in docs/endpoint.md"


def test_options_set_settings():
    cfg = parse("--data", "a.ttl", "b.nq", "--timeout", "2.5", "--max-rows", "7", "--workers", "3",
                "--cors-origin", "https://a.example", "https://b.example",
                "--service-allowlist", "https://query.wikidata.org/sparql", "--cache-bytes", "0")
    assert cfg["DATA_FILES"] == ["a.ttl", "b.nq"] and cfg["QUERY_TIMEOUT"] == 2.5 and cfg["MAX_ROWS"] == 7
    assert cfg["QUERY_WORKERS"] == 3 and cfg["CACHE_BYTES"] == 0
    assert cfg["CORS_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert cfg["SERVICE_ALLOWLIST"] == ["https://query.wikidata.org/sparql"]
    assert parse("--cors-origin")["CORS_ORIGINS"] == []  # no value: CORS off


@pytest.mark.parametrize("argv", [["--workers", "0"], ["--timeout", "0"], ["--timeout", "-1"], ["--max-rows", "x"]])
def test_bad_values_are_rejected(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        parse(*argv)
    assert exc.value.code == 2
    assert argv[0] in capsys.readouterr().err


def test_port_comes_from_PORT_when_not_given(tmp_path, fixture_data_files):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = Path(sys.executable).with_name("eccp-kg")
    env = {**os.environ, "PORT": str(port)}
    proc = subprocess.Popen([str(script), "serve", "--data", *map(str, fixture_data_files), "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                r = requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert r.json()["workers"] == 1
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0  # SIGTERM is a clean stop
