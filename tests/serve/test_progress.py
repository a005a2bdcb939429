"""An ingest's progress (plannlp.pipeline.IngestProgress) and how the review page stores it."""

from __future__ import annotations

from pathlib import Path

from plannlp import load_pipeline
from plannlp.pipeline import IngestProgress
from plannlp.serve.store import Store, progress_text, write_progress

ROOT = Path(__file__).resolve().parents[2]
SEED_PDF = ROOT / "tests" / "fixtures" / "pdf" / "seed002_layout.pdf"


def test_pipeline_reports_pages_then_stages_up_to_100():
    seen: list[IngestProgress] = []
    pipeline = load_pipeline(workers=1, keep_tokens=False)
    with_progress = pipeline.ingest(SEED_PDF, progress=seen.append)
    percents = [p.percent for p in seen]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    pages = [p for p in seen if p.step == 0 and p.pages]
    assert pages[-1].pages_done == pages[-1].pages == len(with_progress.pages)
    assert [p.step for p in seen if p.step] == list(range(1, pipeline.progress_steps + 1))
    assert seen[-1].stage == "done"
    # reading the pages in parts gives the same document
    assert pipeline.ingest(SEED_PDF).raw_text == with_progress.raw_text


def test_percent_counts_pages_inside_the_extraction():
    assert IngestProgress("extract", 0, 5, 0, 200).percent == 0
    assert IngestProgress("extract", 0, 5, 100, 200).percent == 10
    assert IngestProgress("clean", 1, 5).percent == 20
    assert IngestProgress("done", 5, 5).percent == 100
    assert progress_text(IngestProgress("extract", 0, 5, 40, 200)) == "extract: page 40 of 200 (step 1 of 5)"


def test_stored_progress_only_grows_and_is_100_when_done(tmp_path):
    store = Store(tmp_path)
    doc_id = store.add_document("a.txt", ".txt", "text/plain", "本文です。".encode())
    write_progress(store.db_path, doc_id, IngestProgress("extract", 0, 4, 1, 2))
    assert store.document(doc_id)["progress"] == 0  # queued: not running yet
    store.set_status(doc_id, "running")
    write_progress(store.db_path, doc_id, IngestProgress("segment", 2, 4))
    write_progress(store.db_path, doc_id, IngestProgress("clean", 1, 4))  # late, smaller: kept at 50
    assert store.document(doc_id)["progress"] == 50
    write_progress(store.db_path, doc_id, IngestProgress("done", 4, 4))
    assert store.document(doc_id)["progress"] == 99  # 100 only when the result is written
    store.set_status(doc_id, "done")
    assert store.document(doc_id)["progress"] == 100
