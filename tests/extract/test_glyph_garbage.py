"""A text layer of glyph codes (fonts without a Unicode map) is not text (issue #16, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from plannlp.errors import NeedsOCRError
from plannlp.extract import extract
from plannlp.extract.settings import ExtractSettings

#: without OCR (--ocr never): what happens where Tesseract is not installed
NO_OCR = ExtractSettings(ocr="never")

LAYOUT = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "layout"


def without_unicode_maps(source: Path, keep_pages: tuple[int, ...] = ()) -> bytes:
    """``source`` with the ToUnicode maps of its fonts removed, as PDFs of some old DTP systems
    come (PDFium then reads glyph codes); ``keep_pages`` (0-based) come from an untouched
    copy of the file, with fonts of their own."""
    import io

    garbled, intact = PdfReader(source), PdfReader(source)
    for page in garbled.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" in font:
                del font[NameObject("/ToUnicode")]
    writer = PdfWriter()
    for number in range(len(garbled.pages)):
        writer.add_page((intact if number in keep_pages else garbled).pages[number])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_of_glyph_codes_only_needs_ocr():
    data = without_unicode_maps(LAYOUT / "reportlab_right_first.pdf")
    with pytest.raises(NeedsOCRError, match="no Unicode map: the text is glyph codes"):
        extract(data, name="garbage.pdf", settings=NO_OCR)


def test_glyph_code_pages_are_left_out_and_named_in_a_warning():
    data = without_unicode_maps(LAYOUT / "reportlab_right_first.pdf", keep_pages=(1,))
    doc = extract(data, name="mixed.pdf", settings=NO_OCR)
    first = doc.raw_text[doc.pages[0].start:doc.pages[0].end]
    second = doc.raw_text[doc.pages[1].start:doc.pages[1].end]
    assert first == "" and "協働" in second
    assert doc.warnings == ("1 page(s) have no text layer (scanned, or fonts without a Unicode "
                            "map whose glyph codes were left out; OCR needed): page 1.",)


def test_glyph_code_pages_are_read_by_ocr_when_tesseract_is_installed():
    from plannlp.extract import ocr

    if ocr.missing_requirement():
        pytest.skip(f"OCR cannot run here: {ocr.missing_requirement()}")
    data = without_unicode_maps(LAYOUT / "reportlab_right_first.pdf", keep_pages=(1,))
    doc = extract(data, name="mixed.pdf")
    assert [p.page for p in doc.ocr_pages] == [1] and doc.warnings == ()
    assert "協働" in doc.raw_text[doc.pages[0].start:doc.pages[0].end]


def test_readable_fixtures_are_not_taken_for_glyph_codes():
    for pdf in sorted(LAYOUT.glob("*.pdf")):
        assert extract(pdf).warnings == (), pdf.name
