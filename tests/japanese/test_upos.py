"""UPOS from UniDic POS, as GiNZA / spaCy's Japanese decide them, on real seed phrases."""

from __future__ import annotations

import pytest

from plannlp.japanese.upos import TAG_MAP, tag_upos, upos_tags
from plannlp.stages.tokenize import Morphology


@pytest.fixture(scope="module")
def morphology() -> Morphology:
    return Morphology(xpos=True)


def tagged(morphology: Morphology, text: str) -> list[tuple[str, str]]:
    tokens = [t for t in morphology.tokens(text) if t.surface.strip()]
    return list(zip([t.surface for t in tokens],
                    upos_tags([t.surface for t in tokens], [t.xpos for t in tokens]), strict=True))


@pytest.mark.parametrize(("text", "expected"), [
    # seed 000: a サ変 noun before する is a VERB, する then an AUX
    ("地域コミュニティの活性化を支援しています。",
     {"地域": "NOUN", "の": "ADP", "を": "ADP", "支援": "VERB", "し": "AUX", "。": "PUNCT"}),
    # seed 000: a place name, a number, a verb
    ("佐久市が平成28年4月から稼働しており", {"佐久": "PROPN", "28": "NUM", "から": "ADP"}),
    # seed 004: この is a DET by its form (連体詞)
    ("この計画を推進します", {"この": "DET", "推進": "VERB", "ます": "AUX"}),
    # できる (動詞-非自立可能) is an AUX by the tag map, a VERB after a case particle
    ("安心して暮らすことができるまち", {"できる": "VERB", "暮らす": "VERB"}),
])
def test_upos_of_real_phrases(morphology, text, expected):
    found = dict(tagged(morphology, text))
    for surface, upos in expected.items():
        assert found[surface] == upos, (surface, found)


@pytest.mark.parametrize(("pos", "upos"), [
    ("名詞-固有名詞-地名-一般", "PROPN"),
    ("名詞-固有名詞-地名", "PROPN"),  # not listed itself: the tags extending it
    ("名詞-普通名詞", "NOUN"),  # two levels only (tokens without xpos)
    ("補助記号-句点", "PUNCT"),
    ("動詞-非自立可能", "AUX"),
    ("未知", "X"),
])
def test_tag_map_lookup(pos, upos):
    assert tag_upos(pos) == upos


def test_every_upos_is_a_ud_tag():
    ud = {"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
          "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X", "SPACE"}
    assert set(TAG_MAP.values()) <= ud
