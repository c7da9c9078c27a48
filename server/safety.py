"""What a user query may touch: SERVICE endpoints (allowlist) and dataset IRIs (no local files).

pyoxigraph evaluates SERVICE itself (it makes the HTTP request), so the check must happen
before evaluation and must not be fooled by prefixed names, BASE, sub-queries, EXISTS or
variables: the query is parsed (rdflib's SPARQL parser and algebra) and every
ServiceGraphPattern in the algebra is inspected. Parsing is skipped only when the text
provably holds neither keyword (`may_use_service_or_from`; pyoxigraph does not decode
\\u escapes in keywords)."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .problem import Problem
from eccp_kg.graph.sparql_prologue import PREDECLARED

#: rdflib's SPARQL parser (pyparsing) is not thread-safe: concurrent first calls of its parse
#: actions break them for the life of the process (every later parse fails with e.g.
#: "Param.postParse2() missing 1 required positional argument"). Every rdflib parse the server
#: makes in a request thread holds this lock.
RDFLIB_PARSE_LOCK = threading.Lock()

_KEYWORDS = re.compile("service|from", re.IGNORECASE)
_FULL_LINE_COMMENT = re.compile(r"^[ \t]*#[^\r\n]*", re.MULTILINE)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:")
_LONG_STRING_QUOTES = ("'''", '"""')
_SAFE_SCHEMES = ("http://", "https://")


def may_use_service_or_from(query: str) -> bool:
    """False only when pyoxigraph cannot read a SERVICE or FROM keyword anywhere in `query`.

    Parsing with rdflib costs 15-100 ms of GIL, so it is skipped when this says False. It
    must never say False for a query that has the keyword, so it discards only what
    pyoxigraph provably reads as something else (each rule is checked against pyoxigraph in
    tests/test_protocol_safety.py):

    * whole-line comments (first non-blank character '#'), unless the text has a long
      string (three quotes): short strings and IRIs cannot span lines;
    * an occurrence inside a prefixed name's local part (an ASCII name run with a ':'
      before it, e.g. prov:wasDerivedFrom) or inside a variable name (?services): names
      are read greedily, so the letters belong to the name.

    Everything else counts, with no word boundaries: pyoxigraph reads `?s ?p 1SERVICE <x> {}`,
    `CONSTRUCTFROM <g> WHERE ...` and `FROMex:g` as keywords, so a whole-word regex is unsafe."""
    text = query
    if not any(quotes in text for quotes in _LONG_STRING_QUOTES):
        text = _FULL_LINE_COMMENT.sub("", text)
    for match in _KEYWORDS.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _NAME_CHARS:
            start -= 1
        if ":" in text[start:match.start()]:
            continue  # the local part of a prefixed name
        if start > 0 and text[start - 1] in "?$":
            continue  # part of a variable name
        return True
    return False


class QueryRefused(Problem):
    """A query the endpoint will not run; carries the HTTP status, title and a clear detail."""


#: Deepest bracket nesting ( { [ a query may have. pyoxigraph parses and evaluates recursively
#: and overflows its stack (the process dies with SIGSEGV) from about 3000 nested braces;
#: no real query comes near 256.
MAX_NESTING = 256
#: Most operators that build binary trees (UNION, OPTIONAL, MINUS, && || ! + * / | and
#: brackets) a query may have: chains of about 10000 of them overflow pyoxigraph's stack too.
MAX_OPERATORS = 2000

_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIs (a '<' followed by a space is the operator)
    r"|#[^\n\r]*"  # comments
    r"|(?P<open>[({\[])|(?P<close>[)}\]])"
    r"|(?P<op>&&|\|\||[!+*/|]|\b(?:UNION|OPTIONAL|MINUS)\b)",
    re.IGNORECASE,
)


def check_complexity(query: str) -> None:
    """Refuse (400 Query Too Complex) a query nested deeper than MAX_NESTING brackets or with
    more than MAX_OPERATORS operators, before any parser sees it.

    Such a query would not time out: it crashes the evaluating process (a stack overflow in
    pyoxigraph's recursive parser and evaluator, measured from about 3000 nested braces or
    10000 chained operators), so it is refused after a linear scan that skips strings, IRIs
    and comments. A query of at most MAX_NESTING characters needs no scan (every bracket and
    operator takes at least one): a lookup then skips ~15 us of it."""
    if len(query) <= min(MAX_NESTING, MAX_OPERATORS):
        return
    depth = deepest = operators = 0
    where = 0
    for match in _LEXEMES.finditer(query):
        kind = match.lastgroup
        if kind is None:
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
            continue
        operators += 1
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        if deepest > MAX_NESTING or operators > MAX_OPERATORS:
            where = match.start()
            break
    if deepest > MAX_NESTING:
        raise QueryRefused(
            400,
            "Query Too Complex",
            f"The query nests brackets more than {MAX_NESTING} deep (passed at character {where}); "
            "this endpoint evaluates queries up to that depth.",
        )
    if operators > MAX_OPERATORS:
        raise QueryRefused(
            400,
            "Query Too Complex",
            f"The query has more than {MAX_OPERATORS} operators and brackets (UNION, OPTIONAL, &&, +, ...; "
            f"passed at character {where}); split it into smaller queries.",
        )


@dataclass(frozen=True)
class QueryFacts:
    """What the safety checks need to know about a query (from its algebra)."""

    services: tuple[str | None, ...] = ()  # SERVICE IRIs; None = a variable
    from_default: tuple[str, ...] = ()  # FROM IRIs
    from_named: tuple[str, ...] = ()  # FROM NAMED IRIs
    parsed: bool = False  # False when the prefilter proved no SERVICE/FROM can occur

    @property
    def has_dataset(self) -> bool:
        """Whether the query names its own dataset (FROM / FROM NAMED)."""
        return bool(self.from_default or self.from_named)


def _walk(node: object, out: list, depth: int = 0) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 500:  # deeper than any sane query; refuse rather than recurse forever
        raise QueryRefused(400, "Query Too Complex", "The query nests deeper than 500 levels.")
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            out.append(node.get("term"))
        for value in node.values():
            _walk(value, out, depth + 1)
    elif isinstance(node, (list, tuple, set)):
        for value in node:
            _walk(value, out, depth + 1)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, out, depth + 1)


def inspect_query(query: str, base_iri: str | None = None) -> QueryFacts:
    """SERVICE and FROM / FROM NAMED IRIs of a query.

    Raises QueryRefused (400) if the text mentions SERVICE or FROM but cannot be parsed to
    check them (a syntax error there is reported with the parser's message)."""
    if not may_use_service_or_from(query):
        return QueryFacts()
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import Variable

    try:
        with RDFLIB_PARSE_LOCK:
            algebra = translateQuery(parseQuery(query), base=base_iri, initNs=PREDECLARED).algebra
    except Exception as exc:  # rdflib raises pyparsing and other errors on bad syntax
        raise QueryRefused(
            400,
            "Query Syntax Error",
            "The query mentions SERVICE or FROM and could not be parsed to check them: "
            f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
        ) from exc
    found: list = []
    _walk(algebra, found)
    services = tuple(None if isinstance(t, Variable) or t is None else str(t) for t in found)
    default, named = [], []
    for clause in algebra.get("datasetClause") or []:
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return QueryFacts(services, tuple(default), tuple(named), parsed=True)


def check_services(facts: QueryFacts, allowlist: Sequence[str]) -> None:
    """Refuse (403) SERVICE to a variable or to an endpoint not on the allowlist."""
    allowed = {a.strip() for a in allowlist if a.strip()}
    for service in facts.services:
        if service is None:
            raise QueryRefused(
                403,
                "SERVICE Not Allowed",
                "SERVICE with a variable endpoint is not allowed: name the endpoint IRI (it must be on the allowlist).",
            )
        if service not in allowed:
            listed = ", ".join(sorted(allowed)) if allowed else "none: federation is disabled on this server"
            raise QueryRefused(
                403,
                "SERVICE Not Allowed",
                f"SERVICE <{service}> is not on this endpoint's allowlist (allowed: {listed}). No request was made.",
            )


def check_dataset_iris(iris: Iterable[str], known_graphs: Iterable[str], where: str) -> None:
    """Refuse (400) a dataset IRI that could name a local resource: anything not http(s)
    that is not a graph of the store (file:, urn: strangers, relative paths ...)."""
    known = set(known_graphs)
    for iri in iris:
        if iri in known or iri.lower().startswith(_SAFE_SCHEMES):
            continue
        raise QueryRefused(
            400,
            "Dataset IRI Not Allowed",
            f"{where} <{iri}> is neither an http(s) IRI nor a graph of this dataset; "
            "the endpoint never reads local files or other schemes.",
        )
