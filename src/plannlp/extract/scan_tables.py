"""Ruled tables on a scanned page: the grid of its rules, found in the page image.

A text layer's ruled tables are read by pdfplumber from the PDF's drawn lines; a scan has
no drawn lines, only pixels. This module finds the same grids in the image (numpy, no
model): the page's skew is measured from the projection of the pieces of its rules
(:func:`skew_angle`) and taken out, horizontal and vertical rules are runs of dark pixels
much longer than a character (:func:`horizontal_rules`, :func:`vertical_rules`), and a table
is a set of at least two horizontal rules joined by at least two vertical ones that run from
rule to rule (:func:`find_grids`, :func:`page_grids`). Its cells are the spaces between them,
row by row. The cells are cut out and stacked apart on one sheet (:func:`cell_sheet`) that
OCR reads in one run, and each word goes back to its cell (:func:`sheet_rows`), so a
scanned table is read as rows of cells, as pdfplumber reads a text layer's.

Before OCR, the rules are painted out (:func:`without_rules`): Tesseract reads a rule
beside a character as 「|」 or 「一」 and runs the cells of a row into one line.

Everything here works in pixels of the image (x right, y down), turned straight.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: A pixel darker than this (0 black – 255 white) is ink.
DARK = 160
#: A horizontal rule is at least this share of the page's width (characters are far shorter).
MIN_HORIZONTAL_RULE = 0.08
#: A vertical rule is at least this long, in inches (a row of one line of 10.5-pt type is
#: about 0.2 in), and must run from one horizontal rule to another.
MIN_VERTICAL_RULE = 0.12
#: Rules this close (inches) are one rule (a thick or double line; the ends of a rule that
#: meets another).
RULE_TOLERANCE = 0.03
#: Row bands thinner than this (inches) are the gap of a double rule, not a row.
MIN_ROW = 0.06
#: A run of ink this share of the page's width is a piece of a rule (on an A4 page at 300
#: dpi turned by 2°, a rule 3 pixels thick stays about 85 pixels in one row of pixels).
MIN_PIECE = 0.025
#: A page whose rule pieces add up to less than this share of its width has no table (two
#: rules of a table, each a few pixels thick, add up to far more; a bold heading's strokes
#: to about a third).
MIN_RULED = 0.3
#: A vertical rule has white beside it (this far, in inches) along this share of its length
#: at least: a stroke of a character has other strokes against it.
BESIDE, MIN_CLEAR_BESIDE = 0.012, 0.7
#: Rules are painted out this far (inches) either side of their middle before OCR.
ERASE = 0.02
#: Cells are cut this far (inches) inside their rules and stacked this far apart for OCR.
CELL_INSET, SHEET_GAP = 0.015, 0.15
#: The skew searched (degrees either way) and its steps (coarse, then fine).
MAX_SKEW, COARSE_STEP, FINE_STEP = 2.0, 0.1, 0.02
#: A skew smaller than this (degrees) is left alone.
MIN_SKEW = 0.05
#: Breaks this short (pixels at 300 dpi, scaled) inside a rule are closed (JPEG, blur).
_GAP = 2


Box = tuple[float, float, float, float]  # left, top, right, bottom (pixels)


@dataclass(frozen=True)
class Rule:
    """A straight rule: ``at`` is its y (horizontal) or x (vertical); it runs from ``start``
    to ``end`` along its direction."""

    at: float
    start: int
    end: int


@dataclass(frozen=True)
class Grid:
    """A ruled table: its box and, row by row, the boxes of its cells (pixels, deskewed)."""

    box: Box
    rows: tuple[tuple[Box, ...], ...]


def ink(image) -> np.ndarray:
    """The dark pixels of a greyscale Pillow image (rows × columns, True for ink)."""
    return np.asarray(image.convert("L")) < DARK


def skew_angle(points: np.ndarray) -> float:
    """The skew in degrees of lines through ``points`` (rows of y, x): the angle at which
    their projection onto the y axis is sharpest. Turning the image by minus the angle (PIL's
    ``rotate``, counter-clockwise) makes them straight."""
    if len(points) < 2:
        return 0.0
    ys, xs = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)

    def sharpness(angle: float) -> float:
        shifted = np.round(ys + xs * math.tan(math.radians(angle))).astype(np.int64)
        counts = np.bincount(shifted - shifted.min())
        return float(np.dot(counts, counts))

    def best(angles: np.ndarray) -> float:
        return float(max(angles, key=sharpness))

    coarse = best(np.arange(-MAX_SKEW, MAX_SKEW + COARSE_STEP / 2, COARSE_STEP))
    fine = best(np.arange(coarse - COARSE_STEP, coarse + COARSE_STEP + FINE_STEP / 2, FINE_STEP))
    return round(fine, 3)


def rule_pieces(mask: np.ndarray) -> list[tuple[int, int, int]]:
    """Horizontal runs of ink longer than :data:`MIN_PIECE` of the page's width: the pieces a
    skewed rule is cut into by the pixel rows (text has almost none)."""
    return _runs(mask, max(int(MIN_PIECE * mask.shape[1]), 1))


def _runs(mask: np.ndarray, min_length: int) -> list[tuple[int, int, int]]:
    """Runs of True along each row of ``mask`` at least ``min_length`` long: (row, start, end)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    change = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(change == 1)
    _, ends = np.nonzero(change == -1)
    keep = (ends - starts) >= min_length
    return list(zip(rows_s[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _closed(mask: np.ndarray, along: int, gap: int) -> np.ndarray:
    """``mask`` with breaks of up to ``gap`` pixels along axis ``along`` filled (by widening
    the ink ``gap`` pixels forward along it; runs grow by as much, which rules do not mind)."""
    closed = mask.copy()
    for shift in range(1, gap + 1):
        if along == 1:
            closed[:, shift:] |= mask[:, :-shift]
        else:
            closed[shift:, :] |= mask[:-shift, :]
    return closed


def _merge(runs: list[tuple[int, int, int]], tolerance: int) -> list[Rule]:
    """Runs on neighbouring rows that overlap, as one rule each."""
    rules: list[list[float]] = []  # [first row, last row, start, end, weighted sum, weight]
    for row, start, end in sorted(runs):
        joined = next((rule for rule in reversed(rules) if row - rule[1] <= tolerance
                       and start <= rule[3] and end >= rule[2]), None)
        if joined is None:
            rules.append([row, row, start, end, row * (end - start), end - start])
        else:
            joined[1] = row
            joined[2], joined[3] = min(joined[2], start), max(joined[3], end)
            joined[4] += row * (end - start)
            joined[5] += end - start
    return [Rule(r[4] / r[5], int(r[2]), int(r[3])) for r in rules]


def horizontal_rules(mask: np.ndarray, dpi: int) -> list[Rule]:
    """The horizontal rules of a deskewed page (``at`` is y)."""
    gap = max(1, round(_GAP * dpi / 300))
    min_length = max(int(MIN_HORIZONTAL_RULE * mask.shape[1]), 1)
    return _merge(_runs(_closed(mask, 1, gap), min_length), round(RULE_TOLERANCE * dpi))


def vertical_rules(mask: np.ndarray, dpi: int) -> list[Rule]:
    """The vertical rules of a deskewed page (``at`` is x): long vertical runs of ink with
    white beside them (:data:`MIN_CLEAR_BESIDE`), not the strokes of characters."""
    gap = max(1, round(_GAP * dpi / 300))
    runs = _runs(np.ascontiguousarray(_closed(mask, 0, gap).T), max(int(MIN_VERTICAL_RULE * dpi), 1))
    rules = _merge(runs, round(RULE_TOLERANCE * dpi))
    beside = max(2, round(BESIDE * dpi))
    return [rule for rule in rules if _clear_beside(mask, rule, beside) >= MIN_CLEAR_BESIDE]


def _clear_beside(mask: np.ndarray, rule: Rule, beside: int) -> float:
    """The share of a vertical rule's length with white on both sides ``beside`` pixels out
    from its middle (its own width aside)."""
    x = round(rule.at)
    width = 1
    while x + width < mask.shape[1] and mask[rule.start:rule.end, x + width].mean() > 0.5:
        width += 1
    left, right = x - beside, x + width + beside
    if left < 0 or right >= mask.shape[1] or rule.end <= rule.start:
        return 0.0
    column = slice(rule.start, rule.end)
    return float((~mask[column, left] & ~mask[column, right]).mean())


def find_grids(mask: np.ndarray, dpi: int) -> list[Grid]:
    """The ruled tables of a deskewed page: horizontal rules joined by vertical rules that run
    from one of them to another."""
    tolerance = RULE_TOLERANCE * dpi
    across = horizontal_rules(mask, dpi)
    down = vertical_rules(mask, dpi)

    def meets(v: Rule, h: Rule) -> bool:  # v runs through or ends on h
        return (h.start - tolerance <= v.at <= h.end + tolerance
                and v.start - tolerance <= h.at <= v.end + tolerance)

    def ends_on(y: float, v: Rule) -> bool:
        return any(abs(h.at - y) <= tolerance and h.start - tolerance <= v.at <= h.end + tolerance
                   for h in across)

    joining = [v for v in down if ends_on(v.start, v) and ends_on(v.end, v)]
    parent = list(range(len(across)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members: list[list[int]] = []
    for v in joining:
        met = [i for i, h in enumerate(across) if meets(v, h)]
        members.append(met)
        for i in met[1:]:
            parent[root(i)] = root(met[0])
    groups: dict[int, tuple[set[int], list[Rule]]] = {}
    for v, met in zip(joining, members, strict=True):
        if len(met) >= 2:
            group = groups.setdefault(root(met[0]), (set(), []))
            group[0].update(met)
            group[1].append(v)
    grids = []
    for rows_at, columns in groups.values():
        if len(rows_at) >= 2 and len(columns) >= 2:
            grid = _grid([across[i] for i in rows_at], columns, tolerance, MIN_ROW * dpi)
            if grid is not None:
                grids.append(grid)
    return sorted(grids, key=lambda g: (g.box[1], g.box[0]))


def _distinct(values: Sequence[float], tolerance: float) -> list[float]:
    """Sorted values with those within ``tolerance`` of the previous one dropped."""
    kept: list[float] = []
    for value in sorted(values):
        if not kept or value - kept[-1] > tolerance:
            kept.append(value)
    return kept


def _grid(across: list[Rule], down: list[Rule], tolerance: float, min_row: float) -> Grid | None:
    """The cells between a table's rules: a row between two neighbouring horizontal rules,
    its cells between the vertical rules that cross the row's middle."""
    ys = _distinct([h.at for h in across], tolerance)
    rows = []
    for top, bottom in zip(ys, ys[1:], strict=False):
        if bottom - top < min_row:
            continue
        middle = (top + bottom) / 2
        xs = _distinct([v.at for v in down if v.start - tolerance <= middle <= v.end + tolerance],
                       tolerance)
        if len(xs) >= 2:
            rows.append(tuple((left, top, right, bottom) for left, right in zip(xs, xs[1:], strict=False)))
    if not rows:
        return None
    box = (min(row[0][0] for row in rows), rows[0][0][1], max(row[-1][2] for row in rows),
           rows[-1][0][3])
    return Grid(box, tuple(rows))


def inside(point: tuple[float, float], box: Box) -> bool:
    """Whether a point lies in a box."""
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


Word = tuple[str, Box]  # text, box (pixels)


@dataclass(frozen=True)
class CellSheet:
    """The cells of a page's tables cut out and stacked one under another on a white sheet,
    apart, so that OCR reads each cell as its own lines (read on the page, the lines of
    neighbouring cells run together): ``spans`` gives the rows of the sheet each cell
    stands on, and ``cells`` which table, row and column it is."""

    image: object  # a greyscale Pillow image
    spans: tuple[tuple[int, int], ...]
    cells: tuple[tuple[int, int, int], ...]  # (table, row, column)

    def cell_of(self, box: Box) -> tuple[int, int, int] | None:
        """The (table, row, column) of the cell a word's box on the sheet stands beside (its
        middle within the cell's rows, or half the cell's height below them)."""
        middle = (box[1] + box[3]) / 2
        k = bisect.bisect_right([start for start, _ in self.spans], middle) - 1
        if k < 0 or middle > self.spans[k][1] + (self.spans[k][1] - self.spans[k][0]) / 2:
            return None
        return self.cells[k]


def cell_sheet(image, grids: Sequence[Grid], dpi: int) -> CellSheet:
    """The grids' cells of ``image`` (its rules painted out) stacked on one sheet,
    :data:`SHEET_GAP` apart, each cut :data:`CELL_INSET` inside its rules."""
    from PIL import Image

    inset, gap = max(1, round(CELL_INSET * dpi)), max(8, round(SHEET_GAP * dpi))
    crops, cells = [], []
    for t, grid in enumerate(grids):
        for r, row in enumerate(grid.rows):
            for c, (left, top, right, bottom) in enumerate(row):
                box = (round(left) + inset, round(top) + inset, round(right) - inset,
                       round(bottom) - inset)
                if box[2] > box[0] and box[3] > box[1]:
                    crops.append(image.crop(box))
                    cells.append((t, r, c))
    width = max((crop.size[0] for crop in crops), default=1) + 2 * gap
    height = sum(crop.size[1] + gap for crop in crops) + gap
    sheet = Image.new("L", (width, height), 255)
    spans, y = [], gap
    for crop in crops:
        sheet.paste(crop.convert("L"), (gap, y))
        spans.append((y, y + crop.size[1]))
        y += crop.size[1] + gap
    return CellSheet(sheet, tuple(spans), tuple(cells))


def sheet_rows(sheet: CellSheet, grids: Sequence[Grid], words: Sequence[Word],
               join: Callable[[Sequence[str]], str]) -> list[tuple[tuple[str, ...], ...]]:
    """Each grid's rows of cell texts from OCR's words on its :class:`CellSheet` (a word
    belongs to the cell its middle stands beside). Rows are padded to the widest row with
    empty cells; rows with no text are left out (as pdfplumber's rows are)."""
    found: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        cell = sheet.cell_of(word[1])
        if cell is not None:
            found.setdefault(cell, []).append(word)
    tables = []
    for t, grid in enumerate(grids):
        width = max(len(row) for row in grid.rows)
        rows = []
        for r, row in enumerate(grid.rows):
            cells = [join([text for text, _ in _reading_order(found.get((t, r, c), []))])
                     for c in range(len(row))] + [""] * (width - len(row))
            if any(cells):
                rows.append(tuple(cells))
        tables.append(tuple(rows))
    return tables


def _reading_order(words: list[Word]) -> list[Word]:
    """Words of one cell in lines (a word joins the line whose middle it overlaps), top to
    bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w[1][1] + w[1][3]) / 2):
        middle = (word[1][1] + word[1][3]) / 2
        for line in lines:
            top, bottom = min(w[1][1] for w in line), max(w[1][3] for w in line)
            if top <= middle <= bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    return [w for line in lines for w in sorted(line, key=lambda w: w[1][0])]


def page_grids(image, dpi: int):
    """The ruled tables of a scanned page image: the image turned straight (the skew measured
    on the pieces of its rules; the image itself when it is straight or has no rules) and
    the grids found in it, in its pixels."""
    mask = ink(image)
    pieces = rule_pieces(mask)
    if sum(end - start for _, start, end in pieces) < MIN_RULED * mask.shape[1]:
        return image, []
    step = max(4, round(dpi / 75))
    points = np.array([(row, x) for row, start, end in pieces for x in range(start, end, step)])
    angle = -skew_angle(points)
    if abs(angle) >= MIN_SKEW:
        from PIL import Image

        image = image.convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        mask = ink(image)
    return image, find_grids(mask, dpi)


def without_rules(image, grids: Sequence[Grid], dpi: int):
    """A copy of ``image`` with the grids' rules painted white (:data:`ERASE` either side of
    each), so that OCR reads the cells' text and not the rules as 「|」 or 「一」."""
    from PIL import ImageDraw

    clean = image.convert("L").copy()
    draw = ImageDraw.Draw(clean)
    half = max(2, round(ERASE * dpi))
    for grid in grids:
        left, top, right, bottom = grid.box
        for row in grid.rows:
            for y in (row[0][1], row[0][3]):
                draw.rectangle((left - half, y - half, right + half, y + half), fill=255)
            for cell in row:
                for x in (cell[0], cell[2]):
                    draw.rectangle((x - half, cell[1] - half, x + half, cell[3] + half), fill=255)
    return clean
