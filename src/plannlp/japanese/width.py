"""Width normalisation of Japanese text, keeping a map back to the original offsets.

What is folded (and why):

==================================  ==================  =====================================
input                               output              note
==================================  ==================  =====================================
half-width katakana ｱﾝｹｰﾄ           アンケート          NFKC; ｶﾞ (two chars) → ガ (one char)
half-width ｡｢｣､･                    。「」、・          NFKC
full-width digits １２３            123                 so numbers and years parse
full-width latin ＮＰＯ             NPO
full-width ％ ＋ ＝ ＜ ＞ ＃ ＆ ＠  % + = < > # & @
ideographic space (U+3000)          space
==================================  ==================  =====================================

Kept as they are, because they carry meaning in Japanese text or in plan layout:
（）「」『』：！？～＊ (full-width punctuation), circled numbers ①②… (bullet markers),
※ and ◆◎◇● (markers), 〜 (wave dash).

``fold(text, start)`` returns the folded string and, for every output character, the offset
of the input character that produced it, so spans of the cleaned text map back to the
extracted text.
"""

from __future__ import annotations

import re
import unicodedata

_HALFWIDTH_VOICED = "\uff9e\uff9f"  # ﾞ ﾟ
_FULLWIDTH_ASCII = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ％＋＝＜＞＃＆＠"
_SIMPLE = {c: unicodedata.normalize("NFKC", c) for c in _FULLWIDTH_ASCII}
_SIMPLE["\u3000"] = " "
#: Characters that :func:`fold` changes (a line without any of them is copied as it is).
NEEDS_FOLDING = re.compile("[\uff61-\uff9f\u3000" + re.escape(_FULLWIDTH_ASCII) + "]")


def fold_char_run(text: str) -> tuple[str, list[int]]:
    """Fold ``text``; return (folded, source index within ``text`` of each output char)."""
    out: list[str] = []
    index: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if "\uff61" <= c <= "\uff9f":  # half-width katakana and punctuation
            j = i + 1
            while j < n and text[j] in _HALFWIDTH_VOICED:
                j += 1
            folded = unicodedata.normalize("NFKC", text[i:j])
            out.append(folded)
            index.extend([i] * len(folded))
            i = j
            continue
        folded = _SIMPLE.get(c)
        if folded is None:
            out.append(c)
            index.append(i)
        else:
            out.append(folded)
            index.extend([i] * len(folded))
        i += 1
    return "".join(out), index


def fold(text: str, start: int = 0) -> tuple[str, list[int]]:
    """Fold ``text`` whose first character sits at offset ``start``; return (text, offsets)."""
    if not NEEDS_FOLDING.search(text):
        return text, list(range(start, start + len(text)))
    folded, index = fold_char_run(text)
    return folded, [start + i for i in index]


class _CharWidths(dict):
    """The display width of every character seen so far, looked up on first sight:
    2 if its East Asian Width is W (wide) or F (full-width), else 1."""

    def __missing__(self, char: str) -> int:
        width = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        self[char] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def visual_width(text: str) -> int:
    """Display width: 2 for full-width/wide characters, 1 otherwise (as laid out on a page)."""
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def compact_nfkc(text: str) -> str:
    """The text in NFKC with all white space removed: the form in which two copies of the
    same sentence (one from a PDF, one from a web page) or two spellings of the same term
    (ＳＤＧｓ, SDGs) compare equal."""
    return "".join(unicodedata.normalize("NFKC", text).split())
