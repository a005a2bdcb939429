"""Batch runs: many plans, in parallel, resumable, one bad file never stops the run.

Per document (``process_document``, run in a worker): ingest with the pipeline (loaded once
per worker process), write ``documents/<name>-<sha12>.jsonld`` and ``….rows.json`` (the flat
rows for the tables) atomically, return a small outcome record. The parent appends the outcome
to ``state.jsonl`` (flushed and fsynced) *after* the outputs are in place, so a run killed at
any moment resumes with every document processed exactly once: a rerun skips documents whose
ledger entry matches the input's sha256 and the pipeline fingerprint and whose outputs exist.

Engines: ``local`` (a process pool, bounded number of documents in flight) and ``dask`` (the
same function on a ``distributed`` cluster: a scheduler address, or a LocalCluster).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PlanNLPError, UsageError
from ..export import write_document
from ..export.atomic import atomic_writer
from ..export.tables import document_row, indicator_rows, sdg_link_rows, sentence_rows
from .inputs import WorkItem

STATE = "state.jsonl"
ERRORS = "errors.jsonl"

#: Pipelines loaded in this process (a worker keeps its pipeline between documents).
_PIPELINES: dict[str, Any] = {}


def worker_pipeline(name: str):
    from .. import load_pipeline

    if name not in _PIPELINES:  # the outputs carry no tokens: dropped once SDG linking has run
        _PIPELINES[name] = load_pipeline(name, keep_tokens=False)
    return _PIPELINES[name]


def init_worker(pipeline_name: str) -> None:
    worker_pipeline(pipeline_name)


def sha256_file(path: str) -> str | None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def output_stem(path: str, sha256: str) -> str:
    name = re.sub(r"[^\w\-.]+", "_", Path(path).stem)[:60] or "document"
    return f"{name}-{sha256[:12]}"


def process_document(item: WorkItem, out_dir: str, pipeline_name: str, sha256: str) -> dict[str, Any]:
    """Ingest one document and write its outputs; never raises for a bad input."""
    pipeline = worker_pipeline(pipeline_name)
    result = pipeline.ingest_safely(item.path, metadata=item.metadata)
    base = {"path": item.path, "sha256": sha256, "fingerprint": pipeline.fingerprint, "seconds": round(result.seconds, 3)}
    if result.status != "ok":
        error = result.error
        record = error.to_record() if isinstance(error, PlanNLPError) else {
            "file": item.path, "error_type": type(error).__name__, "code": None, "message": str(error), "hint": None}
        record.update(file=item.path, stage=result.stage)
        return {**base, "status": "failed", "error": record}
    doc = result.document
    stem = output_stem(item.path, doc.source.sha256)
    documents = Path(out_dir) / "documents"
    jsonld = documents / f"{stem}.jsonld"
    rows = documents / f"{stem}.rows.json"
    write_document(doc, jsonld)
    with atomic_writer(rows) as handle:
        json.dump({"documents": [document_row(doc)], "sentences": sentence_rows(doc),
                   "sdg_links": sdg_link_rows(doc), "indicators": indicator_rows(doc)}, handle, ensure_ascii=False)
    return {**base, "status": "ok", "output": str(jsonld.relative_to(out_dir)), "rows": str(rows.relative_to(out_dir)),
            "pages": len(doc.pages), "sentences": len(doc.sentences)}


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


# --- engines ------------------------------------------------------------------------------------

Task = tuple[WorkItem, str]  # (item, sha256)


def run_local(tasks: list[Task], out_dir: Path, pipeline_name: str, workers: int) -> Iterator[dict[str, Any]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                             initargs=(pipeline_name,)) as pool:
        queue = iter(tasks)
        running: dict[Any, Task] = {}

        def submit_next() -> None:
            for item, sha in queue:
                running[pool.submit(process_document, item, str(out_dir), pipeline_name, sha)] = (item, sha)
                return

        for _ in range(2 * workers):  # bounded: never more than 2 documents per worker in flight
            submit_next()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item, sha = running.pop(future)
                yield _outcome(future, item, sha)
                submit_next()


def run_dask(tasks: list[Task], out_dir: Path, pipeline_name: str, workers: int,
             scheduler: str | None) -> Iterator[dict[str, Any]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as e:
        from ..errors import MissingDependencyError

        raise MissingDependencyError("distributed", "dask", "The Dask engine") from e
    import dask

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        # Documents take hundreds of milliseconds each: the workers' statistical profiler
        # (every 10 ms) and a fast event-loop tick only cost CPU that the workers need.
        with dask.config.set({"distributed.worker.profile.enabled": False,
                              "distributed.admin.tick.interval": "500ms",
                              "distributed.worker.memory.monitor-interval": "1s",
                              "distributed.scheduler.work-stealing": False}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        queue = iter(tasks)
        owners: dict[str, Task] = {}
        pending = as_completed()

        def submit_next() -> None:
            for item, sha in queue:
                future = client.submit(process_document, item, str(out_dir), pipeline_name, sha, pure=False)
                owners[future.key] = (item, sha)
                pending.add(future)
                return

        for _ in range(2 * max(workers, len(client.scheduler_info().get("workers", {})) or 1)):
            submit_next()
        for future in pending:
            item, sha = owners.pop(future.key)
            yield _outcome(future, item, sha)
            submit_next()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _outcome(future, item: WorkItem, sha: str) -> dict[str, Any]:
    try:
        return future.result()
    except Exception as e:  # a worker died or a bug escaped: record it, keep the run going
        return {"path": item.path, "sha256": sha, "status": "failed", "seconds": 0.0,
                "error": {"file": item.path, "stage": "worker", "error_type": type(e).__name__,
                          "code": None, "message": str(e) or repr(e), "hint": None}}


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
