"""PDF text with pypdfium2 (fast, page by page) and tables with pdfplumber (where ruled).

Memory stays bounded on long documents: each page's text page and page object are closed
before the next is opened; only the page's text is kept.

pdfplumber, about 50 times slower than PDFium on text, runs only on pages that draw a grid
(:func:`count_rules`): at least :data:`TABLE_MIN_HORIZONTAL_RULES` horizontal and
:data:`TABLE_MIN_VERTICAL_RULES` vertical ruling lines (thin path objects), or
:data:`TABLE_MIN_CELL_BOXES` stroked cell rectangles, or one path of
:data:`TABLE_MIN_GRID_SEGMENTS` segments (a grid drawn in one go). The check reads only the
page's path objects through PDFium's C API (see docs/extract.md for what it costs).
"""

from __future__ import annotations

import ctypes
import importlib.util
import io
import logging
import operator
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..collector import collector_paused
from ..errors import CorruptPDFError, EncryptedPDFError, MissingDependencyError, NeedsOCRError
from ..model import LineBox, OCRPage, Page, Table
from . import layout, ocr
from .layout import PageLayout, TextLine
from .settings import ExtractSettings

#: A path object at most this thick (points) in one direction is a ruling line ...
RULE_MAX_THICKNESS = 3.0
#: ... when it is at least this long (points) in the other direction.
RULE_MIN_LENGTH = 10.0
#: A page needs this many horizontal rules ...
TABLE_MIN_HORIZONTAL_RULES = 3
#: ... and this many vertical rules to be sent to pdfplumber.
TABLE_MIN_VERTICAL_RULES = 2
#: Or this many stroked, unfilled boxes (cells drawn as rectangles, as Excel exports do) ...
TABLE_MIN_CELL_BOXES = 4
#: ... a box being a stroked path of at most this many segments (a rectangle: 4 or 5) ...
BOX_MAX_SEGMENTS = 5
#: ... at least this tall (points; thinner boxes are rules).
BOX_MIN_HEIGHT = 6.0
#: Or one path object with at least this many segments, none of them curved (a whole grid
#: drawn as one path).
TABLE_MIN_GRID_SEGMENTS = 16
#: Form XObjects (reused drawings) are searched for rules down to this nesting depth.
MAX_FORM_DEPTH = 2
#: A table needs at least this many non-empty rows to be kept.
TABLE_MIN_ROWS = 2
#: A page whose non-blank characters are more than this share unreadable (U+FFFD, private-use
#: or control characters: glyphs of a font without a Unicode map) has no usable text layer.
MAX_UNREADABLE_SHARE = 0.5
#: A page on which more than this share of the text runs start with a character that has no
#: Unicode map (PDFium's FPDFText_HasUnicodeMapError: a font without ToUnicode, its glyph codes
#: read as control and accented Latin characters) ...
MAX_UNMAPPED_SHARE = 0.1
#: ... and less than this share of whose characters are Japanese has no usable text layer
#: (a symbol font's bullets have no map either, on pages of readable text).
MIN_JAPANESE_SHARE = 0.2
_JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
#: At most this many page numbers are listed in the "no text layer" warning.
MAX_PAGES_LISTED = 20
#: Where PDFium looks for fonts on Linux when it is given no font folders (its own list; folders
#: given to it replace this list, so they are passed on together with the bundled font).
LINUX_FONT_DIRS = ("/usr/share/fonts", "/usr/share/X11/fonts/Type1", "/usr/share/X11/fonts/TTF",
                   "/usr/local/share/fonts")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractedPDF:
    text: str
    pages: tuple[Page, ...]
    tables: tuple[Table, ...]
    warnings: tuple[str, ...]
    title: str | None
    boxes: tuple[LineBox, ...] = ()
    ocr_pages: tuple[OCRPage, ...] = ()


def bundled_japanese_font_dir() -> Path | None:
    """The folder of the Japanese TrueType font (IPAex Gothic) that japanize-matplotlib, a
    dependency, ships; found without importing matplotlib."""
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return folder if any(folder.glob("*.ttf")) else None


#: The NULL-terminated folder list handed to PDFium. PDFium keeps the pointer and reads it
#: when it first needs a font, so the array must live as long as the process.
_FONT_PATHS: ctypes.Array | None = None


@cache
def configure_pdfium_fonts() -> bool:
    """Let PDFium find a Japanese font even on a machine without one (servers, containers).

    PDFium measures each glyph with the font it loads. For a Japanese font that the PDF does
    not embed (MS 明朝 in many Word exports, reportlab's HeiseiMin) it substitutes a system
    font; with no Japanese font installed the glyphs measure zero, and PDFium's text page
    silently drops every text object that is one character wide: page numbers, vertical
    labels (基/本/構/想), one-character table cells. Re-initialising PDFium with the system
    font folders plus the bundled IPAex font avoids that. Done once, on Linux only (macOS and
    Windows ship Japanese fonts), and only while no PDFium object is open (re-initialising
    closes them). Returns whether PDFium was reconfigured.
    """
    global _FONT_PATHS
    if sys.platform != "linux":
        return False
    folder = bundled_japanese_font_dir()
    if folder is None:
        log.warning("No bundled Japanese font found; PDFs with non-embedded Japanese fonts "
                    "may lose one-character text (install japanize-matplotlib).")
        return False
    import pypdfium2.raw as pdfium_c
    from pypdfium2.internal import bases

    tracker = getattr(bases, "ObjectTracker", None)
    if tracker is None or any(tracker.values()):  # unknown pypdfium2 internals, or PDFs open
        return False
    folders = [d for d in LINUX_FONT_DIRS if Path(d).is_dir()] + [str(folder)]
    _FONT_PATHS = (ctypes.c_char_p * (len(folders) + 1))(*(f.encode() for f in folders), None)
    config = pdfium_c.FPDF_LIBRARY_CONFIG(
        version=2,
        m_pUserFontPaths=ctypes.cast(_FONT_PATHS, ctypes.POINTER(ctypes.POINTER(ctypes.c_char))),
        m_pIsolate=None,
        m_v8EmbedderSlot=0,
    )
    pdfium_c.FPDF_DestroyLibrary()
    pdfium_c.FPDF_InitLibraryWithConfig(config)
    return True


def _open(data: bytes, path: str):
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingDependencyError("pypdfium2", "all", "Reading PDF files") from e
    configure_pdfium_fonts()
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedPDFError("The PDF is password-protected.", path=path) from e
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedPDFError(
                "The PDF is protected by a security handler that cannot be opened.", path=path
            ) from e
        reason = str(e).rstrip(".")
        if "PDFium: " in reason:  # "Failed to load document (PDFium: Data format error)"
            reason = "PDFium: " + reason.split("PDFium: ", 1)[1].rstrip(")").lower()
        raise CorruptPDFError(
            f"The PDF cannot be opened: it is damaged or incomplete "
            f"({reason}; {len(data):,} bytes read).",
            path=path,
        ) from e


#: A font whose name says this, or whose weight is at least BOLD_WEIGHT, is bold.
BOLD_NAME = re.compile(r"bold|heavy|black|demi|W[6-9]\b|-W[6-9]|,B|ゴシック体B|太", re.IGNORECASE)
BOLD_WEIGHT = 600
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACES = re.compile(r"[ \u3000\t]+")


@cache
def _plain_functions():
    """PDFium's per-character functions as plain ctypes prototypes over addresses (a third
    of the call cost of pypdfium2's wrappers, which convert their handle arguments on every
    call): loose box, text object, its font, font size, unicode-map error."""
    import pypdfium2.raw as pdfium_c

    void_p, c_int = ctypes.c_void_p, ctypes.c_int

    def plain(function, restype, *argtypes):
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, void_p).value)

    return (
        plain(pdfium_c.FPDFText_GetLooseCharBox, c_int, void_p, c_int, void_p),
        plain(pdfium_c.FPDFText_GetTextObject, void_p, void_p, c_int),
        plain(pdfium_c.FPDFTextObj_GetFont, void_p, void_p),
        plain(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, void_p, c_int),
        plain(pdfium_c.FPDFText_HasUnicodeMapError, c_int, void_p, c_int),
    )


class _CharBoxes:
    """What ``page_layout`` asks PDFium of one text page's characters: loose boxes (the
    font's height, not the glyph's ink), font size, font name and weight (once per font),
    whether a character has a Unicode map."""

    def __init__(self, textpage_raw) -> None:
        import pypdfium2.raw as pdfium_c

        self._c = pdfium_c
        self._raw = textpage_raw
        self._address = ctypes.cast(textpage_raw, ctypes.c_void_p).value
        self._rect = pdfium_c.FS_RECTF()
        self._rect_ref = ctypes.byref(self._rect)
        (self._get_box, self._get_object, self._get_font, self._get_size,
         self._map_error) = _plain_functions()
        self._name = ctypes.create_string_buffer(96)
        self._flags = ctypes.c_int()
        self._fonts: dict[int | None, tuple[str, bool]] = {}
        self.runs = 0  # runs read, and how many start with a character without a Unicode map
        self.unmapped = 0

    def box(self, index: int) -> tuple[float, float, float, float]:
        self._get_box(self._address, index, self._rect_ref)
        r = self._rect
        return r.left, r.bottom, r.right, r.top

    def font_size(self, index: int) -> float:
        return self._get_size(self._address, index)

    def unmapped_char(self, index: int) -> bool:
        return bool(self._map_error(self._address, index))

    def font(self, index: int) -> tuple[str, bool]:
        """The character's font name (without a subset prefix) and whether it is bold (by
        weight, name or ForceBold flag); asked once per font a page uses."""
        c = self._c
        text_object = self._get_object(self._address, index)
        key = self._get_font(text_object) if text_object else None
        known = self._fonts.get(key)
        if known is None:
            c.FPDFText_GetFontInfo(self._raw, index, self._name, len(self._name), self._flags)
            name = self._name.value.decode("latin-1", "replace").split("+", 1)[-1]
            bold = (c.FPDFText_GetFontWeight(self._raw, index) >= BOLD_WEIGHT
                    or bool(BOLD_NAME.search(name)) or bool(self._flags.value & (1 << 18)))
            known = self._fonts[key] = (name, bold)
        return known


def _runs(text: str, start: int, end: int, boxes: _CharBoxes, index_of) -> list[TextLine]:
    """The runs of one PDFium line ``text[start:end]``: split where the space between two
    characters is wider than :data:`layout.GAP_SPLIT` line heights."""
    runs: list[TextLine] = []
    if not _SPACES.search(text, start, end):  # most Japanese lines: one run
        first_index = index_of(start)
        return [_text_line(text[start:end], boxes.box(first_index), boxes.box(index_of(end - 1)),
                           boxes, first_index)]
    pieces: list[tuple[int, int]] = []
    position = start
    for m in _SPACES.finditer(text, start, end):
        if m.start() > position:
            pieces.append((position, m.start()))
        position = m.end()
    if position < end:
        pieces.append((position, end))
    if not pieces:
        return runs
    run_start, run_end = pieces[0]
    first = boxes.box(index_of(run_start))
    last = boxes.box(index_of(run_end - 1))
    for piece_start, piece_end in pieces[1:]:
        nxt = boxes.box(index_of(piece_start))
        height = max(last[3] - last[1], nxt[3] - nxt[1], 1.0)
        same_line = abs((nxt[1] + nxt[3]) - (last[1] + last[3])) / 2 < 0.5 * height
        if same_line and 0 <= nxt[0] - last[2] <= layout.GAP_SPLIT * height:
            run_end = piece_end
            last = boxes.box(index_of(piece_end - 1))
            continue
        runs.append(_text_line(text[run_start:run_end], first, last, boxes, index_of(run_start)))
        run_start, run_end, first = piece_start, piece_end, nxt
        last = boxes.box(index_of(piece_end - 1))
    runs.append(_text_line(text[run_start:run_end], first, last, boxes, index_of(run_start)))
    return runs


def _text_line(text: str, first, last, boxes: _CharBoxes, first_index: int) -> TextLine:
    left, bottom, right, top = first
    left2, bottom2, right2, top2 = last
    x0 = left if left < left2 else left2
    x1 = right if right > right2 else right2
    y0 = bottom if bottom < bottom2 else bottom2
    y1 = top if top > top2 else top2
    # a vertical line: its last character stands below its first, in the same column
    vertical = (len(text) > 1 and top2 <= bottom + 0.1
                and (right if right < right2 else right2) > (left if left > left2 else left2))
    # the font size (boxes' heights follow the glyphs in some producers' PDFs; LibreOffice)
    size = boxes.font_size(first_index)
    font, bold = boxes.font(first_index)
    boxes.runs += 1
    boxes.unmapped += boxes.unmapped_char(first_index)
    return TextLine(text, x0, y0, x1, y1, max(size, 0.1), bold, vertical, font=font)


def page_layout(page) -> PageLayout:
    """The lines of a pypdfium2 page with their boxes (PDF points), as PDFium reads them."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range()
        if len(text) != count:  # characters without a code point (skipped in the text) or
            import pypdfium2.raw as pdfium_c  # outside the BMP: ask PDFium for the index

            raw = textpage.raw
            if _ASTRAL.search(text):
                utf16 = [0]
                for ch in text:
                    utf16.append(utf16[-1] + (2 if ord(ch) > 0xFFFF else 1))

                def index_of(i: int) -> int:
                    return pdfium_c.FPDFText_GetCharIndexFromTextIndex(raw, utf16[i])
            else:
                def index_of(i: int) -> int:
                    return pdfium_c.FPDFText_GetCharIndexFromTextIndex(raw, i)
        else:
            index_of = operator.index  # each character of the text is the character there
        boxes = _CharBoxes(textpage.raw)
        text = text.replace("\f", " ")
        lines: list[TextLine] = []
        position = 0
        for m in [*_LINE_BREAK.finditer(text), None]:
            end = m.start() if m else len(text)
            if end > position:
                lines.extend(_runs(text, position, end, boxes, index_of))
            position = m.end() if m else end
    finally:
        textpage.close()
    width, height = page.get_size()
    return PageLayout(width, height, tuple(lines), unmapped=boxes.unmapped / max(boxes.runs, 1))


# --- where the tables are ------------------------------------------------------------------


@dataclass
class RuleCount:
    """Ruling lines seen on a page (see :func:`count_rules`)."""

    horizontal: int = 0
    vertical: int = 0
    grid_paths: int = 0
    cell_boxes: int = 0

    @property
    def looks_like_table(self) -> bool:
        return self.grid_paths > 0 or self.cell_boxes >= TABLE_MIN_CELL_BOXES or (
            self.horizontal >= TABLE_MIN_HORIZONTAL_RULES
            and self.vertical >= TABLE_MIN_VERTICAL_RULES
        )


def _add_path(raw_obj, pdfium_c, count: RuleCount) -> None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(raw_obj, left, bottom, right, top):
        return
    width, height = right.value - left.value, top.value - bottom.value
    if height <= RULE_MAX_THICKNESS and width >= RULE_MIN_LENGTH:
        count.horizontal += 1
    elif width <= RULE_MAX_THICKNESS and height >= RULE_MIN_LENGTH:
        count.vertical += 1
    else:
        segments = pdfium_c.FPDFPath_CountSegments(raw_obj)
        if segments >= TABLE_MIN_GRID_SEGMENTS and _straight(raw_obj, segments, pdfium_c):
            count.grid_paths += 1
        elif (segments <= BOX_MAX_SEGMENTS and width >= RULE_MIN_LENGTH
              and height >= BOX_MIN_HEIGHT and _stroked_only(raw_obj, pdfium_c)):
            count.cell_boxes += 1


def _straight(raw_obj, segments: int, pdfium_c) -> bool:
    """No curve among the path's segments (a grid; not a logo, a map or a circle)."""
    get_segment, get_type = pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetType
    bezier = pdfium_c.FPDF_SEGMENT_BEZIERTO
    return all(get_type(get_segment(raw_obj, i)) != bezier for i in range(segments))


def _stroked_only(raw_obj, pdfium_c) -> bool:
    """Drawn as an outline, not filled (filled boxes are bars of a chart, not cells)."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(raw_obj, fill_mode, stroke):
        return False
    return bool(stroke.value) and fill_mode.value == pdfium_c.FPDF_FILLMODE_NONE


@cache
def _object_lister():
    """``(page_address, index) -> object address`` and ``object address -> type``, as plain
    ctypes prototypes over PDFium's own functions. pypdfium2's bindings wrap every returned
    handle in a pointer object; on a text-heavy page of 255 objects the plain prototypes scan
    in 0.54 ms instead of 0.72 ms."""
    import pypdfium2.raw as pdfium_c

    void_p = ctypes.c_void_p

    def plain(function, restype, *argtypes):
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, void_p).value)

    return (
        plain(pdfium_c.FPDFPage_GetObject, void_p, void_p, ctypes.c_int),
        plain(pdfium_c.FPDFFormObj_GetObject, void_p, void_p, ctypes.c_ulong),
        plain(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, void_p),
    )


def _walk(addresses: list[int], pdfium_c, count: RuleCount, depth: int) -> None:
    _, get_inner, get_type = _object_lister()
    path_kind, form_kind = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    for address in addresses:
        kind = get_type(address)
        if kind == path_kind:
            _add_path(ctypes.cast(address, pdfium_c.FPDF_PAGEOBJECT), pdfium_c, count)
        elif kind == form_kind and depth < MAX_FORM_DEPTH:
            handle = ctypes.cast(address, pdfium_c.FPDF_PAGEOBJECT)
            inner = [get_inner(address, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(handle))]
            _walk(inner, pdfium_c, count, depth + 1)


def count_rules(page) -> RuleCount:
    """Count the ruling lines and cell boxes a pypdfium2 page draws.

    Costs about 2 µs per page object (a text-heavy page of 255 objects: about 0.55 ms).
    """
    import pypdfium2.raw as pdfium_c

    get_object = _object_lister()[0]
    count = RuleCount()
    address = ctypes.cast(page.raw, ctypes.c_void_p).value
    total = pdfium_c.FPDFPage_CountObjects(page.raw)
    _walk([get_object(address, i) for i in range(total)], pdfium_c, count, 0)
    return count


def _clean_rows(rows: list[list[str | None]]) -> tuple[tuple[str, ...], ...]:
    """Cells as strings without the line breaks of wrapped cells; empty rows dropped."""
    return tuple(
        tuple((cell or "").replace("\n", "") for cell in row) for row in rows if any(row)
    )


def tables_on(data: bytes, numbers: list[int]) -> list[tuple[Table, tuple[float, float, float, float]]]:
    """pdfplumber tables of the given 1-based pages (only those pages are parsed), each with
    its box in PDF coordinates (x0, y0, x1, y1; origin bottom-left, as PDFium gives them)."""
    if not numbers:
        return []
    import pdfplumber

    tables = []
    with pdfplumber.open(io.BytesIO(data), pages=numbers) as pdf:
        for page in pdf.pages:
            for found in page.find_tables():
                cleaned = _clean_rows(found.extract())
                if len(cleaned) >= TABLE_MIN_ROWS:
                    x0, top, x1, bottom = found.bbox
                    height = float(page.height)
                    tables.append((Table(page=page.page_number, rows=cleaned),
                                   (float(x0), height - float(bottom), float(x1), height - float(top))))
            page.close()
    return tables


#: Unreadable characters: U+FFFD, private use (glyphs without a Unicode map), and control
#: characters other than tab and newline.
UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b-\x1f]")


def has_usable_text(text: str, min_chars: int) -> bool:
    """At least ``min_chars`` non-blank characters, mostly readable (see the constants)."""
    chars = "".join(text.split())
    if len(chars) < min_chars:
        return False
    return len(UNREADABLE.findall(chars)) <= MAX_UNREADABLE_SHARE * len(chars)


#: What word processors put in /Title instead of a title: "Microsoft Word - 計画.docx".
_TITLE_PREFIX = re.compile(r"^(?:Microsoft (?:Word|Excel|PowerPoint) - |一太郎 - )")
_TITLE_SUFFIX = re.compile(r"\.(?:docx?|xlsx?|pptx?|jtd|jtdc|rtf|txt|pdf)$", re.IGNORECASE)
#: Titles that say nothing.
_EMPTY_TITLES = frozenset({"", "untitled", "無題", "タイトルなし", "none"})


def clean_title(raw: str | None) -> str | None:
    """The PDF's /Title as a title: word-processor prefixes and file extensions removed;
    None when nothing meaningful is left."""
    title = _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", (raw or "").strip())).strip()
    return None if title.lower() in _EMPTY_TITLES else title


def locate_table(table: Table, raw_text: str, pages: list[Page]) -> Table:
    """``table`` with ``start``/``end`` in ``raw_text``: from its first cell's text to the end
    of its last cell's, searched on its page. Left unset when either cannot be found (cells
    whose text PDFium wraps differently from pdfplumber are not guessed at)."""
    page = pages[table.page - 1] if table.page and table.page <= len(pages) else None
    cells = [cell for row in table.rows for cell in row if cell]
    if page is None or not cells:
        return table
    start = raw_text.find(cells[0], page.start, page.end)
    if start < 0:
        return table
    end = raw_text.find(cells[-1], start, page.end)
    if end < 0:
        return table
    return replace(table, start=start, end=end + len(cells[-1]))


# --- the whole document --------------------------------------------------------------------


def is_glyph_garbage(page: PageLayout) -> bool:
    """Whether the page's text is glyph codes rather than characters (see the constants)."""
    if not page.lines or page.unmapped <= MAX_UNMAPPED_SHARE:
        return False
    chars = "".join("".join(line.text for line in page.lines).split())
    return len(_JAPANESE.findall(chars)) < MIN_JAPANESE_SHARE * max(len(chars), 1)


def _no_text_warning(empty_pages: list[int], garbled: list[int], hint: str | None = None) -> str:
    listed = ", ".join(map(str, empty_pages[:MAX_PAGES_LISTED]))
    more = " …" if len(empty_pages) > MAX_PAGES_LISTED else ""
    why = ("scanned, or fonts without a Unicode map whose glyph codes were left out; OCR needed"
           if garbled else "scanned? OCR needed")
    return (f"{len(empty_pages)} page(s) have no text layer ({why}): page {listed}{more}."
            + (f" {hint}" if hint else ""))


@dataclass(frozen=True)
class PageRead:
    """What one page gave: its lines with their boxes, and whether it draws ruling lines
    (a table to parse)."""

    layout: PageLayout
    ruled: bool


def _read_pages(pdf, indexes: range, path: str, settings: ExtractSettings) -> list[PageRead]:
    import pypdfium2 as pdfium

    reads = []
    for index in indexes:
        try:
            page = pdf[index]
        except pdfium.PdfiumError as e:  # a broken page tree
            raise CorruptPDFError(f"Page {index + 1} cannot be read ({e}).", path=path) from e
        try:
            reads.append(PageRead(page_layout(page),
                                  settings.pdf_tables and count_rules(page).looks_like_table))
        finally:
            page.close()
    return reads


def read_page_range(data: bytes, path: str, settings: ExtractSettings, start: int, stop: int
                    ) -> list[PageRead]:
    """Pages ``[start, stop)`` (0-based) of a PDF, opened here (how a worker process reads)."""
    pdf = _open(data, path)
    try:
        with collector_paused():  # the pages' many small objects hold no cycles
            return _read_pages(pdf, range(start, stop), path, settings)
    finally:
        pdf.close()


#: Reads pages ``[0, count)`` of a PDF, some of them elsewhere (in a worker process):
#: ``(data, path, settings, count, read_here)``, where ``read_here(start, stop)`` reads a range
#: in this process. See :class:`plannlp.workers.DocumentWorkers`.
PageReader = Callable[[bytes, str, ExtractSettings, int, Callable[[int, int], list[PageRead]]],
                      list[PageRead]]


def _with_tables(layouts: list[PageLayout], tables) -> list[PageLayout]:
    by_page: dict[int, list] = {}
    for table, box in tables:
        by_page.setdefault(table.page, []).append(layout.Block((), "table", table.rows, box))
    return [replace(page, tables=tuple(by_page.get(n, ()))) for n, page in enumerate(layouts, 1)]


def line_boxes(laid_out: layout.LaidOutText, pages: list[Page]) -> tuple[LineBox, ...]:
    """The box of every line of the text, with its offsets in the whole document's text."""
    boxes = []
    for page, emitted in zip(pages, laid_out.lines, strict=True):
        for item in emitted:
            x0, y0, x1, y1 = item.line.page_box
            boxes.append(LineBox(page.start + item.start, page.start + item.end, item.page,
                                 round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)))
    return tuple(boxes)


def extract_pdf(data: bytes, path: str, settings: ExtractSettings, *,
                page_reader: PageReader | None = None) -> ExtractedPDF:
    """Text of every page in reading order (joined by ``\\f``), page spans, line boxes,
    ruled tables, warnings, title.

    ``page_reader`` may read the pages in several processes; the result is the same.
    """
    with collector_paused():  # tens of thousands of lines and blocks, no reference cycles
        return _extract_pdf(data, path, settings, page_reader)


def _extract_pdf(data: bytes, path: str, settings: ExtractSettings,
                 page_reader: PageReader | None) -> ExtractedPDF:
    pdf = _open(data, path)
    try:
        count = len(pdf)
        if count == 0:
            raise CorruptPDFError("The PDF has no pages.", path=path)
        limit = min(count, settings.max_pages) if settings.max_pages else count

        def read_here(start: int, stop: int) -> list[PageRead]:
            return _read_pages(pdf, range(start, stop), path, settings)

        reads = (page_reader(data, path, settings, limit, read_here) if page_reader
                 else read_here(0, limit))
        title = clean_title(pdf.get_metadata_dict().get("Title"))
    finally:
        pdf.close()

    garbled = [n for n, read in enumerate(reads, start=1) if is_glyph_garbage(read.layout)]
    empty_pages = [n for n, read in enumerate(reads, start=1)
                   if n in garbled or not has_usable_text(
                       "".join(line.text for line in read.layout.lines), settings.min_chars_per_page)]
    # OCR (plannlp.extract.ocr): the pages without usable text (all with ocr = "always")
    read_by_ocr = {r.number: r for r in ocr.read_without_text(lambda: _open(data, path), settings,
                                                             empty_pages, limit)}
    empty_pages = [n for n in empty_pages if n not in read_by_ocr]
    if len(empty_pages) == limit:
        what = ("a readable text layer (its fonts have no Unicode map: the text is glyph codes, "
                "not characters)" if garbled else "a text layer (an image-only or scanned PDF)")
        raise NeedsOCRError(f"None of its {limit} page(s) has {what}.", path=path,
                            hint=ocr.unavailable_hint(settings))
    layouts = [read_by_ocr[n].layout if n in read_by_ocr else replace(read.layout, lines=())
               if n in garbled else read.layout
               for n, read in enumerate(reads, start=1)]  # glyph codes are not text: left out
    found_tables = tables_on(data, [n for n, read in enumerate(reads, start=1)
                                    if read.ruled and n not in garbled and n not in read_by_ocr])
    found_tables += [(Table(page=n, rows=block.rows), block.box)  # read from the scan's rules
                     for n, reading in sorted(read_by_ocr.items()) for block in reading.layout.tables]
    laid_out = layout.document_text(_with_tables(layouts, found_tables))
    pages: list[Page] = []
    offset = 0
    for number, page_text in enumerate(laid_out.pages, start=1):
        pages.append(Page(number, offset, offset + len(page_text)))
        offset += len(page_text) + 1  # the "\f" between pages
    warnings = [_no_text_warning(empty_pages, garbled, ocr.unavailable_hint(settings))
                ] if empty_pages else []
    warnings += filter(None, [ocr.low_confidence_warning(list(read_by_ocr.values()))])
    if limit < count:
        warnings.append(f"Only the first {limit} of {count} pages were read (max_pages).")
    text = "\f".join(laid_out.pages)
    tables = [locate_table(t, text, pages) for t, _ in found_tables]
    return ExtractedPDF(text, tuple(pages), tuple(tables), tuple(warnings), title,
                        line_boxes(laid_out, pages), ocr.provenance(list(read_by_ocr.values())))


def read_layouts(data: bytes, path: str, settings: ExtractSettings) -> list[PageLayout]:
    """Every page's lines and tables with their boxes (what :func:`extract_pdf` lays out;
    for ``plannlp extract --debug-image``)."""
    pdf = _open(data, path)
    try:
        count = min(len(pdf), settings.max_pages) if settings.max_pages else len(pdf)
        reads = _read_pages(pdf, range(count), path, settings)
    finally:
        pdf.close()
    found = tables_on(data, [n for n, read in enumerate(reads, start=1) if read.ruled])
    return _with_tables([read.layout for read in reads], found)
