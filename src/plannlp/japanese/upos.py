"""Universal POS tags (UD) for UniDic tokens, mapped as GiNZA and spaCy's Japanese do.

The tables follow spaCy's ``spacy/lang/ja`` (``tag_map``, ``tag_orth_map``,
``tag_bigram_map``), which GiNZA builds on: a UniDic POS (its levels joined with ``-``,
``*`` left out) gives a UPOS; a few words are decided by their form (連体詞 この → DET,
ある → PRON); a few by the next token's POS (推進 + し: a サ変 noun before 為る is a VERB
and 為る an AUX).

=============================  ===========  ===========================================
UniDic POS                     UPOS         example
=============================  ===========  ===========================================
名詞-普通名詞-一般             NOUN         地域
名詞-普通名詞-サ変可能 + する  VERB + AUX   推進 します
名詞-固有名詞-地名-一般        PROPN        佐久
名詞-数詞                      NUM          ２
動詞-一般                      VERB         進める
助動詞                         AUX          ます
助詞-格助詞                    ADP          を
助詞-接続助詞                  SCONJ        て
補助記号-句点                  PUNCT        。
補助記号-一般                  SYM          ・
=============================  ===========  ===========================================
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

#: UniDic POS → UPOS (spaCy ``spacy/lang/ja/tag_map.py``, UD v2.6 updates included).
TAG_MAP: dict[str, str] = {
    "記号-一般": "NOUN",
    "記号-文字": "NOUN",
    "感動詞-フィラー": "INTJ",
    "感動詞-一般": "INTJ",
    "空白": "SPACE",
    "形状詞-一般": "ADJ",
    "形状詞-タリ": "ADJ",
    "形状詞-助動詞語幹": "AUX",
    "形容詞-一般": "ADJ",
    "形容詞-非自立可能": "ADJ",
    "助詞-格助詞": "ADP",
    "助詞-係助詞": "ADP",
    "助詞-終助詞": "PART",
    "助詞-準体助詞": "SCONJ",
    "助詞-接続助詞": "SCONJ",
    "助詞-副助詞": "ADP",
    "助動詞": "AUX",
    "接続詞": "CCONJ",
    "接頭辞": "NOUN",
    "接尾辞-形状詞的": "PART",
    "接尾辞-形容詞的": "AUX",
    "接尾辞-動詞的": "PART",
    "接尾辞-名詞的-サ変可能": "NOUN",
    "接尾辞-名詞的-一般": "NOUN",
    "接尾辞-名詞的-助数詞": "NOUN",
    "接尾辞-名詞的-副詞可能": "NOUN",
    "代名詞": "PRON",
    "動詞-一般": "VERB",
    "動詞-非自立可能": "AUX",
    "副詞": "ADV",
    "補助記号-ＡＡ-一般": "SYM",
    "補助記号-ＡＡ-顔文字": "PUNCT",
    "補助記号-一般": "SYM",
    "補助記号-括弧開": "PUNCT",
    "補助記号-括弧閉": "PUNCT",
    "補助記号-句点": "PUNCT",
    "補助記号-読点": "PUNCT",
    "名詞-固有名詞-一般": "PROPN",
    "名詞-固有名詞-人名-一般": "PROPN",
    "名詞-固有名詞-人名-姓": "PROPN",
    "名詞-固有名詞-人名-名": "PROPN",
    "名詞-固有名詞-地名-一般": "PROPN",
    "名詞-固有名詞-地名-国": "PROPN",
    "名詞-助動詞語幹": "AUX",
    "名詞-数詞": "NUM",
    "名詞-普通名詞-サ変可能": "NOUN",
    "名詞-普通名詞-サ変形状詞可能": "NOUN",
    "名詞-普通名詞-一般": "NOUN",
    "名詞-普通名詞-形状詞可能": "NOUN",
    "名詞-普通名詞-助数詞可能": "NOUN",
    "名詞-普通名詞-副詞可能": "NOUN",
    "連体詞": "DET",
}

#: POS → {surface: UPOS}: words whose form decides (spaCy ``tag_orth_map.py``).
TAG_ORTH_MAP: dict[str, dict[str, str]] = {
    "空白": {" ": "SPACE", "　": "X"},
    "助詞-副助詞": {"たり": "PART"},
    "連体詞": {
        "あの": "DET", "かの": "DET", "この": "DET", "その": "DET", "どの": "DET",
        "彼の": "DET", "此の": "DET", "其の": "DET",
        "ある": "PRON", "こんな": "PRON", "そんな": "PRON", "どんな": "PRON", "あらゆる": "PRON",
    },
}

#: (POS, next POS) → (UPOS of this token, UPOS of the next; None: as the tag map says)
#: (spaCy ``tag_bigram_map.py``).
TAG_BIGRAM_MAP: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("形容詞-非自立可能", "助詞-終助詞"): ("AUX", None),
    ("名詞-普通名詞-形状詞可能", "助動詞"): ("ADJ", None),
    ("名詞-普通名詞-サ変可能", "動詞-非自立可能"): ("VERB", "AUX"),
    ("名詞-普通名詞-サ変形状詞可能", "動詞-非自立可能"): ("VERB", "AUX"),
    ("名詞-普通名詞-副詞可能", "動詞-非自立可能"): (None, "VERB"),
    ("副詞", "動詞-非自立可能"): (None, "VERB"),
    ("形容詞-一般", "動詞-非自立可能"): (None, "VERB"),
    ("形容詞-非自立可能", "動詞-非自立可能"): (None, "VERB"),
    ("接頭辞", "動詞-非自立可能"): (None, "VERB"),
    ("助詞-係助詞", "動詞-非自立可能"): (None, "VERB"),
    ("助詞-副助詞", "動詞-非自立可能"): (None, "VERB"),
    ("助詞-格助詞", "動詞-非自立可能"): (None, "VERB"),
    ("補助記号-読点", "動詞-非自立可能"): (None, "VERB"),
    ("形容詞-一般", "接尾辞-名詞的-一般"): (None, "PART"),
    ("助詞-格助詞", "形状詞-助動詞語幹"): (None, "NOUN"),
    ("連体詞", "形状詞-助動詞語幹"): (None, "NOUN"),
    ("動詞-一般", "助詞-副助詞"): (None, "PART"),
    ("動詞-非自立可能", "助詞-副助詞"): (None, "PART"),
    ("助動詞", "助詞-副助詞"): (None, "PART"),
}


@cache
def tag_upos(pos: str) -> str:
    """The UPOS of a UniDic POS by the tag map alone: the longest listed prefix of ``pos``
    (名詞-固有名詞-地名-一般 is listed; 名詞-固有名詞-地名 falls back on no entry), else the
    most common UPOS of the listed tags that extend it (名詞-普通名詞 → NOUN, for tokens
    that carry only two levels), else X."""
    levels = pos.split("-")
    for cut in range(len(levels), 0, -1):
        found = TAG_MAP.get("-".join(levels[:cut]))
        if found:
            return found
    extending = Counter(upos for tag, upos in TAG_MAP.items() if tag.startswith(pos + "-"))
    return extending.most_common(1)[0][0] if extending else "X"


def upos_tags(surfaces: Sequence[str], tags: Sequence[str]) -> list[str]:
    """UPOS of a sentence's tokens, from their surfaces and full UniDic POS tags, as spaCy's
    Japanese ``resolve_pos`` decides them: form first, then the next token's tag, then the
    tag map; a bigram that decides the next token's UPOS also fixes it."""
    result: list[str] = []
    decided_next: str | None = None
    for i, (surface, tag) in enumerate(zip(surfaces, tags, strict=True)):
        if decided_next is not None:
            result.append(decided_next)
            decided_next = None
            continue
        by_form = TAG_ORTH_MAP.get(tag, {}).get(surface)
        if by_form is not None:
            result.append(by_form)
            continue
        bigram = TAG_BIGRAM_MAP.get((tag, tags[i + 1])) if i + 1 < len(tags) else None
        if bigram is not None:
            this, decided_next = bigram
            result.append(this or tag_upos(tag))
        else:
            result.append(tag_upos(tag))
    return result
