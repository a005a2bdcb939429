"""Are two plans of one family — revisions of the same plan? Tracing is meant for those.

Alignment of measures is known to be weak between plans of different kinds (a 総合計画
against a sector plan) or of different municipalities: similar wording is then not the same
measure continued. :func:`family_warnings` says so, comparing what the metadata states:

* **plan type** (総合計画, 基本計画, 総合戦略…); the bare 計画 says nothing and is not compared;
* **title stem**: the title without what changes from one revision to the next — 前期・中期・
  後期, 第n次 / 第n期, years and periods (令和3年度～令和7年度, 2021-2025), parts in
  brackets (（素案）, （案）), spaces. Two stems are of one family when one holds the other
  (第二次佐久市総合計画 後期基本計画 and 佐久市総合計画基本計画 策定方針 are). A title that
  names no plan (計画, 構想, 戦略, ビジョン, プラン) — a section heading the cover gave — is
  not compared;
* **municipality**.

A field that one of the two documents does not state is not compared: no warning is not
proof of one family.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import DocumentMetadata

_NUMERAL = r"[0-9〇一二三四五六七八九十百]+"
_ERA_YEAR = rf"(?:令和|平成|昭和)?(?:{_NUMERAL}|元)年度?"
_REMOVED = re.compile("|".join([
    r"[（(\[【「『][^）)\]】」』]*[）)\]】」』]",  # bracketed parts: （素案）, (2021～2025)
    rf"第{_NUMERAL}[次期]",  # 第二次, 第11次, 第2期
    r"[前中後]期",
    rf"{_ERA_YEAR}(?:\s*[～~〜\-－—–]\s*{_ERA_YEAR})?",  # 令和2年度～令和5年度, 2020年度
    r"\d{4}\s*[～~〜\-－—–]\s*\d{4}",
    r"年度",
    r"について$",
    r"\s+",
]))
_NAMES_A_PLAN = re.compile(r"計画|構想|戦略|ビジョン|プラン|大綱")
#: Plan types too general to tell two plans apart.
_GENERAL_TYPES = frozenset({"計画"})


def title_stem(title: str | None) -> str | None:
    """The title without revision, period and draft parts (see the module's docstring);
    None for a title that names no plan."""
    if not title:
        return None
    text = unicodedata.normalize("NFKC", title)
    if not _NAMES_A_PLAN.search(text):
        return None
    stem = _REMOVED.sub("", text).strip("・ ")
    return stem or None


def _same_stem(a: str, b: str) -> bool:
    return a in b or b in a


def family_warnings(old: DocumentMetadata, new: DocumentMetadata) -> tuple[str, ...]:
    """What tells that ``old`` and ``new`` are not of one plan family, in plain words (empty:
    nothing stated differs)."""
    found = []
    if (old.plan_type and new.plan_type and old.plan_type != new.plan_type
            and not {old.plan_type, new.plan_type} & _GENERAL_TYPES):
        found.append(f"the plan types differ ({old.plan_type} / {new.plan_type})")
    old_stem, new_stem = title_stem(old.title), title_stem(new.title)
    if old_stem and new_stem and not _same_stem(old_stem, new_stem):
        found.append(f"the titles differ beyond revision and period ({old.title} / {new.title})")
    if old.municipality and new.municipality and old.municipality != new.municipality:
        found.append(f"the municipalities differ ({old.municipality} / {new.municipality})")
    if not found:
        return ()
    return ("These two documents are not of one plan family: " + "; ".join(found)
            + ". The alignment of measures is weak between different plans: read the "
              "continued/revised pairs as similar wording, not as the same measure.",)
