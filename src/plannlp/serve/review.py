"""The reviewed document: the ingest's JSON-LD with the staff's corrections applied.

Corrections are applied to the JSON-LD graph (what was ingested stays on disk unchanged): a
corrected role gets ``roleSource: "human"`` (with ``reviewedBy``/``reviewedAt``), an added goal
is an SdgLink with ``linkSource: "human"``, a removed goal's link is dropped. Section- and
document-level aggregate links are left as the ingest computed them.
"""

from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass, field
from typing import Any

from ..export.jsonld import role_iri
from ..export.labels import GOAL_COLOURS, LOW_CONFIDENCE, ROLE_COLOURS, ROLE_NAMES, goal_names  # noqa: F401  (the view's names)
from ..model import ROLES


@dataclass
class ReviewSentence:
    id: str
    text: str
    order: int
    kind: str
    section_id: str | None
    page: int | None
    boxes: list[tuple[int, float, float, float, float]]
    role: str | None
    confidence: float | None
    role_source: str = "model"
    goals: list[dict[str, Any]] = field(default_factory=list)  # goal, confidence, source


def _fragment(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _goal_number(value: str) -> int:
    return int(str(value).rsplit("/", 1)[-1].split(":")[-1])


def apply_corrections(data: dict, corrections) -> dict:
    """A copy of the JSON-LD ``data`` with ``corrections`` (rows: sentence, kind, value, who,
    at) applied in order."""
    data = copy.deepcopy(data)
    graph: list[dict] = data["@graph"]
    by_id = {node["id"]: node for node in graph}
    sentences = {_fragment(n["id"]): n for n in graph if n.get("type") == "Sentence"}
    removed: set[str] = set()
    for c in corrections:
        node = sentences.get(c["sentence"])
        if node is None:
            continue
        if c["kind"] == "role" and c["value"] in ROLES:
            node["role"] = role_iri(c["value"])
            node["roleConfidence"] = 1.0
            node["roleSource"] = "human"
            node["reviewedBy"], node["reviewedAt"] = c["who"], c["at"]
            continue
        goal = int(c["value"])
        link_iri = f"{node['id']}-sdg-{goal}"
        links = node.setdefault("sdgLinks", [])
        if c["kind"] == "add_goal":
            link = by_id.get(link_iri)
            if link is None or link_iri in removed:
                link = {"id": link_iri, "type": "SdgLink", "goal": f"sdg:{goal}", "subject": node["id"]}
                by_id[link_iri] = link
                graph.append(link)
                removed.discard(link_iri)
            link.update({"confidence": 1.0, "linkSource": "human", "reviewedBy": c["who"], "reviewedAt": c["at"]})
            link.pop("evidence", None)
            if link_iri not in links:
                links.append(link_iri)
        elif c["kind"] == "remove_goal" and link_iri in links:
            links.remove(link_iri)
            removed.add(link_iri)
        if not links:
            node.pop("sdgLinks")
    if removed:
        data["@graph"] = [n for n in graph if n["id"] not in removed]
    return data


def review_sentences(data: dict) -> list[ReviewSentence]:
    """The sentences of a JSON-LD document, in reading order."""
    nodes = {n["id"]: n for n in data["@graph"]}
    out = []
    for n in sorted((n for n in data["@graph"] if n.get("type") == "Sentence"), key=lambda n: n.get("order", 0)):
        boxes = []
        for box in n.get("boundingBoxes", []):
            page, x0, y0, x1, y1 = box.split()
            boxes.append((int(page), float(x0), float(y0), float(x1), float(y1)))
        goals = []
        for link_iri in n.get("sdgLinks", []):
            link = nodes.get(link_iri)
            if link:
                goals.append({"goal": _goal_number(link["goal"]), "confidence": link.get("confidence"),
                              "source": link.get("linkSource", "model")})
        out.append(ReviewSentence(
            id=_fragment(n["id"]), text=n.get("text", ""), order=n.get("order", 0), kind=n.get("kind", "prose"),
            section_id=_fragment(n["partOf"]) if "#" in n.get("partOf", "") else None,
            page=n.get("page"), boxes=boxes,
            role=n["role"].rsplit("/", 1)[-1] if n.get("role") else None,
            confidence=n.get("roleConfidence"), role_source=n.get("roleSource", "model"), goals=goals,
        ))
    return out


def sections(data: dict) -> list[dict]:
    """Section nodes (id, title, level), in document order."""
    return [{"id": _fragment(n["id"]), "title": n.get("title", ""), "level": int(n.get("level", 1))}
            for n in data["@graph"] if n.get("type") == "Section"]


@dataclass
class Reviewed:
    """A corrected document and what the view reads of it (built once per set of corrections;
    ``jsonld``, its export's text, is filled on the first export)."""

    data: dict
    sentences: list[ReviewSentence]
    sections: list[dict]
    ids: frozenset[str]
    jsonld: str | None = None
    fragments: Any = None  # the view's rendered parts (plannlp.serve.fragments.Fragments), set by the app
    _by_id: dict | None = field(default=None, repr=False)

    @classmethod
    def of(cls, data: dict) -> Reviewed:
        sentences = review_sentences(data)
        return cls(data, sentences, sections(data), frozenset(s.id for s in sentences))

    @property
    def by_id(self) -> dict[str, ReviewSentence]:
        if self._by_id is None:
            self._by_id = {s.id: s for s in self.sentences}
        return self._by_id


CSV_COLUMNS = ["document", "id", "text", "role", "role_confidence", "role_source", "sdgs",
               "sdg_confidences", "sdg_sources", "page", "section_id", "kind", "reviewed_by", "reviewed_at"]


def to_csv(data: dict) -> str:
    """One row per sentence of the (corrected) document; UTF-8 with BOM like ``plannlp ingest``."""
    doc = next(n for n in data["@graph"] if n.get("type") == "PlanDocument")
    nodes = {n["id"]: n for n in data["@graph"]}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for s in review_sentences(data):
        node = nodes[f"{doc['id']}#{s.id}"]
        writer.writerow({
            "document": doc["sha256"][:16], "id": s.id, "text": s.text, "role": s.role,
            "role_confidence": s.confidence, "role_source": s.role_source,
            "sdgs": ";".join(str(g["goal"]) for g in s.goals),
            "sdg_confidences": ";".join(f"{g['confidence']:.3f}" for g in s.goals),
            "sdg_sources": ";".join(g["source"] for g in s.goals),
            "page": s.page, "section_id": s.section_id, "kind": s.kind,
            "reviewed_by": node.get("reviewedBy", ""), "reviewed_at": node.get("reviewedAt", ""),
        })
    return "\ufeff" + buffer.getvalue()


#: what the review adds to the sentences sheet of the Excel export
XLSX_REVIEW_COLUMNS = ("role_source", "sdg_sources", "reviewed_by", "reviewed_at")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(data: dict) -> bytes:
    """The (corrected) document as the Excel workbook of ``plannlp ingest -o plan.xlsx``
    (:mod:`plannlp.export.xlsx`), its sentences sheet with the review's columns: who
    corrected what (``role_source``, ``sdg_sources``: model or human; ``reviewed_by``/``at``)."""
    from ..export.jsonld import from_jsonld
    from ..export.xlsx import document_tables, workbook_bytes, workbook_sheets

    doc_node = next(n for n in data["@graph"] if n.get("type") == "PlanDocument")
    nodes = {n["id"]: n for n in data["@graph"]}
    tables = document_tables([from_jsonld(data)])
    reviewed = {s.id: s for s in review_sentences(data)}
    for row in tables["sentences"]:
        s = reviewed[row["id"]]
        node = nodes[f"{doc_node['id']}#{s.id}"]
        row.update(page=s.page, role_source=s.role_source,
                   sdg_sources=";".join(g["source"] for g in s.goals),
                   reviewed_by=node.get("reviewedBy", ""), reviewed_at=node.get("reviewedAt", ""))
    for row in tables["documents"]:
        row["pages"] = doc_node.get("pageCount", row["pages"])
    return workbook_bytes(workbook_sheets(tables, sentence_columns=XLSX_REVIEW_COLUMNS))
