"""The review server's state: one SQLite file in the data folder (stdlib sqlite3).

Tables: ``documents`` (an upload, its generated file name, its ingest status and progress)
and ``corrections`` (who changed which sentence's role or goal, when; ``undone`` with who
undid it and when).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, stored TEXT NOT NULL, media_type TEXT NOT NULL,
    size INTEGER NOT NULL, status TEXT NOT NULL, error TEXT, created TEXT NOT NULL,
    updated TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0, stage TEXT);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT, document TEXT NOT NULL REFERENCES documents(id),
    sentence TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('role', 'add_goal', 'remove_goal')),
    value TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0,
    undone_by TEXT, undone_at TEXT);
"""
#: columns added after the first release: (table, column, declaration), added to an older file
MIGRATIONS = (
    ("corrections", "undone_by", "TEXT"),
    ("corrections", "undone_at", "TEXT"),
    ("documents", "progress", "REAL NOT NULL DEFAULT 0"),
    ("documents", "stage", "TEXT"),
)

STATUSES = ("queued", "running", "done", "failed")
#: an ingest's progress stays below this until its result is written (then: 100)
PROGRESS_BEFORE_DONE = 99.0


def progress_text(progress) -> str:
    """What the page says of an :class:`plannlp.pipeline.IngestProgress`."""
    if progress.step == 0 and progress.pages:
        return f"extract: page {progress.pages_done} of {progress.pages} (step 1 of {progress.steps})"
    return f"{progress.stage} (step {min(progress.step + 1, progress.steps)} of {progress.steps})"


def write_progress(db_path: str | Path, doc_id: str, progress) -> None:
    """Record an ingest's progress (called in the ingest process, which has no Store): the
    percentage only grows, and stays below 100 until the server marks the document done."""
    percent = min(progress.percent, PROGRESS_BEFORE_DONE)
    with sqlite3.connect(db_path, timeout=30) as connection:
        connection.execute("UPDATE documents SET progress=MAX(progress, ?), stage=? WHERE id=? AND status='running'",
                           (percent, progress_text(progress), doc_id))
    connection.close()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, data_dir: Path, *, recover: bool = True) -> None:
        self.data_dir = Path(data_dir)
        for sub in ("uploads", "results", "cache"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db_path = self.data_dir / "plannlp-serve.sqlite3"
        self._db = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(SCHEMA)
        for table, column, declaration in MIGRATIONS:
            if column not in {r["name"] for r in self._db.execute(f"PRAGMA table_info({table})")}:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        if recover:  # the server starting: an ingest cut short by a restart will not finish
            self._db.execute("UPDATE documents SET status='failed', error=? WHERE status IN ('queued','running')",
                             ("The server stopped before this ingest finished; upload the file again.",))
        self._db.commit()

    def _run(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
            self._db.commit()
            return rows

    # -- documents ---------------------------------------------------------------------

    def add_document(self, name: str, suffix: str, media_type: str, data: bytes) -> str:
        doc_id = uuid.uuid4().hex[:16]
        stored = f"{doc_id}{suffix}"  # a generated name: the uploaded name never becomes a path
        (self.data_dir / "uploads" / stored).write_bytes(data)
        stamp = now()
        self._run("INSERT INTO documents (id, name, stored, media_type, size, status, error, created, updated) "
                  "VALUES (?,?,?,?,?,?,?,?,?)", (doc_id, name, stored, media_type, len(data), "queued", None, stamp, stamp))
        return doc_id

    def set_status(self, doc_id: str, status: str, error: str | None = None) -> None:
        assert status in STATUSES
        self._run("UPDATE documents SET status=?, error=?, updated=?, progress=CASE WHEN ?='done' THEN 100 "
                  "ELSE progress END WHERE id=?", (status, error, now(), status, doc_id))

    def document(self, doc_id: str) -> sqlite3.Row | None:
        rows = self._run("SELECT * FROM documents WHERE id=?", (doc_id,))
        return rows[0] if rows else None

    def documents(self) -> list[sqlite3.Row]:
        return self._run("SELECT * FROM documents ORDER BY created DESC, rowid DESC")

    def upload_path(self, row: sqlite3.Row) -> Path:
        return self.data_dir / "uploads" / row["stored"]

    def result_path(self, doc_id: str) -> Path:
        return self.data_dir / "results" / f"{doc_id}.jsonld"

    # -- corrections -------------------------------------------------------------------

    def add_correction(self, doc_id: str, sentence: str, kind: str, value: str, who: str) -> None:
        self._run("INSERT INTO corrections (document, sentence, kind, value, who, at) VALUES (?,?,?,?,?,?)",
                  (doc_id, sentence, kind, value, who, now()))

    def corrections(self, doc_id: str | None = None, include_undone: bool = False) -> list[sqlite3.Row]:
        sql = "SELECT * FROM corrections WHERE 1=1"
        args: tuple = ()
        if doc_id is not None:
            sql, args = sql + " AND document=?", (doc_id,)
        if not include_undone:
            sql += " AND undone=0"
        return self._run(sql + " ORDER BY id", args)

    def undo_last(self, doc_id: str, who: str = "") -> bool:
        rows = self._run("SELECT id FROM corrections WHERE document=? AND undone=0 ORDER BY id DESC LIMIT 1",
                         (doc_id,))
        return bool(rows) and self.undo(doc_id, rows[0]["id"], who)

    def undo(self, doc_id: str, correction_id: int, who: str = "") -> bool:
        """Undo one correction of ``doc_id`` (any, not only the last), recording who and when;
        False when it is not this document's or already undone. Later corrections stay."""
        with self._lock:
            changed = self._db.execute(
                "UPDATE corrections SET undone=1, undone_by=?, undone_at=? WHERE id=? AND document=? AND undone=0",
                (who, now(), correction_id, doc_id)).rowcount
            self._db.commit()
        return changed == 1
