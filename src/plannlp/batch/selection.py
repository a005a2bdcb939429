"""Which files of an input folder are plans: ``--include``/``--exclude`` globs, then a cheap
look at each file's content.

A folder of plans often holds other files too: a README, a SOURCE or LICENSE note, someone's
``.md`` notes, a stub. Those are set aside, each with its reason (in the run's summary), not
ingested as if they were plans. The look is cheap: a PDF is taken by its first bytes
(``%PDF-``); of a text file only the first :data:`HEAD_BYTES` are read and decoded.

===============================================  ========================================
file                                             set aside because
===============================================  ========================================
README, SOURCE, LICENSE, COPYING, NOTICE,         a note about the folder, not a plan
CHANGELOG, AUTHORS … (any extension)
a text file of fewer than :data:`MIN_PLAN_CHARS`  too short to be a plan
characters
text that is less than :data:`MIN_JAPANESE_SHARE`  not Japanese text
Japanese characters
a ``.md`` file without any of :data:`PLAN_WORDS`  a Markdown note, not a plan
===============================================  ========================================

A file that cannot be read or decoded at all (empty, binary, unknown encoding) is *taken*:
ingesting it records the error in ``errors.jsonl``, which says more than a reason here. A
file named on the command line, by path or glob, is always taken.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import PlanNLPError
from ..extract.text import decode

#: Bytes of a text file read to judge it (a few KB: the judgement must be cheap).
HEAD_BYTES = 8192
#: A text with fewer characters (white space not counted) is too short to be a plan.
MIN_PLAN_CHARS = 100
#: Share of kana, kanji and full-width characters among the characters, below which a text
#: is not Japanese.
MIN_JAPANESE_SHARE = 0.3
#: File names (without extension, any case) of notes about a folder.
NOTE_NAMES = frozenset({"readme", "read_me", "source", "sources", "license", "licence", "copying",
                        "notice", "changelog", "changes", "history", "authors", "contributing",
                        "todo"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
#: Words a plan written in Markdown has in its first KB (a note usually has none of them).
PLAN_WORDS = ("計画", "施策", "事業", "目標", "取組", "取り組", "推進", "課題", "方針", "必要")
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class SetAside:
    """A file of an input folder that was not taken, and why."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.path, "reason": self.reason}


def _is_japanese(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff" or "\uff01" <= char <= "\uff9f" \
        or "\u3000" <= char <= "\u303f" or "\u3400" <= char <= "\u4dbf"


def japanese_share(text: str) -> float:
    """Share of Japanese characters (kana, kanji, Japanese punctuation, full-width forms)
    among the characters of ``text`` that are not white space."""
    chars = [c for c in text if not c.isspace()]
    return sum(map(_is_japanese, chars)) / len(chars) if chars else 0.0


def _head_text(head: bytes, whole: bool) -> str | None:
    """The decoded start of a file; a multi-byte character cut at the end is dropped. None
    when it cannot be decoded (ingesting the file will say why)."""
    for cut in range(1 if whole else 4):
        try:
            return decode(head[:len(head) - cut] if cut else head, "")[0]
        except PlanNLPError:
            continue
    return None


def why_not_a_plan(path: Path) -> str | None:
    """Why the file does not look like a plan, or None if it does (see the module's table)."""
    if path.stem.lower() in NOTE_NAMES or path.name.lower() in NOTE_NAMES:
        return f"a note about the folder ({path.name}), not a plan"
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES + 1)
    except OSError:
        return None  # ingesting it reports the error
    if head.lstrip()[:5] == PDF_MAGIC or path.suffix.lower() == ".pdf":
        return None  # a PDF, or a .pdf that is not one (ingesting it says so)
    text = _head_text(head[:HEAD_BYTES], whole=len(head) <= HEAD_BYTES)
    if text is None or not text.strip():
        return None  # empty, binary or undecodable: errors.jsonl says which
    length = sum(1 for c in text if not c.isspace())
    if length < MIN_PLAN_CHARS and len(head) <= HEAD_BYTES:
        return f"too short to be a plan ({length} characters)"
    share = japanese_share(text)
    if share < MIN_JAPANESE_SHARE:
        return f"not Japanese text ({share:.0%} Japanese characters in its first {HEAD_BYTES // 1024} KB)"
    if path.suffix.lower() in MARKDOWN_SUFFIXES and not any(word in text for word in PLAN_WORDS):
        return ("a Markdown note, not a plan (none of " + "・".join(PLAN_WORDS[:4]) + "… in its first "
                f"{HEAD_BYTES // 1024} KB)")
    return None


def matches(relative: str, patterns: Iterable[str]) -> str | None:
    """The first glob that the file's path relative to its folder, or its name, matches."""
    name = relative.rsplit("/", 1)[-1]
    return next((p for p in patterns if fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p)), None)


def select_plans(files: Sequence[Path], folder: Path, include: Sequence[str] = (),
                 exclude: Sequence[str] = ()) -> tuple[list[Path], list[SetAside]]:
    """The files of ``folder`` to ingest, and the others with their reasons."""
    taken: list[Path] = []
    set_aside: list[SetAside] = []
    for path in files:
        relative = path.relative_to(folder).as_posix()
        if include and matches(relative, include) is None:
            set_aside.append(SetAside(str(path), "matches no --include (" + ", ".join(include) + ")"))
            continue
        excluded = matches(relative, exclude)
        if excluded is not None:
            set_aside.append(SetAside(str(path), f"matches --exclude {excluded}"))
            continue
        reason = why_not_a_plan(path)
        if reason is None:
            taken.append(path)
        else:
            set_aside.append(SetAside(str(path), reason))
    return taken, set_aside
