"""Batch runs: many plans, in parallel, resumable, one bad file never stops the run.

Per document (:func:`~plannlp.batch.document.process_document`, run in a worker): ingest with
the pipeline (loaded once per worker process), write ``documents/<name>-<sha12>.jsonld`` and
``….rows.json`` (the flat rows for the tables) atomically, return a small outcome record. The parent appends the outcome
to ``state.jsonl`` (flushed and fsynced) *after* the outputs are in place, so a run killed at
any moment resumes with every document processed exactly once: a rerun skips documents whose
ledger entry matches the input's sha256 and the pipeline fingerprint and whose outputs exist.

Engines (:mod:`plannlp.batch.engines`): ``local`` (a process pool, bounded number of
documents in flight) and ``dask`` (the same function on a ``distributed`` cluster); a worker
that dies costs only the document that killed it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..export.atomic import atomic_writer
from .document import sha256_file, worker_pipeline
from .engines import Task, run_dask, run_local
from .inputs import WorkItem

STATE = "state.jsonl"
ERRORS = "errors.jsonl"


# --- the ledger ---------------------------------------------------------------------------------


def read_ledger(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The latest record per input path (a torn last line from a killed run is ignored)."""
    latest: dict[str, dict[str, Any]] = {}
    path = out_dir / STATE
    if not path.exists():
        return latest
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        latest[record["path"]] = record
    return latest


def append_line(path: Path, record: dict[str, Any]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def is_done(record: dict[str, Any] | None, sha256: str | None, fingerprint: str, out_dir: Path) -> bool:
    return bool(
        record and record.get("status") == "ok" and record.get("sha256") == sha256
        and record.get("fingerprint") == fingerprint
        and (out_dir / record["output"]).exists() and (out_dir / record["rows"]).exists()
    )


# --- the run ------------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    out_dir: str
    engine: str
    workers: int
    total: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    pages: int = 0
    sentences: int = 0
    seconds: float = 0.0
    first_result_seconds: float | None = None  # when the first document finished (start-up cost)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def steady_documents_per_second(self) -> float:
        """Documents per second after the first one finished (engine start-up excluded)."""
        done = self.processed + self.failed
        if self.first_result_seconds is None or done < 2 or self.seconds <= self.first_result_seconds:
            return 0.0
        return (done - 1) / (self.seconds - self.first_result_seconds)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pages_per_second": round(self.pages_per_second, 2)}


def run_batch(items: list[WorkItem], out_dir: str | Path, *, workers: int = 1, engine: str = "local",
              scheduler: str | None = None, pipeline_name: str = "default",
              progress: Callable[[BatchSummary], None] | None = None) -> BatchSummary:
    if engine not in ("local", "dask"):
        raise UsageError(f"Unknown engine '{engine}'; choose local or dask.")
    if workers < 1:
        raise UsageError("--workers must be at least 1.")
    out = Path(out_dir)
    (out / "documents").mkdir(parents=True, exist_ok=True)
    fingerprint = worker_pipeline(pipeline_name).fingerprint
    ledger = read_ledger(out)
    summary = BatchSummary(str(out), engine, workers, total=len(items))
    tasks: list[Task] = []
    for item in items:
        sha = sha256_file(item.path)
        if is_done(ledger.get(item.path), sha, fingerprint, out):
            summary.skipped += 1
        else:
            tasks.append((item, sha or ""))
    started = time.perf_counter()
    outcomes = (run_local(tasks, out, pipeline_name, workers) if engine == "local"
                else run_dask(tasks, out, pipeline_name, workers, scheduler))
    for outcome in outcomes:
        outcome["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        if summary.first_result_seconds is None:
            summary.first_result_seconds = time.perf_counter() - started
        append_line(out / STATE, outcome)
        if outcome["status"] == "ok":
            summary.processed += 1
            summary.pages += outcome["pages"]
            summary.sentences += outcome["sentences"]
        else:
            summary.failed += 1
            summary.failures.append(outcome["error"])
            append_line(out / ERRORS, outcome["error"])
        summary.seconds = time.perf_counter() - started
        if progress is not None:
            progress(summary)
    summary.seconds = time.perf_counter() - started
    finish(out, summary)
    return summary


def finish(out: Path, summary: BatchSummary) -> None:
    """Rebuild errors.jsonl, the tables, the summary and the chart from the ledger."""
    from .report import write_chart, write_summary
    from .tables import write_tables

    ledger = read_ledger(out)
    failures = [r["error"] for r in ledger.values() if r.get("status") == "failed"]
    with atomic_writer(out / ERRORS) as handle:
        for record in failures:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    rows_files = [out / r["rows"] for r in ledger.values() if r.get("status") == "ok" and (out / r["rows"]).exists()]
    tables = write_tables(rows_files, out / "tables")
    write_summary(out, summary, ledger, tables)
    write_chart(tables.get("sdg_links"), tables.get("documents"), out / "sdg_coverage.png")
