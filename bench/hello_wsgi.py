"""The smallest WSGI app: what a Python WSGI server alone can answer (bench/ceiling.py).

No imports on purpose: the measured servers load nothing but this."""


def app(environ, start_response):  # noqa: ANN001, ANN201 - the WSGI signature
    """Answer every request with a 3-byte 200."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
    return [b"ok\n"]
