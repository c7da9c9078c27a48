"""IRIs <-> this server's URLs: the server's root stands for the base IRI B.

Why a module of its own: the linked-data routes, the term presentation, the ontology page and
the explorer all need the same mapping (``B id/nuts/ITC4`` <-> ``/id/nuts/ITC4``), and none of
them should import another's views to get it."""
from __future__ import annotations

from urllib.parse import quote

from flask import current_app, request

from eccp_kg.graph.iris import with_slash
from eccp_kg.graph.namespaces import DEFAULT_BASE_IRI, ONTOLOGY_IRI


def configured_base() -> str:
    """The base IRI this server answers for: `--base-iri` (config BASE_IRI) when given, else the
    served build's own (build-info.json or its B graph/meta, see graph/dataset.py), else the default.

    Read from the build, so a server can never map a build minted under one base onto another."""
    value = current_app.config.get("BASE_IRI") or getattr(current_app.extensions["eccp_kg"], "base_iri", None)
    return with_slash(value or DEFAULT_BASE_IRI)


def iri_for_path(path: str) -> str:
    """The minted IRI a server path stands for: /id/nuts/ITC4 -> B id/nuts/ITC4."""
    return configured_base() + path.lstrip("/")


def graph_iri(name: str) -> str:
    """B graph/<name>: the named graphs the build writes (meta, links, ontology, it/2023, ...)."""
    return configured_base() + "graph/" + name


def local_url(iri: str) -> str | None:
    """The server URL where an IRI we mint is served, or None for an external IRI.

    Ontology terms (``...ontology#Region``) go to the ontology page, whatever the base."""
    root = request.script_root
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#") or iri.startswith(ONTOLOGY_IRI + "/"):
        return root + "/ontology" + iri[len(ONTOLOGY_IRI):]
    base = configured_base()
    if iri.startswith(base):
        return root + "/" + quote(iri[len(base):], safe="/#:@!$&'()*+,;=-._~%")
    return None


def query_ui_link(query: str) -> str:
    """The query UI opened on a query (YASGUI reads ?query= from the URL)."""
    return request.script_root + "/?query=" + quote(query, safe="")
