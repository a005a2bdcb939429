"""Settings of the extract step (``[extract]`` in a pipeline file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractSettings:
    """Settings of the extract step (``[extract]`` in a pipeline file)."""

    pdf_tables: bool = True  # run pdfplumber on pages that look like they hold tables
    max_pages: int | None = None  # stop after this many pages (None: all)
    min_chars_per_page: int = 20  # below this on every page, the PDF needs OCR
    #: Text files above this many megabytes (10^6 bytes) are refused (InputTooLargeError,
    #: E110) before they are decoded: the analysis needs many times a file's size in memory
    #: (docs/extract.md, "Size limit"). None: no limit. PDFs are read page by page and are
    #: limited by ``max_pages`` instead.
    max_text_mb: float | None = 20
