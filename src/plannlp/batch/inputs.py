"""What a batch run processes: files from folders, globs, paths, or a manifest CSV.

Of a folder, only the files that look like plans are taken (:mod:`plannlp.batch.selection`:
``--include``/``--exclude`` globs, then a look at the content); the others are set aside with
their reasons, for the run's summary.
"""

from __future__ import annotations

import csv
import glob
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..model import DocumentMetadata
from ..stages.given_metadata import given_metadata
from .ledger import file_key
from .selection import SetAside, select_plans

SUFFIXES = {".pdf", ".txt", ".md", ".text", ".markdown"}
#: ``path`` (or ``file``) names the plan; the others are optional and win over what the text says.
MANIFEST_COLUMNS = ("path", "municipality", "municipality_code", "title", "plan_type", "period", "previous_revision")
PATH_COLUMNS = ("path", "file")


@dataclass(frozen=True)
class WorkItem:
    path: str
    metadata: DocumentMetadata | None = None


@dataclass(frozen=True)
class Inputs:
    """The work items of a run, and the files of its folders that were not taken."""

    items: list[WorkItem]
    set_aside: list[SetAside]


def _files_of(entry: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
              ) -> tuple[list[Path], list[SetAside]]:
    path = Path(entry)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        return select_plans(found, path, include, exclude)
    if any(ch in entry for ch in "*?["):
        return sorted(Path(p) for p in glob.glob(entry, recursive=True) if Path(p).is_file()), []
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"No such file or folder: {entry}. Check the path; nothing was processed.")
    return [path], []  # a file that cannot be read as a plan becomes a failure record


def read_manifest(path: Path) -> list[WorkItem]:
    """A CSV with a ``path`` (or ``file``) column and optional metadata columns (see
    MANIFEST_COLUMNS), each value checked (:mod:`plannlp.stages.given_metadata`)."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError as e:
        raise UsageError(f"The manifest {path} does not exist.") from e
    column = next((c for c in PATH_COLUMNS if rows and c in rows[0]), None)
    if column is None:
        raise UsageError(f"The manifest {path} needs a 'path' (or 'file') column (and may have: "
                         f"{', '.join(MANIFEST_COLUMNS[1:])}).")
    items = []
    for number, row in enumerate(rows, start=1):
        if not (row.get(column) or "").strip():
            raise UsageError(f"{path}, row {number}: the '{column}' cell is empty.")
        file = Path(row[column].strip())
        if not file.is_absolute():
            file = path.parent / file
        items.append(WorkItem(str(file), _row_metadata(row, f"{path}, row {number}")))
    return items


def _row_metadata(row: dict, where: str) -> DocumentMetadata | None:
    """A manifest row's metadata; a value that cannot be used is a usage error naming the row
    (:class:`~plannlp.errors.MetadataError`, :class:`~plannlp.errors.MunicipalityCodeError`)."""
    return given_metadata(**{name: row.get(name) for name in MANIFEST_COLUMNS[1:]}, where=where)


def collect(inputs: list[str], manifest: Path | None = None, *, include: tuple[str, ...] = (),
            exclude: tuple[str, ...] = ()) -> list[WorkItem]:
    """The work items of :func:`collect_inputs`."""
    return collect_inputs(inputs, manifest, include=include, exclude=exclude).items


def collect_inputs(inputs: list[str], manifest: Path | None = None, *, include: tuple[str, ...] = (),
                   exclude: tuple[str, ...] = ()) -> Inputs:
    """Work items in a stable order, each file once however it is named (relative, absolute,
    through a symlink: the first spelling is kept; manifest rows win for their metadata), and
    the files of the folders set aside (``include``/``exclude``: globs on a file's path in its
    folder or its name, for folders only).

    A folder or file named on the command line must exist (a :class:`UsageError` otherwise:
    a mistyped path is not a failed plan); a manifest row naming a missing file becomes a
    failed document.
    """
    items: dict[str, WorkItem] = {}
    set_aside: list[SetAside] = []
    for entry in inputs:
        files, aside = _files_of(entry, tuple(include), tuple(exclude))
        set_aside += aside
        for file in files:
            items.setdefault(file_key(str(file)), WorkItem(str(file)))
    if manifest is not None:
        for item in read_manifest(manifest):
            items[file_key(item.path)] = item
    if not items:
        aside = (f" {len(set_aside)} file(s) of the folders do not look like plans or do not match "
                 "--include/--exclude (for example "
                 f"{set_aside[0].path}: {set_aside[0].reason})." if set_aside else "")
        raise UsageError("No input files found (give folders, files, globs or --manifest)." + aside)
    return Inputs(list(items.values()), set_aside)
