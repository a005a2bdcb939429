"""Per-sentence stages in worker processes: same document as one process, shards, failures."""

from __future__ import annotations

import os
import signal

import pytest

from conftest import FIXTURES, seed_path
from plannlp import load_pipeline
from plannlp.errors import ConfigError, CorruptPDFError, NeedsOCRError
from plannlp.extract import extract
from plannlp.extract.pdf import read_page_range
from plannlp.model import Token
from plannlp.pipeline import Pipeline
from plannlp.workers import pack, page_bounds, shard_bounds, unpack


@pytest.fixture(scope="module")
def two_processes():
    pipeline = load_pipeline(workers=2)
    pipeline.workers.min_sentences = 50  # the seeds are shorter than a long plan
    pipeline.workers.min_pages = 2  # and the PDF fixtures than a long PDF
    yield pipeline
    pipeline.close()


@pytest.fixture(scope="module")
def seed003():
    return extract(seed_path("003"))


def test_two_processes_give_the_document_one_process_gives(two_processes, default_pipeline, seed003):
    sharded = two_processes.workers.documents_sharded
    together = two_processes.run(seed003)
    assert two_processes.workers.documents_sharded == sharded + 1
    alone = default_pipeline.run(seed003)
    assert together == alone  # every sentence: tokens, role and probabilities, SDG links
    assert together.stages == alone.stages == tuple(default_pipeline.stage_names)
    assert all(type(t) is Token for s in together.sentences for t in s.tokens)
    assert sum(len(s.tokens) for s in together.sentences) > 20_000


def test_a_worker_sends_its_sentences_back_without_tokens_when_the_pipeline_drops_them(
        default_pipeline, seed003):
    pipeline = load_pipeline(workers=2, keep_tokens=False)
    try:
        pipeline.workers.min_sentences = 50
        together = pipeline.run(seed003)
        assert pipeline.workers.documents_sharded == 1
    finally:
        pipeline.close()
    assert together == default_pipeline.run(seed003).without_tokens()
    assert not any(s.tokens for s in together.sentences)


def test_pdf_pages_read_in_two_processes_give_the_same_document(two_processes, default_pipeline):
    """Seed 002's fixture: the worker reads pages 3–4, with the one-character vertical label
    in a font the PDF does not embed (the worker configures PDFium's fonts too)."""
    pdf = FIXTURES / "pdf" / "seed002_layout.pdf"
    shared = two_processes.workers.pdfs_shared
    together = two_processes.ingest(pdf)
    assert two_processes.workers.pdfs_shared == shared + 1
    assert together == default_pipeline.ingest(pdf)
    assert "\n基本構想\n" in together.raw_text


def test_an_image_only_pdf_read_in_two_processes_still_needs_ocr(two_processes):
    with pytest.raises(NeedsOCRError, match="None of its 2 page"):
        two_processes.ingest(FIXTURES / "pdf" / "image_only.pdf")


def test_short_documents_stay_in_this_process(two_processes):
    short = extract(seed_path("001"))
    two_processes.workers.min_sentences = 10_000
    sharded = two_processes.workers.documents_sharded
    try:
        assert two_processes.run(short).sentences
        assert two_processes.workers.documents_sharded == sharded
    finally:
        two_processes.workers.min_sentences = 50


def test_shards_are_contiguous_and_their_text_in_proportion_to_the_weights(seed003):
    sentences = Pipeline(["clean", "structure", "segment"]).run(seed003).sentences
    for weights in ([1, 1], [1.25, 1], [1, 1, 1]):
        bounds = shard_bounds(sentences, weights)
        assert len(bounds) == len(weights) and bounds[0][0] == 0 and bounds[-1][1] == len(sentences)
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
        lengths = [sum(len(s.text) for s in sentences[a:b]) for a, b in bounds]
        shares = [length / sum(lengths) for length in lengths]
        wanted = [w / sum(weights) for w in weights]
        assert all(abs(a - b) < 0.03 for a, b in zip(shares, wanted, strict=True)), shares
    assert shard_bounds(sentences[:1], [1, 1]) == [(0, 1), (1, 1)]


def test_page_ranges_cover_every_page_once():
    assert page_bounds(240, 2) == [(0, 120), (120, 240)]
    assert page_bounds(65, 3) == [(0, 22), (22, 43), (43, 65)]


def test_tokens_survive_packing(default_pipeline):
    doc = default_pipeline.ingest(seed_path("000"))
    assert unpack(pack(doc.sentences)) == list(doc.sentences)


def test_a_killed_worker_costs_time_not_the_document(seed003, default_pipeline):
    pipeline = load_pipeline(workers=2)
    try:
        pipeline.workers.min_sentences = 50
        pipeline.workers.wait_until_ready()
        for process in pipeline.workers._executor._processes.values():  # the worker's pid
            os.kill(process.pid, signal.SIGKILL)
        pdf = FIXTURES / "pdf" / "seed002_layout.pdf"
        pipeline.workers.min_pages = 2
        assert pipeline.ingest(pdf) == default_pipeline.ingest(pdf)  # pages 3–4 were read here
        document = pipeline.run(seed003)
        assert document == default_pipeline.run(seed003)  # its shard was run here instead
        assert pipeline.workers.broken and pipeline.workers.documents_sharded <= 1
        sharded, shared = pipeline.workers.documents_sharded, pipeline.workers.pdfs_shared
        pipeline.run(seed003)
        pipeline.ingest(pdf)
        assert (pipeline.workers.documents_sharded, pipeline.workers.pdfs_shared) == (sharded, shared)
    finally:
        pipeline.close()


def test_a_part_that_fails_in_a_worker_is_done_here_and_the_pool_stays_usable(two_processes):
    """The worker is handed a truncated copy of the PDF, so its page range fails there (the
    exception does not cross back: some cannot be unpickled); the range is read again here."""
    good = (FIXTURES / "pdf" / "seed002_layout.pdf").read_bytes()
    settings = two_processes.extract_settings

    def read_here(start, stop):
        return read_page_range(good, "good.pdf", settings, start, stop)

    with pytest.raises(CorruptPDFError):
        read_page_range(good[:2000], "broken.pdf", settings, 2, 4)  # what the worker meets
    reads = two_processes.workers.read_pdf_pages(good[:2000], "broken.pdf", settings, 4, read_here)
    assert reads == read_here(0, 4)
    assert not two_processes.workers.broken
    assert two_processes.ingest(FIXTURES / "pdf" / "seed002_layout.pdf").sentences


def test_where_no_process_can_be_started_everything_runs_here(monkeypatch, seed003,
                                                              default_pipeline):
    """A sandbox or a process limit: starting the worker fails, and the default
    ``--workers auto`` must still give the document."""
    import multiprocessing.context

    def refuse(process):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refuse)
    pipeline = load_pipeline(workers=2)
    try:
        pipeline.workers.min_sentences = 50
        assert pipeline.workers.broken
        assert pipeline.run(seed003) == default_pipeline.run(seed003)
        assert pipeline.workers.documents_sharded == 0
    finally:
        pipeline.close()


@pytest.mark.parametrize("workers", [0, -1, 1.5, "2"])
def test_workers_must_be_a_whole_number(workers):
    with pytest.raises(ConfigError, match="workers"):
        Pipeline(["clean"], workers=workers)
