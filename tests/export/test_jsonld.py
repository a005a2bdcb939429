"""JSON-LD output: offline expansion with PyLD, RDF parsing, stable IRIs, reading back."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld

from conftest import seed_path
from plannlp.errors import PlanNLPError
from plannlp.export import jsonld_of
from plannlp.export.jsonld import CONTEXT_URL, from_jsonld, offline_document_loader, to_jsonld

PLANNLP = "https://w3id.org/plannlp/ns#"


@pytest.fixture(scope="module")
def doc(default_pipeline):
    return default_pipeline.ingest(seed_path("004"))


@pytest.fixture(scope="module")
def data(doc):
    return to_jsonld(doc)


def test_expands_offline_with_pyld(data):
    expanded = jsonld.expand(data, {"documentLoader": offline_document_loader})
    types = {t for node in expanded for t in node.get("@type", [])}
    assert {PLANNLP + "PlanDocument", PLANNLP + "Sentence", PLANNLP + "Section", PLANNLP + "Indicator"} <= types
    sentence = next(n for n in expanded if PLANNLP + "Sentence" in n.get("@type", []) and PLANNLP + "role" in n)
    assert sentence[PLANNLP + "role"][0]["@id"].startswith("https://w3id.org/plannlp/role/")
    assert sentence["http://www.w3.org/ns/oa#hasSelector"][0]["@id"].endswith("-pos")
    links = [n for n in expanded if PLANNLP + "SdgLink" in n.get("@type", [])]
    assert links and all(n[PLANNLP + "goal"][0]["@id"].startswith("http://metadata.un.org/sdg/") for n in links)


def test_the_loader_never_fetches(data):
    assert offline_document_loader(CONTEXT_URL)["document"]["@context"] == data["@context"]
    with pytest.raises(PlanNLPError, match="does not fetch"):
        offline_document_loader("https://schema.org/")


def test_parses_as_rdf_with_provenance(data, doc):
    import rdflib

    graph = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    assert len(graph) > 1000
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    starts = {int(o) for o in graph.objects(None, oa.start)}
    first = doc.sentences[0]
    assert doc.raw_span(first.start, first.end)[0] in starts


def test_iris_are_content_based_and_stable(default_pipeline, data):
    again = to_jsonld(default_pipeline.ingest(seed_path("004")))
    assert [n["id"] for n in again["@graph"]] == [n["id"] for n in data["@graph"]]
    assert data["@graph"][0]["id"].startswith("https://w3id.org/plannlp/doc/")


def test_reads_back_into_a_plan_document(data, doc):
    back = from_jsonld(json.loads(json.dumps(data, ensure_ascii=False)))
    assert [s.text for s in back.sentences] == [s.text for s in doc.sentences]
    assert [s.role.label for s in back.sentences] == [s.role.label for s in doc.sentences]
    assert [[link.goal for link in s.sdgs] for s in back.sentences] == [[link.goal for link in s.sdgs] for s in doc.sentences]
    assert back.metadata.municipality == "安中市" and back.metadata.municipality_code == "102113"
    assert [(i.name, i.baseline.value) for i in back.indicators] == [(i.name, i.baseline.value) for i in doc.indicators]
    assert back.section_path(back.sentences[20].section_id) == doc.section_path(doc.sentences[20].section_id)


def test_several_documents_share_one_graph(default_pipeline, doc):
    other = default_pipeline.ingest(seed_path("001"))
    combined = jsonld_of([doc, other])
    documents = [n for n in combined["@graph"] if n.get("type") == "PlanDocument"]
    assert len(documents) == 2


def test_sections_and_the_document_carry_aggregated_sdg_links(default_pipeline):
    data = to_jsonld(default_pipeline.ingest(seed_path("003")))
    nodes = {n["id"]: n for n in data["@graph"]}
    measure = next(n for n in data["@graph"] if n.get("type") == "Section" and n["title"].startswith("【施策2－1】"))
    goals = {nodes[link]["goal"] for link in measure["sdgLinks"]}
    assert "sdg:12" in goals  # ごみの減量と再資源化 (the plan itself labels it 12, 13, 14)
    assert all(nodes[link]["linkSource"] == "aggregate" for link in measure["sdgLinks"])
    assert data["@graph"][0]["sdgLinks"]  # the document as a whole
