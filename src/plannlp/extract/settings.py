"""Settings of the extract step (``[extract]`` in a pipeline file)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError

#: ``ocr``: ``auto`` reads the pages without a usable text layer with OCR (when Tesseract is
#: installed), ``never`` leaves them out, ``always`` OCRs every page.
OCR_MODES = ("auto", "never", "always")


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
    ocr: str = "auto"  # auto | never | always (see OCR_MODES)
    ocr_dpi: int = 300  # pages are rendered at this resolution for OCR
    ocr_workers: int = 2  # Tesseract runs at the same time (one process each)

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ConfigError(f"ocr must be one of {', '.join(OCR_MODES)}, not {self.ocr!r}.")
        if not isinstance(self.ocr_dpi, int) or not 72 <= self.ocr_dpi <= 600:
            raise ConfigError(f"ocr_dpi must be a whole number from 72 to 600, not {self.ocr_dpi!r}.")
        if not isinstance(self.ocr_workers, int) or self.ocr_workers < 1:
            raise ConfigError(f"ocr_workers must be a whole number of at least 1, not {self.ocr_workers!r}.")
