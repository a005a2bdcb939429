"""Settings of the extract step (``[extract]`` in a pipeline file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractSettings:
    """Settings of the extract step (``[extract]`` in a pipeline file)."""

    pdf_tables: bool = True  # run pdfplumber on pages that look like they hold tables
    max_pages: int | None = None  # stop after this many pages (None: all)
    min_chars_per_page: int = 20  # below this on every page, the PDF needs OCR
