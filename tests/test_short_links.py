"""Short links for queries (issue 12, part 6): POST /q stores a query under its content hash,
/q/ID opens it in the query UI, /q/ID.rq is its text. In-process for the rules and error paths;
the real server, stopped and started again on the same folder, for "resolvable after restart"."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

from eccp_kg.server import short_links
from eccp_kg.server.app import create_app

QUERY = "SELECT ?c ?l WHERE { ?c skos:prefLabel ?l } ORDER BY ?c"


@pytest.fixture()
def links(tmp_path: Path) -> Path:
    return tmp_path / "links"


@pytest.fixture()
def client(fixture_store, links: Path):
    return create_app({"TESTING": True, "IN_PROCESS": True, "LINKS_DIR": str(links)}, store=fixture_store).test_client()


def ui_config(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="eccp-ui-config">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_a_query_gets_one_deterministic_link(client, links: Path):
    first = client.post("/q", data={"query": QUERY})
    assert first.status_code == 201
    body = first.get_json()
    assert body["id"] == short_links.link_id(QUERY) and re.fullmatch(r"[a-z2-7]{12}", body["id"])
    assert body["url"].endswith(f"/q/{body['id']}") and first.headers["Location"] == body["url"]
    again = client.post("/q", data=QUERY.encode(), content_type="application/sparql-query")
    assert again.status_code == 200 and again.get_json() == body  # stored once, same link
    assert [p.name for p in links.iterdir()] == [body["id"] + ".rq"]
    other = client.post("/q", data={"query": QUERY + " LIMIT 1"}).get_json()
    assert other["id"] != body["id"]


def test_the_link_opens_the_query_and_serves_its_text(client):
    ident = client.post("/q", data={"query": QUERY}).get_json()["id"]
    raw = client.get(f"/q/{ident}.rq")
    assert raw.status_code == 200 and raw.get_data(as_text=True) == QUERY
    assert raw.headers["Content-Type"].startswith("application/sparql-query")
    page = client.get(f"/q/{ident}")
    assert page.status_code == 200
    assert ui_config(page.get_data(as_text=True))["open"] == {"name": f"q/{ident}", "query": QUERY}


@pytest.mark.parametrize("ident", ["aaaaaaaaaaaa", "AAAAAAAAAAAA", "..%2F..%2Fetc", "short", "aaaaaaaaaaaa1"])
def test_unknown_or_malformed_ids_are_404(client, ident):
    for path in (f"/q/{ident}", f"/q/{ident}.rq"):
        r = client.get(path)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found", path


def test_only_queries_that_parse_are_stored(client, links: Path):
    r = client.post("/q", data={"query": "SELECT * WHERE {\n  ?s a foo:Bar }"})
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert "the prefix foo: is not declared" in err["detail"] and (err["line"], err["column"]) == (2, 8)
    assert client.post("/q", data={"query": "  "}).status_code == 400
    assert not links.exists()  # nothing written


def test_a_full_store_refuses_new_links_but_keeps_old_ones(client, monkeypatch):
    ident = client.post("/q", data={"query": QUERY}).get_json()["id"]
    monkeypatch.setattr(short_links, "MAX_LINKS", 1)
    r = client.post("/q", data={"query": QUERY + " LIMIT 2"})
    assert r.status_code == 507 and "at most 1 short links" in r.get_json()["error"]["detail"]
    assert client.post("/q", data={"query": QUERY}).status_code == 200
    assert client.get(f"/q/{ident}.rq").status_code == 200


def test_an_unwritable_links_folder_is_a_clear_503(fixture_store, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    client = create_app({"TESTING": True, "IN_PROCESS": True, "LINKS_DIR": str(blocker / "links")},
                        store=fixture_store).test_client()
    r = client.post("/q", data={"query": QUERY})
    assert r.status_code == 503 and "not writable" in r.get_json()["error"]["detail"]


def test_links_resolve_after_a_restart(start_server, fixture_data_files, tmp_path: Path):
    folder = tmp_path / "links"
    args = ["--data", *map(str, fixture_data_files), "--workers", "1", "--http-processes", "1", "--links-dir", str(folder)]
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    server = start_server(args, tmp_path / "one")
    try:
        made = requests.post(server.url + "/q", data={"query": QUERY}, timeout=30)
        assert made.status_code == 201
    finally:
        server.stop()
    server = start_server(args, tmp_path / "two")
    try:
        ident = made.json()["id"]
        assert requests.get(f"{server.url}/q/{ident}.rq", timeout=30).text == QUERY
        assert requests.post(server.url + "/q", data={"query": QUERY}, timeout=30).json()["id"] == ident
    finally:
        server.stop()
