"""JSON-LD for the plan knowledge base: a flat ``@graph`` of documents, sections, sentences,
SDG links and indicators, with the packaged context embedded (never fetched).

IRIs are content-based, so ingesting the same file twice gives the same IRIs:

* document: ``https://w3id.org/plannlp/doc/<first 16 hex digits of the file's sha256>``
* parts: ``<document IRI>#<id>`` (``#sec-1.2``, ``#sent-00012``, ``#sent-00012-sdg-11``,
  ``#ind-003``, ``#sent-00012-pos`` for the text-position selector)

The vocabulary is documented in docs/vocabulary.md.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from .._version import __version__
from ..model import (
    DocumentMetadata,
    Indicator,
    IndicatorValue,
    PlanDocument,
    RolePrediction,
    SdgLink,
    Section,
    Sentence,
    Source,
)
from ..resources import data_path
from .tables import format_boxes

BASE = "https://w3id.org/plannlp/"
CONTEXT_URL = BASE + "context.jsonld"


@cache
def context() -> dict[str, Any]:
    return json.loads(data_path("context.jsonld").read_text(encoding="utf-8"))["@context"]


def document_iri(sha256: str) -> str:
    return f"{BASE}doc/{sha256[:16]}"


def part_iri(doc_iri: str, part_id: str) -> str:
    return f"{doc_iri}#{part_id}"


ROLE_BASE = BASE + "role/"


def role_iri(role: str) -> str:
    return ROLE_BASE + role


def _value(value: IndicatorValue, iri: str) -> dict[str, Any]:
    node: dict[str, Any] = {"id": iri, "type": "IndicatorValue", "valueText": value.text}
    if value.year is not None:
        node["year"] = str(value.year)
    if value.value is not None:
        node["value"] = value.value
    if value.label:
        node["valueLabel"] = value.label
    return node


def _municipality_node(meta: DocumentMetadata) -> dict[str, Any] | None:
    if not meta.municipality:
        return None
    key = meta.municipality_code or iri_segment(meta.municipality)
    node: dict[str, Any] = {"id": f"{BASE}municipality/{key}", "type": "Municipality", "name": meta.municipality}
    if meta.municipality_code:
        node["municipalityCode"] = meta.municipality_code
    return node


#: Characters an IRI may not hold, or that would change its structure (RFC 3987; ``/ ? #``).
_NOT_IN_IRI_SEGMENT = re.compile(r'[\x00-\x20<>"{}|\\^`/?#%\x7f-\x9f]')


def iri_segment(text: str) -> str:
    """``text`` as one IRI path segment: Japanese stays as it is, characters an IRI cannot
    hold (spaces, ``<>"{}|\\^```, controls) and ``/ ? # %`` are percent-encoded."""
    return _NOT_IN_IRI_SEGMENT.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)


def to_jsonld(doc: PlanDocument) -> dict[str, Any]:
    """The document as a JSON-LD object (context embedded, flat @graph)."""
    iri = document_iri(doc.source.sha256)
    meta = doc.metadata
    graph: list[dict[str, Any]] = []
    activity_iri = part_iri(iri, "ingest")
    doc_node: dict[str, Any] = {
        "id": iri, "type": "PlanDocument",
        "fileName": doc.source.name, "sha256": doc.source.sha256,
        "encodingFormat": doc.source.media_type, "pageCount": len(doc.pages),
        "wasGeneratedBy": activity_iri,
    }
    if meta.title:
        doc_node["title"] = meta.title
    municipality = _municipality_node(meta)
    if municipality:
        doc_node["municipality"] = municipality["id"]
        graph.append(municipality)
    if meta.plan_type:
        doc_node["planType"] = meta.plan_type
    if meta.period_start:
        doc_node["periodStart"] = str(meta.period_start)
    if meta.period_end:
        doc_node["periodEnd"] = str(meta.period_end)
    if meta.period_start and meta.period_end:
        doc_node["temporalCoverage"] = f"{meta.period_start}/{meta.period_end}"
    if meta.previous_revision:
        previous = meta.previous_revision
        doc_node["previousRevision"] = previous if previous.startswith("http") else document_iri(previous)
    if doc.warnings:
        doc_node["warnings"] = list(doc.warnings)
    if doc.ocr_pages:  # pages read by OCR: their confidence and the engine
        doc_node["ocrPages"] = [part_iri(iri, f"ocr-page-{p.page}") for p in doc.ocr_pages]
        graph.extend({"id": part_iri(iri, f"ocr-page-{p.page}"), "type": "OCRPage",
                      "partOf": iri, "page": p.page, "ocrConfidence": p.confidence,
                      "ocrEngine": p.engine} for p in doc.ocr_pages)
    graph.insert(0, doc_node)
    graph.append({
        "id": activity_iri, "type": "Activity", "software": f"plannlp {__version__}",
        "stages": list(doc.stages), "models": [f"{name}@{version}" for name, version in doc.models],
    })

    section_nodes: dict[str, dict] = {}
    for section in doc.sections:
        node: dict[str, Any] = {
            "id": part_iri(iri, section.id), "type": "Section", "title": section.title,
            "level": section.level, "marker": section.marker,
            "partOf": part_iri(iri, section.parent) if section.parent else iri,
        }
        if section.role_hint:
            node["roleHint"] = role_iri(section.role_hint)
        section_nodes[section.id] = node
        graph.append(node)

    for order, sentence in enumerate(doc.sentences):
        sentence_iri = part_iri(iri, sentence.id)
        raw_start, raw_end = doc.raw_span(sentence.start, sentence.end)
        selector_iri = sentence_iri + "-pos"
        node = {
            "id": sentence_iri, "type": "Sentence", "text": sentence.text, "kind": sentence.kind,
            "order": order, "document": iri,
            "partOf": part_iri(iri, sentence.section_id) if sentence.section_id else iri,
            "selector": selector_iri,
        }
        page = doc.page_at(raw_start)
        if page is not None:
            node["page"] = page
        boxes = doc.boxes_of(sentence.start, sentence.end)
        if boxes:
            node["boundingBoxes"] = format_boxes(boxes).split(";")
        if sentence.role is not None:
            node["role"] = role_iri(sentence.role.label)
            node["roleConfidence"] = round(sentence.role.confidence, 4)
        if sentence.sdgs:
            node["sdgLinks"] = []
            for link in sentence.sdgs:
                link_iri = f"{sentence_iri}-sdg-{link.goal}"
                node["sdgLinks"].append(link_iri)
                graph.append(_link_node(link, link_iri, sentence_iri))
        graph.append(node)
        graph.append({"id": selector_iri, "type": "TextPositionSelector", "start": raw_start, "end": raw_end})

    graph.extend(_aggregate_nodes(doc, iri, doc_node, section_nodes))
    for indicator in doc.indicators:
        graph.extend(_indicator_nodes(indicator, iri))
    return {"@context": context(), "@graph": graph}


#: Sentences a goal needs before a section (or the document) is linked to it (docs/sdg.md).
SECTION_MIN_SUPPORT = 2
DOCUMENT_MIN_SUPPORT = 3


def _aggregate_nodes(doc: PlanDocument, iri: str, doc_node: dict, section_nodes: dict[str, dict]) -> list[dict]:
    """Section- and document-level SDG links: the noisy-OR aggregate of their sentences' links."""
    from ..classify.sdg import aggregate_links

    nodes: list[dict] = []
    per_section: dict[str, list] = {}
    for sentence in doc.sentences:
        if not sentence.sdgs or not sentence.section_id:
            continue
        parts = sentence.section_id.split(".")
        for k in range(1, len(parts) + 1):  # the sentence's section and all its ancestors
            per_section.setdefault(".".join(parts[:k]), []).append(sentence.sdgs)
    targets = [(section_nodes[sid], links, SECTION_MIN_SUPPORT) for sid, links in per_section.items()
               if sid in section_nodes]
    targets.append((doc_node, [s.sdgs for s in doc.sentences if s.sdgs], DOCUMENT_MIN_SUPPORT))
    for node, links, support in targets:
        for link in aggregate_links(links, min_support=support):
            link_iri = f"{node['id']}-sdg-{link.goal}" if "#" in node["id"] else f"{node['id']}#sdg-{link.goal}"
            node.setdefault("sdgLinks", []).append(link_iri)
            nodes.append(_link_node(link, link_iri, node["id"]))
    return nodes


def _link_node(link: SdgLink, link_iri: str, subject_iri: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": link_iri, "type": "SdgLink", "goal": f"sdg:{link.goal}", "subject": subject_iri,
        "confidence": round(link.confidence, 4), "linkSource": link.source,
    }
    if link.target:
        node["target"] = f"sdg:{link.target}"
    if link.evidence:
        node["evidence"] = list(link.evidence)
    return node


def _indicator_nodes(indicator: Indicator, doc_iri: str) -> list[dict[str, Any]]:
    iri = part_iri(doc_iri, indicator.id)
    node: dict[str, Any] = {
        "id": iri, "type": "Indicator", "name": indicator.name, "document": doc_iri,
        "partOf": part_iri(doc_iri, indicator.section_id) if indicator.section_id else doc_iri,
    }
    nodes = [node]
    if indicator.unit:
        node["unit"] = indicator.unit
    if indicator.method:
        node["method"] = indicator.method
    if indicator.baseline is not None:
        node["baseline"] = iri + "-baseline"
        nodes.append(_value(indicator.baseline, iri + "-baseline"))
    node["targets"] = []
    for k, target in enumerate(indicator.targets):
        target_iri = f"{iri}-target-{k}"
        node["targets"].append(target_iri)
        nodes.append(_value(target, target_iri))
    return nodes


# --- reading back ------------------------------------------------------------------------------


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _fragment(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def from_jsonld(data: dict[str, Any]) -> PlanDocument:
    """A PlanDocument rebuilt from :func:`to_jsonld` output (compact form, as written).

    The cleaned text is rebuilt from the sentences (one per line), so sentence spans refer
    to that text; raw offsets are not recoverable and pages come from each sentence's page.
    """
    nodes = {node["id"]: node for node in data.get("@graph", [data])}
    doc_node = next(n for n in nodes.values() if n.get("type") == "PlanDocument")
    municipality = nodes.get(doc_node.get("municipality", ""), {})
    metadata = DocumentMetadata(
        title=doc_node.get("title"), municipality=municipality.get("name"),
        municipality_code=municipality.get("municipalityCode"), plan_type=doc_node.get("planType"),
        period_start=int(doc_node["periodStart"]) if "periodStart" in doc_node else None,
        period_end=int(doc_node["periodEnd"]) if "periodEnd" in doc_node else None,
    )
    source = Source(path=doc_node.get("fileName", ""), name=doc_node.get("fileName", ""),
                    sha256=doc_node["sha256"], media_type=doc_node.get("encodingFormat", ""), size=0)
    sections = tuple(
        Section(
            id=_fragment(n["id"]), title=n.get("title", ""), level=int(n.get("level", 1)),
            marker=n.get("marker", ""), start=0, heading_end=0, end=0,
            parent=_fragment(n["partOf"]) if "#" in n.get("partOf", "") else None,
            role_hint=n["roleHint"].rsplit("/", 1)[-1] if n.get("roleHint") else None,
        )
        for n in nodes.values() if n.get("type") == "Section"
    )
    sentence_nodes = sorted((n for n in nodes.values() if n.get("type") == "Sentence"), key=lambda n: n.get("order", 0))
    sentences, parts, position = [], [], 0
    for n in sentence_nodes:
        text = n.get("text", "")
        links = []
        for link_iri in _as_list(n.get("sdgLinks")):
            link = nodes.get(link_iri, {})
            if link:
                links.append(SdgLink(
                    goal=int(str(link["goal"]).rsplit("/", 1)[-1].split(":")[-1]),
                    confidence=float(link.get("confidence", 0)), evidence=tuple(_as_list(link.get("evidence"))),
                    target=str(link["target"]).split(":")[-1] if link.get("target") else None,
                    source=link.get("linkSource", "model"),
                ))
        role = None
        if n.get("role"):
            role = RolePrediction(label=n["role"].rsplit("/", 1)[-1], confidence=float(n.get("roleConfidence", 0)))
        sentences.append(Sentence(
            id=_fragment(n["id"]), start=position, end=position + len(text), text=text,
            kind=n.get("kind", "prose"),
            section_id=_fragment(n["partOf"]) if "#" in n.get("partOf", "") else None,
            role=role, sdgs=tuple(links),
        ))
        parts.append(text)
        position += len(text) + 1
    text = "\n".join(parts)
    indicators = []
    for n in nodes.values():
        if n.get("type") != "Indicator":
            continue

        def value_of(value_iri: str) -> IndicatorValue:
            v = nodes[value_iri]
            return IndicatorValue(year=int(v["year"]) if "year" in v else None,
                                  value=float(v["value"]) if "value" in v else None,
                                  text=v.get("valueText", ""), label=v.get("valueLabel", ""))

        indicators.append(Indicator(
            id=_fragment(n["id"]), name=n.get("name", ""), unit=n.get("unit"),
            baseline=value_of(n["baseline"]) if n.get("baseline") else None,
            targets=tuple(value_of(t) for t in _as_list(n.get("targets"))),
            section_id=_fragment(n["partOf"]) if "#" in n.get("partOf", "") else None,
            method=n.get("method"),
        ))
    return PlanDocument(source=source, raw_text=text, text=text, offsets=tuple(range(len(text) + 1)),
                        metadata=metadata, sections=sections, sentences=tuple(sentences),
                        indicators=tuple(indicators))


def offline_document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """A PyLD document loader that serves only the packaged context and refuses anything else
    (web addresses, ``file://``, relative paths): :class:`~plannlp.errors.RemoteDocumentRefused`."""
    from ..errors import RemoteDocumentRefused

    if url == CONTEXT_URL:
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": context()}}
    raise RemoteDocumentRefused(f"The JSON-LD asks for the context {url}; plannlp does not fetch "
                                "contexts from the web or from files.")
