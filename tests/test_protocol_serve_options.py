"""`eccp-kg serve` options map onto the documented server settings (server/config.py), and
docs/endpoint.md and --help show exactly the one option table."""
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
from eccp_kg.server.config import DEFAULTS, SERVE_OPTIONS, docs_table

DOCS = Path(__file__).resolve().parent.parent / "docs" / "endpoint.md"


def parse(*argv: str) -> dict:
    return config_from_args(build_parser().parse_args(["serve", *argv]))


def test_defaults_are_the_documented_ones():
    cfg = parse()
    assert cfg["STORE_DIR"] == "build/store" and cfg["DATA_FILES"] == []
    assert cfg["QUERY_TIMEOUT"] == 30 and cfg["MAX_ROWS"] == 100_000 and cfg["QUERY_WORKERS"] == 2
    assert cfg["MAX_REQUEST_BYTES"] == 1_000_000 and cfg["MAX_RESULT_BYTES"] == 128 * 1024 * 1024
    assert cfg["CORS_ORIGINS"] == ["*"] and cfg["SERVICE_ALLOWLIST"] == []
    assert cfg == {key: DEFAULTS[key] for key in cfg}  # the command line's defaults are the app's


def test_docs_show_the_one_option_table():
    """The table in docs/endpoint.md is the one server/config.py renders, option for option."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("<!-- serve options:")
    block = text[text.index("\n", start) + 1:text.index("<!-- end serve options -->")].strip()
    assert block == docs_table(), "docs/endpoint.md is stale: paste `python -m eccp_kg.server.config` into it"
    assert len(block.splitlines()) == len(SERVE_OPTIONS) + 2


def test_help_shows_every_option_with_its_default(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100000")  # no wrapping (textwrap breaks words at hyphens)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for option in SERVE_OPTIONS:
        assert option.flag in shown
        assert " ".join(option.help().replace("%%", "%").split()) in shown, option.flag


def test_every_config_key_has_a_default():
    keys = {o.key for o in SERVE_OPTIONS if o.key}
    assert keys | {"IN_PROCESS"} == set(DEFAULTS)


def test_options_set_settings():
    cfg = parse("--data", "a.ttl", "b.nq", "--timeout", "2.5", "--max-rows", "7", "--workers", "3",
                "--cors-origin", "https://a.example", "https://b.example",
                "--service-allowlist", "https://query.wikidata.org/sparql", "--cache-bytes", "0")
    assert cfg["DATA_FILES"] == ["a.ttl", "b.nq"] and cfg["QUERY_TIMEOUT"] == 2.5 and cfg["MAX_ROWS"] == 7
    assert cfg["QUERY_WORKERS"] == 3 and cfg["CACHE_BYTES"] == 0
    assert cfg["CORS_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert cfg["SERVICE_ALLOWLIST"] == ["https://query.wikidata.org/sparql"]
    assert parse("--cors-origin")["CORS_ORIGINS"] == []  # no value: CORS off


@pytest.mark.parametrize("argv", [["--workers", "0"], ["--timeout", "0"], ["--timeout", "-1"], ["--max-rows", "x"],
                                  ["--cache-bytes", "-1"], ["--http-processes", "0"]])
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
