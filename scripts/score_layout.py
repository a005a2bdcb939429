"""Score how plannlp reads the layout fixtures (issue #15) against their source text.

    python scripts/score_layout.py            # one row per fixture and the totals
    python scripts/score_layout.py --json     # the same as JSON

For each ``tests/fixtures/pdf/layout/<name>.pdf`` the PDF and ``<name>.txt`` are ingested with
the same pipeline, and the PDF's sentences are compared with the text's:

- **boundary F1**: each side's sentences are laid end to end in their compact form (NFKC, no
  white space: :func:`plannlp.japanese.width.compact_nfkc`); a sentence's end is a position
  in that string. The PDF's string is aligned to the text's (``difflib.SequenceMatcher``),
  each PDF end is carried to the text's string (after the last character of the sentence
  that the alignment matched) and scored against the text's ends;
- **lost**: text sentences with more than half of their characters unmatched in the PDF;
- **role agreement**: share of text sentences whose PDF sentence (the one holding most of
  its matched characters) has the same role; a lost sentence counts as a disagreement;
- **extra**: PDF characters matched to nothing in the text (page numbers, running headers,
  or text read out of order).

The issue's targets, per fixture: F1 >= 0.98, at most 1 sentence lost, roles >= 97%.
:func:`score_sentences` needs no pipeline (tests call it on plain lists).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from pathlib import Path

from plannlp.japanese.width import compact_nfkc

REPO = Path(__file__).resolve().parents[1]
LAYOUT_FIXTURES = REPO / "tests" / "fixtures" / "pdf" / "layout"

#: a text sentence is lost when more than this share of its characters is not in the PDF
LOST_SHARE = 0.5


@dataclass(frozen=True)
class Read:
    """A sentence as one side read it: its text and its role label."""

    text: str
    role: str


@dataclass(frozen=True)
class LayoutScore:
    text_sentences: int
    pdf_sentences: int
    boundaries_matched: int  # PDF ends that fall on a text end
    text_boundaries: int
    pdf_boundaries: int
    lost: int
    roles_agreeing: int
    extra_chars: int

    @property
    def precision(self) -> float:
        return self.boundaries_matched / self.pdf_boundaries if self.pdf_boundaries else 1.0

    @property
    def recall(self) -> float:
        return self.boundaries_matched / self.text_boundaries if self.text_boundaries else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def role_agreement(self) -> float:
        return self.roles_agreeing / self.text_sentences if self.text_sentences else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "role_agreement": round(self.role_agreement, 4)}

    def __add__(self, other: LayoutScore) -> LayoutScore:
        return LayoutScore(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def astuple(score: LayoutScore) -> tuple[int, ...]:
    return tuple(asdict(score).values())


NO_SCORE = LayoutScore(0, 0, 0, 0, 0, 0, 0, 0)


# -- the core: two lists of sentences in, the scores out --------------------------------------


def compact_sentences(sentences: Sequence[Read]) -> list[Read]:
    """The sentences in compact form, those that have no character left dropped."""
    compact = (Read(compact_nfkc(s.text), s.role) for s in sentences)
    return [s for s in compact if s.text]


def sentence_of_each_char(sentences: Sequence[Read]) -> list[int]:
    """For each character of the sentences laid end to end, the index of its sentence."""
    return [i for i, s in enumerate(sentences) for _ in s.text]


def end_positions(sentences: Sequence[Read]) -> list[int]:
    """Where each sentence ends in the sentences laid end to end (exclusive)."""
    ends, at = [], 0
    for s in sentences:
        at += len(s.text)
        ends.append(at)
    return ends


def align(text: str, pdf: str) -> list[int | None]:
    """For each character of ``pdf``, the position of the character of ``text`` it matches
    (None where it matches nothing)."""
    mapping: list[int | None] = [None] * len(pdf)
    matcher = SequenceMatcher(None, text, pdf, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[block.b + k] = block.a + k
    return mapping


def pdf_ends_on_text(pdf: Sequence[Read], mapping: list[int | None]) -> set[int]:
    """The PDF's sentence ends carried onto the text's string: after the text character that
    the last matched character of each PDF sentence stands for. A PDF sentence with no
    matched character (a page number, a running header) ends nowhere."""
    ends, start = set(), 0
    for end in end_positions(pdf):
        matched = [m for m in mapping[start:end] if m is not None]
        if matched:
            ends.add(matched[-1] + 1)
        start = end
    return ends


def text_chars_matched(text_length: int, mapping: list[int | None]) -> list[int | None]:
    """For each text character, the PDF character matched to it (None: absent from the PDF)."""
    back: list[int | None] = [None] * text_length
    for pdf_at, text_at in enumerate(mapping):
        if text_at is not None:
            back[text_at] = pdf_at
    return back


def score_sentences(text: Sequence[Read], pdf: Sequence[Read]) -> LayoutScore:
    """Score the sentences read from a PDF against those read from its source text."""
    text, pdf = compact_sentences(text), compact_sentences(pdf)
    text_string, pdf_string = "".join(s.text for s in text), "".join(s.text for s in pdf)
    mapping = align(text_string, pdf_string)
    back = text_chars_matched(len(text_string), mapping)
    pdf_sentence = sentence_of_each_char(pdf)
    text_ends = set(end_positions(text))
    pdf_ends = pdf_ends_on_text(pdf, mapping)
    lost = agreeing = 0
    start = 0
    for sentence, end in zip(text, end_positions(text), strict=True):
        matched = [pdf_sentence[b] for b in back[start:end] if b is not None]
        start = end
        if len(sentence.text) - len(matched) > LOST_SHARE * len(sentence.text):
            lost += 1
        if matched and pdf[Counter(matched).most_common(1)[0][0]].role == sentence.role:
            agreeing += 1
    return LayoutScore(
        text_sentences=len(text), pdf_sentences=len(pdf),
        boundaries_matched=len(pdf_ends & text_ends), text_boundaries=len(text_ends),
        pdf_boundaries=len(pdf_ends), lost=lost, roles_agreeing=agreeing,
        extra_chars=sum(m is None for m in mapping))


# -- ingesting the fixtures -------------------------------------------------------------------


def read_sentences(pipeline, path: Path) -> list[Read]:
    document = pipeline.ingest(path)
    return [Read(s.text, s.role.label if s.role else "") for s in document.sentences]


def fixture_names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.pdf") if p.with_suffix(".txt").exists())


def score_fixture(pipeline, folder: Path, name: str) -> LayoutScore:
    return score_sentences(read_sentences(pipeline, folder / f"{name}.txt"),
                           read_sentences(pipeline, folder / f"{name}.pdf"))


def score_all(folder: Path = LAYOUT_FIXTURES, names: Sequence[str] = (),
              pipeline_name: str = "default") -> dict[str, LayoutScore]:
    from plannlp import load_pipeline

    pipeline = load_pipeline(pipeline_name, keep_tokens=False)
    return {name: score_fixture(pipeline, folder, name)
            for name in (names or fixture_names(folder))}


# -- printing ---------------------------------------------------------------------------------

COLUMNS = ("fixture", "text", "pdf", "P", "R", "F1", "lost", "roles", "extra")


def table_row(name: str, score: LayoutScore) -> tuple[str, ...]:
    return (name, str(score.text_sentences), str(score.pdf_sentences), f"{score.precision:.3f}",
            f"{score.recall:.3f}", f"{score.f1:.3f}", str(score.lost),
            f"{score.role_agreement:.1%}", str(score.extra_chars))


def format_table(scores: dict[str, LayoutScore]) -> str:
    total = sum(scores.values(), NO_SCORE)
    rows = [COLUMNS, *(table_row(n, s) for n, s in scores.items()), table_row("total", total)]
    widths = [max(len(row[k]) for row in rows) for k in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) if k == 0 else cell.rjust(w)
                       for k, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def as_json(scores: dict[str, LayoutScore]) -> str:
    total = sum(scores.values(), NO_SCORE)
    return json.dumps({"fixtures": {n: s.as_dict() for n, s in scores.items()},
                       "total": total.as_dict()}, ensure_ascii=False, indent=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="fixtures to score (default: all)")
    parser.add_argument("--fixtures", type=Path, default=LAYOUT_FIXTURES,
                        help="folder of <name>.pdf and <name>.txt")
    parser.add_argument("--pipeline", default="default", help="pipeline name or .toml")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    scores = score_all(args.fixtures, args.names, args.pipeline)
    print(as_json(scores) if args.json else format_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
