"""A query's answer written for people and programs: JSON with numbers as numbers, and a
text table aligned for Japanese (full-width characters take two columns).

JSON: a literal typed ``xsd:integer`` (and its sub-types) or ``xsd:gYear`` becomes a JSON
integer, ``xsd:decimal``/``xsd:double``/``xsd:float`` a JSON number, ``xsd:boolean`` (and an
ASK query's answer) ``true``/``false``; every other value stays a string (``null``: unbound).

Table: columns are padded by display width (:func:`plannlp.japanese.width.visual_width`), at
most :data:`MAX_CELL_WIDTH` columns a cell; a longer cell is cut and ends in ``…``, and the
last line says how many were cut. A line break in a cell is shown as ``↵``.
"""

from __future__ import annotations

import math
from typing import Any

from ..japanese.width import visual_width
from .store import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = frozenset(XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte", "gYear"))
DECIMAL_TYPES = frozenset(XSD + t for t in ("decimal", "double", "float"))
#: Widest a table cell is shown, in display columns (a full-width character takes two).
MAX_CELL_WIDTH = 60
ELLIPSIS = "…"


def json_value(text: str | None, datatype: str | None) -> Any:
    """A cell as JSON: numbers and booleans typed, the rest as text (see the module)."""
    if text is None or datatype is None:
        return text
    try:
        if datatype in INTEGER_TYPES:
            return int(text)
        if datatype in DECIMAL_TYPES:
            number = float(text)
            return number if math.isfinite(number) else text  # NaN/INF: no JSON number
    except ValueError:
        return text  # an ill-typed literal ("2017Z", "abc"^^xsd:integer) as written
    if datatype == XSD + "boolean" and text in ("true", "false", "1", "0"):
        return text in ("true", "1")
    return text


def json_records(result: QueryResult) -> list[dict[str, Any]]:
    """One object per row, column → value (numbers as numbers)."""
    types = result.datatypes or tuple((None,) * len(result.columns) for _ in result.rows)
    return [{column: json_value(text, datatype)
             for column, text, datatype in zip(result.columns, row, row_types, strict=True)}
            for row, row_types in zip(result.rows, types, strict=True)]


def fit(text: str, width: int) -> tuple[str, bool]:
    """``text`` cut to at most ``width`` display columns (ending in …) and whether it was cut."""
    text = text.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵").replace("\t", " ")
    if visual_width(text) <= width:
        return text, False
    kept, used = [], visual_width(ELLIPSIS)
    for char in text:
        used += visual_width(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS, True


def pad(text: str, width: int) -> str:
    return text + " " * max(width - visual_width(text), 0)


def table_lines(result: QueryResult, max_width: int = MAX_CELL_WIDTH) -> list[str]:
    """The answer as aligned text lines, a last line counting rows and cut cells."""
    cells = [[fit(value or "", max_width) for value in row] for row in result.rows]
    header = [fit(column, max_width) for column in result.columns]
    widths = [max([visual_width(header[i][0])] + [visual_width(row[i][0]) for row in cells])
              for i in range(len(result.columns))]
    def line(row: list[tuple[str, bool]]) -> str:
        return "  ".join(pad(text, width) for (text, _), width in zip(row, widths, strict=True)).rstrip()
    cut = sum(was_cut for row in cells for _, was_cut in row)
    footer = f"({len(result.rows)} row(s)"
    if cut:
        footer += (f"; {cut} cell(s) longer than {max_width} columns cut, ending in {ELLIPSIS}: "
                   "--format csv or --format json gives the full text")
    return [line(header), *map(line, cells), footer + ")"]
