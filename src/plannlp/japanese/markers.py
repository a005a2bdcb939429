"""Line-start markers of Japanese plan documents: bullets, numbered items, footnotes.

Examples from the seeds (see tests/japanese/test_markers.py):

=====================================  =========  ==========================================
line start                             kind       seed
=====================================  =========  ==========================================
``- ・佐久市協働基本指針と…``          bullet     000 (markdown list + 中黒)
``・「市民の実感から始まり…``          bullet     002
``◇「健康長寿」や…``                  bullet     002
``◎子どもたちの「生きる力」の育成…``  bullet     003
``①市民活動の促進``                    bullet     001
``* サイマルラジオ：…``                footnote   000
``※1 …``                              footnote   004
``（１）人口`` / ``(1) 計画の位置付け``  numbered   002 / 001
``ア 人口減少、少子・超高齢社会…``     numbered   002
``１ 計画策定の趣旨``                  numbered   002 (weak)
=====================================  =========  ==========================================

*Strong* markers always start a new line of text. *Weak* markers (a number or a katakana
letter followed by a space) also start lines of running text that merely wrapped
("10 年先…"), so cleanup honours them only when the previous line was not cut mid-sentence.
"""

from __future__ import annotations

import re

#: Characters that end a Japanese sentence.
SENTENCE_END = "。！？!?"
#: Closing brackets that may follow a sentence end (「…します。」).
CLOSING = "」』）)】〕"

_KATAKANA_ITEM = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

BULLET = re.compile(r"\s*(?:[-–—]\s*)?(?:[・◎◇◆●○■□▪▶►◯]|[" + _CIRCLED + r"])\s*")
MARKDOWN_BULLET = re.compile(r"\s*[-–]\s+")
FOOTNOTE = re.compile(r"\s*(?:[＊*](?![*])\d*|※\s*\d*|注\d*[:：]?)\s*")
NUMBERED_STRONG = re.compile(
    r"\s*(?:[（(](?:\d{1,2}|[一二三四五六七八九十]+|[" + _KATAKANA_ITEM + r"])[）)]"
    r"|第[\d一二三四五六七八九十]+[章節部款]"
    r"|【"
    r"|[" + _KATAKANA_ITEM + r"][\s　](?=\S))"
)
NUMBERED_WEAK = re.compile(r"\s*\d{1,2}(?:[-－]\d{1,2})?[\s.．、]\s*(?=\S)")
#: A numbered-item prefix whose following space must survive cleanup ("1 はじめに", "ア 協働の定義").
ITEM_PREFIX = re.compile(r"\s*(?:\d{1,2}(?:[-－]\d{1,2})?|[" + _KATAKANA_ITEM + r"])[ 　]")


#: Any strong marker: a bullet, a footnote mark, a strong numbered item or a markdown bullet.
STRONG_MARKER = re.compile("|".join(f"(?:{marker.pattern})"
                                    for marker in (BULLET, FOOTNOTE, NUMBERED_STRONG, MARKDOWN_BULLET)))


def starts_with_strong_marker(line: str) -> bool:
    return bool(STRONG_MARKER.match(line))


def starts_with_weak_marker(line: str) -> bool:
    return bool(NUMBERED_WEAK.match(line))


def ends_sentence(line: str) -> bool:
    """True if ``line`` ends with 。！？ (possibly followed by closing brackets)."""
    stripped = line.rstrip().rstrip(CLOSING)
    return bool(stripped) and stripped[-1] in SENTENCE_END
