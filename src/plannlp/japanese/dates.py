"""和暦 (Japanese era years) to ISO years, and plan periods.

==========================  ==========
text                        ISO year
==========================  ==========
令和2年度 / 令和２年度      2020
令和元年                    2019
平成29年3月末 / H29年       2017
H34年度 (平成 past 31)      2022
昭和64年                    1989
2022年度                    2022
==========================  ==========

Fiscal years (年度) are reported as the calendar year they start in.
"""

from __future__ import annotations

import re
import unicodedata

#: First Gregorian year of each era (元年).
ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
ERA_LETTER = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

YEAR = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR](?=\s*\d))\s*(?P<num>元|\d{1,2})\s*年"
    r"|(?P<western>(?:19|20)\d{2})\s*年"
)
PERIOD = re.compile(
    r"(?P<start>(?:明治|大正|昭和|平成|令和|[MTSHR])\s*(?:元|\d{1,2})\s*年度?|(?:19|20)\d{2}\s*年度?)"
    r"\s*(?:[～〜~\-－ー—]|から)\s*"
    r"(?P<end>(?:明治|大正|昭和|平成|令和|[MTSHR])?\s*(?:元|\d{1,2}|(?:19|20)\d{2})\s*年度?)"
)


def era_to_iso(era: str, number: str | int) -> int:
    era = ERA_LETTER.get(era, era)
    n = 1 if number == "元" else int(unicodedata.normalize("NFKC", str(number)))
    return ERA_START[era] + n - 1


def parse_year(text: str, *, default_era: str | None = None) -> int | None:
    """The first year written in ``text`` as an ISO year (None if there is none)."""
    text = unicodedata.normalize("NFKC", text)
    m = YEAR.search(text)
    if m:
        if m.group("western"):
            return int(m.group("western"))
        return era_to_iso(m.group("era"), m.group("num"))
    if default_era:
        bare = re.search(r"(元|\d{1,2})\s*年", text)
        if bare:
            return era_to_iso(default_era, bare.group(1))
    return None


def _era_of(text: str) -> str | None:
    m = re.search(r"明治|大正|昭和|平成|令和|[MTSHR](?=\s*\d)", text)
    return ERA_LETTER.get(m.group(), m.group()) if m else None


def parse_period(text: str) -> tuple[int, int] | None:
    """The first period ``X年度～Y年度`` / ``XからY`` in ``text`` as ISO years."""
    text = unicodedata.normalize("NFKC", text)
    m = PERIOD.search(text)
    if not m:
        return None
    start = parse_year(m.group("start"))
    era = _era_of(m.group("start"))
    end_text = m.group("end")
    end = parse_year(end_text if "年" in end_text else end_text + "年", default_era=era)
    if start is None or end is None or end < start:
        return None
    return start, end
