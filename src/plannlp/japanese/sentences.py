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

from .markers import CLOSING, SENTENCE_END

OPENING = "「『（(【〔"
_PAIRS = {"」": "「", "』": "『", "）": "（", ")": "(", "】": "【", "〕": "〔"}


def split_sentences(line: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences in ``line`` (surrounding spaces excluded)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in OPENING:
            depth += 1
        elif c in _PAIRS and depth > 0:
            depth -= 1
        elif c in SENTENCE_END and depth == 0:
            j = i + 1
            while j < n and (line[j] in SENTENCE_END or line[j] in CLOSING):
                j += 1
            spans.append((start, j))
            start = j
            i = j
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return [_strip(line, a, b) for a, b in spans if line[a:b].strip()]


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
