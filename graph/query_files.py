"""Query files (``queries/*.rq``, ``queries/explore/*.rq``): one reader for every place that loads them.

Why one: the query UI's competency queries and the explorer's view queries are the same kind of
file, first line ``# Question: <the question it answers>``, and an error must read the same
wherever a file is wrong: the file, the line and what was expected (eccp_kg.graph.errors.SourceError).
The optional prefix check keeps a file's PREFIX lines equal to eccp_kg.graph.namespaces.PREFIXES,
so no namespace is spelt differently."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .namespaces import PREFIXES

#: The first line every query file must have.
QUESTION_LINE = re.compile(r"#\s*Question:\s*(?P<question>\S.*?)\s*$")
_PREFIX_DECL = re.compile(r"^[ \t]*PREFIX\s+(?P<p>[\w-]*):\s*<(?P<iri>[^>]*)>", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class QueryFile:
    """One query file: its name (file name without .rq), the question it answers, the full text."""

    name: str
    question: str
    text: str


def read_query_file(path: Path, shown_as: str | Path | None = None, check_prefixes: bool = False) -> QueryFile:
    """Read and check one .rq file; errors name `shown_as` (default: the path).

    Raises SourceError for undecodable bytes, a missing or empty question line and, with
    `check_prefixes`, a PREFIX line that differs from the project's prefixes."""
    where = shown_as if shown_as is not None else path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(where, None, None, "a UTF-8 text file", f"undecodable byte at offset {exc.start}") from exc
    first = text.splitlines()[0] if text else ""
    match = QUESTION_LINE.fullmatch(first)
    if match is None:
        raise SourceError(where, 1, None, "'# Question: <the question it answers>' as the first line", first)
    if check_prefixes:
        for decl in _PREFIX_DECL.finditer(text):
            prefix, iri = decl.group("p"), decl.group("iri")
            if PREFIXES.get(prefix) != iri:
                line = text.count("\n", 0, decl.start()) + 1
                expected = f"<{PREFIXES[prefix]}>" if prefix in PREFIXES else f"one of {', '.join(PREFIXES)}"
                raise SourceError(where, line, f"PREFIX {prefix}:",
                                  f"{expected} (eccp_kg.graph.namespaces.PREFIXES)", f"<{iri}>")
    return QueryFile(path.stem, match.group("question"), text)
