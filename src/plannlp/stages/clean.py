"""Clean: rebuild the running text a human reads from an extracted text layer.

What it does, line by line (every threshold is a setting of :class:`CleanSettings`):

1. **Drops layout debris**: page numbers (``２``, ``- 3 -``), dotted rules (``・・・・・・``),
   one-character vertical-text fragments (``基`` ``本`` ``構`` ``想`` on lines of their own),
   and running headers/footers (a short line repeated next to page breaks).
2. **Joins lines wrapped mid-sentence**. In a *fixed-width* text layer (a PDF's lines are
   cut at the page width), a line that fills the width and does not end a sentence
   continues on the next line (``…合併して誕`` + ``生した新「佐久市」では…``), unless the next
   line starts with a bullet or heading marker; blank lines are paragraph breaks except in
   *double-spaced* layers (every line followed by a blank line, as in seed 002). In text
   whose paragraphs are separated by blank lines (seeds 000, 001, 003, 004), a single line
   break inside an unfinished sentence is a wrap. Table rows (tab-separated) never join.
3. **Normalises width** (:mod:`plannlp.japanese.width`): ｱﾝｹｰﾄ → アンケート, １２ → 12, and
   removes the spaces PDF extraction puts between Japanese and digits (``平成 17 年`` →
   ``平成17年``).

The result is ``text`` (paragraphs, bullets and headings on lines of their own) and
``offsets`` (``offsets[i]`` = offset in ``raw_text`` of ``text[i]``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..errors import NoTextError
from ..japanese.markers import (
    FOOTNOTE,
    ITEM_PREFIX,
    ends_sentence,
    starts_with_strong_marker,
    starts_with_weak_marker,
)
from ..japanese.width import fold, visual_width
from ..model import PlanDocument
from ..registry import register_stage


@dataclass(frozen=True)
class CleanSettings:
    wrap_ratio: float = 0.8
    """A line whose width is at least this share of the document's full line width is
    treated as wrapped (it continues on the next line) unless it ends a sentence."""
    min_wrapped_width: int = 30
    """Lines narrower than this (in half-width columns) never count as wrapped."""
    full_width_percentile: float = 0.9
    """The document's full line width is this percentile of its lines' widths."""
    double_spaced_share: float = 0.6
    """If at least this share of wrapped lines is followed by a blank line, the text layer is
    double-spaced and blank lines are not paragraph breaks."""
    fixed_width_tolerance: float = 1.15
    """Lines wider than this multiple of the full width break the fixed-width layout."""
    fixed_width_max_over: float = 0.02
    """A fixed-width text layer has at most this share of lines wider than the tolerance."""
    fixed_width_min_near: float = 0.3
    """…and at least this share of lines at ``wrap_ratio`` of the full width or more."""
    max_tail_chars: int = 60
    """In blank-separated text, a short line ending a sentence after a blank line continues
    the previous line when that one is long and unfinished."""
    header_max_chars: int = 40
    """Running headers/footers are at most this long."""
    header_min_repeats: int = 2
    """A short line seen this often next to page breaks is a running header/footer."""
    remove_spaces_in_japanese: bool = True
    """Remove spaces between Japanese characters and digits (``平成 17 年`` → ``平成17年``)."""


# --- line classification --------------------------------------------------------------------

PAGE_NUMBER = re.compile(r"^\s*(?:[-－—‐]\s*)?(?:P\.?\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?\s*(?:[-－—‐])?\s*$")
DOTTED_RULE = re.compile(r"^\s*[・･…‥\.．。·\-－—_＿=＝]{5,}\s*$")
_PUNCTUATION_ONLY = set("。、，．」』）)】〕")
_SPACE_BETWEEN = re.compile(
    r"(?<=[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e\d])[ ]+(?=[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e\d])"
)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass(frozen=True)
class Line:
    start: int  # offset in raw_text of the first non-blank character
    text: str  # stripped
    page_break_before: bool
    blank_before: bool

    @property
    def width(self) -> int:
        return visual_width(self.text)


_LINE_END = re.compile(r"([\n\f])")


def split_lines(raw: str) -> list[Line]:
    """Non-blank lines of ``raw`` with their offsets, and what separated them.

    Lines end at a line feed or a form feed (a page break).
    """
    lines: list[Line] = []
    page_break = blank = False
    position = 0
    pieces = _LINE_END.split(raw)  # body, terminator, body, terminator, …, last body
    for k in range(0, len(pieces), 2):
        body = pieces[k]
        end = pieces[k + 1] if k + 1 < len(pieces) else ""
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            lines.append(Line(position + lead, stripped, page_break, blank))
            page_break = blank = False
        elif body or end:
            blank = True
        if end == "\f":
            page_break = True
        position += len(body) + len(end)
    return lines


def is_debris(line: str) -> bool:
    """Page numbers, dotted rules and lone characters (vertical text, diagram labels)."""
    if PAGE_NUMBER.match(line) or DOTTED_RULE.match(line):
        return True
    return len(line) == 1 and line not in _PUNCTUATION_ONLY


_DIGITS = re.compile(r"\d+")


def _header_key(line: str) -> str:
    """What repeats of a running header share: the line without spaces, numbers as ``#``."""
    return _DIGITS.sub("#", "".join(line.split()))  # split() drops the same spaces as \s+


def running_headers(lines: list[Line], debris: list[bool], settings: CleanSettings) -> set[int]:
    """Indexes of lines that are running headers/footers.

    A line counts as page-adjacent if it is the first or last content line of a page
    (form feeds), or stands next to dropped debris (a page number or dotted rule, which is
    how page breaks show in a text layer without form feeds). A short line repeated at
    least ``header_min_repeats`` times in such places is a header: every occurrence but the
    first in the document is dropped (the first is usually the real heading it repeats).
    """
    n = len(lines)
    keys: list[str | None] = [None if debris[i] else _header_key(line.text) for i, line in enumerate(lines)]
    adjacent = [False] * n
    for i, line in enumerate(lines):
        if debris[i]:
            continue
        near_break = line.page_break_before or (i + 1 < n and lines[i + 1].page_break_before)
        near_debris = (i > 0 and debris[i - 1]) or (i + 1 < n and debris[i + 1])
        adjacent[i] = near_break or near_debris
    adjacent_counts = Counter(
        keys[i]
        for i, line in enumerate(lines)
        if adjacent[i] and len(line.text) <= settings.header_max_chars and not ends_sentence(line.text)
    )
    header_keys = {k for k, c in adjacent_counts.items() if c >= settings.header_min_repeats}
    drop: set[int] = set()
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in header_keys:
            if key in seen:
                drop.add(i)
            seen.add(key)
    return drop


# --- joining ---------------------------------------------------------------------------------


def _long_line_widths(lines: list[Line], widths: list[int]) -> list[int]:
    """Widths of the lines of at least 10 characters (the ones that tell the layout)."""
    return [width for line, width in zip(lines, widths, strict=True) if len(line.text) >= 10]


def _full_width(long_widths: list[int], settings: CleanSettings) -> int:
    if not long_widths:
        return 0
    ranked = sorted(long_widths)
    return ranked[min(len(ranked) - 1, int(len(ranked) * settings.full_width_percentile))]


def _is_wrapped(line: Line, width: int, full_width: int, settings: CleanSettings) -> bool:
    return (
        width >= settings.min_wrapped_width
        and width >= settings.wrap_ratio * full_width
        and not ends_sentence(line.text)
    )


def _layout(lines: list[Line], long_widths: list[int], full_width: int, settings: CleanSettings
            ) -> tuple[bool, bool]:
    """(fixed_width, blank_separated) of a text layer.

    *Fixed width*: lines are cut at the page width, so almost none is wider than the full
    width and many are close to it (a PDF text layer: seeds 002, the PDF fixtures).
    *Blank separated*: paragraphs are separated by blank lines (seeds 000, 001, 003, 004).
    """
    if not long_widths or not full_width:
        return False, False
    over = sum(w > settings.fixed_width_tolerance * full_width for w in long_widths) / len(long_widths)
    near = sum(w >= settings.wrap_ratio * full_width for w in long_widths) / len(long_widths)
    fixed = over <= settings.fixed_width_max_over and near >= settings.fixed_width_min_near
    blank_separated = sum(line.blank_before for line in lines[1:]) / max(len(lines) - 1, 1) >= 0.5
    return fixed, blank_separated


def join_decisions(lines: list[Line], settings: CleanSettings) -> list[bool]:
    """For each line, whether it continues the previous line (True) or starts a new one."""
    widths = [line.width for line in lines]  # once: every step below needs them
    long_widths = _long_line_widths(lines, widths)
    full = _full_width(long_widths, settings)
    fixed, blank_separated = _layout(lines, long_widths, full, settings)
    wrapped = [_is_wrapped(line, width, full, settings) for line, width in zip(lines, widths, strict=True)]
    followers = [lines[i + 1] for i in range(len(lines) - 1) if wrapped[i]]
    double_spaced = bool(followers) and (
        sum(f.blank_before for f in followers) / len(followers) >= settings.double_spaced_share
    )
    joins = [False] * len(lines)
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        if line.text[0] in "。、」』）)" and len(line.text) <= 2:
            joins[i] = True
            continue
        if starts_with_strong_marker(line.text) or "\t" in prev.text or "\t" in line.text:
            continue
        if fixed:
            if not wrapped[i - 1]:
                continue
            if line.blank_before and not double_spaced and not line.page_break_before:
                continue
            if starts_with_weak_marker(line.text) and not _CJK.match(prev.text[-1:]):
                continue
            joins[i] = True
        elif blank_separated and not ends_sentence(prev.text) and not line.page_break_before:
            # paragraphs are one block between blank lines: a single line break inside an
            # unfinished sentence is a wrap (seed 001: "…協力し合っ" / "て地域の課題…"); so is
            # a blank line after a long unfinished sentence when the next line finishes it
            # (seed 000: "…会議の透" / "" / "明性の向上と、…推進する必要があります。")
            joins[i] = not line.blank_before or (
                len(prev.text) >= settings.min_wrapped_width and not FOOTNOTE.match(prev.text)
                and ends_sentence(line.text) and len(line.text) <= settings.max_tail_chars
            )
    return joins


# --- assembling text and offsets ----------------------------------------------------------------


def _normalise_line(text: str, start: int, settings: CleanSettings) -> tuple[str, list[int]]:
    folded, offsets = fold(text, start)
    if settings.remove_spaces_in_japanese and " " in folded:
        keep = [True] * len(folded)
        prefix = ITEM_PREFIX.match(folded)
        for m in _SPACE_BETWEEN.finditer(folded, prefix.end() if prefix else 0):
            for k in range(m.start(), m.end()):
                keep[k] = False
        if not all(keep):
            folded = "".join(c for c, k in zip(folded, keep, strict=True) if k)
            offsets = [o for o, k in zip(offsets, keep, strict=True) if k]
    return folded, offsets


def _alone(lines: list[Line], i: int) -> bool:
    """A line that is a unit of its own in a block layout (blank lines around it)."""
    before = i == 0 or lines[i].blank_before
    return before and (i + 1 == len(lines) or lines[i + 1].blank_before)


def block_joins(lines: list[Line]) -> list[bool]:
    """Joins of a PDF read from its geometry (``layout == "blocks"``): the reader separated
    units by blank lines and left single line breaks only where a line wrapped."""
    return [i > 0 and not line.blank_before for i, line in enumerate(lines)]


def clean_text(raw: str, settings: CleanSettings, layout: str = "lines") -> tuple[str, tuple[int, ...]]:
    """The cleaned text of ``raw`` and its offsets (``len(text) + 1`` entries).

    ``layout`` is the document's (``"blocks"``: a PDF read from its geometry, whose reader
    already removed page furniture and decided every wrap; only debris standing alone is
    dropped then, so the one-character end of a wrapped paragraph stays).
    """
    lines = split_lines(raw)
    if layout == "blocks":
        kept = [line for i, line in enumerate(lines)
                if not (_alone(lines, i) and is_debris(line.text))]
        joins = block_joins(kept)
    else:
        debris = [is_debris(line.text) for line in lines]
        headers = running_headers(lines, debris, settings)
        kept = [
            line for i, line in enumerate(lines) if not debris[i] and i not in headers
        ]
        joins = join_decisions(kept, settings)
    parts: list[str] = []
    offsets: list[int] = []
    for line, join in zip(kept, joins, strict=True):
        text, line_offsets = _normalise_line(line.text, line.start, settings)
        if parts and not join:
            parts.append("\n")
            offsets.append(line.start - 1)  # the line break before this line
        parts.append(text)
        offsets.extend(line_offsets)
    text = "".join(parts)
    end = (kept[-1].start + len(kept[-1].text)) if kept else 0
    offsets.append(end)
    return text, tuple(offsets)


@register_stage("clean", needs=("raw_text", "pages"), adds=("text", "offsets"), settings=CleanSettings)
def make_clean(settings: CleanSettings) -> Callable[[PlanDocument], PlanDocument]:
    def clean(doc: PlanDocument) -> PlanDocument:
        text, offsets = clean_text(doc.raw_text, settings, doc.layout)
        if not text.strip():
            raise NoTextError("No text is left after removing page numbers and layout debris.",
                              path=doc.source.path)
        return replace(doc, text=text, offsets=offsets)

    return clean
