"""PDF text with pypdfium2 (fast, page by page) and tables with pdfplumber (where ruled).

Memory stays bounded on long documents: each page's text page and page object are closed
before the next is opened; only the page's text is kept. pdfplumber, about 45 times slower
than PDFium on text, runs only on pages whose drawing contains enough straight lines to be a
ruled table (``TABLE_MIN_PATH_OBJECTS``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..errors import CorruptPDFError, EncryptedPDFError, MissingDependencyError, NeedsOCRError
from ..model import Page, Table
from ..pipeline import ExtractSettings

#: A page with at least this many vector path objects may hold a ruled table.
TABLE_MIN_PATH_OBJECTS = 6


@dataclass(frozen=True)
class ExtractedPDF:
    text: str
    pages: tuple[Page, ...]
    tables: tuple[Table, ...]
    warnings: tuple[str, ...]
    title: str | None


def _open(data: bytes, path: str):
    try:
        import pypdfium2 as pdfium
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingDependencyError("pypdfium2", "all", "Reading PDF files") from e
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        message = str(e).lower()
        if "password" in message:
            raise EncryptedPDFError("The PDF is password-protected.", path=path) from e
        raise CorruptPDFError(f"The PDF cannot be opened ({e}).", path=path) from e


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def _path_objects(page) -> int:
    import pypdfium2.raw as pdfium_c

    return sum(1 for obj in page.get_objects(max_depth=1) if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH)


def _tables_on(data: bytes, numbers: list[int]) -> list[Table]:
    if not numbers:
        return []
    import pdfplumber

    tables: list[Table] = []
    with pdfplumber.open(io.BytesIO(data), pages=numbers) as pdf:
        for page in pdf.pages:
            for rows in page.extract_tables():
                cleaned = tuple(
                    tuple((cell or "").replace("\n", "") for cell in row) for row in rows if any(row)
                )
                if len(cleaned) >= 2:
                    tables.append(Table(page=page.page_number, rows=cleaned))
            page.close()
    return tables


def extract_pdf(data: bytes, path: str, settings: ExtractSettings) -> ExtractedPDF:
    pdf = _open(data, path)
    try:
        count = len(pdf)
        if count == 0:
            raise CorruptPDFError("The PDF has no pages.", path=path)
        limit = min(count, settings.max_pages) if settings.max_pages else count
        chunks: list[str] = []
        pages: list[Page] = []
        empty_pages: list[int] = []
        table_pages: list[int] = []
        offset = 0
        for index in range(limit):
            try:
                page = pdf[index]
            except Exception as e:  # pdfium raises its own error types for broken page trees
                raise CorruptPDFError(f"Page {index + 1} cannot be read ({e}).", path=path) from e
            try:
                text = _page_text(page)
                if settings.pdf_tables and _path_objects(page) >= TABLE_MIN_PATH_OBJECTS:
                    table_pages.append(index + 1)
            finally:
                page.close()
            if len(text.strip()) < settings.min_chars_per_page:
                empty_pages.append(index + 1)
            if chunks:
                offset += 1  # the "\f" between pages
            pages.append(Page(index + 1, offset, offset + len(text)))
            chunks.append(text)
            offset += len(text)
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
        title = None if title.lower() in {"", "untitled"} else title
    finally:
        pdf.close()

    if len(empty_pages) == limit:
        raise NeedsOCRError(f"None of its {limit} page(s) has a text layer (an image-only PDF).", path=path)
    warnings = []
    if empty_pages:
        warnings.append(
            f"{len(empty_pages)} page(s) have no text layer and were skipped (OCR needed): "
            + ", ".join(map(str, empty_pages[:20])) + (" …" if len(empty_pages) > 20 else "")
        )
    if limit < count:
        warnings.append(f"Only the first {limit} of {count} pages were read (max_pages).")
    tables = _tables_on(data, table_pages) if table_pages else []
    return ExtractedPDF("\f".join(chunks), tuple(pages), tuple(tables), tuple(warnings), title)
