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

Every sentence, whatever its kind, is at most ``max_sentence_chars`` (400) long: a longer one
is cut into several of the same kind, so a hostile line (a million-character table row) never
reaches the tokenizers whole.

A sentence's span excludes surrounding spaces and the bullet marker (``- ・佐久市…`` gives
``佐久市…``), so ``doc.text[s.start:s.end] == s.text`` always holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..japanese.markers import BULLET, FOOTNOTE, MARKDOWN_BULLET
from ..japanese.sentences import cut_long, split_sentences
from ..model import PlanDocument, Section, Sentence, SentenceKind, innermost_section
from ..registry import register_stage


@dataclass(frozen=True)
class SegmentSettings:
    max_sentence_chars: int = 400
    """A sentence of any kind longer than this (a run-on list without 。, a long table row,
    footnote or heading) is cut at 、, spaces or tabs (:func:`~plannlp.japanese.sentences.cut_long`)."""


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


def _line_sentences(text: str, line_start: int, line: str, heading_end: int | None
                    ) -> list[tuple[int, int, SentenceKind]]:
    """The sentences of one line (spans of ``text``), before any is cut to the length limit."""
    indent = len(line) - len(line.lstrip())
    if heading_end is not None:
        end = _end_before_spaces(text, heading_end) if heading_end <= len(text) else heading_end
        return [(line_start + indent, end, "heading")]
    if "\t" in line:
        return [(line_start + indent, line_start + len(line.rstrip()), "table_row")]
    marker = FOOTNOTE.match(line)
    if marker and marker.end() < len(line):
        return [(line_start + indent, line_start + len(line.rstrip()), "footnote")]
    marker = BULLET.match(line) or MARKDOWN_BULLET.match(line)
    kind: SentenceKind = "bullet" if marker else "prose"
    offset = line_start + (marker.end() if marker else 0)
    return [(offset + a, offset + b, kind) for a, b in split_sentences(line[offset - line_start:])]


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
            skip_until = heading_ends[line_start]
        for a, b, kind in _line_sentences(text, line_start, line, heading_ends.get(line_start)):
            spans.extend((x, y, kind) for x, y in cut_long(text, a, b, settings.max_sentence_chars))
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
