"""Does a SPARQL query call another server (``SERVICE``)? Such a query makes the store send
HTTP requests to any address the query names, so plannlp refuses it unless asked to.

pyoxigraph has no query parser to ask, so the query is scanned: string literals, IRIs
and comments are blanked out (a ``SERVICE`` inside them is only text), ``\\u`` escapes are
decoded first (SPARQL allows them anywhere), and the keyword is looked for in what is left.
A variable, a prefixed name or a longer word containing SERVICE is not the keyword; any
doubt errs on the side of refusing.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# long strings first, then short ones, IRIs (no spaces or angle brackets inside), comments
_INERT = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:])", re.IGNORECASE)


def _unescape(sparql: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)


def without_literals(sparql: str) -> str:
    """The query with its string literals, IRIs and comments blanked out (keywords in them
    are only text)."""
    return _INERT.sub(" ", sparql)


def uses_service(sparql: str) -> bool:
    """True when the query (probably) holds a ``SERVICE`` clause, read with or without its
    ``\\u`` escapes decoded."""
    return any(_SERVICE.search(without_literals(form)) for form in (sparql, _unescape(sparql)))
