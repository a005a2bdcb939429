"""Segment: cut the cleaned text into sentences, each a span of ``doc.text`` with a kind.

Each line of the cleaned text is one of:

=============  ======================================================================
kind           what
=============  ======================================================================
``heading``    a line that opens a section (found by the structure stage)
``table_row``  a tab-separated row (indicator tables rendered as text)
``footnote``   a footnote or glossary entry (``* サイマルラジオ：…``, ``※1 …``), kept whole
``bullet``     a bulleted item (・ - ◎ ◇ ● ① …); one sentence, or several if it holds several 。
``prose``      running text, split on 。！？ outside brackets
=============  ======================================================================

A sentence's span excludes surrounding spaces and the bullet marker (``- ・佐久市…`` gives
``佐久市…``), so ``doc.text[s.start:s.end] == s.text`` always holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..japanese.markers import BULLET, FOOTNOTE, MARKDOWN_BULLET
from ..japanese.sentences import split_sentences
from ..model import PlanDocument, Section, Sentence, SentenceKind, innermost_section
from ..registry import register_stage


@dataclass(frozen=True)
class SegmentSettings:
    max_sentence_chars: int = 400
    """A "sentence" longer than this (a run-on table or list without 。) is cut at 、 or spaces."""


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _end_before_spaces(text: str, end: int) -> int:
    """``len(text[:end].rstrip())``, without copying the text before ``end``."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _cut_long(start: int, end: int, text: str, limit: int) -> list[tuple[int, int]]:
    if end - start <= limit:
        return [(start, end)]
    pieces, a = [], start
    while end - a > limit:
        window = text[a:a + limit]
        cut = max(window.rfind("、"), window.rfind(" "), window.rfind("\t"))
        b = a + (cut + 1 if cut > limit // 4 else limit)
        pieces.append((a, b))
        a = b
    pieces.append((a, end))
    return [(x, y) for x, y in pieces if text[x:y].strip()]


def segment_text(text: str, sections: tuple[Section, ...], settings: SegmentSettings) -> tuple[Sentence, ...]:
    heading_starts = {s.start for s in sections}
    heading_ends = {s.start: s.heading_end for s in sections}
    section_starts = [s.start for s in sections]
    spans: list[tuple[int, int, SentenceKind]] = []
    skip_until = -1
    for line_start, line_end in _line_spans(text):
        if line_start < skip_until:
            continue
        line = text[line_start:line_end]
        if not line.strip():
            continue
        if line_start in heading_starts:
            end = heading_ends[line_start]
            skip_until = end
            a, b = line_start + (len(line) - len(line.lstrip())), end
            spans.append((a, _end_before_spaces(text, b) if b <= len(text) else b, "heading"))
            continue
        if "\t" in line:
            stripped = line.strip()
            a = line_start + line.index(stripped[0])
            spans.append((a, a + len(stripped), "table_row"))
            continue
        marker = FOOTNOTE.match(line)
        if marker and marker.end() < len(line):
            a = line_start + (len(line) - len(line.lstrip()))
            spans.append((a, line_start + len(line.rstrip()), "footnote"))
            continue
        marker = BULLET.match(line) or MARKDOWN_BULLET.match(line)
        kind: SentenceKind = "bullet" if marker else "prose"
        offset = marker.end() if marker else 0
        for a, b in split_sentences(line[offset:]):
            for x, y in _cut_long(line_start + offset + a, line_start + offset + b, text,
                                  settings.max_sentence_chars):
                spans.append((x, y, kind))
    sentences = []
    for index, (a, b, kind) in enumerate(spans):
        sentences.append(Sentence(
            id=f"sent-{index:05d}", start=a, end=b, text=text[a:b], kind=kind,
            section_id=innermost_section(sections, section_starts, a),
        ))
    return tuple(sentences)


@register_stage("segment", needs=("text", "sections"), adds=("sentences",), settings=SegmentSettings)
def make_segment(settings: SegmentSettings) -> Callable[[PlanDocument], PlanDocument]:
    def segment(doc: PlanDocument) -> PlanDocument:
        return replace(doc, sentences=segment_text(doc.text, doc.sections, settings))

    return segment
