"""The private virtuoso.ini the tests and bench/ start (bench/servers.py virtuoso_ini) carries our [SPARQL]
settings: without MaxQueryCostEstimationTime = 0, Virtuoso refused 8 of 22 competency queries at 1M triples
on its cost estimate; without ResultSetMaxRows raised, it truncates answers silently (docs/deploy.md)."""
from __future__ import annotations

import re
from pathlib import Path

from bench import servers


def sparql_values(ini: str) -> dict[str, str]:
    """The key = value lines of the [SPARQL] section of `ini` (comments and other sections ignored)."""
    section, found = "", {}
    for line in ini.splitlines():
        head = re.match(r"\s*\[(.+)\]", line)
        if head:
            section = head.group(1)
        key = re.match(r"\s*([A-Za-z_]+)\s*=\s*([^;]*)", line)
        if key and section == "SPARQL":
            found[key.group(1)] = key.group(2).strip()
    return found


def test_the_stock_ini_gets_our_sparql_settings(tmp_path: Path) -> None:
    stock = servers.VIRTUOSO_INI.read_text(encoding="utf-8")
    assert sparql_values(stock)["MaxQueryCostEstimationTime"] != "0"  # what the change is about
    values = sparql_values(servers.virtuoso_ini(stock, tmp_path, 1111, 2222))
    for name, (value, _why) in servers.VIRTUOSO_SPARQL_SETTINGS.items():
        assert values[name] == value, name
    assert values["MaxQueryCostEstimationTime"] == "0"
    assert int(values["ResultSetMaxRows"]) >= 10_000_000


def test_settings_missing_from_the_template_are_added(tmp_path: Path) -> None:
    template = "[Database]\nDatabaseFile = /var/lib/x.db\n[SPARQL]\n;MaxQueryCostEstimationTime = 400\n[Plugins]\n"
    out = servers.virtuoso_ini(template, tmp_path, 1111, 2222)
    assert sparql_values(out) == {name: value for name, (value, _why) in servers.VIRTUOSO_SPARQL_SETTINGS.items()}
    assert out.count("[SPARQL]") == 1
    assert sparql_values(servers.virtuoso_ini("[Database]\n", tmp_path, 1, 2))["MaxQueryCostEstimationTime"] == "0"
