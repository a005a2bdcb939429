"""Structure: find headings in the cleaned text and build the section tree.

Each heading opens a :class:`~plannlp.model.Section` that runs until the next heading of
the same or an outer rank (see :mod:`plannlp.japanese.headings` for the patterns and ranks).
A section's ``role_hint`` comes from its own title or is inherited from its parent.

Where a topic page reports an earlier plan's work next to the new plan's (seed 000:
``第一次総合計画後期基本計画の主な取組`` then ``第二次総合計画前期基本計画の主な取組``), the
"主な取組" of the earlier plan hints ``achievement`` and the latest plan's hints ``measure``.

The stage also fills document metadata the text states (title, municipality, plan type,
period), leaving values given by the caller untouched (``--title`` … on the command line, a
manifest row, a PDF's own Title). The title is, in this order: what the caller gave; the
cover's lines naming a plan (``計画`` in a short line before the running text, not a chapter,
section or numbered heading such as ``第1章 計画の概要``); the file name when it names a plan
(``第2次佐久市総合計画.pdf``); and only when nothing better is known, the first heading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..japanese.dates import parse_period
from ..japanese.headings import (
    is_topic_title,
    match_heading,
    plan_rank,
    section_role_title,
)
from ..model import DocumentMetadata, PlanDocument, Role, Section
from ..registry import register_stage
from .places import find_municipality


@dataclass(frozen=True)
class StructureSettings:
    topic_titles: bool = True
    """Treat an unmarked short line right above a section-role title as a topic heading."""
    metadata_lines: int = 15
    """How many first lines of the text may hold the title and plan period (cover page)."""


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    title: str
    rank: float
    marker: str


_BARE_MARKER = re.compile(r"^(?:\d{1,2}\s*[－\-]\s*\d{1,2}|【\s*施策\s*\d+\s*[－\-ー―]\s*\d+\s*】|第[\d一二三四五六七八九十]+[章節])$")


def find_headings(text: str, settings: StructureSettings) -> list[_Heading]:
    lines = []  # (start, line, stripped line)
    position = 0
    for line in text.split("\n"):
        lines.append((position, line, line.strip()))
        position += len(line) + 1
    headings: list[_Heading] = []
    skip_next = False
    last_title_rank3: str | None = None  # marker of the latest rank-3 heading
    for i, (start, line, stripped) in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        next_line = lines[i + 1][2] if i + 1 < len(lines) else None
        if _BARE_MARKER.match(stripped) and next_line and match_heading(stripped + " " + next_line):
            # "6-2" / "【施策 1－1】" on a line of its own, the title on the next line
            found = match_heading(stripped + " " + next_line)
            end = lines[i + 1][0] + len(lines[i + 1][1])
            headings.append(_Heading(start, end, f"{stripped} {next_line}", found.rank, found.marker))
            skip_next = True
            continue
        found = match_heading(stripped)
        if found is not None:
            rank = found.rank
            if found.marker == "◆" and section_role_title(stripped) is None and last_title_rank3 == "title":
                rank = 3.5  # ◆ items under 施策展開の方向 (seed 004) are its children
            elif rank == 3:
                last_title_rank3 = found.marker
            elif rank < 3:
                last_title_rank3 = None
            headings.append(_Heading(start, start + len(line), stripped, rank, found.marker))
        elif settings.topic_titles and is_topic_title(stripped, next_line):
            headings.append(_Heading(start, start + len(line), stripped, 2, "topic"))
            last_title_rank3 = None
    return headings


def _role_hints(headings: list[_Heading]) -> list[Role | None]:
    hints = [section_role_title(h.title) for h in headings]
    ranks = [plan_rank(h.title) if hints[i] == "measure" and "主な取組" in h.title else None
             for i, h in enumerate(headings)]
    known = [r for r in ranks if r is not None]
    if len(set(known)) > 1:
        latest = max(known)
        hints = ["achievement" if r is not None and r < latest else hint for hint, r in zip(hints, ranks, strict=True)]
    return hints


def build_sections(text: str, settings: StructureSettings) -> tuple[Section, ...]:
    headings = find_headings(text, settings)
    hints = _role_hints(headings)
    opened: list[tuple] = []  # (id, title, level, marker, start, heading_end, parent, role_hint)
    stack: list[tuple[_Heading, str, list[int]]] = []  # (heading, id, child counter)
    top_counter = [0]
    ends: dict[str, int] = {}
    role_hint_of: dict[str, Role | None] = {}  # by section id, to inherit from the parent
    for heading, hint in zip(headings, hints, strict=True):
        while stack and stack[-1][0].rank >= heading.rank:
            closed, closed_id, _ = stack.pop()
            ends[closed_id] = heading.start
        counter = stack[-1][2] if stack else top_counter
        counter[0] += 1
        section_id = (stack[-1][1] + "." if stack else "sec-") + str(counter[0])
        parent = stack[-1][1] if stack else None
        if hint is None and parent is not None:
            hint = role_hint_of[parent]
        role_hint_of[section_id] = hint
        opened.append((section_id, heading.title, len(stack) + 1, heading.marker,
                       heading.start, heading.end, parent, hint))
        stack.append((heading, section_id, [0]))
    for _, open_id, _ in stack:
        ends[open_id] = len(text)
    return tuple(Section(section_id, title, level, marker, start, heading_end, ends[section_id], parent, hint)
                 for section_id, title, level, marker, start, heading_end, parent, hint in opened)


# --- metadata ----------------------------------------------------------------------------------

_TITLE_PREFIX = re.compile(r"^(?:[（(]\d+[）)]|\d+\s)\s*")
_PLAN_TYPES = ("総合計画", "基本計画", "基本構想", "実施計画", "総合戦略", "計画")


def find_metadata(text: str, sections: tuple[Section, ...], settings: StructureSettings,
                  file_name: str | None = None) -> DocumentMetadata:
    first_lines = []
    for line in text.split("\n")[: settings.metadata_lines]:
        if "。" in line:
            break  # the cover ends where running text starts
        if line.strip():
            first_lines.append(line.strip().strip("*#").strip())
    cover = "\n".join(first_lines)
    title_lines = [
        _TITLE_PREFIX.sub("", line) for line in first_lines
        if "計画" in line and len(line) <= 40 and section_role_title(line) is None
        and not _is_part_heading(line)
    ]
    title = (" ".join(dict.fromkeys(title_lines[:2])) or title_of_file_name(file_name)
             or (sections[0].title if sections else None))
    municipality, code = find_municipality(text, title, file_name)
    plan_type = next((t for t in _PLAN_TYPES if title and t in title), None)
    period = parse_period(cover)
    if period is None:
        period = _stated_period(text, title)
    return DocumentMetadata(
        title=title, municipality=municipality, municipality_code=code,
        plan_type=plan_type,
        period_start=period[0] if period else None, period_end=period[1] if period else None,
    )


def _is_part_heading(line: str) -> bool:
    """A chapter, section or numbered heading (第1章 計画の概要, 第2節 …, 1 計画策定の趣旨): a
    part of the plan, never its title. Bracketed items (（1）第2次…計画について, on a meeting's
    cover) may be: their number is cut off."""
    found = match_heading(line)
    return found is not None and found.rank <= 2


#: Words by which a file name names a plan (so its name is a better title than a heading).
_PLAN_WORDS = ("計画", "構想", "戦略", "方針", "ビジョン", "大綱")


def title_of_file_name(file_name: str | None) -> str | None:
    """The file name without its extension, when it names a plan (``第2次佐久市総合計画.pdf``
    → ``第2次佐久市総合計画``; ``_`` read as a space); None otherwise (``000_ccc5….txt``)."""
    if not file_name:
        return None
    stem = unicodedata.normalize("NFKC", file_name.rsplit("/", 1)[-1])
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = " ".join(stem.replace("_", " ").split())
    return stem if any(word in stem for word in _PLAN_WORDS) and len(stem) <= 80 else None


def code_check_digit(code5: str) -> int:
    """The check digit of a 5-digit 団体コード (weights 6,5,4,3,2; mod 11)."""
    remainder = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - remainder) % 10


def _stated_period(text: str, title: str | None) -> tuple[int, int] | None:
    """The period of a sentence saying "…を計画期間とする <this plan>", else the first stated."""
    last_word = title.split()[-1] if title else None
    candidates = []
    for sentence in re.split(r"(?<=。)|\n", text):
        if "計画期間" in sentence:
            period = parse_period(sentence)
            if period:
                candidates.append((bool(last_word and last_word in sentence), period))
    preferred = [p for mentions_title, p in candidates if mentions_title]
    return (preferred or [p for _, p in candidates] or [None])[0]


def _fill(found: DocumentMetadata, given: DocumentMetadata) -> DocumentMetadata:
    values = {k: v for k, v in found.__dict__.items() if getattr(given, k) is None and v is not None}
    return replace(given, **values)


@register_stage("structure", needs=("text",), adds=("sections", "metadata"), settings=StructureSettings)
def make_structure(settings: StructureSettings) -> Callable[[PlanDocument], PlanDocument]:
    def structure(doc: PlanDocument) -> PlanDocument:
        sections = build_sections(doc.text, settings)
        metadata = _fill(find_metadata(doc.text, sections, settings, doc.source.name), doc.metadata)
        return replace(doc, sections=sections, metadata=metadata)

    return structure
