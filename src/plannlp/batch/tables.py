"""Combined tables of a batch run: documents, sentences, SDG links, indicators (Parquet + CSV,
and all four as the sheets of one Excel workbook, ``tables.xlsx``)."""

from __future__ import annotations

import json
from pathlib import Path

TABLES = ("documents", "sentences", "sdg_links", "indicators")
WORKBOOK = "tables.xlsx"


def write_tables(rows_files: list[Path], folder: Path, *, workbook: bool = True):
    """Concatenate every document's rows into one table each; returns name → DataFrame.

    Parquet keeps types for pandas (``pd.read_parquet``) and R (``arrow::read_parquet``);
    CSV is UTF-8 with BOM so Excel shows Japanese correctly. ``tables.xlsx`` holds the four
    tables as sheets (:func:`write_workbook_of`; without ``workbook`` none, and an older one
    is removed, as it would show other documents than the tables). All are written atomically.
    Whole-number columns (years, pages, offsets, counts) are pandas' nullable ``Int64``, so a
    missing year is empty rather than turning the column's ``2022`` into ``2022.0``.
    """
    import pandas as pd

    from ..errors import write_failed
    from ..export.atomic import atomic_writer

    collected: dict[str, list[dict]] = {name: [] for name in TABLES}
    for path in sorted(rows_files):
        data = json.loads(path.read_text(encoding="utf-8"))
        for name in TABLES:
            collected[name].extend(data.get(name, []))
    folder.mkdir(parents=True, exist_ok=True)
    frames = {}
    for name, rows in collected.items():
        frame = integer_columns(pd.DataFrame(rows))
        frames[name] = frame
        tmp = folder / f".{name}.parquet.part"
        try:
            frame.to_parquet(tmp, index=False)
            tmp.replace(folder / f"{name}.parquet")
        except OSError as e:  # a full or read-only disk: one line, not pyarrow's traceback
            tmp.unlink(missing_ok=True)
            raise write_failed(folder / f"{name}.parquet", e) from e
        with atomic_writer(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            spreadsheet_safe(frame).to_csv(handle, index=False)
    if workbook:
        write_workbook_of(frames, folder / WORKBOOK)
    else:
        (folder / WORKBOOK).unlink(missing_ok=True)
    return frames


def integer_columns(frame):
    """``frame`` with its whole-number columns (:data:`~plannlp.export.tables.INTEGER_COLUMNS`)
    as nullable ``Int64``."""
    from ..export.tables import INTEGER_COLUMNS

    columns = [c for c in frame.columns if c in INTEGER_COLUMNS]
    return frame.astype({c: "Int64" for c in columns}) if columns else frame


def workbook_fits(frames) -> bool:
    """Whether every table fits in an Excel sheet (:data:`~plannlp.export.xlsx.EXCEL_MAX_ROWS`)."""
    from ..export.xlsx import EXCEL_MAX_ROWS

    return all(len(frame) + 1 <= EXCEL_MAX_ROWS for frame in frames.values())


def write_workbook_of(frames, path: Path) -> None:
    """The tables as one workbook (sentences, sdg_links, indicators, documents sheets, with the
    goals' and roles' Japanese names; :mod:`plannlp.export.xlsx`). A table too long for Excel
    leaves no workbook (an older one is removed: it would show other documents than the
    tables); the summary says so."""
    from ..export.xlsx import workbook_sheets, write_workbook

    if not workbook_fits(frames):
        path.unlink(missing_ok=True)
        return
    write_workbook(workbook_sheets({name: frame.to_dict("records") for name, frame in frames.items()}), path)


def spreadsheet_safe(frame):
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas
    (:func:`plannlp.export.csv_cells.safe_cell`); numeric columns are left as they are."""
    from ..export.csv_cells import safe_cell

    safe = frame.copy()
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(safe_cell)
    return safe
