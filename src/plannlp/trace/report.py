"""A trace between two plans, and its reports: 新旧対照表 HTML, CSV, JSON-LD links."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..export.csv_cells import safe_record
from ..model import Indicator, PlanDocument
from .align import Pair, TraceSettings, align, char_cosine, highlight, units_of
from .family import family_warnings

INDICATOR_MATCH = 0.6  # character-n-gram cosine of indicator names for "the same indicator"


@dataclass(frozen=True)
class IndicatorPair:
    status: str  # same / changed / added / dropped
    old: Indicator | None
    new: Indicator | None
    score: float


@dataclass(frozen=True)
class Trace:
    old_name: str
    new_name: str
    old_iri: str
    new_iri: str
    measures: list[Pair]
    achieved: list[Pair] = field(default_factory=list)  # old measure → new achievement
    indicators: list[IndicatorPair] = field(default_factory=list)
    old_document: str = ""  # content keys (first 16 hex digits of the sha256), as in the tables
    new_document: str = ""
    #: said when the two plans are not of one family (:mod:`plannlp.trace.family`)
    warnings: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        counts = {"continued": 0, "revised": 0, "new": 0, "dropped": 0}
        for pair in self.measures:
            counts[pair.status] += 1
        return counts


def _values(indicator: Indicator) -> tuple:
    return ((indicator.baseline.year, indicator.baseline.text) if indicator.baseline else None,
            tuple((t.year, t.text) for t in indicator.targets))


def align_indicators(old: list[Indicator], new: list[Indicator]) -> list[IndicatorPair]:
    pairs, used = [], set()
    for o in old:
        scored = [(char_cosine(o.name, n.name), j) for j, n in enumerate(new) if j not in used]
        best = max(scored, default=(0.0, None))
        if best[1] is not None and best[0] >= INDICATOR_MATCH:
            used.add(best[1])
            n = new[best[1]]
            pairs.append(IndicatorPair("same" if _values(o) == _values(n) else "changed", o, n, best[0]))
        else:
            pairs.append(IndicatorPair("dropped", o, None, 0.0))
    pairs += [IndicatorPair("added", None, n, 0.0) for j, n in enumerate(new) if j not in used]
    return pairs


def trace_documents(old: PlanDocument, new: PlanDocument, settings: TraceSettings | None = None,
                    *, old_role: str = "measure", new_role: str = "measure") -> Trace:
    from ..export.jsonld import document_iri

    settings = settings or TraceSettings()
    old_units, new_units = units_of(old, old_role), units_of(new, new_role)
    measures = align(old_units, new_units, settings)
    achieved = [p for p in align(units_of(old, "measure"), units_of(new, "achievement"), settings)
                if p.old and p.new]
    return Trace(old.source.name, new.source.name, document_iri(old.source.sha256), document_iri(new.source.sha256),
                 measures, achieved, align_indicators(list(old.indicators), list(new.indicators)),
                 old.source.sha256[:16], new.source.sha256[:16],
                 family_warnings(old.metadata, new.metadata))


#: ``warning``: on every row, when the two plans are not of one family (else empty)
CSV_COLUMNS = ("status", "score", "group", "old_section", "old_text", "new_section", "new_text", "evidence",
               "old_document", "old_file", "old_id", "new_document", "new_file", "new_id", "warning")


def to_csv(trace: Trace, *, header: bool = True) -> str:
    """One row per measure pair. Each row names both documents (``old_document``/
    ``new_document``: the content keys of the ``document`` column of ingest's and batch's
    tables; ``old_file``/``new_file``) and both sentences' ids (empty for the side a new or
    dropped measure lacks), so a chain of traces written one after the other (``header=False``
    after the first) is one table, joinable with the sentence tables."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    for pair in trace.measures:
        writer.writerow(safe_record({
            "status": pair.status, "score": f"{pair.score:.3f}", "group": pair.group,
            "old_document": pair.old.doc if pair.old else trace.old_document,
            "old_file": trace.old_name, "old_id": pair.old.id if pair.old else "",
            "new_document": pair.new.doc if pair.new else trace.new_document,
            "new_file": trace.new_name, "new_id": pair.new.id if pair.new else "",
            "old_section": pair.old.section if pair.old else "", "old_text": pair.old.text if pair.old else "",
            "new_section": pair.new.section if pair.new else "", "new_text": pair.new.text if pair.new else "",
            "evidence": ";".join(pair.shared),
            "warning": " ".join(trace.warnings),
        }))
    return buffer.getvalue()


def to_jsonld(trace: Trace) -> dict:
    """prov:wasRevisionOf (new measure → old measure) and plannlp:reportsOn (achievement → measure)."""
    from ..export.jsonld import BASE, context

    trace_iri = f"{BASE}trace/{trace.old_iri.rsplit('/', 1)[-1]}-{trace.new_iri.rsplit('/', 1)[-1]}"
    graph = [{"id": trace_iri, "type": "RevisionTrace", "wasDerivedFrom": [trace.old_iri, trace.new_iri]}]
    if trace.warnings:
        graph[0]["warnings"] = list(trace.warnings)
    for pair in trace.measures:
        if pair.old and pair.new:
            graph.append({"id": f"{trace.new_iri}#{pair.new.id}", "wasRevisionOf": f"{trace.old_iri}#{pair.old.id}"})
    for pair in trace.achieved:
        graph.append({"id": f"{trace.new_iri}#{pair.new.id}", "reportsOn": f"{trace.old_iri}#{pair.old.id}"})
    return {"@context": context(), "@graph": graph}


def to_html(trace: Trace) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    groups: dict[str, list] = {}
    for pair in trace.measures:
        left, right = highlight(pair.old.text if pair.old else "", pair.new.text if pair.new else "")
        if pair.old is None:
            left, right = [], [("same", pair.new.text)]
        if pair.new is None:
            left, right = [("same", pair.old.text)], []
        groups.setdefault(pair.section, []).append({"pair": pair, "left": left, "right": right})
    return env.get_template("trace.html").render(trace=trace, groups=groups, counts=trace.counts())
