"""PDF extraction: pages and offsets, ruled tables, bad PDFs, and a 1,000-page file."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import FIXTURES, REPO, seed_text
from plannlp.errors import CorruptPDFError, EncryptedPDFError, NeedsOCRError
from plannlp.extract import extract
from plannlp.extract import pdf as pdf_module
from plannlp.extract.pdf import count_rules
from plannlp.extract.settings import ExtractSettings
from plannlp.model import DocumentMetadata

PDF = FIXTURES / "pdf"


def merged(*paths: Path) -> bytes:
    """One PDF made of the given PDFs' pages, in order."""
    target = pdfium.PdfDocument.new()
    for path in paths:
        target.import_pages(pdfium.PdfDocument(path))
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


# --- pages and offsets ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def layout():
    return extract(PDF / "seed002_layout.pdf")


def page_text(doc, number: int) -> str:
    page = doc.pages[number - 1]
    return doc.raw_text[page.start:page.end]


def test_pages_are_joined_by_form_feeds_and_spans_exclude_them(layout):
    assert layout.source.media_type == "application/pdf" and layout.source.encoding is None
    assert [p.number for p in layout.pages] == [1, 2, 3, 4]
    assert layout.raw_text.split("\f") == [page_text(layout, n) for n in (1, 2, 3, 4)]
    for before, after in zip(layout.pages, layout.pages[1:], strict=False):
        assert layout.raw_text[before.end] == "\f" and after.start == before.end + 1
    assert layout.pages[-1].end == len(layout.raw_text)
    assert layout.page_at(layout.raw_text.index("ｱﾝｹｰﾄ")) == 2


def test_each_page_holds_what_was_laid_out_on_it(layout):
    seed = seed_text("002")
    first, second, third = page_text(layout, 1), page_text(layout, 2), page_text(layout, 3)
    # units (a heading, a paragraph) are separated by a blank line, wrapped lines by one break
    assert first.startswith("１ 計画策定の趣旨\n\n平成 17 年４月１日、佐久市・臼田町・浅科村・望月町の１市２町１村が合併して誕\n生した")
    # page 1's last paragraph goes on on page 2: no break at page 1's end
    assert first.endswith("事業を計画的かつ効果的に推進するため、")
    assert second.startswith("翌年度から始まる３年間の実施計画を、毎年度作成します。\n")
    assert "翌年度から始まる３年間の実施計画を、毎年度作成します。" in seed
    assert "市民ｱﾝｹｰﾄを実施し、これまでの市の取組や今後の取組などに対する意向を" in second
    # the one-character vertical column is read top to bottom as one line, after the
    # paragraph it stands beside has ended (on page 4)
    assert "基本構想" not in third and "\n\n基本構想\n" in page_text(layout, 4)
    # the page numbers (１ … ４) and the dotted rule at each page's foot are left out
    for number, mark in zip((1, 2, 3, 4), "１２３４", strict=True):
        assert not page_text(layout, number).rstrip().endswith(mark)
        assert "・・・・・" not in page_text(layout, number)


ONE_CHARACTER_TEXT = textwrap.dedent("""
    import sys
    import pypdfium2 as pdfium
    from plannlp.extract import extract
    from plannlp.extract.pdf import configure_pdfium_fonts
    path = sys.argv[1]
    if sys.argv[2] == "open-first":  # a PDF still open: PDFium must not be re-initialised
        held = pdfium.PdfDocument(path)
    from plannlp.extract.pdf import read_page_range
    from plannlp.extract.settings import ExtractSettings
    lines = [line.text for line in read_page_range(open(path, "rb").read(), path, ExtractSettings(), 2, 3)[0].layout.lines]
    print(configure_pdfium_fonts(), all(c in lines for c in "基本構想"), "３" in lines)
""")


@pytest.mark.skipif(sys.platform != "linux", reason="PDFium is reconfigured on Linux only")
def test_one_character_text_objects_survive_without_a_system_japanese_font():
    """The fixture's fonts are not embedded; one-character objects (the vertical label, the
    page number) are read in a fresh interpreter because PDFium gets the bundled font."""
    run = subprocess.run([sys.executable, "-c", ONE_CHARACTER_TEXT, str(PDF / "seed002_layout.pdf"),
                          "fresh"], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "True", "True"]


@pytest.mark.skipif(sys.platform != "linux", reason="PDFium is reconfigured on Linux only")
def test_pdfium_is_not_reinitialised_under_an_open_document():
    run = subprocess.run([sys.executable, "-c", ONE_CHARACTER_TEXT, str(PDF / "seed002_layout.pdf"),
                          "open-first"], capture_output=True, text=True, check=True)
    assert run.stdout.split()[0] == "False"  # left as it was; the open document still works


def test_title_comes_from_the_pdf_and_given_metadata_wins(layout):
    assert layout.metadata.title == "第二次佐久市総合計画 後期基本計画 策定方針"
    given = DocumentMetadata(title="後期基本計画", municipality="佐久市")
    doc = extract(PDF / "seed002_layout.pdf", metadata=given)
    assert (doc.metadata.title, doc.metadata.municipality) == ("後期基本計画", "佐久市")


def test_max_pages(layout):
    doc = extract(PDF / "seed002_layout.pdf", settings=ExtractSettings(max_pages=2))
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.raw_text == layout.raw_text[: layout.pages[1].end]
    assert doc.warnings == ("Only the first 2 of 4 pages were read (max_pages).",)


def test_pdf_named_txt_is_read_as_pdf():
    doc = extract((PDF / "seed004_table.pdf").read_bytes(), name="plan.txt")
    assert doc.source.media_type == "application/pdf" and "まちづくりの目標" in doc.raw_text


# --- tables --------------------------------------------------------------------------------


def seed004_table(first_indicator: str) -> list[tuple[str, ...]]:
    """The seed's own tab-separated rows (header + indicators), read here independently."""
    lines = seed_text("004").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first_indicator))
    end = next(i for i in range(start, len(lines)) if "\t" not in lines[i])
    return [tuple(line.split("\t")) for line in lines[start - 1:end]]


def test_ruled_table_rows_match_the_seed():
    doc = extract(PDF / "seed004_indicators.pdf")
    assert len(doc.tables) == 1 and doc.tables[0].page == 1
    rows = list(doc.tables[0].rows)
    expected = seed004_table("人権教育・啓発講演会への参加人数")
    assert len(expected) == 5 and expected[0][0] == "指標名"
    assert rows == expected  # wrapped cells (把握方法, 中間目標値 (H34年度)) joined again


def test_small_ruled_table():
    rows = extract(PDF / "seed004_table.pdf").tables[0].rows
    assert rows[0][0] == "指標名"
    assert rows[1] == ("NPO・ボランティア登録団体数", "93団体", "105団体", "113団体")


def test_tables_are_skipped_when_turned_off():
    assert extract(PDF / "seed004_indicators.pdf", settings=ExtractSettings(pdf_tables=False)).tables == ()


@pytest.mark.parametrize(("name", "looks_like_table"), [
    ("seed004_indicators.pdf", [True]),
    ("seed004_table.pdf", [True]),
    ("seed002_layout.pdf", [False, False, False, False]),  # prose, dotted rules drawn as text
    ("image_only.pdf", [False, False]),  # filled bars, not rules
])
def test_rule_count_finds_only_ruled_pages(name, looks_like_table):
    document = pdfium.PdfDocument(PDF / name)
    found = [count_rules(document[i]).looks_like_table for i in range(len(document))]
    assert found == looks_like_table


def test_pdfplumber_runs_only_on_pages_with_rules(monkeypatch):
    asked: list[list[int]] = []
    real = pdf_module.tables_on

    def spy(data, numbers):
        asked.append(list(numbers))
        return real(data, numbers)

    monkeypatch.setattr(pdf_module, "tables_on", spy)
    doc = extract(merged(PDF / "seed002_layout.pdf", PDF / "seed004_indicators.pdf"), name="m.pdf")
    assert asked == [[5]]
    assert [t.page for t in doc.tables] == [5]


# --- bad PDFs ------------------------------------------------------------------------------


def test_pages_without_text_are_named_in_a_warning():
    doc = extract(merged(PDF / "seed002_layout.pdf", PDF / "image_only.pdf"), name="scan.pdf")
    assert len(doc.pages) == 6
    assert doc.warnings == ("2 page(s) have no text layer (scanned? OCR needed): page 5, 6.",)


def test_image_only_pdf_needs_ocr():
    with pytest.raises(NeedsOCRError) as caught:
        extract(PDF / "image_only.pdf")
    assert "image_only.pdf" in str(caught.value) and "ocrmypdf" in str(caught.value)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_password_protected_pdfs(tmp_path, algorithm):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PDF / "seed002_layout.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm=algorithm)
    path = tmp_path / f"locked-{algorithm}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(EncryptedPDFError) as caught:
        extract(path)
    assert path.name in str(caught.value) and "password" in str(caught.value)


def test_owner_password_only_pdf_opens(tmp_path):
    # Many municipal PDFs forbid editing (owner password) but open without a password.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PDF / "seed002_layout.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "no-edit.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert "計画策定の趣旨" in extract(path).raw_text


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdfs_are_corrupt(share):
    data = (PDF / "seed002_layout.pdf").read_bytes()
    with pytest.raises(CorruptPDFError) as caught:
        extract(data[: int(len(data) * share)], name="cut.pdf")
    assert "cut.pdf" in str(caught.value) and "damaged or incomplete" in str(caught.value)


def test_a_pdf_name_on_something_else(tmp_path):
    path = tmp_path / "計画.pdf"
    path.write_text("これはPDFではありません。", encoding="utf-8")
    with pytest.raises(CorruptPDFError) as caught:
        extract(path)
    assert "計画.pdf" in str(caught.value) and "not a PDF" in str(caught.value)


# --- a long PDF ----------------------------------------------------------------------------

RSS_PROBE = textwrap.dedent("""
    import sys
    import pypdfium2
    from plannlp.extract import extract
    from plannlp.extract.settings import ExtractSettings

    def peak_kib():  # VmHWM is per process image (ru_maxrss would carry pytest's over exec)
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    before = peak_kib()
    if sys.argv[2] == "plannlp":
        extract(sys.argv[1], settings=ExtractSettings(pdf_tables=False))
    else:  # what keeping every page and text page open would take
        document, kept = pypdfium2.PdfDocument(sys.argv[1]), []
        for i in range(len(document)):
            page = document[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            kept.append((page, textpage))
    print((peak_kib() - before) / 1024)
""")


def rss_growth_mb(path: Path, mode: str) -> float:
    done = subprocess.run([sys.executable, "-c", RSS_PROBE, str(path), mode], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


@pytest.mark.slow
def test_a_1000_page_pdf_is_read_page_by_page_with_bounded_memory(tmp_path):
    sys.path.insert(0, str(REPO))
    from scripts.make_fixtures import build_long_pdf

    path = tmp_path / "long.pdf"
    path.write_bytes(build_long_pdf(1000, lines_per_page=12, embed_font=True))

    tracemalloc.start()
    doc = extract(path, settings=ExtractSettings(pdf_tables=False))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.number for p in doc.pages] == list(range(1, 1001))
    assert page_text(doc, 1000).strip() and "1000" not in page_text(doc, 1000)  # its page number left out
    # Python-side peak: the text (4 bytes/char at worst, held twice while joining), each
    # line's text and box while the pages are laid out (about 1 KB a line), + slack
    assert peak < 8 * len(doc.raw_text) + 1000 * len(doc.line_boxes) + 5_000_000

    # C-side memory (PDFium): reading page by page grows the process far less than keeping
    # the pages open would (measured: about 10 MB against 136 MB)
    ours, all_open = rss_growth_mb(path, "plannlp"), rss_growth_mb(path, "all-open")
    assert ours < all_open / 3, (ours, all_open)

    limited = extract(path, settings=ExtractSettings(pdf_tables=False, max_pages=5))
    # the same pages (what repeats on 5 pages is not what repeats on 1000, so running
    # headers may differ; every line of the full read's first 5 pages is read)
    assert len(limited.pages) == 5
    assert all(line in limited.raw_text for line in doc.raw_text[: doc.pages[4].end].splitlines())


@pytest.mark.parametrize(("text", "usable"), [
    ("１ 計画策定の趣旨\n平成 17 年４月１日、佐久市・臼田町・浅科村・望月町の", True),
    ("１２", False),  # a page number alone (fewer than min_chars_per_page)
    ("\ufffd" * 30 + "佐久市", False),  # glyphs without a Unicode map
    ("\ue0a1\ue0b2\ue0c3" * 10, False),  # private-use code points
    ("\ufffd" * 5 + "市民と行政の協働によるまちづくりを推進します。", True),
])
def test_usable_text_layer(text, usable):
    assert pdf_module.has_usable_text(text, ExtractSettings().min_chars_per_page) is usable


def test_unreadable_characters_are_exactly_replacement_private_use_and_controls():
    def unreadable(c: str) -> bool:  # the rule, one character at a time
        return c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or (c < " " and c not in "\n\t")

    for code in [*range(0x10000), 0x1F600, 0x20B9F, 0xF0000]:
        c = chr(code)
        assert bool(pdf_module.UNREADABLE.fullmatch(c)) is unreadable(c), hex(code)


ROWS_6_1 = [
    ("指標名", "現在値 (H29年3月末)", "中間目標値 (H34年度)", "最終目標値 (H38年度)"),
    ("NPO・ボランティア登録団体数", "93 団体", "105 団体", "113 団体"),
]  # seed 004, 6-1 まちづくりの目標 (without 把握方法)


def table_pdf(style: str) -> bytes:
    """One page holding ROWS_6_1 drawn as cell boxes, as one grid path or as rules inside a
    form XObject (reportlab, no font file)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    xs, top, height = [40, 200, 300, 400, 500], 700, 24
    if style == "form":  # the rules inside a reusable drawing (form XObject)
        c.beginForm("rules")
        for r in range(len(ROWS_6_1) + 1):
            c.line(xs[0], top - r * height, xs[-1], top - r * height)
        for x in xs:
            c.line(x, top, x, top - len(ROWS_6_1) * height)
        c.endForm()
        c.doForm("rules")
    if style == "grid":
        path = c.beginPath()
        for r in range(len(ROWS_6_1) + 1):
            path.moveTo(xs[0], top - r * height)
            path.lineTo(xs[-1], top - r * height)
        for x in xs:
            path.moveTo(x, top)
            path.lineTo(x, top - len(ROWS_6_1) * height)
        c.drawPath(path, stroke=1, fill=0)
    for r, row in enumerate(ROWS_6_1):
        for k, cell in enumerate(row):
            if style == "boxes":
                c.rect(xs[k], top - (r + 1) * height, xs[k + 1] - xs[k], height, stroke=1, fill=0)
            c.setFont("HeiseiMin-W3", 8)
            c.drawString(xs[k] + 4, top - r * height - 16, cell)
    c.showPage()
    c.save()
    return buffer.getvalue()


@pytest.mark.parametrize("style", ["boxes", "grid", "form"])
def test_tables_drawn_as_cell_boxes_or_one_grid_path(style):
    data = table_pdf(style)
    page = pdfium.PdfDocument(data)[0]
    assert count_rules(page).looks_like_table
    doc = extract(data, name=f"{style}.pdf")
    assert [t.rows for t in doc.tables] == [tuple(ROWS_6_1)]


@pytest.mark.parametrize(("raw", "title"), [
    ("第二次佐久市総合計画 後期基本計画 策定方針", "第二次佐久市総合計画 後期基本計画 策定方針"),
    ("Microsoft Word - 小諸市第11次基本計画（素案）.docx", "小諸市第11次基本計画（素案）"),
    ("Microsoft PowerPoint - 骨子案.pptx", "骨子案"),
    ("安中市総合計画.PDF", "安中市総合計画"),
    ("Untitled", None), ("無題", None), ("  ", None), (None, None),
])
def test_pdf_title_cleanup(raw, title):
    assert pdf_module.clean_title(raw) == title


def test_a_curved_drawing_is_not_a_table():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    path = c.beginPath()
    for k in range(12):  # a wavy outline of 24 curve segments, like a map or a logo
        path.moveTo(50 + 40 * k, 500)
        path.curveTo(60 + 40 * k, 540, 70 + 40 * k, 460, 90 + 40 * k, 500)
        path.curveTo(95 + 40 * k, 520, 100 + 40 * k, 480, 110 + 40 * k, 500)
    c.drawPath(path, stroke=1, fill=0)
    c.showPage()
    c.save()
    count = count_rules(pdfium.PdfDocument(buffer.getvalue())[0])
    assert (count.grid_paths, count.looks_like_table) == (0, False)


def test_tables_know_where_their_text_is():
    doc = extract(PDF / "seed004_indicators.pdf")
    table = doc.tables[0]
    span = doc.raw_text[table.start:table.end]
    # the table stands in the text as one tab-separated line per row, not as its cells' text
    assert span.startswith("指標名\t把握方法\t現在値 (H29年度)\t") and span.endswith("0.38%\t0.40%")
    assert doc.page_at(table.start) == 1
    assert "人権と平和を考える講座への参加率" in span and "現状と課題" not in span
