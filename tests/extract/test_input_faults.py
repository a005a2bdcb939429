"""Hostile inputs to extract (issue #16, items 8 and 14): a text file over the size limit,
UTF-16 without a BOM, an I/O error while reading."""

from __future__ import annotations

import errno
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, seed_path, seed_text
from plannlp.cli import cli
from plannlp.errors import InputTooLargeError, ReadFailedError, UnsupportedFormatError
from plannlp.extract import extract
from plannlp.extract.settings import ExtractSettings


def _big_one_line_text(path: Path, megabytes: float) -> Path:
    line = seed_text("004").replace("\n", "")
    data = line.encode("utf-8")
    path.write_bytes(data * int(megabytes * 1_000_000 // len(data) + 1))
    return path


# -- item 8: the size guard -----------------------------------------------------------------


def test_a_text_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = _big_one_line_text(tmp_path / "big.txt", 1.3)

    def never(self):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(InputTooLargeError) as caught:
        extract(big, settings=ExtractSettings(max_text_mb=1))
    assert caught.value.code == "E110" and "1.3 MB, more than the 1 MB" in str(caught.value)
    assert "max_text_mb" in str(caught.value)


def test_the_limit_holds_for_bytes_and_standard_input_too():
    data = b"\xe3\x81\x82" * 400_000  # 1.2 MB of あ
    with pytest.raises(InputTooLargeError):
        extract(data, name="stdin.txt", settings=ExtractSettings(max_text_mb=1))


def test_the_default_limit_and_no_limit():
    assert ExtractSettings().max_text_mb == 20
    doc = extract(b"\xe3\x81\x82" * 400_000, name="a.txt", settings=ExtractSettings(max_text_mb=None))
    assert len(doc.raw_text) == 400_000


def test_a_pdf_is_not_limited_by_the_text_size(tmp_path):
    pdf = FIXTURES / "pdf" / "seed004_table.pdf"
    assert pdf.stat().st_size > 1000
    doc = extract(pdf, settings=ExtractSettings(max_text_mb=0.001))
    assert doc.raw_text


def test_the_limit_is_set_in_a_pipeline_file_or_with_an_option(tmp_path):
    big = _big_one_line_text(tmp_path / "big.txt", 1.3)
    default = (Path(__file__).resolve().parents[2] / "pipelines" / "default.toml").read_text(encoding="utf-8")
    pipeline = tmp_path / "small.toml"
    pipeline.write_text(default.replace("[extract]\n", "[extract]\nmax_text_mb = 1\n"), encoding="utf-8")
    runner = CliRunner()
    for args in (["--pipeline", str(pipeline)], ["--max-text-mb", "1"]):
        result = runner.invoke(cli, ["ingest", str(big), "-o", str(tmp_path / "o.jsonld"), "--workers", "1", *args])
        assert result.exit_code == 1
        assert "[E110]" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), "-o", str(tmp_path / "o.jsonld"),
                                 "--workers", "1", "--max-text-mb", "1"])
    assert result.exit_code == 0, result.output


def test_long_documents_run_their_sentence_stages_in_parts_with_the_same_result(monkeypatch):
    """In one process with the tokens dropped, the per-sentence stages run over parts of
    CHUNK_SENTENCES sentences (one part's tokens in memory at a time): the same document."""
    import plannlp.pipeline as pipeline_module
    from plannlp import load_pipeline
    from plannlp.export import jsonld_of, jsonld_text

    pipeline = load_pipeline(workers=1, keep_tokens=False)
    whole = pipeline.ingest(seed_path("003"))
    parts = []
    original = pipeline_module._apply

    def counting(steps, document, drop_tokens=False):
        if "tokenize" in [name for name, _ in steps]:
            parts.append(len(document.sentences))
        return original(steps, document, drop_tokens)

    monkeypatch.setattr(pipeline_module, "CHUNK_SENTENCES", 40)
    monkeypatch.setattr(pipeline_module, "_apply", counting)
    chunked = pipeline.ingest(seed_path("003"))
    assert len(whole.sentences) > 200 and len(parts) > 5 and max(parts) <= 40 + 2  # a part and its neighbours
    assert jsonld_text(jsonld_of([chunked])) == jsonld_text(jsonld_of([whole]))


# -- item 14: UTF-16 without BOM, I/O errors ------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_as_text(tmp_path, encoding):
    text = seed_text("004")
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))
    doc = extract(path)
    assert doc.source.encoding == encoding and doc.raw_text == text.replace("\r\n", "\n")


def test_binary_with_nuls_is_still_binary(tmp_path):
    rng = random.Random(0)
    data = bytes(rng.randrange(256) for _ in range(20_000)) + bytes(200)
    with pytest.raises(UnsupportedFormatError, match="binary"):
        extract(data, name="x.txt")
    with pytest.raises(UnsupportedFormatError):
        extract((FIXTURES / "text" / "garbage.bin").read_bytes(), name="garbage.txt")


def test_an_io_error_while_reading_is_a_read_error_not_a_bug(tmp_path, monkeypatch, default_pipeline):
    path = tmp_path / "plan.txt"
    path.write_text(seed_text("004"), encoding="utf-8")

    def failing_disk(self):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))

    monkeypatch.setattr(Path, "read_bytes", failing_disk)
    with pytest.raises(ReadFailedError, match="input/output error"):
        extract(path)
    result = default_pipeline.ingest_safely(path)
    assert result.status == "failed" and result.error.code == "E111"  # not E900, "a bug"
