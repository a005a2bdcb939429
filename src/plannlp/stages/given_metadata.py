"""Metadata a person gives (``plannlp ingest --title/--municipality/--plan-type/--period``,
the columns of a batch manifest, the bundled sample's manifest), checked before any work.

Given values win over what the structure stage finds in the text. Each value is checked so
a typo stops the run with a message saying what is wrong, not a wrong IRI in the output:

=============  ==========================================================================
value          accepted
=============  ==========================================================================
title          any text of 1–200 characters, on one line
municipality   a 市区町村 name of Japan (佐久市, 札幌市中央区), optionally after its
               prefecture (長野県佐久市), or a prefecture (長野県); its code is looked up
plan_type      any text of 1–40 characters, on one line (総合計画, 基本計画, 分野別計画)
period         ``2023-2027``, ``2023～2027``, ``2023年度～2027年度``, ``令和5年度～令和9年度``,
               ``令和5～9年度``, ``平成29年度～令和3年度``, or one year (``2023``)
=============  ==========================================================================
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ..errors import MetadataError, MunicipalityCodeError
from ..japanese.dates import parse_period, parse_year
from ..model import DocumentMetadata
from .places import code_of, municipalities_by_name

MAX_TITLE_CHARS = 200
MAX_PLAN_TYPE_CHARS = 40
#: Years a plan period may name (ISO).
FIRST_YEAR, LAST_YEAR = 1868, 2200
_WESTERN_PERIOD = re.compile(r"((?:18|19|20|21)\d{2})(?:年度?)?\s*(?:[-‐－–—~～〜]|から)\s*((?:18|19|20|21)\d{2})(?:年度?)?(?:まで)?")
_ONE_YEAR = re.compile(r"((?:18|19|20|21)\d{2})(?:年度?)?")
_ERA_RANGE_ONE_ERA = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})\s*[-‐－–—~～〜]\s*(元|\d{1,2})\s*年度?")


def period_of(text: str) -> tuple[int, int]:
    """(first year, last year) of a period as a person writes it (see the module's table)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    period: tuple[int, int] | None = None
    if m := _WESTERN_PERIOD.fullmatch(folded):
        period = int(m.group(1)), int(m.group(2))
    elif m := _ONE_YEAR.fullmatch(folded):
        period = int(m.group(1)), int(m.group(1))
    elif m := _ERA_RANGE_ONE_ERA.fullmatch(folded):  # 令和5～9年度
        period = parse_period(f"{m.group(1)}{m.group(2)}年度～{m.group(1)}{m.group(3)}年度")
    else:
        period = parse_period(folded) if _covers_whole(folded) else None
    if period is None:
        period = _reversed_period(folded)  # parse_period reads none; say what is wrong
    if period is None:
        raise MetadataError(f"The period {text!r} is not one plannlp can read.")
    start, end = period
    if not (FIRST_YEAR <= start <= end <= LAST_YEAR):
        raise MetadataError(f"The period {text!r} runs from {start} to {end}: its first year must "
                            f"not come after its last, and both lie between {FIRST_YEAR} and {LAST_YEAR}.")
    return start, end


def _reversed_period(text: str) -> tuple[int, int] | None:
    """(start, end) of ``令和9年度～令和5年度``, whose years parse_period refuses as reversed."""
    parts = re.split(r"\s*(?:[-‐－–—~～〜]|から)\s*", text)
    if len(parts) != 2:
        return None
    start, end = parse_year(parts[0]), parse_year(parts[1])
    return (start, end) if start is not None and end is not None and end < start else None


def _covers_whole(text: str) -> bool:
    """Whether ``parse_period`` reads all of ``text`` (``令和5年度～令和9年度``), not one
    period inside longer words."""
    from ..japanese.dates import PERIOD

    m = PERIOD.search(text)
    return m is not None and not text[:m.start()].strip() and text[m.end():].strip() in ("", "まで")


@cache
def _prefectures() -> frozenset[str]:
    return frozenset(e.prefecture for entries in municipalities_by_name().values() for e in entries)


def municipality_of(text: str) -> tuple[str, str | None]:
    """(name, code) of a municipality as given: a known 市区町村 name, perhaps after its
    prefecture (which settles a name several bear), or a prefecture (no code)."""
    name = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u3000", "")
    index = municipalities_by_name()
    if name in index:
        return name, code_of(name)
    for prefecture in _prefectures():
        rest = name[len(prefecture):]
        if name.startswith(prefecture) and rest in index:
            return rest, code_of(rest, prefecture)
    if name in _prefectures():
        return name, None
    raise MetadataError(f"{text!r} is not a municipality plannlp knows.",
                        hint="Write the 市区町村 as 総務省's list does (佐久市, 札幌市中央区), with its "
                             "prefecture in front if several share the name (東京都府中市), or a "
                             "prefecture (長野県).")


def _one_line(text: str, what: str, limit: int) -> str:
    value = text.strip()
    if not value:
        raise MetadataError(f"The {what} is empty.")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise MetadataError(f"The {what} {value[:40]!r} holds a line break or another control character.")
    if len(value) > limit:
        raise MetadataError(f"The {what} is {len(value)} characters long; at most {limit} are taken.")
    return value


def given_metadata(*, title: str | None = None, municipality: str | None = None,
                   municipality_code: str | None = None, plan_type: str | None = None,
                   period: str | None = None, previous_revision: str | None = None,
                   where: str = "") -> DocumentMetadata | None:
    """The metadata given, checked (:class:`~plannlp.errors.MetadataError` names ``where``:
    an option or a manifest row); ``None`` when nothing is given. Empty values count as not given."""
    values = {"title": title, "municipality": municipality, "municipality_code": municipality_code,
              "plan_type": plan_type, "period": period, "previous_revision": previous_revision}
    if not any(v is not None and v.strip() for v in values.values()):
        return None
    prefix = f"{where}: " if where else ""
    try:
        name, code = (municipality_of(municipality) if municipality and municipality.strip()
                      else (None, None))
        start, end = period_of(period) if period and period.strip() else (None, None)
        return DocumentMetadata(
            title=_one_line(title, "title", MAX_TITLE_CHARS) if title and title.strip() else None,
            municipality=name,
            municipality_code=(municipality_code or "").strip() or code,
            plan_type=(_one_line(plan_type, "plan type", MAX_PLAN_TYPE_CHARS)
                       if plan_type and plan_type.strip() else None),
            period_start=start, period_end=end,
            previous_revision=(previous_revision or "").strip() or None,
        )
    except (MetadataError, MunicipalityCodeError) as e:
        raise type(e)(prefix + e.message, hint=e.hint) from None
