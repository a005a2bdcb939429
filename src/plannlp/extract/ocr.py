"""OCR of pages without a usable text layer: Tesseract's word boxes as a :class:`PageLayout`.

A page is rendered with pypdfium2 (:data:`DEFAULT_DPI`), read by Tesseract through
pytesseract (``image_to_data``: one row per word with its box in pixels and its confidence),
and its words are grouped into Tesseract's lines. Each line becomes a :class:`TextLine`
whose box is scaled from pixels to PDF points (origin bottom-left), so an OCR'd page goes
through exactly the same layout (columns, blocks, headers, 縦書き), cleanup and segmentation
as a text layer.

Horizontal or vertical writing: the page is read with ``jpn`` first; when its mean
confidence is below :data:`TRY_VERTICAL_BELOW`, it is read again with ``jpn_vert`` and the
reading with the higher mean confidence is kept (measured in ``scripts/eval_ocr.py``: a
縦書き page read as ``jpn`` scores far lower than as ``jpn_vert``, a horizontal page the other
way round).

Ruled tables: a horizontal page's grid of rules is found in the image
(:mod:`plannlp.extract.scan_tables`) and the words inside it are read cell by cell into a
table block, as pdfplumber reads a text layer's tables (``pdf_tables`` setting).

Pages are read in parallel: each Tesseract run is its own process (pytesseract calls the
``tesseract`` command), started from a thread pool of at most ``workers`` threads.
"""

from __future__ import annotations

import math
import os
import re
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache

from ..errors import NeedsOCRError
from ..model import OCRPage
from . import scan_tables
from .layout import Block, PageLayout, TextLine
from .settings import ExtractSettings

#: Pages are rendered at this resolution (dots per inch) for Tesseract.
DEFAULT_DPI = 300
#: A page whose mean word confidence (0–1) is below this is named in a warning.
LOW_CONFIDENCE = 0.6
#: A page read as horizontal (``jpn``) below this mean confidence is also read as 縦書き
#: (``jpn_vert``), and the better reading is kept.
TRY_VERTICAL_BELOW = 0.85
HORIZONTAL, VERTICAL = "jpn", "jpn_vert"
#: Lines of at least this many words measure the page's skew (:func:`line_skew`); a skew of
#: at least :data:`MIN_LINE_SKEW` degrees is taken out of the word boxes.
SKEW_MIN_WORDS = 5
#: ... and at least this many such lines (one line's slope is mostly the heights of its
#: characters).
SKEW_MIN_LINES = 3
MIN_LINE_SKEW = 0.1
#: A table found in a scan is kept when it has this many rows with text (as pdfplumber's).
TABLE_MIN_ROWS = 2
#: Tesseract's page segmentation for a sheet of table cells: 6, one uniform block of text
#: (on the two scanned table fixtures at 300 dpi, every cell but one overflowing cell read
#: right; 4, a single column of varying sizes, misread more of the multi-line cells).
TABLE_SEGMENTATION = 6
#: Tesseract's page segmentation per model (measured on the layout fixtures scanned at 300
#: dpi, CER of the page): 1, automatic with orientation and script detection, for horizontal
#: pages (lo_text_box 12.0%, against 18.5% with 3, automatic without it; lo_header_footer
#: 1.6% against 1.8%; reportlab_right_first equal); 5, one block of vertical text, for 縦書き,
#: where 3 broke columns into pieces read out of order (chromium_vertical.pdf scanned at
#: 200 dpi: 29.5% with 3, 1.3% with 5; at 300 dpi 2.0% and 1.3%).
PAGE_SEGMENTATION = {HORIZONTAL: 1, VERTICAL: 5}
#: How to install what OCR needs (said in errors and warnings).
INSTALL_HINT = ("To read scanned pages, install Tesseract with its Japanese models "
                "(`apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert`) "
                "and `pip install pytesseract` (or `pip install 'plannlp[ocr]'`), then run again; "
                "or OCR the file first, e.g. `ocrmypdf -l jpn in.pdf out.pdf`.")
#: One process per Tesseract run: its own threads would only compete with the pages'.
_TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}
_NOT_ASCII = "[^\x00-\x7f]"
#: A line's size is the median height of its words of full-size Japanese characters (kanji,
#: kana; not words of punctuation or small kana only, which stand lower or shorter, nor words
#: with Latin letters, digits or brackets) when it has at least this many; else its box's height. Tesseract's line box is the
#: union of its glyphs' ink, 30-60% taller than the type on a line with a bracket, a
#: circled number or a descender, which made full lines of body text look like headings.
OCR_SIZE_MIN_CHARS = 3
#: Type sizes measured from a scan scatter by about a tenth around the size they were set
#: in: a line within this share of the page's usual size (weighted by characters) is given
#: that size, so that only type clearly larger than the body reads as a heading.
OCR_SIZE_TOLERANCE = 0.15
#: Words of one Tesseract line further apart than this (in type sizes) are separate lines (a
#: text box beside a paragraph: 5 to 26 on the scanned fixtures). Wider than a text layer's
#: :data:`layout.GAP_SPLIT` because ink, not the character's box, is measured: after a
#: full-width colon or comma, running text leaves up to 1.6 (「サイマルラジオ：日本各地」).
OCR_GAP_SPLIT = 2.5
_SHORT_CHAR = re.compile(r"[\u3000-\u303f\u30fb\u30fc\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
                         r"\uff5b-\uff65ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ〜…‥]")
#: A space Tesseract put next to a Japanese character (between two Latin words it stays).
_JAPANESE_SPACE = re.compile(rf"(?<={_NOT_ASCII}) +| +(?={_NOT_ASCII})")
#: A Latin full stop or comma Tesseract read after a Japanese character, not before a digit or
#: a Latin letter: the small 。 and 、 of Japanese type, blurred in a scan (縦書き above all,
#: where both stand at the top right of their cell), come out as ``.`` and ``,``. A stop after
#: hiragana or a closing bracket ends a sentence (ました. → ました。); after a kanji or katakana
#: it is mostly a comma between nouns (札幌、帯広. 函館 → 帯広、), as is every comma. A decimal
#: point stands between digits and is left alone.
_AFTER = r"(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
_JAPANESE_STOP = re.compile(rf"([\u3040-\u309f）」』】]) *[.．]{_AFTER}")
_JAPANESE_COMMA = re.compile(
    rf"([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆）」』】]) *(?:[,，]|(?<![\u3040-\u309f）」』】 ])[.．]){_AFTER}")


class OCRUnavailableError(NeedsOCRError):
    """Pages need OCR but Tesseract, its Japanese models or pytesseract are missing."""

    hint = INSTALL_HINT


@dataclass(frozen=True)
class OCRReading:
    """One page as OCR read it: its lines, mean word confidence (0–1) and the model used."""

    number: int  # 1-based
    layout: PageLayout
    confidence: float
    language: str


def tesseract_command() -> str:
    """The Tesseract program (``PLANNLP_TESSERACT`` overrides the one on the PATH)."""
    return os.environ.get("PLANNLP_TESSERACT") or "tesseract"


@cache
def _available(command: str) -> str | None:
    """None when OCR can run with ``command``, else what is missing."""
    try:
        import pytesseract
    except ImportError:
        return "the Python package pytesseract is not installed"
    if shutil.which(command) is None:
        return f"the Tesseract program ({command}) is not installed"
    pytesseract.pytesseract.tesseract_cmd = command
    try:
        languages = set(pytesseract.get_languages(config=""))
    except Exception as e:  # a broken installation: say what it said
        return f"Tesseract cannot run ({e})"
    missing = [lang for lang in (HORIZONTAL, VERTICAL) if lang not in languages]
    if missing:
        return f"Tesseract's Japanese models are not installed ({', '.join(missing)})"
    return None


def missing_requirement() -> str | None:
    """None when OCR can run here, else what is missing (for the error message)."""
    return _available(tesseract_command())


@cache
def engine_name() -> str:
    """E.g. ``tesseract 5.3.0``: the engine recorded in each OCR'd page's provenance."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = tesseract_command()
    return f"tesseract {pytesseract.get_tesseract_version()}"


def render(page, dpi: int):
    """A pypdfium2 page as a greyscale Pillow image at ``dpi``."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil()


def join_words(words: Sequence[str]) -> str:
    """A line's words as text, without the spaces Tesseract puts between Japanese characters,
    and with a Latin full stop or comma after a Japanese character read as 。 or 、."""
    text = " ".join(w for w in words if w)
    return _JAPANESE_SPACE.sub("", _JAPANESE_COMMA.sub(r"\1、", _JAPANESE_STOP.sub(r"\1。", text)))


@dataclass
class _Line:
    """A line Tesseract found: its words with their confidences and boxes (pixels: left, top,
    right, bottom)."""

    words: list[str]
    confidences: list[float]
    boxes: list[tuple[int, int, int, int]]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (min(b[0] for b in self.boxes), min(b[1] for b in self.boxes),
                max(b[2] for b in self.boxes), max(b[3] for b in self.boxes))


def is_full_size_word(word: str) -> bool:
    """A word of Japanese characters only, with one full-size character at least (not only
    punctuation or small kana), whose box is as tall as the type (see
    :data:`OCR_SIZE_MIN_CHARS`)."""
    return (bool(word) and all(ord(c) >= 0x3040 for c in word)
            and any(not _SHORT_CHAR.match(c) for c in word))


def type_extent(line: _Line, vertical: bool) -> tuple[int, int]:
    """Where a line's type stands across the line (pixels: top and bottom; left and right for
    a vertical line): the median edges of its full-size characters, or its box's edges (see
    :data:`OCR_SIZE_MIN_CHARS`)."""
    near, far = (0, 2) if vertical else (1, 3)
    full = [box for word, box in zip(line.words, line.boxes, strict=True) if is_full_size_word(word)]
    if len(full) < OCR_SIZE_MIN_CHARS:
        box = line.box
        return box[near], box[far]
    starts, ends = sorted(b[near] for b in full), sorted(b[far] for b in full)
    return starts[len(starts) // 2], ends[len(ends) // 2]


def split_at_gaps(line: _Line, vertical: bool) -> list[_Line]:
    """A line cut where the space between two words is wider than :data:`OCR_GAP_SPLIT`
    type sizes: Tesseract reads a text box beside a paragraph into the paragraph's lines."""
    start, end = type_extent(line, vertical)
    limit = OCR_GAP_SPLIT * max(end - start, 1)
    along = (1, 3) if vertical else (0, 2)
    pieces = [_Line([line.words[0]], [line.confidences[0]], [line.boxes[0]])]
    for word, confidence, box in zip(line.words[1:], line.confidences[1:], line.boxes[1:], strict=True):
        if box[along[0]] - pieces[-1].boxes[-1][along[1]] > limit:
            pieces.append(_Line([], [], []))
        pieces[-1].words.append(word)
        pieces[-1].confidences.append(confidence)
        pieces[-1].boxes.append(box)
    return pieces


def _words(data: dict) -> list[int]:
    """The indexes of Tesseract's words (``image_to_data`` as a dict) that have text."""
    return [i for i, word in enumerate(data["text"])
            if float(data["conf"][i]) >= 0 and str(word).strip()]


def _box(data: dict, i: int) -> tuple[int, int, int, int]:
    left, top = data["left"][i], data["top"][i]
    return left, top, left + data["width"][i], top + data["height"][i]


def _lines(data: dict, words: Sequence[int]) -> list[_Line]:
    """Tesseract's words (``image_to_data`` as a dict; those of ``words``) grouped into its lines."""
    lines: dict[tuple[int, int, int], _Line] = {}
    for i in words:
        word, confidence = data["text"][i], float(data["conf"][i])
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = lines.setdefault(key, _Line([], [], []))
        line.words.append(str(word).strip())
        line.confidences.append(confidence)
        line.boxes.append(_box(data, i))
    return list(lines.values())


PixelBox = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class ScannedTable:
    """A ruled table read from a page image: its rows of cells, its box (pixels) and the
    confidences (0–100) of the words read into it."""

    rows: tuple[tuple[str, ...], ...]
    box: PixelBox
    confidences: tuple[float, ...]


def _centre(data: dict, i: int) -> tuple[float, float]:
    left, top, right, bottom = _box(data, i)
    return (left + right) / 2, (top + bottom) / 2


def line_skew(data: dict, vertical: bool) -> float:
    """The page's skew in degrees, measured on Tesseract's lines: the median slope of the word
    centres along each line of :data:`SKEW_MIN_WORDS` words or more (across over along: y over
    x, or x over y for 縦書き), weighted by the line's words; 0 with fewer than
    :data:`SKEW_MIN_LINES` such lines. Positive: lines run down to the
    right (or, vertical, to the left as they go down)."""
    slopes: list[tuple[float, int]] = []
    for line in _lines(data, _words(data)):
        if len(line.boxes) < SKEW_MIN_WORDS:
            continue
        centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in line.boxes]
        along = [c[1] if vertical else c[0] for c in centres]
        across = [c[0] if vertical else c[1] for c in centres]
        mean_along, mean_across = sum(along) / len(along), sum(across) / len(across)
        spread = sum((a - mean_along) ** 2 for a in along)
        if spread <= 0:
            continue
        slope = sum((a - mean_along) * (b - mean_across) for a, b in zip(along, across, strict=True)) / spread
        slopes.append((-slope if vertical else slope, len(line.boxes)))
    if len(slopes) < SKEW_MIN_LINES:
        return 0.0
    slopes.sort()
    half, seen = sum(n for _, n in slopes) / 2, 0
    for slope, n in slopes:
        seen += n
        if seen >= half:
            return math.degrees(math.atan(slope))
    return 0.0


def straightened(data: dict, image_size: tuple[int, int], vertical: bool) -> dict:
    """``data`` with every word's box turned about the image's centre by the page's skew
    (:func:`line_skew`, when at least :data:`MIN_LINE_SKEW`): a scanner's skew makes lines
    that should end together end at different places, which reads as paragraph ends."""
    angle = line_skew(data, vertical)
    if abs(angle) < MIN_LINE_SKEW:
        return data
    a = math.radians(angle)
    cx, cy = image_size[0] / 2, image_size[1] / 2
    out = dict(data, left=list(data["left"]), top=list(data["top"]))
    for i in range(len(data["text"])):
        w, h = data["width"][i], data["height"][i]
        x, y = data["left"][i] + w / 2 - cx, data["top"][i] + h / 2 - cy
        # a point on a line of slope tan(a) goes back to the horizontal (or the vertical)
        nx, ny = x * math.cos(a) + y * math.sin(a), -x * math.sin(a) + y * math.cos(a)
        out["left"][i], out["top"][i] = round(nx + cx - w / 2), round(ny + cy - h / 2)
    return out


def layout_of(data: dict, image_size: tuple[int, int], page_size: tuple[float, float],
              language: str, tables: Sequence[ScannedTable] = ()) -> tuple[PageLayout, float]:
    """The page's :class:`PageLayout` (boxes in PDF points) and mean word confidence (0–1).
    ``tables`` (read from the same image) become table blocks; the page's words inside them
    are left out of its lines."""
    width_px, height_px = image_size
    width, height = page_size
    sx, sy = width / width_px, height / height_px
    data = straightened(data, image_size, language == VERTICAL)
    words = [i for i in _words(data)
             if not any(scan_tables.inside(_centre(data, i), table.box) for table in tables)]
    confidences = [c for table in tables for c in table.confidences]
    text_lines = []
    pieces = [piece for line in _lines(data, words) for piece in split_at_gaps(line, language == VERTICAL)]
    for line in pieces:
        text = join_words(line.words)
        if not text:
            continue
        left, top, right, bottom = line.box
        vertical = language == VERTICAL and (bottom - top) > (right - left) and len(text) > 1
        if vertical:
            left, right = type_extent(line, vertical=True)
        else:
            top, bottom = type_extent(line, vertical=False)
        x0, x1 = left * sx, right * sx
        y0, y1 = height - bottom * sy, height - top * sy
        size = (x1 - x0) if vertical else (y1 - y0)
        text_lines.append(TextLine(text, x0, y0, x1, y1, max(size, 0.1), vertical=vertical,
                                   font="ocr"))
        confidences.extend(line.confidences)
    mean = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    blocks = tuple(Block((), "table", t.rows, (t.box[0] * sx, height - t.box[3] * sy,
                                               t.box[2] * sx, height - t.box[1] * sy))
                   for t in tables)
    return PageLayout(width, height, tuple(settle_sizes(text_lines)), tables=blocks), mean


def settle_sizes(lines: list[TextLine]) -> list[TextLine]:
    """Lines whose size is within :data:`OCR_SIZE_TOLERANCE` of the page's usual size, set to
    that size."""
    by_size = sorted(lines, key=lambda line: line.size)
    total = sum(len(line.text) for line in lines)
    seen, usual = 0, None
    for line in by_size:  # the character-weighted median
        seen += len(line.text)
        if 2 * seen >= total:
            usual = line.size
            break
    if usual is None:
        return lines
    return [replace(line, size=usual) if abs(line.size - usual) <= OCR_SIZE_TOLERANCE * usual
            else line for line in lines]


def _tesseract(image, language: str, segmentation: int) -> dict:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = tesseract_command()
    return pytesseract.image_to_data(image, lang=language, config=f"--psm {segmentation}",
                                     output_type=pytesseract.Output.DICT)


def read_image(image, page_size: tuple[float, float], language: str,
               tables: Sequence[ScannedTable] = ()) -> tuple[PageLayout, float, int]:
    """One Tesseract run of ``image`` with ``language`` (``tables`` read from it already): the
    layout, the mean confidence and the turn that would set the page upright
    (:func:`upright_turn`)."""
    data = _tesseract(image, language, PAGE_SEGMENTATION[language])
    layout, confidence = layout_of(data, image.size, page_size, language, tables)
    return layout, confidence, upright_turn(data, language == VERTICAL)


def upright_turn(data: dict, vertical: bool) -> int:
    """How far to turn the image (degrees counter-clockwise, PIL's ``rotate``) to set it
    upright, from the way Tesseract's words run along its lines: a page scanned sideways or
    upside down is read by Tesseract (its orientation detection, page segmentation 1), but its
    word boxes run down, up or right to left, and the layout needs them upright. 0 with fewer
    than :data:`SKEW_MIN_LINES` lines of three words or more."""
    run_x = run_y = 0.0
    lines = 0
    for line in _lines(data, _words(data)):
        if len(line.boxes) < 3:
            continue
        lines += 1
        centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in line.boxes]
        run_x += centres[-1][0] - centres[0][0]
        run_y += centres[-1][1] - centres[0][1]
    if lines < SKEW_MIN_LINES:
        return 0
    if vertical:  # 縦書き runs down its columns
        run_x, run_y = run_y, -run_x
    if abs(run_x) >= abs(run_y):
        return 0 if run_x >= 0 else 180
    return 90 if run_y > 0 else 270


def read_tables(image, grids: Sequence[scan_tables.Grid], dpi: int) -> list[ScannedTable]:
    """The grids' cells read by one Tesseract run over a sheet of the cells stacked apart
    (:func:`scan_tables.cell_sheet`; one uniform block, ``--psm`` :data:`TABLE_SEGMENTATION`).
    A table with fewer than :data:`TABLE_MIN_ROWS` rows of text is dropped."""
    sheet = scan_tables.cell_sheet(image, grids, dpi)
    data = _tesseract(sheet.image, HORIZONTAL, TABLE_SEGMENTATION)
    words = _words(data)
    read = scan_tables.sheet_rows(sheet, grids, [(str(data["text"][i]).strip(), _box(data, i))
                                                 for i in words], join_words)
    by_table: dict[int, list[float]] = {}
    for i in words:  # the confidences of the words read into each table
        cell = sheet.cell_of(_box(data, i))
        if cell is not None:
            by_table.setdefault(cell[0], []).append(float(data["conf"][i]))
    return [ScannedTable(rows, grid.box, tuple(by_table.get(t, ())))
            for t, (grid, rows) in enumerate(zip(grids, read, strict=True))
            if len(rows) >= TABLE_MIN_ROWS]


def ocr_image(number: int, image, page_size: tuple[float, float], dpi: int = DEFAULT_DPI,
              tables: bool = True, *, upright: bool = False) -> OCRReading:
    """A page image read horizontally, and vertically too when that reading is weak.

    With ``tables``, a page with ruled tables is read turned straight, its rules painted out
    and the words in each table read cell by cell (:mod:`scan_tables`); its boxes are then
    those of the straightened page (a turn of a degree or so moves them a few points).
    A horizontal page read well but sideways or upside down (:func:`upright_turn`) is set
    upright and read again; its boxes are then those of the upright page (``upright``: it is).
    """
    original = image
    read: list[ScannedTable] = []
    if tables:
        straight, grids = scan_tables.page_grids(image, dpi)
        if grids:
            image = scan_tables.without_rules(straight, grids, dpi)
            read = read_tables(image, grids, dpi)
    layout, confidence, turn = read_image(image, page_size, HORIZONTAL, read)
    if turn and not upright and confidence >= TRY_VERTICAL_BELOW:
        turned = original.rotate(turn, expand=True)
        size = page_size if turn == 180 else (page_size[1], page_size[0])
        return ocr_image(number, turned, size, dpi, tables, upright=True)
    best = OCRReading(number, layout, confidence, HORIZONTAL)
    if confidence < TRY_VERTICAL_BELOW:
        layout, confidence, _ = read_image(image, page_size, VERTICAL)
        if confidence > best.confidence:
            best = OCRReading(number, layout, confidence, VERTICAL)
    return best


def ocr_pages(pdf, numbers: Sequence[int], *, dpi: int = DEFAULT_DPI, workers: int = 1,
              tables: bool = True) -> list[OCRReading]:
    """OCR the given 1-based pages of an open pypdfium2 document, ``workers`` at a time
    (ruled tables read cell by cell when ``tables``)."""
    for name, value in _TESSERACT_ENV.items():  # inherited by the tesseract processes
        os.environ.setdefault(name, value)
    jobs = []
    for number in numbers:
        page = pdf[number - 1]
        try:
            jobs.append((number, render(page, dpi).copy(), page.get_size(), dpi, tables))
        finally:
            page.close()
    if workers <= 1 or len(jobs) <= 1:
        return [ocr_image(*job) for job in jobs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: ocr_image(*job), jobs))


def low_confidence_warning(pages: Sequence[OCRReading]) -> str | None:
    """A warning naming the OCR'd pages read with a mean confidence below :data:`LOW_CONFIDENCE`."""
    low = [p for p in pages if p.confidence < LOW_CONFIDENCE]
    if not low:
        return None
    listed = ", ".join(f"{p.number} ({p.confidence:.0%})" for p in low)
    return (f"{len(low)} OCR'd page(s) were read with low confidence (below "
            f"{LOW_CONFIDENCE:.0%}); check their text: page {listed}.")


def pages_to_read(settings: ExtractSettings, without_text: Sequence[int], count: int) -> list[int]:
    """The 1-based pages OCR reads under ``settings.ocr``."""
    if settings.ocr == "never":
        return []
    return list(range(1, count + 1)) if settings.ocr == "always" else list(without_text)


def read_without_text(open_pdf: Callable, settings: ExtractSettings, without_text: Sequence[int],
                      count: int) -> list[OCRReading]:
    """OCR the pages ``settings.ocr`` asks for (``open_pdf()`` opens the document again).

    ``auto`` without Tesseract reads nothing (the caller says what is missing);
    ``always`` without it is an :class:`OCRUnavailableError`.
    """
    numbers = pages_to_read(settings, without_text, count)
    if not numbers:
        return []
    missing = missing_requirement()
    if missing:
        if settings.ocr == "always":
            raise OCRUnavailableError(f"OCR was asked for (ocr = always), but {missing}.")
        return []
    pdf = open_pdf()
    try:
        readings = ocr_pages(pdf, numbers, dpi=settings.ocr_dpi, workers=settings.ocr_workers,
                             tables=settings.pdf_tables)
    finally:
        pdf.close()
    return [r for r in readings if found_text(r, settings.min_chars_per_page)]


def found_text(reading: OCRReading, min_chars: int) -> bool:
    """Whether OCR read at least ``min_chars`` characters on the page (a page of pictures
    only reads as a few stray marks, and stays a page without text)."""
    cells = (cell for table in reading.layout.tables for row in table.rows for cell in row)
    return (sum(len("".join(line.text.split())) for line in reading.layout.lines)
            + sum(len("".join(cell.split())) for cell in cells)) >= min_chars


def provenance(readings: Sequence[OCRReading]) -> tuple[OCRPage, ...]:
    """What the document records of each OCR'd page."""
    engine = engine_name() if readings else ""
    return tuple(OCRPage(r.number, round(r.confidence, 4), f"{engine} {r.language}")
                 for r in readings)


def unavailable_hint(settings: ExtractSettings) -> str | None:
    """The hint for pages left without text: how to install OCR when ``auto`` could not run."""
    if settings.ocr == "never":
        return None
    missing = missing_requirement()
    return f"OCR could not run: {missing}. {INSTALL_HINT}" if missing else None
