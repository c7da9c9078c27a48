"""The query UI's server side (/, /queries, /queries/<name>.rq) and the asset vendoring.

In-process (Flask test client) over a temporary queries folder, so the escaping and error
paths are checked with hostile names and questions; one test reads the real queries folder."""
from __future__ import annotations

from markupsafe import escape
import json
import re
from pathlib import Path

import pytest

from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.queries import PATH as REAL_QUERIES
from eccp_kg.server import ui, vendor

HOSTILE_QUESTION = 'Which <script>alert("x")</script> & \'clusters\' </script> win?'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def queries_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "queries"
    write(folder / "b-count.rq", "# Question: How many things are there?\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n")
    write(folder / "a-hostile.rq", f"# Question: {HOSTILE_QUESTION}\nSELECT * WHERE {{ ?s ?p \"</script><b>\" }}\n")
    write(folder / "c-spaces.rq", "#Question:Spaced one?   \nASK { ?s ?p ?o }\n")
    write(folder / "explore" / "internal.rq", "SELECT * WHERE { ?s ?p ?o }\n")  # no question: not an example
    write(folder / "notes.txt", "not a query")
    return folder


@pytest.fixture()
def ui_client(fixture_store, queries_dir: Path):
    from eccp_kg.server.app import create_app

    app = create_app({"TESTING": True, "IN_PROCESS": True, "QUERIES_DIR": str(queries_dir)}, store=fixture_store)
    return app.test_client()


def page_config(body: str) -> dict:
    """The JSON document the page hands to ui.js."""
    match = re.search(r'<script type="application/json" id="eccp-ui-config">(.*?)</script>', body, re.S)
    assert match, "the page must embed #eccp-ui-config"
    return json.loads(match.group(1))


# --- loading the examples ------------------------------------------------------------------
def test_load_examples_reads_questions_sorted_top_level_only(queries_dir: Path) -> None:
    examples = ui.load_examples(queries_dir)
    assert [e.name for e in examples] == ["a-hostile", "b-count", "c-spaces"]
    assert examples[0].question == HOSTILE_QUESTION
    assert examples[2].question == "Spaced one?"
    assert examples[1].text.startswith("# Question: How many")


def test_query_without_question_line_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "q" / "bad.rq", "SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(SourceError) as info:
        ui.load_examples(tmp_path / "q")
    assert info.value.file == str(bad) and info.value.line == 1
    assert "# Question:" in str(info.value) and "SELECT * WHERE" in str(info.value)


def test_empty_question_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "q" / "empty.rq", "# Question:   \nASK {}\n")
    with pytest.raises(SourceError, match=r"empty\.rq:1:"):
        ui.load_examples(tmp_path / "q")


def test_non_utf8_query_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "latin1.rq").write_bytes("# Question: città?\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin1\.rq: expected a UTF-8 text file"):
        ui.load_examples(tmp_path / "q")


def test_missing_queries_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="folder of competency queries"):
        ui.load_examples(tmp_path / "nowhere")


def test_bad_query_file_stops_app_start(fixture_store, tmp_path: Path) -> None:
    from eccp_kg.server.app import create_app

    write(tmp_path / "q" / "bad.rq", "# no question here\n")
    with pytest.raises(SourceError, match=r"bad\.rq:1:"):
        create_app({"TESTING": True, "IN_PROCESS": True, "QUERIES_DIR": str(tmp_path / "q")}, store=fixture_store)


def test_every_shipped_competency_query_has_a_question() -> None:
    """The real queries folder loads (each file starts with `# Question: ...`)."""
    examples = ui.load_examples(REAL_QUERIES)
    for example in examples:
        assert example.question and example.text.strip(), example.name
    assert len({e.name for e in examples}) == len(examples)


# --- / --------------------------------------------------------------------------------------
def test_index_embeds_prefixes_in_order_and_every_example(ui_client) -> None:
    resp = ui_client.get("/")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    body = resp.get_data(as_text=True)
    config = page_config(body)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"] == [[p, iri] for p, iri in PREFIXES.items()]
    assert [e["name"] for e in config["examples"]] == ["a-hostile", "b-count", "c-spaces"]
    assert config["examples"][0]["question"] == HOSTILE_QUESTION
    assert config["examples"][0]["query"].endswith('"</script><b>" }\n')
    for name in ("a-hostile", "b-count", "c-spaces"):
        assert f'data-example="{name}"' in body
    assert "/static/vendor/yasgui/yasgui.min.js" in body and "/static/vendor/yasgui/yasgui.min.css" in body
    assert "http://" not in re.sub(r'<script type="application/json".*?</script>', "", body, flags=re.S), \
        "no external resource may be referenced (the UI works offline)"


def test_index_escapes_questions_and_queries(ui_client) -> None:
    body = ui_client.get("/").get_data(as_text=True)
    assert "<script>alert" not in body
    assert str(escape(HOSTILE_QUESTION)) in body
    # Inside the JSON script element no '<' survives, so no '</script>' can end it early.
    raw = re.search(r'id="eccp-ui-config">(.*?)</script>', body, re.S).group(1)
    assert "<" not in raw and "\\u003c/script\\u003e" in raw


def test_index_without_examples_says_so(fixture_store, tmp_path: Path) -> None:
    from eccp_kg.server.app import create_app

    (tmp_path / "empty").mkdir()
    app = create_app({"TESTING": True, "IN_PROCESS": True, "QUERIES_DIR": str(tmp_path / "empty")}, store=fixture_store)
    body = app.test_client().get("/").get_data(as_text=True)
    assert page_config(body)["examples"] == []
    assert "No competency queries are installed." in body


# --- /queries --------------------------------------------------------------------------------
def test_navigation_links_reach_every_part_of_the_site(ui_client) -> None:
    """The header of / links the query UI, the competency queries, the explorer, the endpoint and
    the dataset description, and each link answers (a dead link would be a 404 here)."""
    body = ui_client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="eccp-nav"[^>]*>(.*?)</nav>', body, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', nav)
    assert {"/", "/queries", "/explore", "/sparql", "/dataset", "/ontology", "/shapes"} <= set(links)
    for link in links:
        headers = {"Accept": "text/turtle"} if link == "/sparql" else {"Accept": "text/html"}
        assert ui_client.get(link, headers=headers).status_code == 200, link


def test_queries_page_lists_questions_with_links(ui_client) -> None:
    resp = ui_client.get("/queries")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    body = resp.get_data(as_text=True)
    assert str(escape(HOSTILE_QUESTION)) in body and "<script>" not in body
    assert 'href="/?example=b-count"' in body
    assert 'href="/queries/b-count.rq"' in body
    assert body.index("a-hostile") < body.index("b-count") < body.index("c-spaces")
    assert "internal" not in body


def test_raw_query_file_is_served_as_sparql_query(ui_client, queries_dir: Path) -> None:
    resp = ui_client.get("/queries/c-spaces.rq")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/sparql-query; charset=utf-8"
    assert resp.get_data(as_text=True) == (queries_dir / "c-spaces.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/queries/nope.rq", "/queries/notes.rq", "/queries/../b-count.rq",
                                  "/queries/%2e%2e/queries/b-count.rq", "/queries/explore/internal.rq",
                                  "/queries/explore%2Finternal.rq"])
def test_unknown_query_file_is_404_in_the_error_shape(ui_client, path: str) -> None:
    resp = ui_client.get(path, headers={"Accept": "application/json"})
    assert resp.status_code == 404
    error = resp.get_json()["error"]
    assert error["status"] == 404


def test_unknown_query_names_the_query(ui_client) -> None:
    resp = ui_client.get("/queries/nope.rq", headers={"Accept": "application/json"})
    assert "'nope'" in resp.get_json()["error"]["detail"] and "/queries" in resp.get_json()["error"]["detail"]


def test_vendored_assets_are_served(ui_client) -> None:
    missing = [a.target for a in vendor.ASSETS if not (vendor.VENDOR_DIR / a.target).is_file()]
    assert not missing, f"front-end assets not vendored: {missing}; run `make vendor`"
    for asset in vendor.ASSETS:
        resp = ui_client.get(f"/static/vendor/{asset.target}")
        source = vendor.DEFAULT_ROOT / "node_modules" / asset.package / asset.source
        assert resp.status_code == 200 and resp.data == source.read_bytes(), asset.target  # the npm file, whole
        resp.close()


# --- vendoring --------------------------------------------------------------------------------
def fake_package(root: Path, name: str, files: dict[str, str], meta: dict | None = None) -> Path:
    pkg = root / "node_modules" / name
    write(pkg / "package.json", json.dumps(meta or {"name": name, "version": "1.0.0", "license": "MIT"}))
    for rel, text in files.items():
        write(pkg / rel, text)
    return pkg


def test_copy_assets_copies_dist_files_and_licenses(tmp_path: Path) -> None:
    assets = (vendor.Asset("lib-a", "dist/a.js", "a/a.js"), vendor.Asset("lib-a", "dist/a.css", "a/a.css"),
              vendor.Asset("lib-b", "b.js", "b/b.js"))
    fake_package(tmp_path, "lib-a", {"dist/a.js": "A", "dist/a.css": "C", "LICENSE.md": "MIT text A"})
    fake_package(tmp_path, "lib-b", {"b.js": "B"},
                 {"name": "lib-b", "version": "2.1.0", "license": "ISC", "author": {"name": "Bee"}})
    dest = tmp_path / "vendor"
    write(dest / "stale.js", "old")
    written = vendor.copy_assets(tmp_path, dest, assets)
    assert (dest / "a" / "a.js").read_text() == "A" and (dest / "b" / "b.js").read_text() == "B"
    assert (dest / "a" / "LICENSE").read_text() == "MIT text A"
    notice = (dest / "b" / "LICENSE").read_text()
    assert "lib-b 2.1.0 ships no license file" in notice and "ISC" in notice and "Bee" in notice
    assert not (dest / "stale.js").exists(), "old files are removed"
    assert len(written) == 5


def test_copy_assets_missing_package_says_run_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(vendor.VendorError, match=r"package 'lib-x' is not installed; run `npm ci`"):
        vendor.copy_assets(tmp_path, tmp_path / "v", (vendor.Asset("lib-x", "x.js", "x.js"),))


def test_copy_assets_missing_dist_file_names_it(tmp_path: Path) -> None:
    fake_package(tmp_path, "lib-a", {"other.js": ""})
    with pytest.raises(vendor.VendorError, match=r"expected file 'dist/a\.js' in npm package 'lib-a'"):
        vendor.copy_assets(tmp_path, tmp_path / "v", (vendor.Asset("lib-a", "dist/a.js", "a.js"),))


def test_missing_npm_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no npm on PATH
    with pytest.raises(vendor.VendorError, match="npm not found on PATH"):
        vendor.run_npm_ci(tmp_path)
    assert vendor.main(["--root", str(tmp_path)]) == 1
    assert "vendor: error: npm not found on PATH" in capsys.readouterr().err


def test_failing_npm_ci_shows_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    fake = write(bin_dir / "npm", "#!/bin/sh\necho 'npm ERR! 404 Not Found - GET https://registry.npmjs.org/x' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    write(tmp_path / "package.json", "{}")
    write(tmp_path / "package-lock.json", "{}")
    with pytest.raises(vendor.VendorError, match=r"(?s)`ci --no-audit.*` failed in .* \(exit 1\):\nnpm ERR! 404"):
        vendor.run_npm_ci(tmp_path)


def test_npm_ci_without_lockfile_names_it(tmp_path: Path) -> None:
    write(tmp_path / "package.json", "{}")
    with pytest.raises(vendor.VendorError, match=r"package-lock\.json: not found"):
        vendor.run_npm_ci(tmp_path)


def test_project_pins_the_vendored_packages() -> None:
    """package.json and package-lock.json name every package ASSETS copies from."""
    root = vendor.DEFAULT_ROOT
    deps = json.loads((root / "package.json").read_text())["dependencies"]
    lock = json.loads((root / "package-lock.json").read_text())["packages"]
    for package in {a.package for a in vendor.ASSETS}:
        assert package in deps
        assert lock[f"node_modules/{package}"]["version"] == deps[package]


def test_new_tab_example_declares_exactly_the_prefixes_it_uses() -> None:
    """queries/ui/new-tab.rq: each PREFIX line is the project's namespace and is used; none is missing."""
    from eccp_kg.server.ui import NEW_TAB, new_tab_query

    text = new_tab_query()
    declared = dict(re.findall(r"^PREFIX\s+([\w-]*):\s*<([^>]*)>", text, re.M))
    assert all(PREFIXES[p] == iri for p, iri in declared.items())
    body = "\n".join(line for line in text.splitlines() if not line.startswith("PREFIX"))
    used = {p for p in PREFIXES if re.search(rf"(?<![\w<]){re.escape(p)}:", body)}
    assert set(declared) == used
    assert NEW_TAB.read_text(encoding="utf-8").startswith("# Question:") and not text.startswith("#")
