"""Extract: a file (PDF or text) in, a PlanDocument with ``raw_text``, ``pages`` and ``tables`` out.

* Text files (.txt, .md, or anything that decodes as Japanese text): UTF-8 with or
  without BOM, UTF-16 with BOM, Shift_JIS/CP932 and EUC-JP are detected; newlines are
  normalised to ``\\n``; form feeds split pages.
* PDFs: a fast text path with pypdfium2, one page at a time (bounded memory), and
  pdfplumber tables on pages that hold ruling lines (see :mod:`plannlp.extract.pdf`).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import replace
from pathlib import Path

from ..errors import (
    CorruptPDFError,
    EmptyFileError,
    FileNotFound,
    InputTooLargeError,
    ReadFailedError,
    UnsupportedFormatError,
    os_error_reason,
)
from ..model import DocumentMetadata, Page, PlanDocument, Source
from .pdf import PageReader, extract_pdf
from .settings import ExtractSettings
from .text import extract_text

PDF_MAGIC = b"%PDF-"
#: PDF readers accept a header this far into the file (some generators prepend junk).
PDF_HEADER_WINDOW = 1024
TEXT_SUFFIXES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}


def read_source(source: str | Path | bytes, name: str | None = None) -> tuple[bytes, str, str]:
    """Return (bytes, path as given, display name). ``-`` reads standard input."""
    if isinstance(source, bytes | bytearray):
        return bytes(source), name or "<bytes>", name or "<bytes>"
    if str(source) == "-":
        return sys.stdin.buffer.read(), "-", name or "<stdin>"
    path = Path(source)
    if not path.exists():
        raise FileNotFound("No such file.", path=path)
    if path.is_dir():
        raise FileNotFound("This is a folder, not a file.", path=path)
    if not path.is_file():
        raise UnsupportedFormatError(
            "This is not a regular file but a named pipe (FIFO), socket or device.", path=path,
            hint="Give plannlp the plan's PDF or text file itself (or '-' to read standard input).")
    try:
        return path.read_bytes(), str(path), name or path.name
    except PermissionError as e:
        raise FileNotFound("The file cannot be read (permission denied).", path=path) from e


def media_type_of(data: bytes, name: str) -> str:
    """``application/pdf`` when the bytes start like a PDF (or a ``.pdf`` has the header
    within :data:`PDF_HEADER_WINDOW` bytes); else text by extension."""
    suffix = Path(name).suffix.lower()
    if data.lstrip()[:5] == PDF_MAGIC:
        return "application/pdf"
    if suffix == ".pdf" and PDF_MAGIC in data[:PDF_HEADER_WINDOW]:
        return "application/pdf"
    if suffix == ".pdf":
        return "application/x-not-pdf"
    return TEXT_SUFFIXES.get(suffix, "text/plain")


def extract(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    settings: ExtractSettings | None = None,
    metadata: DocumentMetadata | None = None,
    page_reader: PageReader | None = None,
) -> PlanDocument:
    """Read ``source`` into a PlanDocument (raw text, pages, tables, metadata).

    ``page_reader`` reads a PDF's pages in several processes (see
    :meth:`plannlp.workers.DocumentWorkers.read_pdf_pages`); the result is the same.
    """
    settings = settings or ExtractSettings()
    refuse_large_text_file(source, name, settings)
    try:
        data, path, display = read_source(source, name)
    except OSError as e:  # EIO and the like: the disk, not plannlp
        raise ReadFailedError(f"The file cannot be read: {os_error_reason(e)}.", path=str(source)) from e
    if not data:
        raise EmptyFileError("The file is empty (0 bytes).", path=path)
    if not data.strip():
        raise EmptyFileError("The file holds only blank characters.", path=path)
    media_type = media_type_of(data, display)
    src = Source(path=path, name=display, sha256=hashlib.sha256(data).hexdigest(),
                 media_type=media_type, size=len(data))
    if media_type == "application/x-not-pdf":
        raise CorruptPDFError(
            "The file is named .pdf but is not a PDF (it does not start with %PDF-).", path=path
        )
    if media_type == "application/pdf":
        extracted = extract_pdf(data, path, settings, page_reader=page_reader)
        doc = PlanDocument(source=src, raw_text=extracted.text, pages=extracted.pages,
                           tables=extracted.tables, warnings=extracted.warnings,
                           layout="blocks", line_boxes=extracted.boxes,
                           ocr_pages=extracted.ocr_pages,
                           metadata=DocumentMetadata(title=extracted.title))
    else:
        check_text_size(len(data), path, settings)
        text, encoding = extract_text(data, path)
        if not text.strip():
            raise EmptyFileError("The file holds only blank characters.", path=path)
        doc = PlanDocument(source=replace(src, encoding=encoding), raw_text=text,
                           pages=text_pages(text))
    if metadata is not None:
        doc = replace(doc, metadata=merge_metadata(doc.metadata, metadata))
    return doc


MEGABYTE = 1_000_000


def check_text_size(size: int, path: str, settings: ExtractSettings) -> None:
    """Refuse a text file above ``settings.max_text_mb`` (:class:`InputTooLargeError`)."""
    limit = settings.max_text_mb
    if limit is not None and size > limit * MEGABYTE:
        raise InputTooLargeError(
            f"The text file is {size / MEGABYTE:.1f} MB, more than the {limit:g} MB plannlp reads "
            "at once (max_text_mb).", path=path)


def refuse_large_text_file(source: str | Path | bytes, name: str | None, settings: ExtractSettings) -> None:
    """Before reading a file: refuse one above the text-size limit unless it is a PDF (its
    first bytes say), so a huge text file is never read into memory."""
    if isinstance(source, bytes | bytearray) or str(source) == "-" or settings.max_text_mb is None:
        return
    path = Path(source)
    try:
        if not path.is_file() or path.stat().st_size <= settings.max_text_mb * MEGABYTE:
            return
        with path.open("rb") as handle:
            head = handle.read(PDF_HEADER_WINDOW)
    except OSError:
        return  # read_source reports it
    if media_type_of(head, name or path.name) != "application/pdf":
        check_text_size(path.stat().st_size, str(path), settings)


def merge_metadata(found: DocumentMetadata, given: DocumentMetadata) -> DocumentMetadata:
    """Values the caller gave win over values found in the file."""
    values = {k: v for k, v in given.__dict__.items() if v is not None}
    return replace(found, **values)


def text_pages(text: str) -> tuple[Page, ...]:
    """Pages of a text file: split on form feeds (``\\f``), else one page."""
    pages, start = [], 0
    for number, chunk in enumerate(text.split("\f"), start=1):
        pages.append(Page(number, start, start + len(chunk)))
        start += len(chunk) + 1
    return tuple(pages)


__all__ = ["extract", "read_source", "media_type_of", "merge_metadata", "text_pages"]
