"""Minting IRIs for the things the factsheets describe, from natural keys only.

Pattern (documented in docs/identifiers.md), with B the configured base IRI:

  things shared by every factsheet (one IRI across countries and editions)
    B id/country/{eurostat code}           e.g. id/country/EL
    B id/nuts/{NUTS code}                  e.g. id/nuts/ITC4
    B id/nace/{division as printed}        e.g. id/nace/C14
    B id/ecosystem/{slug}                  e.g. id/ecosystem/agri-food
    B id/programme/{slug}                  e.g. id/programme/escp-4i
    B id/eurocluster/{slug}                e.g. id/eurocluster/aec-eurocluster
    B id/organisation/{cc}/{slug}          cluster organisations, e.g. id/organisation/it/aerospace
    B id/scheme/{slug}                     SKOS concept schemes (code lists)
    B id/concept/{scheme}/{slug}           concepts of local code lists
  things stated by one factsheet edition (never collide across countries or editions)
    B id/factsheet/{cc}/{edition}          the source document
    B id/{cc}/{edition}/{kind}/{key...}    observations, policies, statements ...
  named graphs
    B graph/ontology, B graph/{cc}/{edition}, B graph/links, B graph/validation, B graph/meta

Keys are slugs of codes or names, never row numbers, so an edit to one row changes
only the IRIs that row mints."""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

from rdflib import URIRef

from .namespaces import DEFAULT_BASE_IRI


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """A stable, readable IRI segment: ASCII, lower case, words joined by '-'.

    Cached: the loaders slug the same kinds, codes and names over and over (a million calls at 1M triples)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def with_slash(iri: str) -> str:
    """A base IRI as every part uses it: ending in '/' (the one place that normalises one)."""
    return iri if iri.endswith("/") else iri + "/"


def base_iri() -> str:
    """The base IRI a build mints under when --base-iri is not given: ECCP_KG_BASE_IRI, else the default.

    Only the build reads the environment; the server reads the base from the build it serves
    (eccp_kg.graph.dataset.base_iri_for)."""
    return with_slash(os.environ.get("ECCP_KG_BASE_IRI", DEFAULT_BASE_IRI))


@dataclass(frozen=True)
class Minter:
    """Mints IRIs under one base. One factsheet edition = one `Minter.for_edition(...)`."""

    base: str
    country: str | None = None  # lower-case Eurostat code of the factsheet's country
    edition: str | None = None

    @classmethod
    def default(cls) -> "Minter":
        return cls(base_iri())

    def for_edition(self, country: str, edition: str) -> "Minter":
        return Minter(self.base, slug(country), slug(edition))

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    # shared things
    def country_iri(self, code: str) -> URIRef:
        return self._iri("id", "country", code.strip().upper())

    def nuts(self, code: str) -> URIRef:
        return self._iri("id", "nuts", code.strip().upper())

    def nace(self, code: str) -> URIRef:
        return self._iri("id", "nace", code.strip().upper())

    def ecosystem(self, key: str) -> URIRef:
        return self._iri("id", "ecosystem", slug(key))

    def programme(self, key: str) -> URIRef:
        return self._iri("id", "programme", slug(key))

    def eurocluster(self, name: str) -> URIRef:
        return self._iri("id", "eurocluster", slug(name))

    def organisation(self, country: str, name: str) -> URIRef:
        """A cluster organisation: keyed by its country and name, so equal names in two countries differ."""
        return self._iri("id", "organisation", slug(country), slug(name))

    def scheme(self, key: str) -> URIRef:
        return self._iri("id", "scheme", slug(key))

    def concept(self, scheme: str, key: str) -> URIRef:
        return self._iri("id", "concept", slug(scheme), slug(key))

    # edition-scoped things
    def _scope(self) -> tuple[str, str]:
        if not (self.country and self.edition):
            raise ValueError("edition-scoped IRIs need Minter.for_edition(country, edition)")
        return self.country, self.edition

    def factsheet(self) -> URIRef:
        return self._iri("id", "factsheet", *self._scope())

    def stated(self, kind: str, *keys: str) -> URIRef:
        """Anything a factsheet edition states: B id/{cc}/{edition}/{kind}/{key...}."""
        return self._iri("id", *self._scope(), slug(kind), *(slug(k) for k in keys))

    # the dataset itself and blank-node replacements (used by the build)
    def dataset(self, *keys: str) -> URIRef:
        """The dataset description (VoID/DCAT): B id/dataset, B id/dataset/{key...}."""
        return self._iri("id", "dataset", *(slug(k) for k in keys))

    def skolem(self, key: str) -> URIRef:
        """A skolem IRI replacing a blank node (RDF 1.1 sec. 3.5): B .well-known/genid/{key}."""
        return self._iri(".well-known", "genid", key)

    # named graphs
    def graph(self, *parts: str) -> URIRef:
        return self._iri("graph", *parts)

    def edition_graph(self) -> URIRef:
        return self.graph(*self._scope())
