"""The query UI at / and the list of competency queries at /queries (issue 3).

Why a blueprint of its own: the UI is static HTML around YASGUI (vendored, see server/vendor.py)
plus data the server already owns: the project's prefixes and the competency queries. Both are
handed to the page as one JSON document, so nothing is spelled twice in JavaScript.

The competency queries are read once, when the blueprint is registered (app start), from
``app.config["QUERIES_DIR"]`` (default: the eccp_kg.queries package folder). A query file whose
first line is not ``# Question: ...`` stops the app with an error naming the file and line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState

from .errors import error_response

from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.namespaces import PREFIXES, sparql_prologue
from eccp_kg.graph.query_files import QueryFile, read_query_file
from eccp_kg.queries import PATH as QUERIES_PATH

bp = Blueprint("ui", __name__)

#: Key in app.extensions holding the loaded examples (a tuple of Example).
EXTENSION = "eccp_kg_ui_examples"
#: Media type of raw query files (SPARQL 1.1 Protocol, section 2.1.3).
SPARQL_QUERY_TYPE = "application/sparql-query"


class Example(QueryFile):
    """One competency query: `name` is its file name without `.rq` (read by graph/query_files.py)."""

    def as_json(self) -> dict[str, str]:
        """The shape the UI script reads (see static/ui/ui.js)."""
        return {"name": self.name, "question": self.question, "query": self.text}


def read_example(path: Path) -> Example:
    """Parse one .rq file; its first line must state the competency question."""
    found = read_query_file(path)
    return Example(found.name, found.question, found.text)


def load_examples(folder: Path) -> tuple[Example, ...]:
    """Every *.rq directly in `folder`, sorted by name; an absent folder is an error.

    Sub-folders are not competency queries (e.g. queries/explore/ holds the explorer's own
    queries), so they are left out."""
    if not folder.is_dir():
        raise SourceError(folder, None, None, "a folder of competency queries (*.rq)")
    return tuple(read_example(path) for path in sorted(folder.glob("*.rq")) if path.is_file())


@bp.record_once
def _load_at_start(state: BlueprintSetupState) -> None:
    """Read the queries once per app, so a bad file fails at start, not on a user's click."""
    folder = Path(state.app.config.get("QUERIES_DIR") or QUERIES_PATH)
    state.app.extensions[EXTENSION] = load_examples(folder)


def examples(app: Flask | None = None) -> tuple[Example, ...]:
    """The examples loaded at app start."""
    return (app or current_app).extensions[EXTENSION]


#: The query a new tab starts with: short, declaring only the prefixes it uses (checked by a test).
NEW_TAB = QUERIES_PATH / "ui" / "new-tab.rq"


def new_tab_query() -> str:
    """The new-tab example without its `# Question:` line (the tab shows the query itself)."""
    lines = NEW_TAB.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(lines[1:] if lines and lines[0].startswith("#") else lines)


#: The editor's completions: classes and properties the ontology declares, and those the data uses.
#: No user input; run once per build (cached by build id), so typing in the editor never asks a host.
VOCABULARY_QUERY = sparql_prologue() + """SELECT DISTINCT ?term ?kind WHERE {
  { VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class")
                          (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
                          (owl:AnnotationProperty "property") (rdf:Property "property")
                          (qb:DimensionProperty "property") (qb:MeasureProperty "property")
                          (qb:AttributeProperty "property") }
    ?term a ?type }
  UNION { [] a ?term . BIND("class" AS ?kind) }
  UNION { [] ?term [] . BIND("property" AS ?kind) }
  FILTER(isIRI(?term))
} ORDER BY ?kind ?term"""
_VOCABULARY = "eccp_kg_ui_vocabulary"


def vocabulary(app: Flask | None = None) -> dict[str, list[str]]:
    """{"class": [IRI, ...], "property": [IRI, ...]} of the served build (cached per build id)."""
    app = app or current_app
    dataset = app.extensions["eccp_kg"]
    cached = app.extensions.get(_VOCABULARY)
    if cached is None or cached[0] != dataset.build_id:
        terms: dict[str, list[str]] = {"class": [], "property": []}
        for row in dataset.select(VOCABULARY_QUERY):
            terms[row["kind"].value].append(row["term"].value)
        cached = app.extensions[_VOCABULARY] = (dataset.build_id, terms)
    return cached[1]


def ui_config(endpoint: str, items: tuple[Example, ...], terms: dict[str, list[str]] | None = None,
              open_query: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the page script needs, as one JSON-able dict (rendered with |tojson, so escaped).

    Prefixes go as [prefix, namespace] pairs: tojson sorts object keys, and PREFIXES' order is
    the display order. `open_query` ({"name", "query"}) is a query the page opens (a short link)."""
    return {
        "endpoint": endpoint,
        "prefixes": [[prefix, iri] for prefix, iri in PREFIXES.items()],
        "examples": [e.as_json() for e in items],
        "newTab": new_tab_query(),
        "vocabulary": terms or {"class": [], "property": []},
        "shortLinks": request.script_root + "/q",
        "open": open_query,
    }


def render_ui(open_query: dict[str, str] | None = None) -> str:
    """The query page; with `open_query`, opening that query in a tab (or the tab already holding it)."""
    items = examples()
    config = ui_config(request.script_root + "/sparql", items, vocabulary(), open_query)
    return render_template("ui/index.html", config=config, examples=items)


@bp.get("/")
def index() -> str:
    """YASGUI pointed at /sparql, with the prefixes, the vocabulary and the competency queries."""
    return render_ui()


@bp.get("/queries")
def query_list() -> str:
    """An HTML list: each competency question, a link opening it in the UI, its raw .rq file."""
    return render_template("ui/queries.html", examples=examples())


@bp.get("/queries/<name>.rq")
def query_file(name: str) -> Response:
    """The raw query text. Looked up among the loaded examples, never as a file path."""
    found = {e.name: e for e in examples()}.get(name)
    if found is None:
        return _not_found(name)
    return Response(found.text, content_type=f"{SPARQL_QUERY_TYPE}; charset=utf-8")


def _not_found(name: str) -> Response:
    """404 through the project's one error shape."""
    return error_response(404, "Not Found", f"No competency query named {name!r}; see /queries for the list.")
