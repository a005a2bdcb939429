"""Japanese sentence boundaries inside one line of cleaned text.

A sentence ends after 。！？ (and !?) that stand outside brackets 「」『』（）()【】; closing
brackets right after the end mark belong to the sentence. Examples (tests/japanese):

==============================================================  ===========
line                                                            sentences
==============================================================  ===========
``…開設しました。…進めています。``                             2
``「市民が主役のまちづくり」を目指します。``                   1
``（詳細は別紙を参照。）今後も継続します。``                   1 (。 inside （） does not split)
``指標名	現在値	目標値``                                       1 (a table row)
==============================================================  ===========
"""

from __future__ import annotations

import re

from .markers import CLOSING, SENTENCE_END

OPENING = "「『（(【〔"
_PAIRS = {"」": "「", "』": "『", "）": "（", ")": "(", "】": "【", "〕": "〔"}
#: The characters that matter for boundaries (the rest of a line is skipped over).
_MARKS = re.compile("[" + re.escape(OPENING + "".join(_PAIRS) + SENTENCE_END) + "]")
#: End marks and closing brackets right after an end mark, which belong to the sentence.
_END_RUN = re.compile("[" + re.escape(SENTENCE_END + CLOSING) + "]*")


def split_sentences(line: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences in ``line`` (surrounding spaces excluded)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for mark in _MARKS.finditer(line):
        i = mark.start()
        if i < start:
            continue  # part of the end run of the sentence just cut
        c = line[i]
        if c in OPENING:
            depth += 1
        elif c in _PAIRS and depth > 0:
            depth -= 1
        elif c in SENTENCE_END and depth == 0:
            end = _END_RUN.match(line, i + 1).end()
            spans.append((start, end))
            start = end
    if start < len(line):
        spans.append((start, len(line)))
    return [_strip(line, a, b) for a, b in spans if line[a:b].strip()]


def cut_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` as spans of at most ``limit`` characters (surrounding spaces
    excluded, blank pieces left out): cut after the last 、, space or tab of each window
    (when it is past the window's first quarter), else at the limit.

    Every sentence kind goes through this (a run-on line without 。, a table row, a footnote
    or a heading of a million characters), so no later stage sees a longer text.
    """
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
    return [_strip(text, x, y) for x, y in pieces if text[x:y].strip()]


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
