"""The extract entry point: sources (path, stdin, bytes) and the typed error of every bad input.

Encodings are tested in test_text_decoding.py, PDFs in test_pdf.py.
"""

from __future__ import annotations

import hashlib
import io
import sys

import pytest

from conftest import FIXTURES, seed_path
from plannlp.errors import (
    CorruptPDFError,
    EmptyFileError,
    EncryptedPDFError,
    FileNotFound,
    InputError,
    NeedsOCRError,
    UnsupportedFormatError,
)
from plannlp.extract import extract

TEXT = FIXTURES / "text"
PDF = FIXTURES / "pdf"


@pytest.mark.parametrize(("path", "error", "words"), [
    (TEXT / "empty.txt", EmptyFileError, "empty (0 bytes)"),
    (TEXT / "garbage.bin", UnsupportedFormatError, "binary file"),
    (PDF / "truncated.pdf", CorruptPDFError, "damaged or incomplete"),
    (PDF / "encrypted.pdf", EncryptedPDFError, "password-protected"),
    (PDF / "image_only.pdf", NeedsOCRError, "has a text layer"),
    (FIXTURES / "missing.pdf", FileNotFound, "No such file"),
])
def test_bad_inputs_raise_typed_errors_that_name_the_file(path, error, words):
    with pytest.raises(error) as caught:
        extract(path)
    err = caught.value
    assert isinstance(err, InputError)
    assert err.path == str(path)
    assert str(err).startswith(f"[{err.code}] {path}: ") and words in str(err)
    assert err.hint  # every input error says what to do next
    record = err.to_record()
    assert record["file"] == str(path) and record["error_type"] == error.__name__


@pytest.mark.parametrize("content", ["\u3000\n \n\u3000\u3000\n", "\ufeff\n\n", " \t\r\n"])
def test_blank_text_is_empty(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EmptyFileError) as caught:
        extract(path)
    assert "blank.txt" in str(caught.value) and "blank characters" in str(caught.value)


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(FileNotFound) as caught:
        extract(tmp_path)
    assert str(tmp_path) in str(caught.value) and "folder" in str(caught.value)


def test_path_bytes_and_stdin_give_the_same_document(monkeypatch):
    path = seed_path("001")
    data = path.read_bytes()
    from_path = extract(path)
    from_bytes = extract(data, name=path.name)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    from_stdin = extract("-")
    assert from_path.raw_text == from_bytes.raw_text == from_stdin.raw_text
    assert from_path.source.sha256 == from_stdin.source.sha256 == hashlib.sha256(data).hexdigest()
    assert (from_bytes.source.path, from_bytes.source.name) == (path.name, path.name)
    assert (from_stdin.source.path, from_stdin.source.name) == ("-", "<stdin>")
    assert from_stdin.source.size == len(data)


def test_empty_stdin_names_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(EmptyFileError) as caught:
        extract("-")
    assert str(caught.value).startswith("[E102] -: ")


def test_extract_does_not_run_later_stages():
    doc = extract(seed_path("000"))
    assert doc.text == "" and doc.sentences == () and doc.stages == ()
