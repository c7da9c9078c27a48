"""eccp-kg: a knowledge graph of European industrial-cluster policy and its SPARQL endpoint.

Sub-packages: eccp_kg.graph (bottom layer), eccp_kg.loaders, eccp_kg.server; package data:
eccp_kg.ontology, eccp_kg.shapes, eccp_kg.data, eccp_kg.queries."""
__version__ = "0.1.0"
