"""Loaders: one module per source table, pure functions from CSV rows to triples."""
