"""OCR of pages without a text layer (plannlp.extract.ocr, issue #18).

ocr/image_only_seed.pdf is page 1 of layout/lo_two_columns.pdf rendered at 150 dpi (greyscale,
JPEG) and wrapped into a PDF without any text (``python scripts/eval_ocr.py
--make-fixture``): real plan text, so the OCR'd document is compared with the same page read
from its text layer. CI installs Tesseract and its Japanese models (.ci/run); elsewhere the
tests that need them are skipped when they are missing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from plannlp import load_pipeline
from plannlp.errors import ConfigError, NeedsOCRError
from plannlp.export.jsonld import to_jsonld
from plannlp.extract import extract
from plannlp.extract import ocr as ocr_module
from plannlp.extract.layout import TextLine
from plannlp.extract.ocr import OCRUnavailableError, join_words, layout_of, settle_sizes
from plannlp.extract.settings import ExtractSettings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from scripts.eval_ocr import character_error_rate, edit_distance  # noqa: E402

PDF = ROOT / "tests" / "fixtures" / "pdf"
SCAN = PDF / "ocr" / "image_only_seed.pdf"
SOURCE = PDF / "layout" / "lo_two_columns.pdf"

needs_tesseract = pytest.mark.skipif(
    ocr_module.missing_requirement() is not None and not os.environ.get("CI"),
    reason=f"OCR cannot run here: {ocr_module.missing_requirement()}")


@pytest.fixture(scope="module")
def pipeline():
    return load_pipeline(keep_tokens=False)


@pytest.fixture(scope="module")
def scanned(pipeline):
    return pipeline.ingest(SCAN)


# -- end to end ---------------------------------------------------------------------------


@needs_tesseract
def test_an_image_only_pdf_is_read_by_ocr_end_to_end(pipeline, scanned):
    text_layer = pipeline.ingest(SOURCE)
    assert character_error_rate(text_layer.raw_text, scanned.raw_text) < 0.08
    assert len(scanned.sentences) >= 0.8 * len(text_layer.sentences)
    roles = {s.role.label for s in scanned.sentences}
    assert {"issue", "measure"} <= roles
    assert "観光誘客" in scanned.text and "　" not in scanned.raw_text.replace("\n", "")[:50]
    (page,) = scanned.ocr_pages
    assert page.page == 1 and page.confidence > ocr_module.LOW_CONFIDENCE
    assert page.engine.startswith("tesseract ") and page.engine.endswith(" jpn")


@needs_tesseract
def test_ocr_provenance_is_in_the_jsonld(scanned):
    graph = json.loads(json.dumps(to_jsonld(scanned), ensure_ascii=False))["@graph"]
    document = graph[0]
    (ocr_page_id,) = document["ocrPages"]
    (node,) = [n for n in graph if n.get("id") == ocr_page_id]
    assert node["type"] == "OCRPage" and node["page"] == 1 and node["partOf"] == document["id"]
    assert 0.6 < node["ocrConfidence"] <= 1 and node["ocrEngine"].startswith("tesseract")


@needs_tesseract
def test_ocr_never_keeps_the_needs_ocr_error():
    with pytest.raises(NeedsOCRError) as caught:
        load_pipeline(keep_tokens=False, ocr="never").ingest(SCAN)
    assert caught.value.code == "E107" and "ocrmypdf" in str(caught.value)


@needs_tesseract
def test_ocr_always_reads_a_text_layer_page_too():
    doc = extract(SOURCE, settings=ExtractSettings(ocr="always"))
    assert [p.page for p in doc.ocr_pages] == [1] and "観光" in doc.raw_text


# -- without Tesseract ----------------------------------------------------------------------


def test_without_tesseract_auto_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNLP_TESSERACT", str(tmp_path / "no-such-tesseract"))
    with pytest.raises(NeedsOCRError) as caught:
        extract(SCAN)
    message = str(caught.value)
    assert caught.value.code == "E107" and "no-such-tesseract" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert" in message
    assert "pip install pytesseract" in message


def test_without_tesseract_always_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNLP_TESSERACT", str(tmp_path / "no-such-tesseract"))
    with pytest.raises(OCRUnavailableError, match="apt-get install tesseract-ocr"):
        extract(SOURCE, settings=ExtractSettings(ocr="always"))


def test_a_pdf_with_a_text_layer_needs_no_tesseract(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNLP_TESSERACT", str(tmp_path / "no-such-tesseract"))
    doc = extract(SOURCE)
    assert doc.ocr_pages == () and "観光" in doc.raw_text


def test_an_unknown_ocr_mode_is_a_config_error():
    with pytest.raises(ConfigError, match="auto, never, always"):
        ExtractSettings(ocr="sometimes")


# -- the pieces -----------------------------------------------------------------------------


def test_spaces_between_japanese_characters_are_removed():
    assert join_words(["持続", "可能", "な", "SDGs", "goal", "（", "17", "）"]) == "持続可能なSDGs goal（17）"


def test_a_latin_stop_after_japanese_is_read_as_the_japanese_one():
    # words as Tesseract read them from the noisy 縦書き seed page (scripts/eval_ocr.py)
    assert join_words(["策定しました."]) == "策定しました。"
    assert join_words(["策定", "しました", "."]) == "策定しました。"
    assert join_words(["地域,", "NPO", "、", "企業"]) == "地域、NPO、企業"
    # after a kanji a stop is a comma between nouns (chromium_vertical.pdf scanned, noisy)
    assert join_words(["札幌、帯広.", "函館"]) == "札幌、帯広、函館"
    # decimal points, dates and Latin text keep theirs
    assert join_words(["0.71%"]) == "0.71%" and join_words(["H29.3", "末"]) == "H29.3末"
    assert join_words(["Mr.", "Smith"]) == "Mr. Smith"


def test_a_skewed_scan_is_straightened_from_its_lines():
    from plannlp.extract.ocr import line_skew, straightened

    # three lines of seven words, running down to the right by 1 pixel in 50 (about 1.15°)
    words = [(f"字{k}", 100 + 60 * k, 200 + line * 100 + (60 * k) // 50)
             for line in range(3) for k in range(7)]
    data = {"text": [w for w, _, _ in words], "conf": [90.0] * len(words),
            "left": [x for _, x, _ in words], "top": [y for _, _, y in words],
            "width": [50] * len(words), "height": [50] * len(words),
            "block_num": [1] * len(words), "par_num": [1] * len(words),
            "line_num": [1 + k // 7 for k in range(len(words))]}
    assert line_skew(data, vertical=False) == pytest.approx(1.1, abs=0.15)
    flat = straightened(data, (1000, 1000), vertical=False)
    for line in range(3):
        tops = flat["top"][7 * line: 7 * line + 7]
        assert max(tops) - min(tops) <= 1
    assert line_skew(flat, vertical=False) == pytest.approx(0, abs=0.1)
    # a straight page is left as it is, and so is a page of two such lines
    assert straightened(flat, (1000, 1000), vertical=False) is flat
    two = {key: value[:14] for key, value in data.items()}
    assert line_skew(two, vertical=False) == 0


def test_word_boxes_become_lines_in_pdf_points():
    data = {"text": ["市民", "協働", "", "計画"], "conf": [90, 80, -1, 70],
            "block_num": [1, 1, 1, 1], "par_num": [1, 1, 1, 1], "line_num": [1, 1, 2, 2],
            "left": [100, 200, 0, 100], "top": [100, 100, 0, 300],
            "width": [100, 100, 0, 100], "height": [50, 50, 0, 50]}
    page, confidence = layout_of(data, (1000, 2000), (500.0, 1000.0), "jpn")
    first, second = page.lines
    assert first.text == "市民協働" and second.text == "計画"
    assert (first.x0, first.y0, first.x1, first.y1) == (50.0, 925.0, 150.0, 950.0)
    assert first.size == 25.0 and not first.vertical
    assert confidence == pytest.approx(0.8)


@needs_tesseract
def test_a_sentence_wrapped_into_the_next_column_stays_one(scanned):
    # lo_two_columns: 「こもろ観光局と連携し、…効果的に / 伝える…」 runs from the foot of the left
    # column to the top of the right one; scanned line boxes are taller than the type, which
    # made full lines look like headings and cut the sentence in four
    (sentence,) = [s.text for s in scanned.sentences if "魅力を効果的に伝える" in s.text]
    assert sentence.endswith("地域の誘客力向上を図る。")


def _words(*words):
    """Tesseract's image_to_data for one line: (text, left, top, width, height) per word."""
    return {"text": [w[0] for w in words], "conf": [90] * len(words),
            "block_num": [1] * len(words), "par_num": [1] * len(words),
            "line_num": [1] * len(words), "left": [w[1] for w in words],
            "top": [w[2] for w in words], "width": [w[3] for w in words],
            "height": [w[4] for w in words]}


def test_a_line_size_is_its_characters_not_its_ink_box():
    # a bracket and a circled number reach above and below the type: the size is the
    # median of the full-size words, and the box stands where they stand
    data = _words(("①", 0, 90, 40, 60), ("市", 40, 100, 40, 40), ("民", 80, 102, 40, 40),
                  ("協働", 120, 100, 80, 40), ("（", 200, 95, 20, 55))
    page, _ = layout_of(data, (1000, 1000), (1000.0, 1000.0), "jpn")
    (line,) = page.lines
    assert line.text == "①市民協働（"
    assert line.size == 40 and (line.y0, line.y1) == (860.0, 900.0)


def test_words_far_apart_on_one_line_are_two_lines():
    # a text box beside a paragraph, read by Tesseract into the paragraph's line
    data = _words(("本", 0, 0, 40, 40), ("計", 40, 0, 40, 40), ("画", 80, 0, 40, 40),
                  ("目", 400, 0, 40, 40), ("標", 440, 0, 40, 40))
    page, _ = layout_of(data, (1000, 1000), (1000.0, 1000.0), "jpn")
    assert [line.text for line in page.lines] == ["本計画", "目標"]
    near = _words(("本", 0, 0, 40, 40), ("計", 40, 0, 40, 40), ("画", 80, 0, 40, 40),
                  ("：", 120, 0, 20, 40), ("目", 200, 0, 40, 40))  # a colon's gap: 1.5 sizes
    page, _ = layout_of(near, (1000, 1000), (1000.0, 1000.0), "jpn")
    assert [line.text for line in page.lines] == ["本計画：目"]


def test_sizes_near_the_body_size_are_settled_to_it():
    lines = [TextLine("本文" * 10, 0, 0, 1, 1, 10.0), TextLine("本文" * 10, 0, 0, 1, 1, 11.2),
             TextLine("見出し", 0, 0, 1, 1, 14.0)]
    assert [line.size for line in settle_sizes(lines)] == [11.2, 11.2, 14.0]


def test_character_error_rate_on_a_known_pair():
    # NFKC folds the full-width letters and digits, whitespace is dropped: one substitution
    # (画→画 is equal, 書 for 画 is not) in 7 characters
    assert character_error_rate("ＳＤＧｓ 計画１", "SDGs計書1") == pytest.approx(1 / 7)
    assert edit_distance("協働のまち", "協働まちづくり") == 4
    assert character_error_rate("", "") == 0.0


def test_low_confidence_pages_are_named_in_a_warning():
    from plannlp.extract.layout import PageLayout
    from plannlp.extract.ocr import OCRReading, low_confidence_warning

    empty = PageLayout(595.0, 842.0, ())
    pages = [OCRReading(2, empty, 0.91, "jpn"), OCRReading(5, empty, 0.42, "jpn_vert")]
    assert low_confidence_warning(pages) == (
        "1 OCR'd page(s) were read with low confidence (below 60%); check their text: page 5 (42%).")
    assert low_confidence_warning(pages[:1]) is None


def test_the_ingest_command_takes_ocr_never(tmp_path):
    from click.testing import CliRunner

    from plannlp.cli import cli

    result = CliRunner().invoke(cli, ["ingest", str(SCAN), "--ocr", "never", "--workers", "1",
                                      "-o", str(tmp_path / "out.jsonld")])
    assert result.exit_code == 1 and "[E107]" in result.output
    assert not (tmp_path / "out.jsonld").exists()


@needs_tesseract
def test_a_page_scanned_sideways_or_upside_down_is_read_upright(tmp_path):
    from scripts.eval_ocr import image_only_pdf, page_images

    image = page_images(SOURCE, 200, noisy=False)[0]
    text_layer = extract(SOURCE).raw_text
    for angle in (90, 180):
        scan = image_only_pdf([image.rotate(angle, expand=True)], 200, tmp_path / f"turned-{angle}.pdf")
        read = extract(scan)
        assert character_error_rate(text_layer, read.raw_text) < 0.08, angle
