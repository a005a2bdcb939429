"""Excel workbooks (.xlsx): one sheet per table — sentences, SDG links, indicators, documents.

The rows are those of :mod:`plannlp.export.tables` (the CSV, JSONL and batch tables), with
what a reader of a spreadsheet wants beside the codes: the file name, the role's Japanese
name and the goals' official Japanese names (``11 住み続けられるまちづくりを``). Every sheet has
a bold, frozen header row and an autofilter; a column is as wide as its widest cell counted
in East Asian width (a kanji is two columns), at most :data:`TEXT_WIDTH` for long text
(which wraps) and :data:`OTHER_WIDTH` for the rest.

Text cells are made safe the way CSV cells are (:func:`~plannlp.export.csv_cells.safe_cell`:
a text starting like a formula gets a ``'`` in front) and written as text, never as a
formula; characters XML cannot hold (control characters other than tab and newline) become
U+FFFD. Workbooks are written atomically (:func:`~plannlp.export.atomic.atomic_writer`).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import MissingDependencyError, OutputError
from ..japanese.width import visual_width
from ..model import PlanDocument
from .atomic import atomic_writer
from .csv_cells import safe_cell
from .labels import ROLE_NAMES, goal_label
from .tables import document_row, indicator_rows, sdg_link_rows, sentence_rows

#: the most rows a sheet can hold (Excel's limit, header included)
EXCEL_MAX_ROWS = 1_048_576
#: the most characters a cell can hold (Excel's limit)
EXCEL_MAX_CELL = 32_767
#: widest column for long text (it wraps), in East Asian width units (about one Latin letter)
TEXT_WIDTH = 60
#: widest column for anything else
OTHER_WIDTH = 30
MIN_WIDTH = 6
#: rows looked at to size a column (the widest of the first ones is a good enough guess)
WIDTH_SAMPLE = 2000
#: columns of long text: wrapped, up to TEXT_WIDTH wide
TEXT_COLUMNS = frozenset({"text", "section", "sdg_names", "evidence", "name", "method", "targets",
                          "baseline_text", "title", "warnings", "file"})

SENTENCE_SHEET = ("document", "file", "section", "page", "id", "text", "role", "role_name",
                  "role_confidence", "sdgs", "sdg_names", "sdg_confidences", "kind", "section_id",
                  "municipality")
SDG_LINK_SHEET = ("document", "file", "sentence_id", "goal", "goal_name", "target", "confidence",
                  "source", "evidence", "role", "municipality", "goal_iri")
INDICATOR_SHEET = ("document", "file", "id", "name", "unit", "baseline_year", "baseline_value",
                   "baseline_text", "targets", "final_target_year", "final_target_value", "method",
                   "section", "section_id", "municipality")
DOCUMENT_SHEET = ("document", "file", "title", "municipality", "municipality_code", "plan_type",
                  "period_start", "period_end", "pages", "sections", "sentences", "achievements",
                  "issues", "measures", "others", "indicators", "warnings", "sha256", "models")

# XML 1.0 cannot hold these (openpyxl refuses them): C0 controls but tab, newline, CR
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, its columns (the header row) and its rows (column → value)."""

    name: str
    columns: tuple[str, ...]
    rows: Sequence[Mapping[str, Any]]


def goal_names_of(goals: str | None) -> str:
    """``"3;11"`` → ``"3 すべての人に健康と福祉を; 11 住み続けられるまちづくりを"``."""
    if not goals:
        return ""
    return "; ".join(goal_label(int(float(g))) for g in str(goals).split(";") if g.strip())


def document_tables(documents: Sequence[PlanDocument]) -> dict[str, list[dict[str, Any]]]:
    """The tables of :mod:`plannlp.export.tables` for ``documents``, by batch table name."""
    return {
        "documents": [document_row(doc) for doc in documents],
        "sentences": [row for doc in documents for row in sentence_rows(doc)],
        "sdg_links": [row for doc in documents for row in sdg_link_rows(doc)],
        "indicators": [row for doc in documents for row in indicator_rows(doc)],
    }


def workbook_sheets(tables: Mapping[str, Sequence[Mapping[str, Any]]],
                    sentence_columns: Sequence[str] = ()) -> list[Sheet]:
    """The sheets of a workbook from rows of the four tables (documents, sentences,
    sdg_links, indicators; a missing table is an empty sheet): the file name, the role's
    and the goals' Japanese names added. ``sentence_columns``: more columns for the
    sentences sheet (the review page's ``role_source``, ``reviewed_by`` …)."""
    documents = list(tables.get("documents", ()))
    files = {row["document"]: row.get("file") for row in documents}

    def named(rows, **extra):
        return [{**row, "file": files.get(row.get("document")), **{k: f(row) for k, f in extra.items()}}
                for row in rows]

    return [
        Sheet("sentences", SENTENCE_SHEET + tuple(sentence_columns), named(
            tables.get("sentences", ()), role_name=lambda r: ROLE_NAMES.get(r.get("role") or "", ""),
            sdg_names=lambda r: goal_names_of(r.get("sdgs")))),
        Sheet("sdg_links", SDG_LINK_SHEET, named(
            tables.get("sdg_links", ()), goal_name=lambda r: goal_names_of(r.get("goal")))),
        Sheet("indicators", INDICATOR_SHEET, named(tables.get("indicators", ()))),
        Sheet("documents", DOCUMENT_SHEET, documents),
    ]


def write_workbook(sheets: Sequence[Sheet], path: str | Path) -> None:
    """Write ``sheets`` as an .xlsx workbook at ``path``, atomically."""
    check_size(sheets, path)
    with atomic_writer(path, binary=True) as handle:
        save_workbook(sheets, handle)


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx workbook of ``sheets`` as bytes (for a download)."""
    check_size(sheets, None)
    buffer = io.BytesIO()
    save_workbook(sheets, buffer)
    return buffer.getvalue()


def write_documents_workbook(documents: Sequence[PlanDocument], path: str | Path | IO[bytes]) -> None:
    """``plannlp ingest -o plan.xlsx``: the workbook of ``documents`` at ``path`` (or into an
    open binary stream, such as standard output)."""
    sheets = workbook_sheets(document_tables(documents))
    if isinstance(path, str | Path):
        write_workbook(sheets, path)
    else:
        check_size(sheets, None)
        save_workbook(sheets, path)


def check_size(sheets: Sequence[Sheet], path: str | Path | None) -> None:
    """An :class:`~plannlp.errors.OutputError` when a sheet has more rows than Excel opens."""
    for sheet in sheets:
        if len(sheet.rows) + 1 > EXCEL_MAX_ROWS:
            raise OutputError(
                f"The {sheet.name} sheet would have {len(sheet.rows):,} rows; Excel opens at most "
                f"{EXCEL_MAX_ROWS - 1:,} (plus the header).", path=path,
                hint="Write CSV or JSONL instead (-o out.csv), or split the input into smaller runs.")


def save_workbook(sheets: Sequence[Sheet], handle: IO[bytes]) -> None:
    """Write the workbook of ``sheets`` into the binary stream ``handle``."""
    try:
        from openpyxl import Workbook
    except ImportError as e:
        raise MissingDependencyError("openpyxl", None, "Writing an Excel workbook (.xlsx)") from e
    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book, sheet)
    book.save(handle)


def _write_sheet(book, sheet: Sheet) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    worksheet = book.create_sheet(sheet.name)
    worksheet.freeze_panes = "A2"
    last = get_column_letter(len(sheet.columns))
    worksheet.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    for k, width in enumerate(column_widths(sheet), start=1):
        worksheet.column_dimensions[get_column_letter(k)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE5EC")
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, column)
        cell.font, cell.fill = bold, fill
        header.append(cell)
    worksheet.append(header)
    wrapping = WriteOnlyCell(worksheet, "")
    wrapping.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = wrapping._style  # the style's indexes, shared by every wrapped cell (setting
    # .alignment on each cell would look the style up again: a fifth of the writing time)
    wrapped = [column in TEXT_COLUMNS for column in sheet.columns]
    for row in sheet.rows:
        cells = []
        for column, wraps in zip(sheet.columns, wrapped, strict=True):
            value = cell_value(row.get(column))
            if wraps and isinstance(value, str) and value:
                cell = WriteOnlyCell(worksheet, value)
                cell.data_type = "s"
                cell._style = copy(wrap)
                value = cell
            cells.append(value)
        worksheet.append(cells)


def cell_value(value: Any) -> Any:
    """A value as a cell holds it: numbers as numbers, NaN and None empty, text safe
    (formula-looking text quoted, characters XML cannot hold replaced, at most
    :data:`EXCEL_MAX_CELL` characters)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | int | float):
        return value
    if hasattr(value, "item"):  # a numpy number from a pandas table
        return cell_value(value.item())
    text = _NOT_IN_XML.sub("\ufffd", str(value))
    if len(text) > EXCEL_MAX_CELL:
        text = text[:EXCEL_MAX_CELL - 1] + "…"
    return safe_cell(text)


def column_widths(sheet: Sheet) -> list[float]:
    """Each column's width: its widest cell (header and the first :data:`WIDTH_SAMPLE`
    rows) in East Asian width, plus a margin, within the column's bounds."""
    widths = []
    sample = sheet.rows[:WIDTH_SAMPLE]
    for column in sheet.columns:
        cap = TEXT_WIDTH if column in TEXT_COLUMNS else OTHER_WIDTH
        widest = max([visual_width(column) + 2] + [_width(row.get(column)) for row in sample])
        widths.append(float(max(MIN_WIDTH, min(cap, widest + 2))))
    return widths


def _width(value: Any) -> int:
    value = cell_value(value)
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.4g}")
    return max(map(visual_width, str(value).splitlines() or [""]))


__all__ = ["EXCEL_MAX_ROWS", "Sheet", "cell_value", "column_widths", "document_tables",
           "goal_names_of", "save_workbook", "workbook_bytes", "workbook_sheets",
           "write_documents_workbook", "write_workbook"]
