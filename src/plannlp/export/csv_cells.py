"""CSV cells that a spreadsheet cannot run as formulas ("CSV injection", OWASP).

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula, and a plan's text may start like that (``－５％``,
``＝`` in a table row, ``@`` in an address). Following OWASP's advice, such a text cell gets
a single quote in front (``'=1+1``): the spreadsheet shows the text, runs nothing. The first
character is compared after NFKC, so the full-width ``＝ ＋ － ＠`` count too.

Numbers stay numbers: an ``int``/``float`` cell, and a text cell that is one plain decimal
number (``-5``, ``+3.2``, ``-1e3``: a spreadsheet reads it as that number whether or not it
calls it a formula), are written as they are, so numeric columns keep their values.

Every CSV plannlp writes (``ingest``, ``batch`` tables, ``trace``, ``kb query/ask``) goes
through :func:`safe_cell`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV Injection).
FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    """``value``, with a quote in front when it is text a spreadsheet would run as a formula."""
    if not isinstance(value, str) or not value:
        return value
    if unicodedata.normalize("NFKC", value[0])[:1] not in FORMULA_STARTS:
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def safe_record(record: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in record.items()}
