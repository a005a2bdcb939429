"""Flat, one-row-per-thing views of a PlanDocument for people who want tables.

These rows feed ``--format jsonl``/``--format csv`` and the batch run's Parquet tables.
Offsets ``start``/``end`` are character offsets in the extracted text (``raw_text``), the
same provenance the JSON-LD output carries; ``page`` is 1-based; ``boxes`` (PDFs) gives the
box of each line the sentence stands on, as ``page x0 y0 x1 y1`` in PDF points.

Every row carries its document three ways, so tables of several plans can be joined and
read without a lookup: ``document`` (the content key, :func:`document_key`), ``file`` (the
file name) and ``path`` (the path as given on the command line or in the manifest; ``-``
for standard input). Years and counts are integers or empty (``None``), never floats.
"""

from __future__ import annotations

from typing import Any

from ..model import PlanDocument, Sentence

SENTENCE_COLUMNS = (
    "document", "id", "text", "role", "role_confidence", "sdgs", "sdg_confidences",
    "page", "start", "end", "section", "section_id", "kind", "municipality", "boxes",
    "file", "path",
)
SECTION_SEPARATOR = " > "


def document_key(doc: PlanDocument) -> str:
    """The short, content-based key of a document: the first 16 hex digits of its sha256."""
    return doc.source.sha256[:16]


#: Columns that hold whole numbers (or nothing): written as integers in every table, never
#: as ``2022.0`` (pandas makes a column of ints and ``None`` float unless told otherwise).
INTEGER_COLUMNS = frozenset({
    "period_start", "period_end", "pages", "sections", "sentences", "achievements", "issues",
    "measures", "others", "indicators", "page", "start", "end", "goal", "baseline_year",
    "final_target_year",
})


def file_columns(doc: PlanDocument) -> dict[str, str]:
    """The file name and the path as given of a row's document (last in each row, so the
    columns before them keep their places)."""
    return {"file": doc.source.name, "path": doc.source.path}


def document_row(doc: PlanDocument) -> dict[str, Any]:
    m = doc.metadata
    roles: dict[str, int] = {}
    for s in doc.sentences:
        if s.role is not None:
            roles[s.role.label] = roles.get(s.role.label, 0) + 1
    return {
        "document": document_key(doc),
        **file_columns(doc),
        "sha256": doc.source.sha256,
        "media_type": doc.source.media_type,
        "title": m.title,
        "municipality": m.municipality,
        "municipality_code": m.municipality_code,
        "plan_type": m.plan_type,
        "period_start": m.period_start,
        "period_end": m.period_end,
        "previous_revision": m.previous_revision,
        "pages": len(doc.pages),
        "sections": len(doc.sections),
        "sentences": len(doc.sentences),
        "achievements": roles.get("achievement", 0),
        "issues": roles.get("issue", 0),
        "measures": roles.get("measure", 0),
        "others": roles.get("other", 0),
        "indicators": len(doc.indicators),
        "warnings": " | ".join(doc.warnings),
        "ocr_pages": ";".join(f"{p.page}:{p.confidence}" for p in doc.ocr_pages),
        "ocr_engine": ";".join(sorted({p.engine for p in doc.ocr_pages})),
        "models": ";".join(f"{k}={v}" for k, v in doc.models),
    }


def sentence_row(doc: PlanDocument, sentence: Sentence) -> dict[str, Any]:
    raw_start, raw_end = doc.raw_span(sentence.start, sentence.end)
    return {
        "document": document_key(doc),
        "id": sentence.id,
        "text": sentence.text,
        "role": sentence.role.label if sentence.role else None,
        "role_confidence": round(sentence.role.confidence, 4) if sentence.role else None,
        "sdgs": ";".join(str(link.goal) for link in sentence.sdgs),
        "sdg_confidences": ";".join(f"{link.confidence:.3f}" for link in sentence.sdgs),
        "page": doc.page_at(raw_start),
        "start": raw_start,
        "end": raw_end,
        "section": SECTION_SEPARATOR.join(doc.section_path(sentence.section_id)),
        "section_id": sentence.section_id,
        "kind": sentence.kind,
        "municipality": doc.metadata.municipality,
        "boxes": format_boxes(doc.boxes_of(sentence.start, sentence.end)),
        **file_columns(doc),
    }


def format_boxes(boxes) -> str:
    """Bounding boxes as ``page x0 y0 x1 y1`` (PDF points, origin bottom-left), ``;`` between
    lines; empty for text files."""
    return ";".join(f"{page} {x0:g} {y0:g} {x1:g} {y1:g}" for page, x0, y0, x1, y1 in boxes)


def sentence_rows(doc: PlanDocument) -> list[dict[str, Any]]:
    return [sentence_row(doc, s) for s in doc.sentences]


def sdg_link_rows(doc: PlanDocument) -> list[dict[str, Any]]:
    rows = []
    for s in doc.sentences:
        for link in s.sdgs:
            rows.append({
                "document": document_key(doc),
                "sentence_id": s.id,
                "goal": link.goal,
                "goal_iri": link.iri,
                "target": link.target,
                "confidence": round(link.confidence, 4),
                "evidence": ";".join(link.evidence),
                "source": link.source,
                "role": s.role.label if s.role else None,
                "municipality": doc.metadata.municipality,
                **file_columns(doc),
            })
    return rows


def indicator_rows(doc: PlanDocument) -> list[dict[str, Any]]:
    rows = []
    for ind in doc.indicators:
        base = ind.baseline
        final = ind.targets[-1] if ind.targets else None
        rows.append({
            "document": document_key(doc),
            "id": ind.id,
            "name": ind.name,
            "unit": ind.unit,
            "method": ind.method,
            "baseline_year": base.year if base else None,
            "baseline_value": base.value if base else None,
            "baseline_text": base.text if base else None,
            "targets": ";".join(f"{t.year}:{t.text}" for t in ind.targets),
            "final_target_year": final.year if final else None,
            "final_target_value": final.value if final else None,
            "section": SECTION_SEPARATOR.join(doc.section_path(ind.section_id)),
            "section_id": ind.section_id,
            "municipality": doc.metadata.municipality,
            **file_columns(doc),
        })
    return rows
