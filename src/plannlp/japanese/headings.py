"""Headings of Japanese plan documents: what a heading line looks like, its rank, its role hint.

Ranks (smaller = outer) by the heading pattern, as the seeds use them:

====  ==========================================  ============================================
rank  pattern                                     examples (seed)
====  ==========================================  ============================================
0     第N章 / 第N部 / 政策大綱N / 【政策N】        政策大綱 6 行財政・市民総働 (004), 【政策 1】子育て・教育 (003)
1     第N節 / 【施策N－M】 / N-M title             第1節 市民の力が生きる… (000), 【施策 1－1】… (003), 6-1 市民総働の推進 (004)
2     N title / topic title                        1 はじめに (001), 1 計画策定の趣旨 (002), 市民協働・参加 (000)
3     ◆title / section-role titles                 ◆現状と課題 (003), 現状と課題 (000, 004), 10年後の 目指す姿 (004)
4     （N） / (N)                                   （1）人口 (002), (1) 計画の位置付け (001)
5     ア / (ア) / （ア）                           ア 協働の定義 (001), ア 人口減少、少子・超高齢社会への対応 (002)
====  ==========================================  ============================================

Role hints are evidence for the classifier, not labels (see annotation guidelines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Role

MAX_HEADING_CHARS = 60
_KATAKANA_ITEM = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
_NUM = r"[\d一二三四五六七八九十]+"

#: (rank, marker name, pattern) — the first that matches decides.
HEADING_PATTERNS: tuple[tuple[int, str, re.Pattern[str]], ...] = (
    (0, "第N章", re.compile(rf"^第{_NUM}[章部編]\s*\S")),
    (0, "政策大綱N", re.compile(r"^政策大綱\s*\d+")),
    (0, "【政策N】", re.compile(r"^【\s*政策\s*\d+\s*】")),
    (1, "第N節", re.compile(rf"^第{_NUM}節\s*\S")),
    (1, "【施策N－M】", re.compile(r"^【\s*施策\s*\d+\s*[－\-ー―]\s*\d+\s*】")),
    (1, "N-M", re.compile(r"^\d{1,2}\s*[－\-]\s*\d{1,2}\s+\S")),
    (3, "◆", re.compile(r"^[◆■□]\s*\S")),
    (2, "N", re.compile(r"^\d{1,2}\s+(?![年月日人件歳時分%％か箇ヶ])\S")),
    (4, "（N）", re.compile(rf"^[（(]{_NUM}[）)]\s*\S")),
    (5, "ア", re.compile(rf"^(?:[（(][{_KATAKANA_ITEM}][）)]|[{_KATAKANA_ITEM}]\s)\s*\S")),
    (2, "【】", re.compile(r"^【[^】]{1,30}】$")),
)

#: Titles that name a part of a plan's topic page; rank 3 when they stand alone.
SECTION_ROLE_TITLES: tuple[tuple[re.Pattern[str], Role], ...] = (
    (re.compile(r"現状と課題|^現状$|^課題$|本市の現状|^背景"), "issue"),
    (re.compile(r"これまでの(主な)?取組|主な成果|実績|取組の成果|振り返り"), "achievement"),
    (re.compile(r"主な取組|施策展開の方向|取組の方針|^方針|^基本方針|主な事業|施策の方向|具体的な取組|今後の方向|ミッション|取り組む施策"), "measure"),
    (re.compile(r"目指す姿|^目標|目標値|まちづくりの目標|市民の役割|役割分担|用語|SDGs|個別計画|成果指標|指標"), "other"),
)


@dataclass(frozen=True)
class HeadingMatch:
    rank: int
    marker: str


def _compact(line: str) -> str:
    return "".join(line.split())  # without any spaces (split() drops the same ones as \s+)


def section_role_title(line: str) -> Role | None:
    """The role hint of a title like 現状と課題 / 施策展開の方向 (None if it is not one)."""
    compact = _compact(line.lstrip("◆■□"))
    if len(compact) > 30:
        return None
    for pattern, role in SECTION_ROLE_TITLES:
        if pattern.search(compact):
            return role
    return None


def match_heading(line: str) -> HeadingMatch | None:
    """Whether ``line`` (one line of cleaned text) is a heading, and of which rank.

    A heading is short, does not end a sentence, and matches a heading pattern or is a
    section-role title (現状と課題 …). Unmarked short lines that are neither (diagram labels,
    slogans) are not headings here; :func:`is_topic_title` finds topic titles by context.
    """
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or text.endswith(("。", "、", "：", ":")):
        return None
    if "\t" in text:
        return None
    for rank, marker, pattern in HEADING_PATTERNS:
        if pattern.match(text):
            return HeadingMatch(rank, marker)
    if section_role_title(text) is not None and "。" not in text and "、" not in text:
        return HeadingMatch(3, "title")
    return None


_NOT_IN_TOPIC_TITLES = re.compile(r"[。、：:\t]")
_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def is_topic_title(line: str, next_line: str | None) -> bool:
    """An unmarked short line right above a section-role title is a topic title (rank 2).

    Seed 000: ``市民協働・参加`` stands above ``第一次総合計画後期基本計画の主な取組``.
    """
    text = line.strip()
    if not text or not next_line or len(text) > 25 or _NOT_IN_TOPIC_TITLES.search(text):
        return False
    if not _KANA_OR_KANJI.search(text):
        return False
    if text[0] in "・-◎◇●○※＊*①②③④⑤⑥⑦⑧⑨" or section_role_title(text) is not None:
        return False
    nxt = next_line.strip()
    return section_role_title(nxt) is not None and match_heading(nxt) is not None


_PLAN_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)次")
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九", start=0)}


def plan_rank(title: str) -> tuple[int, int] | None:
    """(第N次, 前期=0/後期=1) of a "…計画の主な取組" title, to tell earlier plans from the new one."""
    m = _PLAN_ORDINAL.search(title)
    if not m:
        return None
    raw = m.group(1)
    number = int(raw) if raw.isdigit() else sum(_KANJI_DIGITS.get(c, 10) for c in raw)
    half = 1 if "後期" in title else 0
    return number, half
