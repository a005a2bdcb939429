"""tokenize, indicators and the full default pipeline on real seeds."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, seed_path
from plannlp.extract import extract
from plannlp.pipeline import Pipeline
from plannlp.stages.tokenize import Morphology


def test_tokens_are_spans_of_the_text_with_normalized_forms():
    doc = Pipeline(["clean", "structure", "segment", "tokenize"]).run(extract(seed_path("000")))
    tokens = [t for s in doc.sentences for t in s.tokens]
    assert tokens and all(doc.text[t.start:t.end] == t.surface for t in tokens)
    ending = [t.lemma for t in doc.sentences[3].tokens[-4:]]
    assert ending == ["為る", "ます", "た", "。"]  # 策定しました → し/まし/た


def test_sudachi_normalizes_spelling_variants():
    morphology = Morphology()
    forms = {t.surface: t.normalized for t in morphology.tokens("取組と取り組みを進める。")}
    assert forms["取組"] == forms["取り組み"]


def test_column_reading_and_token_by_token_reading_agree_on_seed_text():
    """The fast path (MeCab's formatted output read column by column) and the careful one
    (each surface searched in the text) give the same tokens; tab-separated table rows
    take the careful path and still get exact spans."""
    morphology = Morphology()
    doc = Pipeline(["clean", "structure", "segment"]).run(extract(seed_path("004")))
    texts = [s.text for s in doc.sentences]
    assert any("\t" in t for t in texts) and len(texts) > 200
    for text in texts:
        tokens = morphology.tokens(text, 7)
        assert tokens == morphology._tokens_by_search(text, 7, morphology.normalized_forms(text))
        assert all(text[t.start - 7:t.end - 7] == t.surface for t in tokens)
    spaced = morphology.tokens("  市民\u3000協働 の まちづくり")
    assert [(t.surface, t.start) for t in spaced[:3]] == [("市民", 2), ("\u3000", 4), ("協働", 5)]


def test_indicators_of_seed_004():
    doc = Pipeline(["clean", "structure", "segment", "indicators"]).run(extract(seed_path("004")))
    by_name = {i.name: i for i in doc.indicators}
    npo = by_name["NPO・ボランティア登録団体数"]
    assert (npo.baseline.year, npo.baseline.value, npo.unit) == (2017, 93.0, "団体")
    assert [(t.year, t.value) for t in npo.targets] == [(2022, 105.0), (2026, 113.0)]
    assert npo.method.startswith("市を拠点として活動するNPO")
    assert doc.section_path(npo.section_id)[-1] == "まちづくりの目標"
    rate = by_name["経常収支比率"]
    assert (rate.baseline.year, rate.baseline.value, rate.targets[-1].value) == (2016, 104.0, 88.0)
    assert len(doc.indicators) == 9


def test_indicators_of_seed_003_stacked_blocks():
    doc = Pipeline(["clean", "structure", "segment", "indicators"]).run(extract(seed_path("003")))
    first = doc.indicators[0]
    assert first.name.startswith("全国学力状況調査")
    assert first.baseline.year == 2019 and [t.year for t in first.targets] == [2020, 2021, 2022, 2023]
    child = next(i for i in doc.indicators if i.name.startswith("子育てしやすい環境づくりに対する市民満足度"))
    assert (child.baseline.value, child.unit) == (55.8, "%")
    assert doc.section_path(child.section_id)[1].startswith("【施策1－2】")


def test_indicators_from_a_pdf_table():
    doc = Pipeline(["clean", "structure", "segment", "indicators"]).run(extract(FIXTURES / "pdf" / "seed004_table.pdf"))
    assert [(i.name, i.baseline.value, i.targets[-1].value) for i in doc.indicators] == [
        ("NPO・ボランティア登録団体数", 93.0, 113.0), ("人権教育講演会への参加率", 0.71, 0.75)]
    # linked to the section the table stands in (found through the table's raw offsets)
    assert {doc.section_path(i.section_id)[-1] for i in doc.indicators} == {"まちづくりの目標"}


@pytest.fixture(scope="module")
def seed000(default_pipeline):
    return default_pipeline.ingest(seed_path("000"))


def test_default_pipeline_tags_every_sentence(seed000):
    assert all(s.role is not None for s in seed000.sentences)
    assert seed000.stages == ("clean", "structure", "segment", "tokenize", "classify_roles", "link_sdgs", "indicators")
    assert dict(seed000.models)["role"]
    roles = {s.text: s.role.label for s in seed000.sentences}
    assert roles["佐久市協働基本指針と佐久市協働のまちづくり行動計画を統合し、佐久市協働のまちづくり計画を策定しました。"] == "achievement"
    linked = [s for s in seed000.sentences if s.sdgs]
    assert linked and all(link.evidence for s in linked for link in s.sdgs)
