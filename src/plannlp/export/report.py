"""The per-plan HTML report (``plannlp ingest plan.pdf -o plan.html``).

One self-contained file: inline CSS, no script, no web address, so it opens from a disk or
an e-mail and prints (a print style sheet keeps the colours and breaks pages between
documents). It shows, per document, the number of sentences of each role, the SDG coverage
(sentences linked to each goal, as a bar chart in plain HTML), every section with its
sentences coloured by role (as displaCy colours entities), each sentence's goals as chips
in the goals' official colours with their Japanese names, the sentences whose role
confidence is below :data:`~plannlp.export.labels.LOW_CONFIDENCE` marked for checking, and
the indicator tables. Every text from the document is escaped (Jinja2 with autoescape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .._version import __version__
from ..model import ROLES, SDG_GOALS, PlanDocument, Sentence
from .labels import GOAL_COLOURS, LOW_CONFIDENCE, ROLE_COLOURS, ROLE_NAMES, goal_names
from .tables import SECTION_SEPARATOR


@dataclass(frozen=True)
class ReportSection:
    """A section of the report: a heading (none for the text before the first heading) and
    the sentences directly under it."""

    id: str
    title: str
    level: int
    sentences: tuple[Sentence, ...]


def report_sections(doc: PlanDocument) -> list[ReportSection]:
    """The document's sections in reading order, each with its own sentences; sentences
    outside any section come first, under no heading."""
    own: dict[str | None, list[Sentence]] = {}
    known = {s.id for s in doc.sections}
    for sentence in doc.sentences:
        key = sentence.section_id if sentence.section_id in known else None
        own.setdefault(key, []).append(sentence)
    out = []
    if own.get(None):
        out.append(ReportSection("", "", 0, tuple(own[None])))
    out += [ReportSection(s.id, s.title, s.level, tuple(own.get(s.id, ()))) for s in doc.sections]
    return out


def role_counts(doc: PlanDocument) -> dict[str, int]:
    """Sentences per role (every role, 0 when none), in :data:`~plannlp.model.ROLES` order."""
    counts = dict.fromkeys(ROLES, 0)
    for s in doc.sentences:
        if s.role is not None:
            counts[s.role.label] = counts.get(s.role.label, 0) + 1
    return counts


def goal_counts(doc: PlanDocument) -> dict[int, int]:
    """Sentences linked to each goal (all 17, 0 when none)."""
    counts = dict.fromkeys(SDG_GOALS, 0)
    for s in doc.sentences:
        for goal in {link.goal for link in s.sdgs}:
            counts[goal] += 1
    return counts


def is_low(sentence: Sentence) -> bool:
    """Whether the sentence's role was predicted with a confidence below LOW_CONFIDENCE."""
    return sentence.role is not None and sentence.role.confidence < LOW_CONFIDENCE


def document_view(doc: PlanDocument) -> dict:
    """What the template shows of one document."""
    m = doc.metadata
    goals = goal_counts(doc)
    most = max(goals.values(), default=0)
    return {
        "doc": doc, "title": m.title or doc.source.name,
        "period": f"{m.period_start}–{m.period_end}" if m.period_start and m.period_end else "",
        "roles": role_counts(doc), "goals": goals, "most": most,
        "linked": sum(1 for s in doc.sentences if s.sdgs),
        "low": sum(1 for s in doc.sentences if is_low(s)),
        "sections": report_sections(doc),
        "section_path": lambda sid: SECTION_SEPARATOR.join(doc.section_path(sid)),
        "page_of": lambda sentence: doc.page_of(sentence.start) if len(doc.pages) > 1 else None,
    }


@cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def report_html(documents: Sequence[PlanDocument]) -> str:
    """The HTML report of one or several documents (one after the other in one page)."""
    template = _environment().get_template("report.html")
    return template.render(
        views=[document_view(doc) for doc in documents], roles=ROLES, role_names=ROLE_NAMES,
        role_colours=ROLE_COLOURS, goal_names=goal_names(), goal_colours=GOAL_COLOURS,
        low=LOW_CONFIDENCE, is_low=is_low, version=__version__,
    )


__all__ = ["ReportSection", "goal_counts", "is_low", "report_html", "report_sections", "role_counts"]
