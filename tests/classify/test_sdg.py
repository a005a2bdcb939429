"""SDG lexicon, linker and aggregation."""

from __future__ import annotations

import pytest

from plannlp.classify.sdg import SdgLinker, SdgSettings, aggregate_links, goal_names, load_lexicon
from plannlp.model import SdgLink


def test_lexicon_has_sourced_entries_for_every_goal():
    lexicon = load_lexicon()
    assert {e.goal for e in lexicon} == set(range(1, 18))
    assert all(e.source for e in lexicon)
    assert all(0 < e.weight <= 1 for e in lexicon)
    assert all(e.source.startswith("外務省仮訳 target") == (e.target is not None) for e in lexicon)
    assert goal_names()[4] == "質の高い教育をみんなに"


@pytest.fixture(scope="module")
def linker() -> SdgLinker:
    return SdgLinker(SdgSettings(model=""))


@pytest.mark.parametrize(("text", "goal", "evidence"), [
    ("ごみの減量と再資源化を推進します。", 12, "再資源化"),
    ("令和元年東日本台風の教訓を踏まえ、防災体制を強化します。", 11, "防災"),
    ("配偶者暴力相談支援センターの機能を強化します。", 5, "配偶者暴力"),
    ("ガイドラインに基づく佐久市型情報公開制度を開始しました。", 16, "情報公開"),
    ("NPOやボランティア団体等との協働を推進します。", 17, "協働"),
])
def test_clear_sentences_link_their_goal_with_evidence(linker, text, goal, evidence):
    links = linker.predict([text])[0]
    assert goal in [link.goal for link in links]
    link = next(link for link in links if link.goal == goal)
    assert evidence in link.evidence and 0.5 <= link.confidence <= 1


@pytest.mark.parametrize("text", [
    "時代に即した幅広い情報発信を行います。",  # 情報発信 alone is no SDG
    "関係機関との連携を図ります。",  # 連携 alone is not goal 17
    "計画の進行管理を行います。",
])
def test_sentences_without_direct_contribution_link_nothing(linker, text):
    assert linker.predict([text])[0] == ()


def test_targets_come_from_target_sourced_terms(linker):
    links = linker.predict(["食品ロスの削減に取り組みます。"])[0]
    assert links[0].goal == 12 and links[0].target == "12.3"


def test_aggregation_is_a_noisy_or_of_sentence_links():
    links = [
        (SdgLink(11, 0.6, ("防災",)),),
        (SdgLink(11, 0.5, ("防災", "災害")), SdgLink(4, 0.55, ("教育",))),
        (),
    ]
    aggregated = {link.goal: link for link in aggregate_links(links)}
    assert aggregated[11].confidence == pytest.approx(1 - 0.4 * 0.5)
    assert aggregated[11].evidence[0] == "防災"
    assert 4 in aggregated
    assert 4 not in {link.goal for link in aggregate_links(links, min_support=2)}
