"""Ruled tables read from scanned pages (plannlp.extract.scan_tables and its use in OCR).

The pages are the layout fixtures (real plan text) rendered to images; the scanned-table
fixture is lo_table.pdf's page skewed, blurred and stored as JPEG at 200 dpi
(tests/fixtures/pdf/ocr/SOURCE.md).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from plannlp import load_pipeline
from plannlp.extract import extract, scan_tables
from plannlp.extract import ocr as ocr_module
from plannlp.extract.settings import ExtractSettings

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
LAYOUT = PDF / "layout"
SCANNED_TABLE = PDF / "ocr" / "image_only_table.pdf"

needs_tesseract = pytest.mark.skipif(
    ocr_module.missing_requirement() is not None and not os.environ.get("CI"),
    reason=f"OCR cannot run here: {ocr_module.missing_requirement()}")


def page_image(name: str, dpi: int = 300):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(LAYOUT / f"{name}.pdf"))
    try:
        return ocr_module.render(pdf[0], dpi)
    finally:
        pdf.close()


def text_layer_table(name: str):
    (table,) = extract(LAYOUT / f"{name}.pdf").tables
    return table


def compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


# -- the grid of rules ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lo_table", "chromium_table_list"])
def test_the_grid_of_a_ruled_table_is_found_where_pdfplumber_finds_it(name):
    image = page_image(name)
    straight, grids = scan_tables.page_grids(image, 300)
    (grid,) = grids
    table = text_layer_table(name)
    assert [len(row) for row in grid.rows] == [len(row) for row in table.rows]
    # the same box as the text layer's (PDF points from pixels at 300 dpi)
    (found,) = extract(LAYOUT / f"{name}.pdf").tables
    left, top, right, bottom = (v * 72 / 300 for v in grid.box)
    page_height = 841.9
    from plannlp.extract.pdf import tables_on

    ((_, box),) = tables_on((LAYOUT / f"{name}.pdf").read_bytes(), [1])
    assert left == pytest.approx(box[0], abs=2) and right == pytest.approx(box[2], abs=2)
    assert page_height - bottom == pytest.approx(box[1], abs=2)
    assert page_height - top == pytest.approx(box[3], abs=2)
    assert found.rows == table.rows


@pytest.mark.parametrize("angle", [0.8, -1.3])
def test_a_skewed_scan_is_turned_straight_before_the_rules_are_found(angle):
    image = page_image("lo_table").rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    mask = scan_tables.ink(image)
    pieces = scan_tables.rule_pieces(mask)
    import numpy as np

    points = np.array([(row, x) for row, start, end in pieces for x in range(start, end, 4)])
    assert scan_tables.skew_angle(points) == pytest.approx(angle, abs=0.1)
    straight, grids = scan_tables.page_grids(image, 300)
    assert [len(row) for row in grids[0].rows] == [5, 5, 5, 5, 5]
    # without turning it straight, the rules are cut into pieces and no table is found
    assert scan_tables.find_grids(mask, 300) == []


@pytest.mark.parametrize("name", ["lo_two_columns", "lo_header_footer", "chromium_vertical"])
def test_a_page_of_prose_has_no_grid(name):
    assert scan_tables.page_grids(page_image(name), 300)[1] == []


def test_the_rules_are_painted_out_and_the_text_kept():
    image = page_image("lo_table")
    straight, grids = scan_tables.page_grids(image, 300)
    clean = scan_tables.without_rules(straight, grids, 300)
    assert scan_tables.horizontal_rules(scan_tables.ink(clean), 300) == []
    # the cells' ink stays (the rules are a part of the dark pixels, not most of them)
    before, after = scan_tables.ink(straight).sum(), scan_tables.ink(clean).sum()
    assert 0.5 * before < after < before


def test_words_on_the_cell_sheet_go_back_to_their_cells():
    image = page_image("chromium_table_list")
    _, grids = scan_tables.page_grids(image, 300)
    sheet = scan_tables.cell_sheet(image, grids, 300)
    assert len(sheet.spans) == sum(len(row) for row in grids[0].rows) == 10
    assert sheet.cells[0] == (0, 0, 0) and sheet.cells[-1] == (0, 1, 4)
    (first_top, first_bottom), (last_top, last_bottom) = sheet.spans[0], sheet.spans[-1]
    words = [("市を", (50, last_top + 2, 90, last_bottom - 2)),
             ("指標名", (50, first_top + 1, 120, first_bottom - 1)),
             ("右", (140, first_top + 1, 160, first_bottom - 1))]
    (rows,) = scan_tables.sheet_rows(sheet, grids, words, "".join)
    assert rows == (("指標名右", "", "", "", ""), ("", "", "", "", "市を"))


# -- OCR of a scanned table ---------------------------------------------------------------


@needs_tesseract
def test_a_scanned_table_is_read_as_rows_of_cells_like_the_text_layer():
    scanned = extract(SCANNED_TABLE)
    (table,) = scanned.tables
    reference = text_layer_table("lo_table")
    assert table.page == 1 and len(table.rows) == len(reference.rows)
    cells = [(compact(a), compact(b)) for ra, rb in zip(table.rows, reference.rows, strict=True)
             for a, b in zip(ra, rb, strict=True)]
    assert sum(a == b for a, b in cells) >= 0.8 * len(cells)
    # read into the table, not into the page's lines: no rule read as 「|」, no cell twice
    assert "|" not in scanned.raw_text and scanned.raw_text.count("0.71%") == 1
    assert table.start is not None and scanned.raw_text[table.start:table.end].startswith("指標名")


@needs_tesseract
def test_indicators_are_read_from_a_scanned_table():
    pipeline = load_pipeline(keep_tokens=False)
    scanned, text_layer = pipeline.ingest(SCANNED_TABLE), pipeline.ingest(LAYOUT / "lo_table.pdf")
    assert len(scanned.indicators) == len(text_layer.indicators) == 4

    def values(doc):
        return [(i.name, i.baseline.value, [t.value for t in i.targets]) for i in doc.indicators]

    assert values(scanned) == values(text_layer)


@needs_tesseract
def test_reading_by_cell_is_closer_to_the_text_layer_than_reading_the_page_as_lines():
    import sys

    sys.path.insert(0, str(PDF.parents[2]))
    from scripts.eval_ocr import character_error_rate

    reference = extract(LAYOUT / "lo_table.pdf").raw_text
    by_cell = extract(SCANNED_TABLE)
    as_lines = extract(SCANNED_TABLE, settings=ExtractSettings(pdf_tables=False))
    assert as_lines.tables == ()
    assert (character_error_rate(reference, by_cell.raw_text) + 0.03
            < character_error_rate(reference, as_lines.raw_text))
