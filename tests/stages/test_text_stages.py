"""clean → structure → segment on the real seeds and the PDF fixture made from seed 002."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES, SEED_FILES, seed_path
from plannlp.extract import extract
from plannlp.pipeline import Pipeline

TEXT_STAGES = Pipeline(["clean", "structure", "segment"])


@pytest.fixture(scope="module")
def docs():
    found = {key: TEXT_STAGES.run(extract(seed_path(key))) for key in SEED_FILES}
    found["pdf002"] = TEXT_STAGES.run(extract(FIXTURES / "pdf" / "seed002_layout.pdf"))
    return found


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("key", [*SEED_FILES, "pdf002"])
def test_spans_rebuild_the_text_exactly(docs, key):
    doc = docs[key]
    assert len(doc.offsets) == len(doc.text) + 1
    assert all(a <= b for a, b in zip(doc.offsets, doc.offsets[1:], strict=False))
    for sentence in doc.sentences:
        assert doc.text[sentence.start:sentence.end] == sentence.text
        raw_start, raw_end = doc.raw_span(sentence.start, sentence.end)
        raw = doc.raw_text[raw_start:raw_end]
        # the raw span holds the sentence's first and last characters as extracted
        assert raw and len(raw) >= len(sentence.text) - sentence.text.count("ー") - 5
    for section in doc.sections:
        assert _squash(doc.text[section.start:section.heading_end]).startswith(_squash(section.title)[:4])


def test_seed_002_paragraphs_come_out_as_whole_sentences(docs):
    texts = [s.text for s in docs["002"].sentences]
    expected = [
        "平成17年4月1日、佐久市・臼田町・浅科村・望月町の1市2町1村が合併して誕生した新「佐久市」では、"
        "将来都市像「快適健康都市佐久」の実現に向け、平成29年度から令和8年度までを計画期間とする"
        "「第二次佐久市総合計画」に基づき、各種施策を展開しています。",
        "このため、基本計画を見直し、令和4年度から令和8年度までを計画期間とする後期基本計画を策定するものです。",
        "本市の人口は、平成22年の国勢調査をピークに減少局面に転じ、平成27年の調査時においては前回比1.2%減の"
        "99,368人と、10万人を割り込むとともに、高齢化率は29.0パーセントと、前回比3.1ポイント増で推移しています。",
        "人口減少に歯止めをかけ、本市が将来にわたり活力ある持続可能なまちを実現するため、次に掲げるまちづくりを"
        "推進することにより、対応を図っていく必要があります。",
    ]
    for sentence in expected:
        assert sentence in texts
    joined = "\n".join(texts)
    assert "・・・" not in joined  # dotted rules dropped
    assert not any(re.fullmatch(r"[0-9０-９]+", t) for t in texts)  # page numbers dropped
    assert joined.count("後期基本計画策定に当たっての基本方針") == 1  # running header kept once


def test_pdf_fixture_is_rebuilt_like_the_text_layer(docs):
    texts = [s.text for s in docs["pdf002"].sentences]
    assert any(t.startswith("平成17年4月1日、佐久市") and t.endswith("各種施策を展開しています。") for t in texts)
    assert "市民アンケートを実施し、これまでの市の取組や今後の取組などに対する意向を" in docs["pdf002"].text
    assert not any(t in {"基", "本", "構", "想"} for t in texts)  # vertical text fragments dropped
    assert not any(re.fullmatch(r"\d+", t) for t in texts)


def test_width_is_normalised_but_japanese_punctuation_kept(docs):
    text = docs["002"].text
    assert "ｱﾝｹｰﾄ" not in text and "令和2年10月" in text
    assert "（1）人口" in text and "「快適健康都市佐久」" in text


@pytest.mark.parametrize(("key", "sentence_start", "path"), [
    ("000", "平成24年度に佐久市市民活動サポートセンターを開設しました",
     ("第1節市民の力が生きる地域社会の実現", "市民協働・参加", "第一次総合計画後期基本計画の主な取組")),
    ("000", "多様化する市民活動団体の実態を把握し",
     ("第1節市民の力が生きる地域社会の実現", "市民協働・参加", "現状と課題")),
    ("003", "これからの中等教育が、どんなに変化して予測困難になっても",
     ("【政策1】子育て・教育", "【施策1－1】 教育環境の充実を図り、子どもたちの「生きる力」を育みます", "◆現状と課題")),
    ("004", "市内には101の行政区があり",
     ("政策大綱6行財政・市民総働", "6-1 市民総働の推進", "現状と課題")),
    ("004", "各地区の活動拠点となる住民センター",
     ("政策大綱6行財政・市民総働", "6-1 市民総働の推進", "5年間の取組の方針")),
])
def test_section_paths(docs, key, sentence_start, path):
    doc = docs[key]
    sentence = next(s for s in doc.sentences if sentence_start in s.text)
    assert doc.section_path(sentence.section_id) == path


def test_role_hints_follow_the_headings(docs):
    hints = {s.title: s.role_hint for s in docs["000"].sections}
    assert hints["第一次総合計画後期基本計画の主な取組"] == "achievement"  # the earlier plan
    assert hints["第二次総合計画前期基本計画の主な取組"] == "measure"  # the new plan
    assert hints["現状と課題"] == "issue"
    titles = {s.title: s.role_hint for s in docs["004"].sections}
    assert titles["10年後の目指す姿"] == "other" and titles["施策展開の方向"] == "measure"
    assert titles["◆情報提供の充実"] == "measure"  # a ◆ item under 施策展開の方向 inherits it


def test_seed_004_has_its_five_policy_sections(docs):
    titles = [s.title for s in docs["004"].sections if s.marker == "N-M"]
    assert titles == ["6-1 市民総働の推進", "6-2 人権教育・啓発の推進", "6-3 男女共同参画の推進",
                      "6-4 情報発信の充実", "6-5 効率的で健全な行財政運営"]


def test_seed_003_has_24_measures(docs):
    measures = [s for s in docs["003"].sections if s.marker == "【施策N－M】"]
    assert len(measures) == 24
    assert measures[0].title.startswith("【施策1－1】")


def test_sentence_kinds(docs):
    by_text = {s.text: s.kind for s in docs["000"].sentences}
    assert by_text["佐久市協働基本指針と佐久市協働のまちづくり行動計画を統合し、佐久市協働のまちづくり計画を策定しました。"] == "bullet"
    footnotes = [t for t, k in by_text.items() if k == "footnote"]
    assert any(t.startswith("* サイマルラジオ：") for t in footnotes)
    rows = [s for s in docs["004"].sentences if s.kind == "table_row"]
    assert rows[0].text.startswith("指標名\t把握方法")
    assert any(s.kind == "heading" and s.text == "現状と課題" for s in docs["004"].sentences)


@pytest.mark.parametrize(("key", "municipality", "code", "period"), [
    ("002", "佐久市", "202177", (2022, 2026)),
    ("003", "小諸市", "202088", (2020, 2023)),
    ("004", "安中市", "102113", (None, None)),
])
def test_metadata_from_the_text(docs, key, municipality, code, period):
    meta = docs[key].metadata
    assert (meta.municipality, meta.municipality_code) == (municipality, code)
    assert (meta.period_start, meta.period_end) == period


def test_ten_thousand_lines_without_headings_segment_fine():
    from plannlp.model import PlanDocument, Source

    raw = "\n".join(f"{i}件目の相談に対応しています。" for i in range(10_000))
    doc = PlanDocument(source=Source("long.txt", "long.txt", "0" * 64, "text/plain", len(raw)), raw_text=raw)
    out = TEXT_STAGES.run(doc)
    assert out.sections == ()
    assert len(out.sentences) == 10_000
    assert out.sentences[-1].text == "9999件目の相談に対応しています。"
