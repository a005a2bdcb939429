"""SDG lexicon, linker and aggregation."""

from __future__ import annotations

import pytest

from plannlp.classify.sdg import SdgLinker, SdgSettings, aggregate_links
from plannlp.classify.sdg_lexicon import goal_names, load_lexicon
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


def test_lexicon_index_finds_exactly_the_terms_a_substring_test_finds():
    """The regex index must find what `term in text` finds, nested and overlapping terms too."""
    import unicodedata

    from conftest import SEEDS
    from plannlp.classify.sdg_lexicon import LexiconIndex

    index = LexiconIndex(load_lexicon())
    texts = ["持続可能な農業者の育成", "遊休農地と耕作放棄地", "子どもの貧困と生活困窮者", "", "農"]
    for path in sorted(SEEDS.glob("*.txt")):
        texts += unicodedata.normalize("NFKC", path.read_text(encoding="utf-8")).splitlines()
    texts += ["".join(index.terms), "|".join(reversed(index.terms))]
    for text in texts:
        assert index.terms_in(text) == [t for t in index.terms if t in text], text
    assert index.terms_in("農業", "農地") == ["農業", "農地"]
    # one-character terms, regex metacharacters and an empty lexicon
    from plannlp.classify.sdg_lexicon import LexiconEntry

    odd = LexiconIndex([LexiconEntry(1, term, 0.5, None, "test") for term in ("a", "ab", "b-]", "^\\", "(.)")])
    for text in ("xab-]", "^\\(.)", "b-", "(a)", ""):
        assert odd.terms_in(text) == [t for t in odd.terms if t in text], text
    assert LexiconIndex([]).terms_in("農業") == []


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


# --- the SDG model -------------------------------------------------------------------------

from conftest import REPO  # noqa: E402
from plannlp.classify.sdg_features import text_features  # noqa: E402
from plannlp.classify.sdg_lexicon import LexiconIndex, lexicon_scores  # noqa: E402
from plannlp.training.sdg import (  # noqa: E402
    SdgExample,
    corpus_examples,
    fit_model,
    section_scores,
    sentences_of,
)


@pytest.fixture(scope="module")
def examples():
    return corpus_examples(REPO / "corpora")


def test_seed_003_is_in_the_sdg_corpus_without_its_goal_lines(examples):
    seed = [e for e in examples if e.section_id.startswith("seed-003-")]
    assert len(seed) == 24 and sum(len(e.goals) for e in seed) == 44
    assert all("ゴール" not in e.text for e in seed)  # the ◆SDGsの取り組み lines are left out


def test_text_features_weigh_a_sentence_and_a_section_alike():
    index = LexiconIndex(load_lexicon())
    short = "ごみの減量を進めます。"
    long = short * 20
    f_short = text_features(short, lexicon_scores(short, index))
    f_long = text_features(long, lexicon_scores(long, index))
    norm = lambda f: sum(v * v for k, v in f.items() if k[:3] in ("g2=", "g3="))  # noqa: E731
    assert norm(f_short) == pytest.approx(1.0) and norm(f_long) == pytest.approx(1.0)
    assert f_short["lex=12"] > 0 and "term=ごみ" in f_short and f_short["sim=12"] > 0


def test_a_section_is_scored_by_its_best_sentence(examples):
    index = LexiconIndex(load_lexicon())
    model = fit_model(examples, index, seed=0)
    text = "交通安全の啓発を行います。\nごみの減量と再資源化を進めます。"
    assert sentences_of(text) == ["交通安全の啓発を行います。", "ごみの減量と再資源化を進めます。"]
    section = section_scores(model, [text], index)[0]
    sentences = section_scores(model, sentences_of(text), index)
    assert section[12] == max(s[12] for s in sentences)


def test_training_is_deterministic(examples):
    index = LexiconIndex(load_lexicon())
    train = examples[::2]
    first = fit_model(train, index, seed=3)
    second = fit_model(train, index, seed=3)
    text = ["ごみの減量と再資源化を進めます。"]
    assert section_scores(first, text, index) == section_scores(second, text, index)


def test_shipped_linker_uses_the_model_with_a_threshold_per_goal():
    from plannlp.classify.sdg import SdgSettings, load_linker

    linker = load_linker(SdgSettings(model=str(REPO / "models" / "sdg")))
    assert linker.model is not None and set(linker.thresholds) == set(range(1, 18))
    assert all(0 < t < 1 for t in linker.thresholds.values())
    links = linker.predict(["ごみの減量と再資源化を推進します。", "会議の日程を調整します。"])
    assert 12 in [link.goal for link in links[0]] and links[0][0].source == "model"
    assert all(link.evidence for link in links[0])
    assert links[1] == ()


def test_sdg_example_is_frozen():
    example = SdgExample("text", frozenset({4}), "1", 0, "section", "x")
    with pytest.raises(AttributeError):
        example.text = "changed"
