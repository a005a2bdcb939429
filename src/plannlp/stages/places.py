"""Which municipality a plan belongs to, and its 全国地方公共団体コード.

Every municipality of Japan (市区町村 and the wards of 政令市) is in the bundled table
``data/localgovjp.tsv`` (code4fukui/localgovjp, CC0). The names written in a document are
found by looking up, at every 市, 区, 町 or 村 of the text, the names that end there (so
つくば市, 南アルプス市 and 四日市市 are found as written); mentions in the title and the file
name weigh :data:`TITLE_WEIGHT` times as much as one in the text. A name borne by several
municipalities (府中市: 東京都 and 広島県; 中央区 in many cities) is settled by the prefecture
(or, for a ward, the city) the text names most; if nothing settles it, no code is given.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..resources import data_path

#: A mention in the title or the file name counts this many times one in the text.
TITLE_WEIGHT = 10
#: Longest municipality name looked up (characters, 市区町村 included: 大和郡山市, 南アルプス市).
MAX_NAME_CHARS = 8
#: Words ending in 市町村区 that are not place names.
NOT_PLACES = frozenset({"本市", "各市", "全市", "他市", "同市", "当市", "近隣市", "市町村", "都市",
                        "大都市", "各市町村", "本町", "本村", "各区", "全区", "地区", "学区", "区市町村",
                        "市区町村", "同町", "同村", "当町", "当村", "町村"})
_ENDS = "市区町村"


@dataclass(frozen=True)
class Municipality:
    code: str  # 6 digits with the check digit
    prefecture: str
    name: str  # as the table writes it, wards with their city: 札幌市中央区
    city: str = ""  # a ward's city (札幌市); empty for others


@cache
def municipalities_by_name() -> dict[str, tuple[Municipality, ...]]:
    """Every name a municipality is written by → the municipalities of that name. Wards are
    found by their full name (札幌市中央区) and by their own (中央区)."""
    index: dict[str, list[Municipality]] = {}
    with data_path("localgovjp.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            name = row["municipality"].replace(" ", "")
            city = row["municipality"].split(" ", 1)[0] if " " in row["municipality"] else ""
            entry = Municipality(row["code"], row["prefecture"], name, city)
            index.setdefault(name, []).append(entry)
            if " " in row["municipality"]:  # a ward: 札幌市 中央区
                index.setdefault(row["municipality"].split(" ", 1)[1], []).append(entry)
    return {name: tuple(entries) for name, entries in index.items()}


def names_in(text: str) -> Counter[str]:
    """How often each known municipality name is written in ``text`` (the longest name ending
    at each 市区町村 character)."""
    index = municipalities_by_name()
    found: Counter[str] = Counter()
    for position, char in enumerate(text):
        if char not in _ENDS:
            continue
        end = position + 1
        for length in range(min(MAX_NAME_CHARS, end), 1, -1):
            name = text[end - length:end]
            if name in index and name not in NOT_PLACES:
                if not (char == "市" and _ward_follows(text, end - length, end, index)):
                    found[name] += 1  # (a city written as part of its ward's name is not)
                break
    return found


def _ward_follows(text: str, start: int, end: int, index) -> bool:
    """Whether the city name ``text[start:end]`` begins a ward's full name (札幌市|中央区)."""
    for length in range(2, MAX_NAME_CHARS - 1):
        name = text[start:end + length]
        if name.endswith("区") and name in index:
            return True
    return False


def _settle(entries: tuple[Municipality, ...], text: str) -> Municipality | None:
    """One municipality of several of a name: the one whose prefecture (or city, for a ward)
    the text names most; None on a tie."""
    if len(entries) == 1:
        return entries[0]
    def score(entry: Municipality) -> int:
        return text.count(entry.prefecture) + (text.count(entry.city) if entry.city else 0)
    ranked = sorted(entries, key=score, reverse=True)
    return ranked[0] if score(ranked[0]) > score(ranked[1]) else None


def find_municipality(text: str, title: str | None = None, file_name: str | None = None
                      ) -> tuple[str | None, str | None]:
    """(name, code) of the municipality a document belongs to: the known name mentioned most
    (title and file name weighing :data:`TITLE_WEIGHT`); its code when the name is settled."""
    counts = names_in(text)
    for extra in (title, file_name):
        for name, count in names_in(extra or "").items():
            counts[name] += TITLE_WEIGHT * count
    if not counts:
        return None, None
    name = counts.most_common(1)[0][0]
    entry = _settle(municipalities_by_name()[name], text + (title or ""))
    return name, entry.code if entry else None


def code_of(name: str | None, text: str = "") -> str | None:
    """The code of a municipality written ``name`` (settled by ``text`` if several bear it)."""
    entries = municipalities_by_name().get(name or "")
    if not entries:
        return None
    entry = _settle(entries, text)
    return entry.code if entry else None
