"""Benchmarks of the eccp-kg SPARQL endpoint against the Oxigraph server (`python -m bench.run`)."""
