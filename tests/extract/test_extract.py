"""Extraction of text files and PDFs, and the typed error of every bad input."""

from __future__ import annotations

import tracemalloc

import pytest

from conftest import FIXTURES, seed_path
from plannlp.errors import (
    CorruptPDFError,
    EmptyFileError,
    EncryptedPDFError,
    FileNotFound,
    NeedsOCRError,
    UnknownEncodingError,
    UnsupportedFormatError,
)
from plannlp.extract import extract
from plannlp.model import DocumentMetadata
from plannlp.pipeline import ExtractSettings

TEXT = FIXTURES / "text"
PDF = FIXTURES / "pdf"
SEED_001_OPENING = "人口減少と少子・超高齢化に加え、令和元年東日本台風による被害"


@pytest.mark.parametrize(("name", "encoding"), [
    ("sjis.txt", "cp932"), ("eucjp.txt", "euc_jp"), ("utf8_bom.txt", "utf-8-sig"),
])
def test_japanese_encodings_are_detected(name, encoding):
    doc = extract(TEXT / name)
    assert doc.source.encoding == encoding
    assert SEED_001_OPENING in doc.raw_text
    assert not doc.raw_text.startswith("\ufeff")


def test_seed_text_is_utf8_with_one_page():
    doc = extract(seed_path("004"))
    assert doc.source.encoding == "utf-8" and doc.source.media_type == "text/plain"
    assert [(p.number, p.start, p.end) for p in doc.pages] == [(1, 0, len(doc.raw_text))]
    assert len(doc.source.sha256) == 64


def test_bytes_and_form_feed_pages():
    doc = extract("一ページ目です。\f二ページ目です。".encode(), name="x.txt")
    assert [doc.raw_text[p.start:p.end] for p in doc.pages] == ["一ページ目です。", "二ページ目です。"]
    assert doc.source.name == "x.txt"


@pytest.mark.parametrize(("path", "error", "words"), [
    (TEXT / "empty.txt", EmptyFileError, "empty"),
    (TEXT / "garbage.bin", UnsupportedFormatError, "binary"),
    (PDF / "truncated.pdf", CorruptPDFError, "cannot be opened"),
    (PDF / "encrypted.pdf", EncryptedPDFError, "password"),
    (PDF / "image_only.pdf", NeedsOCRError, "text layer"),
    (FIXTURES / "missing.pdf", FileNotFound, "No such file"),
])
def test_bad_inputs_raise_typed_errors_that_name_the_file(path, error, words):
    with pytest.raises(error) as caught:
        extract(path)
    message = str(caught.value)
    assert path.name in message and words in message
    assert caught.value.hint  # every input error says what to do


def test_unknown_encoding_names_the_file(tmp_path):
    # Latin-1 accented text: neither UTF-8, CP932 nor EUC-JP reads it as text
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9 cr\xe8me br\xfbl\xe9e, \xe0 la fran\xe7aise \xa9\xae\x85\x80".encode("latin-1") * 5)
    with pytest.raises((UnknownEncodingError, UnsupportedFormatError)) as caught:
        extract(path)
    assert "latin1.txt" in str(caught.value)


def test_blank_text_is_empty(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\u3000\n \n\u3000\u3000\n", encoding="utf-8")
    with pytest.raises(EmptyFileError):
        extract(path)


def test_pdf_pages_keep_their_numbers_and_text():
    doc = extract(PDF / "seed002_layout.pdf")
    assert doc.source.media_type == "application/pdf"
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert doc.raw_text.count("\f") == 3
    first = doc.raw_text[doc.pages[0].start:doc.pages[0].end]
    assert "計画策定の趣旨" in first and "合併して誕" in first
    second = doc.raw_text[doc.pages[1].start:doc.pages[1].end]
    assert "ｱﾝｹｰﾄ" in second  # half-width katakana as laid out; cleanup folds it
    assert doc.metadata.title == "第二次佐久市総合計画 後期基本計画 策定方針"


def test_ruled_table_is_read_with_pdfplumber():
    doc = extract(PDF / "seed004_table.pdf")
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert rows[0][0] == "指標名"
    assert rows[1] == ("NPO・ボランティア登録団体数", "93団体", "105団体", "113団体")


def test_tables_are_skipped_when_turned_off():
    assert extract(PDF / "seed004_table.pdf", settings=ExtractSettings(pdf_tables=False)).tables == ()


def test_given_metadata_wins_over_what_the_file_says():
    doc = extract(PDF / "seed002_layout.pdf", metadata=DocumentMetadata(title="後期基本計画", municipality="佐久市"))
    assert doc.metadata.title == "後期基本計画" and doc.metadata.municipality == "佐久市"


@pytest.mark.slow
def test_a_1000_page_pdf_is_streamed_with_bounded_memory(tmp_path):
    from scripts.make_fixtures import build_long_pdf

    path = tmp_path / "long.pdf"
    path.write_bytes(build_long_pdf(1000, lines_per_page=12))
    tracemalloc.start()
    doc = extract(path, settings=ExtractSettings(pdf_tables=False))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(doc.pages) == 1000 and doc.pages[-1].number == 1000
    text_bytes = len(doc.raw_text.encode("utf-8"))
    assert peak < 20 * text_bytes + 30_000_000  # Python-side memory: the text and little else
    limited = extract(path, settings=ExtractSettings(pdf_tables=False, max_pages=5))
    assert len(limited.pages) == 5 and "max_pages" in limited.warnings[0]
