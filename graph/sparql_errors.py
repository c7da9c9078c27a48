"""A SPARQL syntax error as a sentence a person reads, with the position an editor marks.

Used by /sparql (the error body), the short links and `eccp-kg query` (stderr).
Why: pyoxigraph reports "error at 2:14: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9'
| ...]" (600 characters of grammar for a missing PREFIX). Users of the query UI and of /sparql need
"Line 2, column 7: the prefix foo: is not declared" and the editor needs that line and column.
The parser's own message stays in the error body as `parser_message`."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from .sparql_prologue import PREDECLARED, declared_prefixes, prologue_end

_POSITION = re.compile(r"error at (\d+):(\d+): (?:expected (?:one of )?)?(.*)", re.DOTALL)
#: One alternative of pyoxigraph's "expected one of ..." list: a character class, a quoted token,
#: or a word run (a keyword or an explanation such as "Prefix not found").
_ALTERNATIVE = re.compile(r"\[[^\]]*\]|\"(?:[^\"\\]|\\.)*\"|[^,]+")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
#: Alternatives listed before "or N more": a sentence, not the grammar.
SHOWN_ALTERNATIVES = 6
_NAME_END = re.compile(r"(?:[A-Za-z][\w.-]*)?:[\w.%\\-]*$")


@dataclass(frozen=True)
class SyntaxReport:
    """The sentence and the fields of the 400 body (line and column are 1-based)."""

    detail: str
    extra: dict[str, Any] = field(default_factory=dict)


def _alternatives(text: str) -> tuple[list[str], list[str], bool]:
    """(explanations, tokens, names): what the parser expected, sorted into what a person reads.
    Character classes become `names` (True when the parser would also take a name there)."""
    explanations, tokens, names = [], [], False
    for raw in _ALTERNATIVE.findall(text):
        item = raw.strip()
        if not item:
            continue
        if item.startswith("["):
            names = True
        elif item.startswith('"'):
            tokens.append(item)
        elif " " in item or item[:1].isupper() and not item.isupper():
            explanations.append(item)
        else:
            tokens.append(item)
    return explanations, tokens, names


def _listed(tokens: list[str], names: bool) -> str:
    shown = tokens[:SHOWN_ALTERNATIVES]
    rest = len(tokens) - len(shown)
    words = shown + ([f"{rest} more"] if rest else []) + (["a name"] if names else [])
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _line(query: str, line: int) -> str:
    lines = query.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _word_at(text: str, column: int) -> str:
    """The word or character at a 1-based column of a line, blanks skipped ('' past its end)."""
    match = re.match(r"\s*([\w:.-]+|\S)", text[column - 1:]) if column >= 1 else None
    return match.group(1) if match else ""


def _sentence_case(text: str) -> str:
    """'Prefix not found' -> 'prefix not found', leaving 'IRI parsing failed' alone."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def _undeclared_prefix(query: str, line: int, column: int) -> SyntaxReport:
    text = _line(query, line)
    match = _NAME_END.search(text[:column - 1])
    name = match.group(0) if match else ""
    prefix = name.split(":", 1)[0]
    start = match.start() + 1 if match else column
    close = difflib.get_close_matches(prefix, list(PREDECLARED) + sorted(declared_prefixes(query)), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}:?" if close else ""
    detail = (f"Line {line}, column {start}: the prefix {prefix}: is not declared.{hint} Declare it with "
              f"PREFIX {prefix}: <...>, or use one of the predeclared prefixes (listed in the service description).")
    return SyntaxReport(detail, {"line": line, "column": start, "end_column": start + len(name), "prefix": prefix})


def _not_a_form(query: str) -> SyntaxReport | None:
    """A report when the first word after the prologue is no query form (a typo such as SELEC):
    pyoxigraph then reports a later position ('expected CONSTRUCT' at the WHERE)."""
    at = prologue_end(query)
    word = re.match(r"[A-Za-z]+", query[at:])
    if word is None or word.group(0).upper() in _FORMS or word.group(0).upper() in ("PREFIX", "BASE"):
        return None
    line = query.count("\n", 0, at) + 1
    column = at - (query.rfind("\n", 0, at) + 1) + 1
    detail = (f"Line {line}, column {column}: {word.group(0)} is not a query form; a query starts with "
              "SELECT, CONSTRUCT, DESCRIBE or ASK (after its PREFIX and BASE lines).")
    return SyntaxReport(detail, {"line": line, "column": column, "end_column": column + len(word.group(0))})


def describe_syntax_error(message: str, query: str) -> SyntaxReport:
    """The sentence for pyoxigraph's syntax error `message` about `query`."""
    found = _POSITION.search(message)
    if found is None:
        return SyntaxReport(f"SPARQL syntax error: {message}", {"parser_message": message})
    line, column, rest = int(found.group(1)), int(found.group(2)), found.group(3)
    explanations, tokens, names = _alternatives(rest)
    if any("prefix not found" in e.lower() for e in explanations):
        report = _undeclared_prefix(query, line, column)
    else:
        report = _not_a_form(query) or _expected(query, line, column, explanations, tokens, names)
    return SyntaxReport(report.detail, {**report.extra, "parser_message": message})


def _expected(query: str, line: int, column: int, explanations: list[str], tokens: list[str], names: bool) -> SyntaxReport:
    text = _line(query, line)
    word = _word_at(text, column)
    at_end = not word and not query[sum(len(t) for t in query.splitlines(keepends=True)[:line]):].strip()
    where = f" at {word!r}" if word else " at the end of the query" if at_end else ""
    parts = []
    if explanations:
        parts.append("; ".join(_sentence_case(e) for e in explanations))
    if tokens or names:
        parts.append("expected " + _listed(tokens, names))
    detail = f"Line {line}, column {column}{where}: {'; '.join(parts) or 'the query does not parse here'}."
    end = column + max(len(word), 1)
    return SyntaxReport(detail, {"line": line, "column": column, "end_column": end})
