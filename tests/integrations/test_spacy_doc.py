"""The spaCy bridge: a processed plan as a spaCy Doc with role and section spans."""

from __future__ import annotations

import pytest

from conftest import seed_path

spacy = pytest.importorskip("spacy")


def test_plan_document_becomes_a_spacy_doc_with_role_spans(default_pipeline):
    from plannlp.integrations.spacy_doc import to_spacy

    doc = default_pipeline.ingest(seed_path("004"))
    sdoc = to_spacy(doc)
    roles = sdoc.spans["roles"]
    tagged = [s for s in doc.sentences if any(t.surface.strip() for t in s.tokens)]
    assert len(roles) == len(tagged)
    first = next(span for span in roles if span._.sentence_id == "sent-00004")
    sentence = next(s for s in doc.sentences if s.id == "sent-00004")
    assert first.label_ == sentence.role.label
    assert first.text.replace(" ", "") == sentence.text.replace(" ", "")
    assert [t.lemma_ for t in first][-3:] == [t.lemma for t in sentence.tokens if t.surface.strip()][-3:]
    assert {span.label_ for span in sdoc.spans["sections"]} >= {"現状と課題", "施策展開の方向"}
    assert len(list(sdoc.sents)) == len(roles)


def test_an_untokenized_document_is_refused():
    from plannlp.errors import PlanNLPError
    from plannlp.extract import extract
    from plannlp.integrations.spacy_doc import to_spacy
    from plannlp.pipeline import Pipeline

    doc = Pipeline(["clean", "structure", "segment"]).run(extract(seed_path("004")))
    with pytest.raises(PlanNLPError, match="tokenize"):
        to_spacy(doc)
