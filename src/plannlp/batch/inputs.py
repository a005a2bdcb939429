"""What a batch run processes: files from folders, globs, paths, or a manifest CSV."""

from __future__ import annotations

import csv
import glob
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import MunicipalityCodeError, UsageError
from ..model import DocumentMetadata
from .ledger import file_key

SUFFIXES = {".pdf", ".txt", ".md", ".text", ".markdown"}
MANIFEST_COLUMNS = ("path", "municipality", "municipality_code", "title", "plan_type", "period", "previous_revision")


@dataclass(frozen=True)
class WorkItem:
    path: str
    metadata: DocumentMetadata | None = None


def _period(text: str) -> tuple[int | None, int | None]:
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", text or "")]
    return (years[0], years[-1]) if years else (None, None)


def _files_of(entry: str) -> list[Path]:
    path = Path(entry)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if any(ch in entry for ch in "*?["):
        return sorted(Path(p) for p in glob.glob(entry, recursive=True) if Path(p).is_file())
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"No such file or folder: {entry}. Check the path; nothing was processed.")
    return [path]  # a file that cannot be read as a plan becomes a failure record


def read_manifest(path: Path) -> list[WorkItem]:
    """A CSV with a ``path`` column and optional metadata columns (see MANIFEST_COLUMNS)."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError as e:
        raise UsageError(f"The manifest {path} does not exist.") from e
    if not rows or "path" not in rows[0]:
        raise UsageError(f"The manifest {path} needs a 'path' column (and may have: {', '.join(MANIFEST_COLUMNS[1:])}).")
    items = []
    for number, row in enumerate(rows, start=1):
        file = Path(row["path"])
        if not file.is_absolute():
            file = path.parent / file
        items.append(WorkItem(str(file), _row_metadata(row, f"{path}, row {number}")))
    return items


def _row_metadata(row: dict, where: str) -> DocumentMetadata:
    """A manifest row's metadata; a municipality code that is not one is a usage error
    naming the row (it would go into IRIs)."""
    start, end = _period(row.get("period", ""))
    try:
        return DocumentMetadata(
            title=row.get("title") or None, municipality=row.get("municipality") or None,
            municipality_code=(row.get("municipality_code") or "").strip() or None,
            plan_type=row.get("plan_type") or None,
            period_start=start, period_end=end, previous_revision=row.get("previous_revision") or None,
        )
    except MunicipalityCodeError as e:
        raise MunicipalityCodeError(f"{where}: {e.message}") from None


def collect(inputs: list[str], manifest: Path | None = None) -> list[WorkItem]:
    """Work items in a stable order, each file once however it is named (relative, absolute,
    through a symlink: the first spelling is kept; manifest rows win for their metadata).

    A folder or file named on the command line must exist (a :class:`UsageError` otherwise:
    a mistyped path is not a failed plan); a manifest row naming a missing file becomes a
    failed document.
    """
    items: dict[str, WorkItem] = {}
    for entry in inputs:
        for file in _files_of(entry):
            items.setdefault(file_key(str(file)), WorkItem(str(file)))
    if manifest is not None:
        for item in read_manifest(manifest):
            items[file_key(item.path)] = item
    if not items:
        raise UsageError("No input files found (give folders, files, globs or --manifest).")
    return list(items.values())
