"""Features for the sentence-role classifier: what carries a sentence's role in Japanese.

The role of a plan sentence is mostly in its final predicate (guidelines §1):

==============================================  ===========  =============================
ending (fugashi lemmas)                          cue          typical role
==============================================  ===========  =============================
開設 し まし た / 開始 し まし た                past         achievement
支援 し て い ます (市の事業)                    progressive  achievement (rule 2)
減少 し て い ます (状況)                        progressive  issue (rule 2)
促進 する 必要 が あり ます                      need         issue (rule 4)
求め られ て い ます                            need         issue
推進 し ます / 図り ます / 努め ます             commitment   measure
推進 する / 図る (である調, 003)                 plain        measure
〜 な 状態 / 〜 が 進ん で い ます (目指す姿)    vision       other (rule 6)
==============================================  ===========  =============================

``role_features`` turns one sentence into a sparse dict: the last content tokens' lemma
and POS, lemma bigrams of the ending, the last verb, named cue flags, character n-grams of
the sentence end, the sentence kind, its length, the lemmas of its content words, its first
two tokens and — when given — the section's role hint;
:func:`sequence_features` adds what the neighbouring sentences look like. The classifier is trained with and without the hint so it works on drafts whose
headings give nothing away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model import Role, SentenceKind, Token
from .silver import silver_role

#: Named surface cues (regexes over the sentence's last characters).
CUES: dict[str, re.Pattern[str]] = {
    "past": re.compile(r"(まし|でし|し|っ|い|れ|え)た[。」）)]*$"),
    "progressive": re.compile(r"(てい|でい)(ます|る)[。」）)]*$"),
    "need": re.compile(r"(必要|求め|求められ|不可欠|急務|重要)"),
    "need_end": re.compile(r"(必要があります|必要です|求められています|求められる|必要がある|課題です|課題となっています|懸念されます|懸念されています)[。]*$"),
    "problem": re.compile(r"(課題|懸念|減少|不足|低下|深刻|困難|増加|進行|遅れ)"),
    "polite_commit": re.compile(r"(します|ります|めます|ります|います|きます|せます|ぎます|みます)[。]*$"),
    "plain_commit": re.compile(r"(する|図る|努める|進める|推進する|支援する|目指す|取り組む|行う|検討する|促進する|充実する|強化する)[。]*$"),
    "measure_verb": re.compile(r"(推進|図り|図る|努め|努める|支援し|支援する|検討し|検討する|促進|強化|充実|取り組み|取り組む|進め|進める|目指し|目指す|実施し|実施する)"),
    "state": re.compile(r"(状態|姿|なっています|されています|ています)[。]*$"),
    "no_period": re.compile(r"[^。]$"),
    "definition": re.compile(r"^[^、。]{1,30}[:：]"),
    "numeric": re.compile(r"\d"),
}


@dataclass(frozen=True)
class RoleExample:
    """One sentence as the role classifier sees it (built from a PlanDocument or a corpus row)."""

    text: str
    tokens: tuple[Token, ...]
    kind: SentenceKind = "prose"
    hint: Role | None = None
    heading: str = ""


_POLITE_ENDINGS = (
    ("しました", "した"), ("しています", "している"), ("します", "する"), ("ります", "る"),
    ("めます", "める"), ("います", "う"), ("きます", "く"), ("ぎます", "ぐ"), ("みます", "む"),
    ("せます", "せる"), ("れます", "れる"), ("ました", "た"), ("です", "だ"),
)


def _plain(text: str) -> str:
    """The sentence end in plain form (〜します → 〜する), for the character n-grams."""
    for polite, plain in _POLITE_ENDINGS:
        if text.endswith(polite):
            return text[: -len(polite)] + plain
    return text


#: Parts of speech that are no content (punctuation, spaces), and those whose lemmas are the
#: sentence's content (bag of words).
_NON_CONTENT_POS = ("補助記号", "空白")
_CONTENT_POS = ("名詞", "動詞", "形容詞", "副詞", "感動詞")

_SKIPPED, _CONTENT, _FUNCTION = "skipped", "content", "function"
#: POS → which of the three it is, filled as POS values are met (there are a few dozen): one
#: dictionary lookup per token instead of prefix tests, in features read for every sentence.
_POS_KINDS: dict[str, str] = {}


def _pos_kind(pos: str) -> str:
    kind = (_SKIPPED if pos.startswith(_NON_CONTENT_POS) else
            _CONTENT if pos.startswith(_CONTENT_POS) else _FUNCTION)
    _POS_KINDS[pos] = kind
    return kind


def _content_from_end(tokens: Sequence[Token]) -> Iterator[Token]:
    """The content tokens (no punctuation, no spaces), last first: the features read the end."""
    return (t for t in reversed(tokens) if (_POS_KINDS.get(t.pos) or _pos_kind(t.pos)) != _SKIPPED)


#: Politeness is register, not role: です/ます are left out of the predicate features so that
#: である-style plans (seed 003: 〜を図る。) and です・ます-style plans look alike.
_POLITENESS = {"ます", "です"}

#: Light verbs and auxiliaries that follow the predicate word (推進 し ます → 推進).
_LIGHT_VERBS = {"為る", "有る", "居る", "成る", "おる", "いる", "ある", "する", "なる", "致す", "頂く"}


def final_predicate(tokens: Sequence[Token]) -> tuple[Token | None, list[str]]:
    """The sentence's predicate word and the auxiliaries after it, politeness set aside.

    ``推進 し ます 。`` → (推進, [ます, 為る]); ``推進 する 。`` → (推進, [為る]);
    ``必要 が あり ます`` → (必要, [ます, 有る, が]); ``開設 し まし た`` → (開設, [た, ます, 為る]).
    """
    after: list[str] = []
    for token in _content_from_end(tokens):
        light = token.pos.startswith("動詞-非自立") and token.lemma in _LIGHT_VERBS
        particle = token.pos in ("助詞-接続助詞", "助詞-終助詞") or (
            token.lemma == "が" and after and after[-1] in ("有る", "ある"))
        if token.pos.startswith("助動詞") or light or particle:
            after.append(token.lemma)
            continue
        return token, after
    return None, after


def _ending_tokens(tokens: Sequence[Token], size: int) -> tuple[list[Token], Token | None]:
    """The last ``size`` content tokens other than です/ます (in order), and the last verb
    among all of them. (A plain loop from the end: this runs for every sentence.)"""
    last: list[Token] = []
    last_verb = None
    for token in reversed(tokens):
        pos = token.pos
        if (_POS_KINDS.get(pos) or _pos_kind(pos)) == _SKIPPED or token.lemma in _POLITENESS:
            continue
        if last_verb is None and pos.startswith("動詞"):
            last_verb = token
        if len(last) < size:
            last.append(token)
        if last_verb is not None and len(last) == size:
            break
    last.reverse()
    return last, last_verb


#: The cues as (feature name, regex, searched in the whole sentence?); the cues that are not
#: searched in the whole sentence are searched in its last 14 characters.
_CUE_SEARCHES = tuple((f"cue={name}", pattern, name in {"need", "problem", "definition", "numeric"})
                      for name, pattern in CUES.items())

#: Feature-name prefixes of the last six tokens, last token first: (lemma, POS, inflection).
_TAIL_PREFIXES = tuple((f"tail{i}=", f"tail{i}pos=", f"tail{i}inf=") for i in range(6))

_TRAILING_PERIODS = re.compile(r"[。\s]+$")


def role_features(example: RoleExample, *, use_hint: bool = True) -> dict[str, float]:
    """The sparse features of one sentence (see the module docstring); every value is 1.0."""
    features: dict[str, float] = {"bias": 1.0, f"kind={example.kind}": 1.0}
    if use_hint and example.hint:
        features[f"hint={example.hint}"] = 1.0
    # the guideline rules as features (with the hint only when the hint may be used)
    rule = silver_role(example.text, example.kind, example.hint if use_hint else None)
    features[f"rule={rule}"] = 1.0
    _add_predicate_features(features, example.tokens)
    text = example.text.strip()
    tail_text = text[-14:]
    for name, pattern, whole_sentence in _CUE_SEARCHES:
        if pattern.search(text if whole_sentence else tail_text):
            features[name] = 1.0
    _add_ending_features(features, example.tokens)
    end = _plain(_TRAILING_PERIODS.sub("", text))[-8:]
    for i in range(len(end) - 1):
        features["end2=" + end[i:i + 2]] = 1.0
    for i in range(len(end) - 2):
        features["end3=" + end[i:i + 3]] = 1.0
    length = len(text)
    if length < 15:
        features["len<15"] = 1.0
    if length > 80:
        features["len>80"] = 1.0
    features[f"len_bin={min(length // 20, 6)}"] = 1.0
    _add_content_features(features, example.tokens)
    return features


def _add_content_features(features: dict[str, float], tokens: Sequence[Token]) -> None:
    """What the sentence is about and how it opens, beyond its ending: the lemmas of its
    content words (a greeting, a budget line, a report of an event) and its first two tokens.
    (The sentence's character bigrams added 0.004 macro-F1 on the development folds and
    a third of the features to look up; left out.)"""
    opening = 0
    for token in tokens:
        kind = _POS_KINDS.get(token.pos) or _pos_kind(token.pos)
        if kind == _SKIPPED:
            continue
        if opening < 2:
            features[f"head{opening}={token.lemma}"] = 1.0
            opening += 1
        if kind == _CONTENT:
            features["bow=" + token.lemma] = 1.0


def _summary(example: RoleExample, row: dict[str, float], use_hint: bool) -> dict[str, str]:
    """What a neighbouring sentence tells about this one: its kind, the guideline rules'
    label without hints, and its final predicate's tense and aspect (read from its own
    feature row, which already holds them)."""
    tense = next((k[6:] for k in ("tense=past", "tense=nonpast") if k in row), None)
    aspect = "progressive" if "aspect=progressive" in row else "simple"
    if use_hint and example.hint:
        rule = silver_role(example.text, example.kind, None) or "none"
    else:
        rule = next((k[5:] for k in row if k.startswith("rule=")), "None")
        rule = "none" if rule == "None" else rule  # role_features writes rule=None
    return {"kind": example.kind, "rule": rule, "pred": f"{tense}|{aspect}" if tense else "none"}


def sequence_features(examples: Sequence[RoleExample], *, use_hint: bool = True,
                      context: bool = True) -> list[dict[str, float]]:
    """:func:`role_features` of every sentence of a document (in reading order), with — when
    ``context`` — what the previous and the next sentence look like (``prev:``/``next:``
    features from :func:`_summary`): a sentence after a heading, inside a list of
    commitments or after a past-tense report is evidence, never the answer."""
    rows = [role_features(e, use_hint=use_hint) for e in examples]
    if not context:
        return rows
    summaries = [_summary(e, row, use_hint) for e, row in zip(examples, rows, strict=True)]
    for i, row in enumerate(rows):
        for name, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < len(rows):
                for key, value in summaries[j].items():
                    row[f"{name}:{key}={value}"] = 1.0
            else:
                row[f"{name}:none"] = 1.0
    return rows


def _add_predicate_features(features: dict[str, float], tokens: Sequence[Token]) -> None:
    """The final predicate's lemma, POS, form, tense and aspect, and the auxiliaries after it."""
    predicate, after = final_predicate(tokens)
    if predicate is None:
        return
    after = [lemma for lemma in after if lemma not in _POLITENESS]
    verbal = predicate.pos.startswith(("動詞", "形容詞")) or "為る" in after or "する" in after
    features[f"form={'verbal' if verbal else 'nominal'}"] = 1.0
    tense = "past" if "た" in after else "nonpast"
    aspect = "progressive" if ("居る" in after or "いる" in after) else "simple"
    features[f"pred={predicate.lemma}"] = 1.0
    features[f"predpos={predicate.pos}"] = 1.0
    features[f"tense={tense}"] = 1.0
    features[f"aspect={aspect}"] = 1.0
    features[f"pred_tense={predicate.lemma}|{tense}|{aspect}"] = 1.0
    for lemma in after:
        features[f"after={lemma}"] = 1.0


def _add_ending_features(features: dict[str, float], tokens: Sequence[Token]) -> None:
    """The last six content tokens (です/ます aside), their lemma bigrams, the last verb and
    the last two nouns among the last eight content tokens."""
    ending, last_verb = _ending_tokens(tokens, 8)
    tail = ending[-6:]
    for (lemma_key, pos_key, inflection_key), token in zip(_TAIL_PREFIXES, reversed(tail), strict=False):
        features[lemma_key + token.lemma] = 1.0
        features[pos_key + token.pos] = 1.0
        if token.inflection:
            features[inflection_key + token.inflection] = 1.0
    for a, b in zip(tail, tail[1:], strict=False):
        features[f"bi={a.lemma}_{b.lemma}"] = 1.0
    if last_verb is not None:
        features[f"lastverb={last_verb.lemma}"] = 1.0
    nouns = [t.lemma for t in ending if t.pos.startswith("名詞")]
    for lemma in nouns[-2:]:
        features[f"endnoun={lemma}"] = 1.0
