"""The SPARQL endpoint: a Flask app factory with one blueprint per concern."""
