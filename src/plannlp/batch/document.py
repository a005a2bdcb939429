"""What a batch worker does with one document: ingest it with the pipeline (loaded once per
worker process), write ``documents/<name>-<sha12>.jsonld`` and ``….rows.json`` (the flat rows
for the tables) atomically, and return a small outcome record."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..errors import PlanNLPError
from ..export import write_document
from ..export.atomic import atomic_writer
from ..export.tables import document_row, indicator_rows, sdg_link_rows, sentence_rows
from ..workers import stop_with_parent
from .inputs import WorkItem

#: Pipelines loaded in this process (a worker keeps its pipeline between documents).
_PIPELINES: dict[str, Any] = {}


def worker_pipeline(name: str):
    from .. import load_pipeline

    if name not in _PIPELINES:  # the outputs carry no tokens: dropped once SDG linking has run
        _PIPELINES[name] = load_pipeline(name, keep_tokens=False)
    return _PIPELINES[name]


def init_worker(pipeline_name: str, parent: int, kernel_signal: bool) -> None:
    """Start a batch worker process: it ends with the run's main process (see
    :func:`plannlp.workers.stop_with_parent`) and loads the pipeline once."""
    stop_with_parent(parent, kernel_signal)
    worker_pipeline(pipeline_name)


def sha256_file(path: str) -> str | None:
    """The file's sha256; None if it cannot be read or is not a regular file (a named pipe
    would block the run, waiting for a writer)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
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
