"""The dataset's description of itself in VoID and DCAT (graph B graph/meta and DIR/dumps/void.ttl).

Catalogues (data.europa.eu, dataset search engines) and SPARQL clients find a dataset through its
VoID/DCAT description: what it contains (triples per named graph), where to download it, where its
SPARQL endpoint is, under which licence, and which source documents it was derived from.

Where things are published: the endpoint and downloads are given relative to a public URL,
``{public}sparql`` and ``{public}download/{file}``. The public URL is `--public-url` when given,
otherwise the base IRI itself (``https://w3id.org/eccp-kg/`` by default): the server maps the base IRI to
its own root, so ``B sparql`` is the endpoint wherever ``B id/...`` dereferences."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef

from .dumps import DumpFile
from .iris import Minter, slug, with_slash
from .namespaces import DCAT, DCTERMS, ECCP, OWL, PREFIXES, PROV, RDF, RDFS, VOID, XSD, bind_all
from .statistics import Statistics

#: Data derived from the EU's ECCP factsheets is published under CC BY 4.0 (the Commission's reuse policy).
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def public_base(base_iri: str, public_url: str | None = None) -> str:
    """The URL the server is reachable at, ending in '/': `public_url`, else the base IRI (the server's root)."""
    if public_url:
        parts = urlsplit(public_url)
        if not (parts.scheme in ("http", "https") and parts.netloc):
            raise ValueError(f"--public-url: expected an absolute http(s) URL like https://example.org/, got {public_url!r}")
        return with_slash(public_url)
    return with_slash(base_iri)


def describe(
    minter: Minter,
    counts: dict[str, int],
    dumps: Iterable[DumpFile],
    editions: Iterable[Any],
    modified: datetime,
    public_url: str | None = None,
    stats: Statistics | None = None,
    documents: Iterable[tuple[Any, DumpFile]] = (),
    build_id: str | None = None,
) -> Graph:
    """VoID + DCAT triples for a build: `counts` are triples per named graph (without B graph/meta),
    `stats` the class and property partitions (graph.statistics), `documents` the factsheet texts
    served beside the dumps (each factsheet dcterms:hasFormat its download URL), `build_id` the
    content hash (owl:versionInfo: a server over a remote store keys its caches on it)."""
    g = Graph()
    bind_all(g)
    public = public_base(minter.base, public_url)
    dataset = minter.dataset()
    endpoint = URIRef(public + "sparql")
    service = minter.dataset("sparql-endpoint")

    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("eccp-kg: European industrial-cluster policy knowledge graph", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "A linked open knowledge graph of the European Cluster Collaboration Platform (ECCP) country "
        "factsheets: cluster organisations, industrial ecosystems, regional agglomerations, cooperation "
        "programmes and cluster policies, each statement tied to the factsheet edition it comes from.", lang="en")))
    g.add((dataset, DCTERMS.license, LICENSE))
    stamp = modified.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    g.add((dataset, DCTERMS.modified, Literal(stamp, datatype=XSD.dateTime)))
    g.add((dataset, VOID.uriSpace, Literal(minter.base + "id/")))
    g.add((dataset, VOID.vocabulary, URIRef(str(ECCP))))
    g.add((dataset, VOID.sparqlEndpoint, endpoint))
    g.add((dataset, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer)))
    if build_id:
        g.add((dataset, OWL.versionInfo, Literal(build_id)))

    for edition in editions:
        scoped = minter.for_edition(str(edition.country), str(edition.edition))
        g.add((dataset, PROV.wasDerivedFrom, scoped.factsheet()))
        g.add((dataset, DCTERMS.spatial, minter.country_iri(str(edition.country))))

    for graph_iri, n in sorted(counts.items()):
        subset = URIRef(graph_iri)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(n, datatype=XSD.integer)))

    for dump in dumps:
        dist = minter.dataset("distribution", dump.name)
        url = URIRef(public + "download/" + dump.name)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, url))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(dump.name)))
        g.add((dist, DCAT.mediaType, URIRef(MEDIA_TYPES + dump.media_type)))
        g.add((dist, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCTERMS.license, LICENSE))

    for edition, document in documents:
        url = URIRef(public + "download/" + document.name)
        factsheet = minter.for_edition(str(edition.country), str(edition.edition)).factsheet()
        g.add((factsheet, DCTERMS.hasFormat, url))
        g.add((url, RDFS.label, Literal(f"The factsheet text ({edition.meta['source_file']})", lang="en")))
        g.add((url, DCTERMS["format"], URIRef(MEDIA_TYPES + document.media_type)))
        g.add((url, DCAT.byteSize, Literal(document.byte_size, datatype=XSD.nonNegativeInteger)))
        if edition.meta.get("license"):
            g.add((url, DCTERMS.license, URIRef(str(edition.meta["license"]))))

    if stats is not None:
        _statistics(g, minter, dataset, stats)

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, RDFS.label, Literal("eccp-kg SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.license, LICENSE))
    return g


def term_key(iri: str) -> str:
    """A readable, stable IRI segment for a class or property: 'eccp-eurocluster' for eccp:Eurocluster."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return slug(f"{prefix} {iri[len(namespace):]}")
    return slug(iri)


def _statistics(g: Graph, minter: Minter, dataset: URIRef, stats: Statistics) -> None:
    """void:classPartition / void:propertyPartition, each partition an IRI (no blank nodes)."""
    g.add((dataset, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer)))
    g.add((dataset, VOID.distinctObjects, Literal(stats.distinct_objects, datatype=XSD.integer)))
    g.add((dataset, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
    g.add((dataset, VOID.properties, Literal(len(stats.properties), datatype=XSD.integer)))
    for cls, n in stats.classes.items():
        part = minter.dataset("class", term_key(cls))
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in stats.properties.items():
        part = minter.dataset("property", term_key(prop))
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
