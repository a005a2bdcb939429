"""The one document model that flows through every stage.

A :class:`PlanDocument` is immutable. Each stage takes one and returns a new one
(``dataclasses.replace``), adding what it is responsible for:

============  ==================================================================
stage         adds
============  ==================================================================
extract       ``source``, ``raw_text``, ``pages``, ``tables``, ``metadata`` (title),
              ``layout`` and ``line_boxes`` (PDFs)
clean         ``text`` (running text a human reads) and ``offsets`` (text → raw_text)
structure     ``sections`` (heading tree, role hints)
segment       ``sentences`` (spans of ``text``, with kind and section)
tokenize      ``Sentence.tokens``
classify      ``Sentence.role``
link_sdgs     ``Sentence.sdgs``
indicators    ``indicators``
============  ==================================================================

Offsets: ``raw_text`` is the text exactly as extracted (PDF text layer or decoded text
file). ``text`` is the cleaned, width-normalised running text. ``offsets[i]`` is the
offset in ``raw_text`` of the character that produced ``text[i]``; it has
``len(text) + 1`` entries, the last one being the end of the raw text consumed. So a
span ``text[a:b]`` comes from ``raw_text[offsets[a]:offsets[b-1] + 1]`` (see
:meth:`PlanDocument.raw_span`). Sections, sentences and tokens are spans of ``text``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any, Literal, NamedTuple

Role = Literal["achievement", "issue", "measure", "other"]
ROLES: tuple[Role, ...] = ("achievement", "issue", "measure", "other")

SentenceKind = Literal["prose", "bullet", "footnote", "table_row", "heading"]
SENTENCE_KINDS: tuple[SentenceKind, ...] = ("prose", "bullet", "footnote", "table_row", "heading")

SDG_GOALS: tuple[int, ...] = tuple(range(1, 18))
SDG_IRI = "http://metadata.un.org/sdg/{}"


@dataclass(frozen=True)
class Source:
    """Where a document came from. ``sha256`` is of the file's bytes."""

    path: str
    name: str
    sha256: str
    media_type: str  # "application/pdf", "text/plain" or "text/markdown"
    size: int
    encoding: str | None = None  # for text files: the encoding detected


@dataclass(frozen=True)
class Page:
    """A page of the source: 1-based ``number``, ``[start, end)`` in ``raw_text``."""

    number: int
    start: int
    end: int


class LineBox(NamedTuple):
    """Where a line of ``raw_text`` (``[start, end)``) stands on its page, in PDF points
    (origin at the page's bottom left, as PDF viewers and pdf.js count)."""

    start: int
    end: int
    page: int
    x0: float
    y0: float
    x1: float
    y1: float


class OCRPage(NamedTuple):
    """A page whose text was read by OCR (it had no usable text layer): its mean word
    confidence (0–1) and the engine and model that read it (``tesseract 5.3.0 jpn_vert``)."""

    page: int
    confidence: float
    engine: str


@dataclass(frozen=True)
class Table:
    """A table found on a page (pdfplumber) or in a text rendering (tab-separated rows)."""

    page: int | None
    rows: tuple[tuple[str, ...], ...]
    start: int | None = None  # offset in raw_text where the table's text starts, if known
    end: int | None = None


_CODE_WEIGHTS = (6, 5, 4, 3, 2)


def municipality_check_digit(first_five: str) -> str:
    """The check digit of a 全国地方公共団体コード (総務省): the 5 digits times 6, 5, 4, 3, 2,
    summed; the last digit of ``11 - (sum mod 11)`` (佐久市: 20217 → 202177)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_five, _CODE_WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def is_municipality_code(code: str) -> bool:
    """5 ASCII digits, or 6 whose last is the check digit of the first 5 (every code in
    ``data/localgovjp.tsv`` passes; tested)."""
    if len(code) not in (5, 6) or not (code.isascii() and code.isdigit()):
        return False
    return len(code) == 5 or code[5] == municipality_check_digit(code[:5])


@dataclass(frozen=True)
class DocumentMetadata:
    """Facts about the plan. Filled from the text where stated, or from a batch manifest.

    ``municipality_code`` becomes part of IRIs, so a value that is not a 全国地方公共団体コード
    is refused when the metadata is made (:class:`~plannlp.errors.MunicipalityCodeError`).
    """

    title: str | None = None
    municipality: str | None = None
    municipality_code: str | None = None  # 全国地方公共団体コード (6 digits with check digit, or 5)
    plan_type: str | None = None  # e.g. 総合計画, 基本計画, 分野別計画
    period_start: int | None = None  # ISO year
    period_end: int | None = None
    previous_revision: str | None = None  # path, IRI or sha256 of the plan this one revises

    def __post_init__(self) -> None:
        code = self.municipality_code
        if code is not None and not (isinstance(code, str) and is_municipality_code(code)):
            from .errors import MunicipalityCodeError

            shown = code if len(str(code)) <= 40 else str(code)[:40] + "…"
            raise MunicipalityCodeError(f"municipality_code {shown!r} is not a 全国地方公共団体コード.")


@dataclass(frozen=True)
class Section:
    """A heading and everything under it until the next heading of the same or a higher level.

    ``start``/``end`` are offsets in ``PlanDocument.text``; ``heading_end`` ends the title.
    ``role_hint`` is what the heading suggests (現状と課題 → issue …): evidence, not truth.
    """

    id: str
    title: str
    level: int
    marker: str  # the heading pattern that matched, e.g. "第N節", "◆", "（N）"
    start: int
    heading_end: int
    end: int
    parent: str | None = None
    role_hint: Role | None = None


class Token(NamedTuple):
    """A morpheme. ``start``/``end`` are offsets in ``PlanDocument.text``.

    A NamedTuple rather than a frozen dataclass: documents hold hundreds of thousands of
    tokens, and tuple creation is several times cheaper (immutable all the same).
    """

    surface: str
    lemma: str
    pos: str  # UniDic POS, joined with '-', e.g. 動詞-一般
    normalized: str  # SudachiPy normalized form (取組/取り組み → 取り組み)
    start: int
    end: int
    inflection: str = ""  # UniDic conjugation form (cForm), e.g. 連用形-一般
    xpos: str = ""  # the full UniDic POS (名詞-普通名詞-サ変可能); only with tokenize's xpos setting


@dataclass(frozen=True)
class RolePrediction:
    label: Role
    confidence: float
    probabilities: tuple[tuple[Role, float], ...] = ()
    model: str = ""  # name and version of the model that predicted it


@dataclass(frozen=True)
class SdgLink:
    goal: int
    confidence: float
    evidence: tuple[str, ...] = ()
    target: str | None = None  # e.g. "4.1" when known
    source: str = "model"  # "model", "lexicon" or "document" (the plan's own SDG label)

    @property
    def iri(self) -> str:
        return SDG_IRI.format(self.goal)


@dataclass(frozen=True)
class Sentence:
    """A sentence (or bullet, footnote, table row) as a span of ``PlanDocument.text``."""

    id: str
    start: int
    end: int
    text: str
    kind: SentenceKind = "prose"
    section_id: str | None = None
    tokens: tuple[Token, ...] = ()
    role: RolePrediction | None = None
    sdgs: tuple[SdgLink, ...] = ()

    def copy_with(self, **changes: Any) -> Sentence:
        """A copy with ``changes`` (``dataclasses.replace`` for a sentence).

        The stages copy every sentence of a document several times; a sentence has no
        ``__post_init__`` or derived fields, so copying its fields directly is all
        ``replace`` would do, in a third of the time (measured: 0.95 µs instead of 2.8; about
        50 ms of CPU time on the benchmark's 240 pages).
        """
        unknown = changes.keys() - _SENTENCE_FIELDS
        if unknown:
            raise TypeError(f"Sentence has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(Sentence)
        copy.__dict__.update(self.__dict__, **changes)
        return copy


_SENTENCE_FIELDS = frozenset(f.name for f in fields(Sentence))


@dataclass(frozen=True)
class IndicatorValue:
    year: int | None
    value: float | None
    text: str  # as written, e.g. "93 団体"
    label: str = ""  # e.g. 現在値, 中間目標値, 最終目標値


@dataclass(frozen=True)
class Indicator:
    """A target indicator (目標値・まちづくりの目標・成果指標) with its baseline and targets."""

    id: str
    name: str
    unit: str | None
    baseline: IndicatorValue | None
    targets: tuple[IndicatorValue, ...]
    section_id: str | None
    start: int | None = None  # offsets in PlanDocument.text of the row it was read from
    end: int | None = None
    method: str | None = None  # 把握方法, when stated


def innermost_section(sections: tuple[Section, ...], starts: list[int], position: int) -> str | None:
    """The innermost section whose span holds ``position`` (``sections`` in document order,
    ``starts`` their start offsets): the last section starting at or before it that still
    covers it, since nested sections start after their parents."""
    i = bisect.bisect_right(starts, position) - 1
    while i >= 0:
        section = sections[i]
        if section.start <= position < section.end or section.start == section.end == position:
            return section.id
        i -= 1
    return None


@dataclass(frozen=True)
class PlanDocument:
    source: Source
    raw_text: str
    pages: tuple[Page, ...] = ()
    tables: tuple[Table, ...] = ()
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    text: str = ""
    offsets: tuple[int, ...] = ()
    sections: tuple[Section, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    warnings: tuple[str, ...] = ()
    #: "lines": a text layer or a text file, whose line breaks clean must judge; "blocks":
    #: a PDF read from its geometry, whose units (paragraphs, headings, rows) are separated by
    #: blank lines and whose single line breaks are wraps (see plannlp.extract.layout).
    layout: Literal["lines", "blocks"] = "lines"
    line_boxes: tuple[LineBox, ...] = ()  # PDFs: the box of every line of raw_text
    ocr_pages: tuple[OCRPage, ...] = ()  # PDFs: the pages read by OCR, with their confidence
    stages: tuple[str, ...] = ()  # names of the stages applied, in order
    models: tuple[tuple[str, str], ...] = ()  # (model name, version) used

    def without_tokens(self) -> PlanDocument:
        """The same document, its sentences without tokens."""
        if not any(s.tokens for s in self.sentences):
            return self
        return replace(self, sentences=tuple(s.copy_with(tokens=()) if s.tokens else s
                                             for s in self.sentences))

    # -- derived views ---------------------------------------------------------------------

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The ``[start, end)`` span of ``raw_text`` that produced ``text[start:end]``."""
        if not self.offsets:
            return start, end
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def page_at(self, raw_offset: int) -> int | None:
        """The 1-based page number holding ``raw_text[raw_offset]`` (None without pages)."""
        if not self.pages:
            return None
        i = bisect.bisect_right(self._page_starts, raw_offset) - 1
        return self.pages[max(i, 0)].number

    def page_of(self, start: int) -> int | None:
        """The page of ``text[start]``."""
        return self.page_at(self.raw_span(start, start + 1)[0])

    def boxes_of(self, start: int, end: int) -> tuple[tuple[int, float, float, float, float], ...]:
        """``(page, x0, y0, x1, y1)`` of each line that ``text[start:end]`` stands on (PDF
        points; a line it covers only in part is cut in proportion to its characters)."""
        if not self.line_boxes or end <= start:
            return ()
        raw_start, raw_end = self.raw_span(start, end)
        boxes = self.line_boxes
        found = []
        for i in range(max(bisect.bisect_right(self._box_starts, raw_start) - 1, 0), len(boxes)):
            box = boxes[i]
            if box.start >= raw_end:
                break
            if box.end <= raw_start:
                continue
            length = max(box.end - box.start, 1)
            left = (max(raw_start, box.start) - box.start) / length
            right = (min(raw_end, box.end) - box.start) / length
            width = box.x1 - box.x0
            found.append((box.page, round(box.x0 + left * width, 1), box.y0,
                          round(box.x0 + right * width, 1), box.y1))
        return tuple(found)

    def section(self, section_id: str | None) -> Section | None:
        return self._sections_by_id.get(section_id) if section_id else None

    def section_at(self, position: int) -> str | None:
        """The id of the innermost section whose span holds ``text[position]``."""
        return innermost_section(self.sections, self._section_starts, position)

    def section_path(self, section_id: str | None) -> tuple[str, ...]:
        """Titles from the outermost section down to ``section_id``."""
        by_id = self._sections_by_id
        path: list[str] = []
        current = by_id.get(section_id) if section_id else None
        while current is not None:
            path.append(current.title)
            current = by_id.get(current.parent) if current.parent else None
        return tuple(reversed(path))

    # caches of derived lookups (not fields: a replaced document recomputes them)
    @cached_property
    def _page_starts(self) -> list[int]:
        return [p.start for p in self.pages]

    @cached_property
    def _box_starts(self) -> list[int]:
        return [b.start for b in self.line_boxes]

    @cached_property
    def _section_starts(self) -> list[int]:
        return [s.start for s in self.sections]

    @cached_property
    def _sections_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    def with_warning(self, message: str) -> PlanDocument:
        return replace(self, warnings=self.warnings + (message,))


@dataclass(frozen=True)
class IngestResult:
    """What a run over one input produced: a document, or the error that stopped it."""

    path: str
    status: Literal["ok", "failed", "skipped"]
    document: PlanDocument | None = None
    error: Exception | None = None
    stage: str | None = None  # the stage that failed
    seconds: float = 0.0
