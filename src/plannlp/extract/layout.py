"""Reading order from a page's geometry: lines → blocks → columns → the text a person reads.

Pure functions over :class:`TextLine` (a run of text on one baseline with its box in PDF
coordinates: origin bottom-left, y up); :mod:`plannlp.extract.pdf` reads the lines from
PDFium. Every rule is a small function with a named threshold; the thresholds are in units
of the body text's line height (``size``), so they hold for 9-point and 12-point plans alike.
See docs/cleanup-and-structure.md ("Layout") for an example of each.

What a page becomes (:func:`page_text`): *units* (a paragraph, a heading, a bullet item, a
table row, a footnote) separated by a blank line; inside a unit, the lines it wrapped over,
separated by single line breaks. So the clean stage only has to join single line breaks
(``PlanDocument.layout == "blocks"``), and every decision about wrapping is taken here, from
where a line ends, not from how many characters it has.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..japanese.markers import FOOTNOTE, ends_sentence, starts_with_strong_marker

#: Two runs on one baseline further apart than this (in line heights) are separate lines
#: (two columns, a table's cells, a label beside a paragraph) — PDFium puts a space there.
GAP_SPLIT = 1.5
#: A line joins the block above when the vertical gap to the block's last line is at most this.
BLOCK_LINE_GAP = 0.9
#: ... and its left edge is within this of the block's left edge (indents and hanging bullets).
BLOCK_INDENT = 3.2
#: A line at least this much taller than the page's body text is a heading line.
HEADING_SIZE_RATIO = 1.1
#: A heading line has at most this many characters (longer lines are not asked their weight).
HEADING_MAX_CHARS = 40
#: A line at most this tall relative to the body text is small print (footnotes, captions).
SMALL_SIZE_RATIO = 0.9
#: A line that ends a sentence and stops at least this far (line heights) short of its
#: column's right edge ends its unit ...
WRAP_SLACK = 1.2
#: ... a line that does not, only this far short (kinsoku and half-width characters leave a
#: full line a character or two short; a unit cut in two costs more than two joined).
WRAP_SLACK_OPEN = 4.0
#: ... or this share of the unit's width, if more (text cut at a character count, not a width).
WRAP_SHARE_OPEN = 0.15
#: A line starting at least this far right of its block's left edge starts a new unit (字下げ).
INDENT_MIN = 0.6
#: A column's right edge is this percentile of its long lines' right edges.
EDGE_PERCENTILE = 0.75
#: A block to the right of a line stops it (the line wraps at its left edge) when the line
#: stands within this many line heights above or below it (a text box's wrap margin).
OBSTACLE_REACH = 3.0
#: An aside (a text box beside the text) is at most this share of the height of the text it
#: stands beside.
ASIDE_MAX_SHARE = 0.6
#: ... and at most this many blocks (its lines, when they stand far apart).
ASIDE_MAX_BLOCKS = 3
#: Columns are separated by a vertical channel of whitespace at least this wide.
COLUMN_GAP = 1.0
#: A column is at least this share of the region it is cut from (narrower strips are cells).
COLUMN_MIN_SHARE = 0.18
#: A page is a 縦書き page when more than this share of its characters stand in vertical lines.
VERTICAL_PAGE_SHARE = 0.5
#: A vertical stack has at least this many one- or two-character lines.
VERTICAL_MIN_CHARS = 3
#: Page furniture (running headers, footers, page numbers) lies within this share of the page
#: height from its top or bottom edge ...
MARGIN_BAND = 0.09
#: ... and is a page number or text repeated (numbers aside) on this many pages or more.
FURNITURE_MIN_REPEATS = 2
#: A block holds another ("a text box in a paragraph") when this share of the other's area is inside.
FLOAT_OVERLAP = 0.6

#: Page numbers as plans print them: 12, - 12 -, － 12 －, ― 12 ―, (12), P.12, 12/40, ・12・.
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—―‐‑–~〜・]\s*)?(?:[(（]\s*)?(?:P\.?\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?"
    r"\s*(?:[)）])?\s*(?:[-－—―‐‑–~〜・])?\s*$"
)
_DIGITS = re.compile(r"\d+")
#: A footnote's first line: ※, ※1, 注1:, ＊1, also in brackets (``(※1:…``, ``（注）``).
FOOTNOTE_START = re.compile(r"^\s*[(（]?\s*(?:" + FOOTNOTE.pattern.strip("\\s*") + r")")
#: A line of leader dots or rule characters only (``・・・・・・``, ``――――``): drawn, not read.
RULE_LINE = re.compile(r"^[・･…‥\.．。·\-－—―_＿=＝\s]{5,}$")


@dataclass(frozen=True, slots=True)
class TextLine:
    """A run of text on one baseline (or one vertical column), with its box in PDF points."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # line height (the font's ascent to descent at its size)
    bold: bool = False
    vertical: bool = False  # a column of 縦書き text, read top to bottom
    font: str = ""  # the font's name (without the subset prefix)
    #: the box on the page (PDF points) when the coordinates above are turned (縦書き pages)
    source_box: tuple[float, float, float, float] | None = None

    @property
    def page_box(self) -> tuple[float, float, float, float]:
        return self.source_box or (self.x0, self.y0, self.x1, self.y1)

    def __reduce__(self):
        # pickled as the arguments alone: the pages a worker process reads travel back to
        # the main process about twice as fast as with the dataclass's default state
        return TextLine, (self.text, self.x0, self.y0, self.x1, self.y1, self.size, self.bold,
                          self.vertical, self.font, self.source_box)

    @property
    def top(self) -> float:
        return self.y1

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class Block:
    """Lines read together: a paragraph (or several), a heading, a text box, a table."""

    lines: tuple[TextLine, ...]
    kind: str = "text"  # text | heading | footnote | table | float | aside
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells
    box: tuple[float, float, float, float] | None = None  # a table's box (x0, y0, x1, y1)
    floats: tuple[Block, ...] = ()  # text boxes that stand inside this block
    #: boxes of the other blocks on the page that a line of this one may have to stop at
    obstacles: tuple[tuple[float, float, float, float], ...] = ()
    right: float | None = None  # the right edge of the column it was read in

    @cached_property
    def x0(self) -> float:
        return self.box[0] if self.box else min(line.x0 for line in self.lines)

    @cached_property
    def y0(self) -> float:
        return self.box[1] if self.box else min(line.y0 for line in self.lines)

    @cached_property
    def x1(self) -> float:
        return self.box[2] if self.box else max(line.x1 for line in self.lines)

    @cached_property
    def y1(self) -> float:
        return self.box[3] if self.box else max(line.y1 for line in self.lines)

    @property
    def left(self) -> float:
        """The block's left margin: its lines' usual left edge (a first-line indent aside)."""
        edges = [line.x0 for line in self.lines[1:]] or [self.lines[0].x0]
        return min(edges)


@dataclass(frozen=True)
class PageLayout:
    """What one page gave: its lines (in the order PDFium read them) and its size."""

    width: float
    height: float
    lines: tuple[TextLine, ...]
    tables: tuple[Block, ...] = ()
    unmapped: float = 0.0  # share of the runs whose first character has no Unicode map


@dataclass(slots=True)
class EmittedLine:
    """A line of a page's text: ``[start, end)`` in that text, the page it stands on, its box."""

    start: int
    end: int
    page: int
    line: TextLine


@dataclass
class PageText:
    text: str
    lines: list[EmittedLine] = field(default_factory=list)
    continues: bool = False  # the page's last unit goes on on the next page
    held: list[tuple[int, Block]] = field(default_factory=list)  # footnotes waiting for it


# --- sizes ------------------------------------------------------------------------------------


def body_size(lines: Iterable[TextLine]) -> float:
    """The line height most characters are set in (weighted by characters)."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def body_font(lines: Iterable[TextLine]) -> str:
    """The font most characters are set in."""
    weights: Counter[str] = Counter()
    for line in lines:
        weights[line.font] += len(line.text)
    return weights.most_common(1)[0][0] if weights else ""


@dataclass(frozen=True)
class BodyText:
    """How the body text is set: its line height, whether bold, its font."""

    size: float
    bold: bool = False
    font: str = ""


def is_heading_line(line: TextLine, body: BodyText) -> bool:
    """Not a sentence, short, and set larger than the body text, or bold where the body is
    not, or in another font at least the body's size (ゴシック headings over 明朝 text)."""
    if ends_sentence(line.text) or len(line.text) > HEADING_MAX_CHARS:
        return False
    return (line.size >= HEADING_SIZE_RATIO * body.size or (line.bold and not body.bold)
            or (bool(body.font) and line.font != body.font and line.size >= body.size))


# --- page furniture ---------------------------------------------------------------------------


def _in_margin(line: TextLine, height: float) -> bool:
    return line.y0 >= height * (1 - MARGIN_BAND) or line.y1 <= height * MARGIN_BAND


def furniture_key(text: str) -> str:
    """What the repeats of a running header share: no spaces, numbers as ``#``."""
    return _DIGITS.sub("#", "".join(text.split()))


def find_furniture(pages: Sequence[PageLayout]) -> list[set[int]]:
    """For each page, the indexes of its lines that are running headers, footers or page
    numbers: in the top or bottom band of the page (:data:`MARGIN_BAND`) and either a page
    number or a text repeated, numbers aside, on :data:`FURNITURE_MIN_REPEATS` pages."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({furniture_key(line.text) for line in page.lines
                       if _in_margin(line, page.height)})
    found = []
    for page in pages:
        found.append({
            i for i, line in enumerate(page.lines)
            if _in_margin(line, page.height) and (
                PAGE_NUMBER.match(line.text)
                or (len(pages) >= FURNITURE_MIN_REPEATS
                    and counts[furniture_key(line.text)] >= FURNITURE_MIN_REPEATS))
        })
    return found


# --- blocks -----------------------------------------------------------------------------------


def _x_overlap(a: TextLine | Block, b: TextLine | Block) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _continues_block(block: list[TextLine], left: float, line: TextLine, body: float) -> bool:
    """Whether ``line`` goes on the block whose usual left edge is ``left``."""
    last = block[-1]
    gap = last.y0 - line.y1
    if gap < -0.5 * line.size or gap > BLOCK_LINE_GAP * max(line.size, last.size):
        return False
    if min(last.x1, line.x1) <= max(last.x0, line.x0):  # no horizontal overlap
        return False
    return abs(line.x0 - left) <= BLOCK_INDENT * body and abs(line.size - last.size) <= 0.2 * body


def group_blocks(lines: Sequence[TextLine], body_text: BodyText) -> list[Block]:
    """Lines gathered into blocks, top to bottom: a line joins the open block just above it
    (vertical gap ≤ :data:`BLOCK_LINE_GAP`, left edges within :data:`BLOCK_INDENT`, same size);
    headings make blocks of their own (several heading lines of one size stay together)."""
    body = body_text.size
    ordered = sorted(lines, key=lambda line: (-round(line.y1, 0), line.x0))
    blocks: list[list[TextLine]] = []
    headings: list[bool] = []
    open_blocks: list[int] = []  # blocks whose last line is close enough above to be joined
    lefts: list[float] = []  # each block's usual left edge (its lines after the first)
    for line in ordered:
        reach = line.y1 + BLOCK_LINE_GAP * 2 * max(line.size, body)
        open_blocks = [k for k in open_blocks if blocks[k][-1].y0 <= reach]
        heading = is_heading_line(line, body_text)
        candidates = [k for k in open_blocks
                      if headings[k] == heading and _continues_block(blocks[k], lefts[k], line, body)]
        if candidates:
            best = max(candidates, key=lambda k: _x_overlap(blocks[k][-1], line))
            blocks[best].append(line)
            lefts[best] = line.x0 if len(blocks[best]) == 2 else min(lefts[best], line.x0)
        else:
            blocks.append([line])
            headings.append(heading)
            lefts.append(line.x0)
            open_blocks.append(len(blocks) - 1)
    return [Block(tuple(b), "heading" if h else "text") for b, h in zip(blocks, headings, strict=True)]


def is_vertical_stack(block: Block) -> bool:
    """A column of one- or two-character lines stacked top to bottom: vertical text (a side
    label such as 基/本/構/想, a 縦書き caption), which PDFium gives a line per character."""
    lines = block.lines
    if len(lines) < VERTICAL_MIN_CHARS or any(len(line.text) > 2 for line in lines):
        return False
    return all(_x_overlap(a, b) > 0 for a, b in zip(lines, lines[1:], strict=False))


def vertical_as_line(block: Block) -> Block:
    """A vertical stack as one line, its characters top to bottom; held until the unit it
    stands beside has ended (it never continues or ends a paragraph)."""
    text = "".join(line.text for line in block.lines)
    first = block.lines[0]
    line = TextLine(text, block.x0, block.y0, block.x1, block.y1, first.size, first.bold)
    return Block((line,), "float")


def _area(a: Block) -> float:
    return max(a.x1 - a.x0, 0.1) * max(a.y1 - a.y0, 0.1)


def _inside_share(inner: Block, outer: Block) -> float:
    w = min(inner.x1, outer.x1) - max(inner.x0, outer.x0)
    h = min(inner.y1, outer.y1) - max(inner.y0, outer.y0)
    return max(w, 0) * max(h, 0) / _area(inner)


def attach_floats(blocks: list[Block]) -> list[Block]:
    """Blocks standing inside a larger block's box (a text box or callout the paragraph runs
    around) leave the flow and ride on that block, to be read after it."""
    by_size = sorted(range(len(blocks)), key=lambda k: _area(blocks[k]))
    host: dict[int, int] = {}
    for k in by_size:
        for j in reversed(by_size):
            if j != k and j not in host and _area(blocks[j]) > _area(blocks[k]) and (
                    _inside_share(blocks[k], blocks[j]) >= FLOAT_OVERLAP):
                host[k] = j
                break
    riders: dict[int, list[Block]] = {}
    for k, j in host.items():
        riders.setdefault(j, []).append(replace(blocks[k], kind="float"))
    return [replace(block, floats=tuple(sorted(riders.get(k, []), key=lambda b: -b.y1)))
            for k, block in enumerate(blocks) if k not in host]


# --- reading order (recursive XY cut) ---------------------------------------------------------


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Free stretches at least ``min_gap`` wide between the union of ``intervals``."""
    gaps = []
    intervals = sorted(intervals)
    reach = intervals[0][1]
    for start, end in intervals[1:]:
        if start - reach >= min_gap:
            gaps.append((reach, start))
        reach = max(reach, end)
    return gaps


def _split(blocks: list[Block], gaps: list[tuple[float, float]], axis: str) -> list[list[Block]]:
    parts: list[list[Block]] = [[] for _ in range(len(gaps) + 1)]
    for block in blocks:
        centre = (block.x0 + block.x1) / 2 if axis == "x" else (block.y0 + block.y1) / 2
        k = sum(centre > (g[0] + g[1]) / 2 for g in gaps)
        parts[k].append(block)
    return parts


def column_cut(blocks: list[Block], body: float) -> list[list[Block]] | None:
    """Left-to-right columns of ``blocks``, or None when no channel of whitespace runs top to
    bottom (:data:`COLUMN_GAP`), or a part would be narrower than :data:`COLUMN_MIN_SHARE`."""
    if len(blocks) < 2:
        return None
    gaps = _gaps([(b.x0, b.x1) for b in blocks], COLUMN_GAP * body)
    if not gaps:
        return None
    width = max(b.x1 for b in blocks) - min(b.x0 for b in blocks)
    parts = _split(blocks, gaps, "x")
    if any(max(b.x1 for b in p) - min(b.x0 for b in p) < COLUMN_MIN_SHARE * width for p in parts):
        return None
    return parts


def row_cut(blocks: list[Block]) -> list[list[Block]]:
    """Top-to-bottom bands of ``blocks`` separated by any horizontal stretch of whitespace."""
    gaps = _gaps([(-b.y1, -b.y0) for b in blocks], 0.01)
    return _split(blocks, [(-g[1], -g[0]) for g in reversed(gaps)], "y")[::-1] if gaps else [blocks]


def column_edge(blocks: list[Block]) -> float:
    """Where a full line of these blocks ends: the :data:`EDGE_PERCENTILE` of the right edges
    of their long lines (one over-long line, a table or a ragged right does not move it)."""
    lines = [line for b in blocks for line in b.lines]
    if not lines:
        return max(b.x1 for b in blocks)
    left = min(line.x0 for line in lines)
    widest = max(line.x1 for line in lines) - left
    ends = sorted(line.x1 for line in lines if line.x1 - left >= 0.5 * widest)
    return ends[min(len(ends) - 1, int(EDGE_PERCENTILE * len(ends)))]


def reading_order(blocks: list[Block], body: float, right: float | None = None) -> list[Block]:
    """Blocks in the order a person reads them: columns left to right where a channel of
    whitespace runs through the region, bands top to bottom otherwise; consecutive bands
    that share columns are read as one region (so two columns are read column by column
    even where their paragraph gaps line up). Each block learns its column's right edge."""
    if not blocks:
        return []
    edge = right if right is not None else column_edge(blocks)
    columns = column_cut(blocks, body)
    if columns:
        return [b for column in columns for b in reading_order(column, body, column_edge(column))]
    bands = row_cut(blocks)
    if len(bands) == 1:
        ordered = sorted(blocks, key=lambda b: (-b.y1, b.x0))
        return [replace(b, right=edge) for b in ordered]
    merged: list[list[Block]] = []
    for band in bands:
        if merged and column_cut(merged[-1] + band, body):
            merged[-1] = merged[-1] + band
        else:
            merged.append(list(band))
    if len(merged) == 1:
        ordered = sorted(blocks, key=lambda b: (-b.y1, b.x0))
        return [replace(b, right=edge) for b in ordered]
    return [b for band in merged for b in reading_order(band, body, edge)]


# --- footnotes and tables ---------------------------------------------------------------------


def mark_footnotes(blocks: list[Block], body: float, height: float) -> list[Block]:
    """Blocks in the lower part of the page, below every other block, that start with a
    footnote mark (※, 注, ＊) in small print or at the bottom: read after the paragraph they
    interrupt (see :func:`page_text`)."""
    marked = []
    lowest_body = min((b.y0 for b in blocks
                       if not (b.lines and FOOTNOTE_START.match(b.lines[0].text))), default=0.0)
    for block in blocks:
        first = block.lines[0] if block.lines else None
        if (block.kind == "text" and first is not None and FOOTNOTE_START.match(first.text)
                and block.y1 <= lowest_body + 0.5 * body and block.y1 < height / 2
                and first.size <= body / SMALL_SIZE_RATIO):
            marked.append(replace(block, kind="footnote"))
        else:
            marked.append(block)
    return marked


def lines_outside(lines: list[TextLine], tables: Sequence[Block]) -> list[TextLine]:
    """The lines whose centre lies outside every table's box (a table is read as its rows)."""
    def inside(line: TextLine, box: tuple[float, float, float, float]) -> bool:
        cx, cy = (line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2
        return box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1

    return [line for line in lines if not any(inside(line, t.box) for t in tables if t.box)]


# --- the page's text --------------------------------------------------------------------------


def _ends_unit(line: TextLine, following: TextLine | None, unit_start: TextLine, right: float,
               floats: Sequence[Block], body: float,
               obstacles: Sequence[tuple[float, float, float, float]] = ()) -> bool:
    """Whether a unit (paragraph, item) ends with ``line``: the line stops short of the column's
    right edge (or of a text box standing beside it), or the next line is indented further
    (a paragraph's 字下げ; not an item's hanging indent) or starts with a bullet or heading mark.
    A line beside another block (a text box the paragraph wraps around) may end at its left
    edge (:data:`OBSTACLE_REACH`)."""
    edge = right
    middle = (line.y0 + line.y1) / 2
    reach = OBSTACLE_REACH * body  # a text box keeps the text away a little above and below
    for x0, y0, _, y1 in [(b.x0, b.y0, b.x1, b.y1) for b in floats] + list(obstacles):
        if line.x1 <= x0 < edge and y0 - reach <= middle <= y1 + reach:
            edge = x0
    if ends_sentence(line.text):
        slack = WRAP_SLACK * body
    else:
        slack = max(WRAP_SLACK_OPEN * body, WRAP_SHARE_OPEN * (edge - unit_start.x0))
    if line.x1 < edge - slack:
        return True
    if following is None:
        return False
    if starts_with_strong_marker(following.text):
        # a ※ starting a line that a full, unfinished line wrapped onto is not a footnote
        return not (FOOTNOTE_START.match(following.text) and not ends_sentence(line.text))
    hanging = line is unit_start and starts_with_strong_marker(line.text)
    return following.x0 > line.x0 + INDENT_MIN * body and not hanging


def block_units(block: Block, body: float) -> list[list[TextLine]]:
    """A block's units: a heading is one unit; text breaks where :func:`_ends_unit` says."""
    if block.kind == "heading":
        return [list(block.lines)]
    units: list[list[TextLine]] = [[]]
    right = block.right if block.right is not None else block.x1
    for k, line in enumerate(block.lines):
        units[-1].append(line)
        following = block.lines[k + 1] if k + 1 < len(block.lines) else None
        if following is not None and _ends_unit(line, following, units[-1][0], right,
                                                block.floats, body, block.obstacles):
            units.append([])
    return [u for u in units if u]


def _last_continues(block: Block, body: float) -> bool:
    """The block's last line runs to its column's edge unfinished: the unit goes on in the
    next block (the next column or page)."""
    if block.kind != "text" or not block.lines:
        return False
    last = block.lines[-1]
    right = block.right if block.right is not None else block.x1
    return not ends_sentence(last.text) and not _ends_unit(last, None, last, right, block.floats,
                                                           body, block.obstacles)


def _starts_fresh(block: Block, body: float) -> bool:
    """The block's first line cannot continue a sentence: a heading, an indent, a marker."""
    if block.kind != "text":
        return True
    first = block.lines[0]
    return first.x0 > block.left + INDENT_MIN * body or starts_with_strong_marker(first.text)



def _table_lines(block: Block) -> list[str]:
    return ["\t".join(cell.replace("\n", "") for cell in row) for row in block.rows]


def page_text(ordered: Sequence[Block], body: float, number: int, *,
              continued: bool = False, held: Sequence[tuple[int, Block]] = (),
              last: bool = False) -> PageText:
    """The text of page ``number`` from its blocks in reading order.

    Units are separated by a blank line and their wrapped lines by one line break. A unit that
    goes on in the next block (the next column) is not separated from it. Footnotes and text
    boxes are held back until the unit they interrupt has ended. ``continued``: the previous
    page's last unit goes on on this page, which then starts inside it; ``held``: that page's
    footnotes, still waiting for the unit to end; ``last``: no page follows.
    """
    parts: list[str] = []
    emitted: list[EmittedLine] = []
    waiting: list[tuple[int, Block]] = list(held)
    position = 0
    open_unit = continued

    def put(text: str, page: int | None = None, line: TextLine | None = None) -> None:
        nonlocal position
        if line is not None and page is not None:
            emitted.append(EmittedLine(position, position + len(text), page, line))
        parts.append(text)
        position += len(text)

    def put_units(page: int, units: list[list[TextLine]]) -> None:
        for unit in units:
            for k, line in enumerate(unit):
                if k:
                    put("\n")
                put(line.text, page, line)
            put("\n\n")

    def end_unit() -> None:
        nonlocal open_unit
        if open_unit:
            put("\n\n")
        open_unit = False
        while waiting:
            page, block = waiting.pop(0)
            put_units(page, block_units(block, body))
            waiting.extend((page, rider) for rider in block.floats)

    for block in ordered:
        if block.kind in ("footnote", "float"):
            waiting.append((number, block))
            continue
        if open_unit and _starts_fresh(block, body):
            end_unit()
        if block.kind == "table":
            end_unit()
            for row in _table_lines(block):
                put(row + "\n\n")
            continue
        units = block_units(block, body)
        for u, unit in enumerate(units):
            if u:
                end_unit()
            for k, line in enumerate(unit):
                if k or (u == 0 and open_unit and position):
                    put("\n")
                put(line.text, number, line)
            open_unit = True
        waiting.extend((number, rider) for rider in block.floats)
        if not _last_continues(block, body):
            end_unit()
    if not open_unit or last:
        end_unit()
    text = "".join(parts).rstrip("\n")
    if open_unit:  # the last unit goes on on the next page: no break at the page's end
        return PageText(text, emitted, True, waiting)
    return PageText(text + "\n" if text else text, emitted, False, [])


# --- the document -----------------------------------------------------------------------------


@dataclass
class LaidOutText:
    """Every page's text (to be joined by form feeds) and where each line of it came from."""

    pages: list[str]
    lines: list[list[EmittedLine]]  # per page, offsets within that page's text


@dataclass
class ReadPage:
    """A page as read: its blocks in reading order (held-back footnotes and text boxes last)
    and the page furniture left out."""

    blocks: list[Block]
    furniture: list[TextLine]


def is_vertical_page(page: PageLayout) -> bool:
    """Most of the page's characters stand in vertical lines (a 縦書き page)."""
    vertical = sum(len(line.text) for line in page.lines if line.vertical)
    return vertical > VERTICAL_PAGE_SHARE * max(sum(len(line.text) for line in page.lines), 1)


def merge_abutting(lines: list[TextLine], body: float) -> list[TextLine]:
    """Runs on one line that PDFium gave apart, joined (縦書き: the upright half-width digits
    of 「1年4か月」 are runs of their own between the column's kanji)."""
    merged: list[TextLine] = []
    for line in sorted(lines, key=lambda item: (-round((item.y0 + item.y1) / 2), item.x0)):
        last = merged[-1] if merged else None
        if (last is not None and min(last.y1, line.y1) - max(last.y0, line.y0) >= 0.5 * min(
                last.y1 - last.y0, line.y1 - line.y0) and 0 <= line.x0 - last.x1 <= GAP_SPLIT * body
                / 3):
            box = (min(last.page_box[0], line.page_box[0]), min(last.page_box[1], line.page_box[1]),
                   max(last.page_box[2], line.page_box[2]), max(last.page_box[3], line.page_box[3]))
            merged[-1] = TextLine(last.text + line.text, last.x0, min(last.y0, line.y0), line.x1,
                                  max(last.y1, line.y1), max(last.size, line.size), last.bold,
                                  last.vertical, font=last.font, source_box=box)
        else:
            merged.append(line)
    return merged


def turned(line: TextLine, height: float) -> TextLine:
    """A line of a 縦書き page in turned coordinates, where reading goes left to right and
    columns (right to left on the page) come top to bottom, so every rule for horizontal
    pages applies: x' = height - y, y' = x."""
    return TextLine(line.text, height - line.y1, line.x0, height - line.y0, line.x1, line.size,
                    line.bold, line.vertical, font=line.font, source_box=line.page_box)


def _beside(aside: Block, blocks: list[Block], reach: float) -> list[Block]:
    """Text blocks to the left of ``aside`` within ``reach`` of it vertically."""
    return [b for b in blocks if b is not aside and b.kind == "text" and b.x1 <= aside.x0 + 1
            and b.y0 <= aside.y1 + reach and b.y1 >= aside.y0 - reach]


def place_asides(ordered: list[Block], body: float) -> list[Block]:
    """Text boxes and callouts beside the running text, read as one block after the last
    paragraph they stand beside. A block is such an *aside* when text blocks stand to its
    left within :data:`OBSTACLE_REACH` line heights, the text of that flow runs wider
    elsewhere on the page (so its narrow lines are the box's doing, not a column's), and its
    channel holds at most :data:`ASIDE_MAX_BLOCKS` blocks and :data:`ASIDE_MAX_SHARE` of the
    height beside it (a column of a two-column page is as tall as its neighbour). The blocks
    of its channel that share its left edge are its other lines."""
    result = list(ordered)
    reach = OBSTACLE_REACH * body
    for aside in ordered:
        if aside not in result or aside.kind != "text":
            continue
        beside = _beside(aside, result, reach)
        if not beside:
            continue
        top, bottom = max(b.y1 for b in beside), min(b.y0 for b in beside)
        edge = max(b.x1 for b in beside)
        channel = [c for c in result if c.x0 >= edge - 1 and c.y0 <= top and c.y1 >= bottom]
        if (len(channel) > ASIDE_MAX_BLOCKS
                or sum(c.y1 - c.y0 for c in channel) > ASIDE_MAX_SHARE * (top - bottom)):
            continue
        left = min(b.x0 for b in beside)
        if not any(b.kind == "text" and b.x1 > aside.x0 and abs(b.x0 - left) <= BLOCK_INDENT * body
                   for b in result):
            continue
        group = [c for c in channel if c.kind == "text" and abs(c.x0 - aside.x0) <= BLOCK_INDENT * body]
        beside = [b for member in group for b in _beside(member, result, reach) if b not in group]
        if not beside:
            continue
        for member in group:
            result.remove(member)
        last = max(result.index(b) for b in beside)
        lines = tuple(line for member in sorted(group, key=lambda b: -b.y1) for line in member.lines)
        result.insert(last + 1, Block(lines, "aside"))
    return result


def with_obstacles(blocks: list[Block]) -> list[Block]:
    """Each block with the boxes of the page's other blocks (see :func:`_ends_unit`)."""
    boxes = [(b.x0, b.y0, b.x1, b.y1) for b in blocks]
    return [replace(b, obstacles=tuple(box for j, box in enumerate(boxes) if j != k))
            for k, b in enumerate(blocks)]


def read_pages(layouts: Sequence[PageLayout]) -> tuple[list[ReadPage], float]:
    """Every page's blocks in reading order, and the body text's line height."""
    furniture = find_furniture(layouts)
    every_line = [line for page in layouts for line in page.lines]
    body = body_size(every_line)
    bold_chars = sum(len(line.text) for line in every_line if line.bold)
    body_text = BodyText(body, bold_chars > 0.5 * max(sum(len(line.text) for line in every_line), 1),
                         body_font(every_line))
    read = []
    for number, page in enumerate(layouts, start=1):
        kept, dropped = [], []
        for i, line in enumerate(page.lines):
            left_out = i in furniture[number - 1] or RULE_LINE.match(line.text)
            (dropped if left_out else kept).append(line)
        height = page.height
        if is_vertical_page(page):
            kept = merge_abutting([turned(line, page.height) for line in kept], body)
            height = page.width
        blocks = [vertical_as_line(b) if is_vertical_stack(b) else b
                  for b in group_blocks(lines_outside(kept, page.tables), body_text)]
        blocks = attach_floats(blocks) + list(page.tables)
        blocks = mark_footnotes(blocks, body, height)
        held_back = [b for b in blocks if b.kind in ("footnote", "float")]
        ordered = reading_order([b for b in blocks if b not in held_back], body)
        ordered = with_obstacles(place_asides(ordered, body) + held_back)
        read.append(ReadPage(ordered, dropped))
    return read, body


def document_text(layouts: Sequence[PageLayout]) -> LaidOutText:
    """The text of every page in reading order (see :func:`page_text`), with running headers,
    footers and page numbers left out (:func:`find_furniture`) and tables in their place."""
    pages, body = read_pages(layouts)
    texts: list[str] = []
    lines: list[list[EmittedLine]] = []
    continued, held = False, []
    for number, page in enumerate(pages, start=1):
        result = page_text(page.blocks, body, number, continued=continued, held=held,
                           last=number == len(pages))
        texts.append(result.text)
        lines.append(result.lines)
        continued, held = result.continues, result.held
    return LaidOutText(texts, lines)
