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
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..export.atomic import atomic_writer
from .document import sha256_file, worker_pipeline
from .engines import Task, run_dask, run_local
from .folder import output_lock, remove_leftover_temporaries
from .inputs import WorkItem
from .ledger import (
    STATE,
    Record,
    append_line,
    duplicate_record,
    file_key,
    is_done,
    read_ledger,
    removed_record,
    repair_torn_line,
    same_duplicate,
)
from .selection import SetAside

ERRORS = "errors.jsonl"
__all__ = ["BatchSummary", "read_ledger", "run_batch"]


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
    #: inputs whose content another input has (file, duplicate_of): not processed again
    duplicates: list[dict[str, str]] = field(default_factory=list)
    #: files of earlier runs that are gone from disk, dropped from the tables by this run
    removed: list[str] = field(default_factory=list)
    #: temporary files that killed runs or workers had left in the output folder
    temporary_files_removed: int = 0
    #: files of the input folders not taken (file, reason): not plans by their content, or
    #: left out by --include/--exclude
    set_aside: list[dict[str, str]] = field(default_factory=list)

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


@dataclass
class RunPlan:
    """What a run does with its inputs, decided from the ledger before any work."""

    tasks: list[Task] = field(default_factory=list)
    skipped: int = 0
    duplicates: list[Record] = field(default_factory=list)
    removed: list[Record] = field(default_factory=list)
    new_records: list[Record] = field(default_factory=list)  # to append to the ledger now


def plan_run(items: list[WorkItem], ledger: dict[str, Record], fingerprint: str, out: Path) -> RunPlan:
    """Skip what is done; process each content once (a second name for the same content is
    a duplicate of the first); drop files of earlier runs that are gone from disk.

    Checked in this order for each input (by its key, see :mod:`plannlp.batch.ledger`):
    done with this content and pipeline → skipped; content already done or planned under
    another name → duplicate; else → processed.
    """
    plan = RunPlan()
    inputs: dict[str, tuple[WorkItem, str | None]] = {}  # one item per file, as first given
    for item in items:
        key = file_key(item.path)
        if key not in inputs:
            inputs[key] = (item, sha256_file(item.path))
    for key, record in ledger.items():
        if key not in inputs and not os.path.isfile(key):
            plan.removed.append(record)
            plan.new_records.append(removed_record(record))
    holders = _content_holders(inputs, ledger, fingerprint, out)
    for key, (item, sha) in inputs.items():
        record = ledger.get(key)
        holder = holders.get(sha) if sha else None
        if is_done(record, sha, fingerprint, out):
            plan.skipped += 1
        elif holder is not None:
            duplicate = duplicate_record(item.path, sha, fingerprint, holder)
            plan.duplicates.append(duplicate)
            if not same_duplicate(record, duplicate):
                plan.new_records.append(duplicate)
        else:
            plan.tasks.append((item, sha or ""))
            if sha:
                holders[sha] = {"path": item.path, "key": key}
    return plan


def _content_holders(inputs: dict[str, tuple[WorkItem, str | None]], ledger: dict[str, Record],
                     fingerprint: str, out: Path) -> dict[str, Record]:
    """sha256 → the done record that holds that content: this run's inputs first (in order),
    then files of earlier runs that still exist."""
    holders: dict[str, Record] = {}
    for key, (_, sha) in inputs.items():
        if is_done(ledger.get(key), sha, fingerprint, out):
            holders.setdefault(sha, ledger[key])
    for key, record in sorted(ledger.items()):
        if key not in inputs and os.path.isfile(key) and is_done(record, record.get("sha256"), fingerprint, out):
            holders.setdefault(record["sha256"], record)
    return holders


def run_batch(items: list[WorkItem], out_dir: str | Path, *, workers: int = 1, engine: str = "local",
              scheduler: str | None = None, pipeline_name: str = "default",
              progress: Callable[[BatchSummary], None] | None = None,
              set_aside: Iterable[SetAside] = (), workbook: bool = True) -> BatchSummary:
    """Run ``items`` into ``out_dir``; ``set_aside`` (from
    :func:`~plannlp.batch.inputs.collect_inputs`) is listed in the summary; ``workbook``: write
    ``tables/tables.xlsx`` too."""
    if engine not in ("local", "dask"):
        raise UsageError(f"Unknown engine '{engine}'; choose local or dask.")
    if workers < 1:
        raise UsageError("--workers must be at least 1.")
    out = Path(out_dir)
    (out / "documents").mkdir(parents=True, exist_ok=True)
    fingerprint = worker_pipeline(pipeline_name).fingerprint
    with output_lock(out):
        temporaries = remove_leftover_temporaries(out)
        for log in (out / STATE, out / ERRORS):
            repair_torn_line(log)
        plan = plan_run(items, read_ledger(out), fingerprint, out)
        for record in plan.new_records:
            append_line(out / STATE, record)
        summary = BatchSummary(
            str(out), engine, workers, total=len(plan.tasks) + plan.skipped + len(plan.duplicates),
            skipped=plan.skipped, removed=[r["path"] for r in plan.removed],
            duplicates=[{"file": r["path"], "duplicate_of": r["duplicate_of"]} for r in plan.duplicates],
            temporary_files_removed=temporaries, set_aside=[f.to_dict() for f in set_aside])
        _process(plan.tasks, out, summary, pipeline_name, scheduler, progress)
        finish(out, summary, workbook=workbook)
    return summary


def _process(tasks: list[Task], out: Path, summary: BatchSummary, pipeline_name: str,
             scheduler: str | None, progress: Callable[[BatchSummary], None] | None) -> None:
    """Run the tasks on the summary's engine, appending each outcome to the ledger."""
    engine, workers = summary.engine, summary.workers
    started = time.perf_counter()
    outcomes = (run_local(tasks, out, pipeline_name, workers) if engine == "local"
                else run_dask(tasks, out, pipeline_name, workers, scheduler))
    for outcome in outcomes:
        outcome["key"] = file_key(outcome["path"])
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


def finish(out: Path, summary: BatchSummary, *, workbook: bool = True) -> None:
    """Rebuild errors.jsonl, the tables (and, with ``workbook``, their Excel workbook), the
    summary and the chart from the ledger: one document row per content, one error line per
    failed file."""
    from .report import write_chart, write_summary
    from .tables import write_tables

    ledger = read_ledger(out)
    documents, duplicates = documents_and_duplicates(ledger)
    failures = [r["error"] for r in ledger.values() if r.get("status") == "failed"]
    with atomic_writer(out / ERRORS) as handle:
        for record in failures:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tables = write_tables([out / r["rows"] for r in documents if (out / r["rows"]).exists()], out / "tables",
                          workbook=workbook)
    remove_unlisted_outputs(out, ledger)
    write_summary(out, summary, documents, failures, duplicates, tables)
    write_chart(tables.get("sdg_links"), tables.get("documents"), out / "sdg_coverage.png")


def documents_and_duplicates(ledger: dict[str, Record]) -> tuple[list[Record], list[dict[str, str]]]:
    """The ok records, one per content (the first by file key), and every other name of a
    content as (file, duplicate_of)."""
    documents: dict[str, Record] = {}
    duplicates = []
    for key in sorted(ledger):
        record = ledger[key]
        if record.get("status") == "duplicate":
            duplicates.append({"file": record["path"], "duplicate_of": record["duplicate_of"]})
        elif record.get("status") == "ok":
            first = documents.setdefault(record["sha256"], record)
            if first is not record:
                duplicates.append({"file": record["path"], "duplicate_of": first["path"]})
    return list(documents.values()), duplicates


def remove_unlisted_outputs(out: Path, ledger: dict[str, Record]) -> None:
    """Delete per-document outputs that no ledger record lists any more (their file was
    removed, changed or became a duplicate), so documents/ holds what the tables hold."""
    listed = {out / r[name] for r in ledger.values() if r.get("status") == "ok" for name in ("output", "rows")}
    for path in (out / "documents").glob("*-*"):
        if path.name.endswith((".jsonld", ".rows.json")) and path not in listed:
            path.unlink(missing_ok=True)
