"""Hostile line lengths (issue 16, item 1): every sentence kind is cut to the sentence length
limit, and the tokenizers never see a text longer than they can take."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import seed_text
from plannlp.model import PlanDocument, Section, Source
from plannlp.stages.segment import SegmentSettings, segment_text
from plannlp.stages.tokenize import MAX_ANALYSED_CHARS, Morphology

LIMIT = SegmentSettings().max_sentence_chars
ROW = "\t".join(["指標名", "現状値（令和元年度）", "目標値（令和7年度）"])


def _document(raw: str) -> PlanDocument:
    return PlanDocument(source=Source("hostile.txt", "hostile.txt", "0" * 64, "text/plain", len(raw)),
                        raw_text=raw)


def test_every_sentence_kind_is_cut_to_the_length_limit():
    prose = seed_text("004").split("\n")[5]
    heading = "◆" + "市民協働によるまちづくりの推進" * 200
    text = "\n".join([heading, "\t".join([ROW] * 300), "※1 " + "用語の解説、" * 400, prose])
    sections = (Section("sec-1", heading, 1, "◆", 0, len(heading), len(text)),)
    sentences = segment_text(text, sections, SegmentSettings())
    kinds = {s.kind for s in sentences}
    assert kinds >= {"heading", "table_row", "footnote"}
    assert max(len(s.text) for s in sentences) <= LIMIT
    assert all(text[s.start:s.end] == s.text and s.text == s.text.strip() for s in sentences)
    assert "".join("".join(s.text.split()) for s in sentences) == "".join(text.split())  # nothing lost
    for kind, count in (("heading", len(heading) // LIMIT), ("table_row", 300 * len(ROW) // LIMIT)):
        assert sum(s.kind == kind for s in sentences) > count


def test_the_tokenizer_analyses_a_text_beyond_sudachis_limit_in_pieces():
    morphology = Morphology()
    text = (ROW + "\t") * 3000  # about 90,000 characters, 250 KB in UTF-8: Sudachi refuses 49,149 bytes
    seen: list[int] = []
    tagger = morphology._tagger
    morphology._tagger = type("Spy", (), {"parse": lambda _, t: seen.append(len(t)) or tagger.parse(t),
                                          "__call__": lambda _, t: tagger(t)})()
    tokens = morphology.tokens(text, 7)
    assert seen and max(seen) <= MAX_ANALYSED_CHARS
    assert "".join(t.surface for t in tokens) == "".join(text.split())
    assert all(text[t.start - 7:t.end - 7] == t.surface for t in tokens)
    assert all(a.end <= b.start for a, b in zip(tokens, tokens[1:], strict=False))


def test_a_line_over_sudachis_limit_is_ingested(default_pipeline, tmp_path):
    path = tmp_path / "long_row.txt"
    path.write_text("第1章 計画の概要\n" + "\t".join([ROW] * 2000) + "\n市の人口は減少しています。\n",
                    encoding="utf-8")
    result = default_pipeline.ingest_safely(path)
    assert result.status == "ok", result.error
    assert max(len(s.text) for s in result.document.sentences) <= LIMIT


@pytest.mark.slow
def test_a_million_character_table_row_does_not_crash_ingest(tmp_path):
    """Before: MeCab died with a segmentation fault on this line (exit status -11)."""
    path = tmp_path / "million.txt"
    path.write_text("\t".join([ROW] * (1_000_000 // len(ROW))) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "plannlp", "ingest", str(path), "--workers", "1",
                           "--format", "jsonl", "-o", str(tmp_path / "out.jsonl")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.jsonl").stat().st_size > 1_000_000
