"""The ledger of a batch output folder (``state.jsonl``): one line per outcome, appended and
fsynced after the document's outputs are in place.

A file is known by its *key*: its resolved path (:func:`file_key`: absolute, symlinks
followed), so ``plans/a.pdf``, ``/data/plans/a.pdf`` and a symlink to it are one file. A
document is known by its content (``sha256``): the same content under two names is one
document, processed once; the other name gets a ``duplicate`` record naming the first
(:func:`duplicate_record`). A file that is gone from disk gets a ``removed`` record, which
drops it from the tables (:func:`removed_record`).

Statuses: ``ok`` (outputs written), ``failed`` (an error record), ``duplicate``, ``removed``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATE = "state.jsonl"

Record = dict[str, Any]


def file_key(path: str) -> str:
    """The file a path names: absolute, with symlinks resolved."""
    return os.path.realpath(path)


def key_of(record: Record) -> str:
    """A record's file key (records written before keys existed have only their path)."""
    return record.get("key") or file_key(record["path"])


def read_ledger(out_dir: Path) -> dict[str, Record]:
    """The latest record per file key; files whose latest record is ``removed`` are left out,
    and so is a torn last line (a run killed while writing it)."""
    latest: dict[str, Record] = {}
    path = out_dir / STATE
    if not path.exists():
        return latest
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            key = key_of(record)
        except (json.JSONDecodeError, TypeError, KeyError, AttributeError):
            continue
        if record.get("status") == "removed":
            latest.pop(key, None)
        else:
            latest[key] = record
    return latest


def repair_torn_line(path: Path) -> bool:
    """Cut a torn last line (no newline at its end: its writer was killed) off ``path``, so
    that the next record appended starts a line of its own. True if something was cut."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False
    if not data or data.endswith(b"\n"):
        return False
    with path.open("rb+") as handle:
        handle.truncate(data.rfind(b"\n") + 1)
    return True


def append_line(path: Path, record: Record) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def is_done(record: Record | None, sha256: str | None, fingerprint: str, out_dir: Path) -> bool:
    """Whether ``record`` is a finished document with this content and pipeline whose
    outputs still exist."""
    return bool(
        record and record.get("status") == "ok" and sha256 and record.get("sha256") == sha256
        and record.get("fingerprint") == fingerprint
        and (out_dir / record["output"]).exists() and (out_dir / record["rows"]).exists()
    )


def duplicate_record(path: str, sha256: str, fingerprint: str, original: Record) -> Record:
    return {"path": path, "key": file_key(path), "sha256": sha256, "fingerprint": fingerprint,
            "status": "duplicate", "duplicate_of": original["path"]}


def same_duplicate(record: Record | None, duplicate: Record) -> bool:
    fields = ("status", "sha256", "fingerprint", "duplicate_of")
    return record is not None and all(record.get(f) == duplicate[f] for f in fields)


def removed_record(record: Record) -> Record:
    return {"path": record["path"], "key": key_of(record), "status": "removed",
            "was": record.get("status")}
