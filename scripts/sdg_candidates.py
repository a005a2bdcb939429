"""Experiment (not shipped): which goals the SDG model may link — the lexicon's candidates
(as shipped), every goal, or the lexicon's candidates plus the goals whose own texts are most
like the text's (docs/experiments/sdg-candidates.md).

    python scripts/sdg_candidates.py MODE [--folds 01] [--k 1]

MODE: ``lexicon`` (shipped), ``all`` (every goal), ``similar`` (the lexicon's candidates and
the ``k`` goals most similar by character bigrams to the text: the cosine of
``plannlp.classify.sdg_features.goal_bigrams``), ``similar-if-any`` (the same, only for texts
with a lexicon candidate, so that the model scores no more texts than it does now), ``mined``
(the lexicon's candidates and the goals of nouns mined from the training sections of each
split: a noun, by its Sudachi normalized form, in at least ``--min-support`` training
sections of a goal and with that goal in at least ``--min-precision`` of the sections it is
in). The
model, its features and the threshold choice are the shipped ones
(:mod:`plannlp.training.sdg`); scored on the section's text at section level against the
municipalities' goals, for the held-out folds given (``01``: the design folds; ``234``: the
folds not looked at while designing).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from plannlp.classify.sdg_features import _bigram_keys, goal_bigrams, text_features  # noqa: E402
from plannlp.classify.sdg_lexicon import LexiconIndex, lexicon_scores, load_lexicon  # noqa: E402
from plannlp.japanese.width import compact_nfkc  # noqa: E402
from plannlp.model import SDG_GOALS  # noqa: E402
from plannlp.training import sdg as training  # noqa: E402
from plannlp.training.metrics import micro_prf  # noqa: E402


def similarities(text: str) -> dict[int, float]:
    bigrams = _bigram_keys(compact_nfkc(text))
    goals = goal_bigrams()
    if not bigrams:
        return {}
    return {g: len(bigrams & goals[g]) / math.sqrt(len(bigrams) * len(goals[g])) for g in SDG_GOALS}


@cache
def nouns_of(text: str) -> frozenset[str]:
    """The text's nouns (no numerals) of two or more characters, by their normalized forms."""
    return frozenset(t.normalized for t in _morphology().tokens(text)
                     if t.pos.startswith("名詞") and not t.pos.startswith("名詞-数詞") and len(t.normalized) >= 2)


@cache
def _morphology():
    from plannlp.stages.tokenize import Morphology

    return Morphology()


def mine_terms(examples, min_support: int, min_precision: float) -> dict[str, set[int]]:
    """Noun → the goals it points to in ``examples`` (see the module docstring)."""
    with_goal: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    for e in examples:
        for term in nouns_of(e.text):
            total[term] += 1
            for goal in e.goals:
                with_goal[term][goal] += 1
    mined: dict[str, set[int]] = defaultdict(set)
    for term, n in total.items():
        for goal, a in with_goal[term].items():
            if a >= min_support and a / n >= min_precision:
                mined[term].add(goal)
    return dict(mined)


def candidates_of(mode: str, k: int):
    """The candidate goals of a text, given its lexicon scores and the fitted model."""
    def candidates(text: str, lexical: dict, model) -> set[int]:
        if mode == "all":
            return set(SDG_GOALS)
        if mode == "mined":
            return set(lexical) | {g for term in nouns_of(text) for g in model.mined.get(term, ())}
        if mode == "lexicon" or (mode == "similar-if-any" and not lexical):
            return set(lexical)
        similar = similarities(text)
        return set(lexical) | {g for g in sorted(similar, key=lambda g: -similar[g])[:k] if similar[g] > 0}
    return candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["lexicon", "all", "similar", "similar-if-any", "mined"])
    parser.add_argument("--folds", default="01", help="held-out folds, e.g. 01 or 234")
    parser.add_argument("--k", type=int, default=1)
    parser.add_argument("--min-support", type=int, default=2)
    parser.add_argument("--min-precision", type=float, default=0.5)
    args = parser.parse_args()
    candidates = candidates_of(args.mode, args.k)
    shipped_fit = training.fit_model

    def fit_model(examples, index, **kw):
        """The shipped model, with the nouns mined from its training sections (mode mined)."""
        model = shipped_fit(examples, index, **kw)
        if args.mode == "mined":
            model.mined = mine_terms(examples, args.min_support, args.min_precision)
        return model

    def section_scores(model, texts, index, *, mode="text"):
        """training.section_scores (mode "text") with the candidates of ``args.mode``."""
        lexical = [lexicon_scores(t, index) for t in texts]
        rows = [text_features(t, lex) for t, lex in zip(texts, lexical, strict=True)]
        scores = [dict.fromkeys(SDG_GOALS, 0.0) for _ in texts]
        if rows:
            for i, row in enumerate(model.predict_proba(rows).tolist()):
                allowed = candidates(texts[i], lexical[i], model)
                for goal, p in zip(SDG_GOALS, row, strict=True):
                    if goal in allowed:
                        scores[i][goal] = p
        return scores

    # the thresholds are chosen (inside the training folds) with the same model and candidates
    training.fit_model = fit_model
    training.section_scores = section_scores
    index = LexiconIndex(load_lexicon())
    examples = training.corpus_examples(REPO / "corpora")
    gold, predicted = [], []
    for fold in map(int, args.folds):
        train = [e for e in examples if e.fold != fold]
        test = [e for e in examples if e.fold == fold and e.level == "section"]
        thresholds = training.choose_thresholds(train, index, seed=0, mode="text")
        model = fit_model(train, index, seed=0)
        fold_gold = [set(e.goals) for e in test]
        fold_predicted = training._decide(section_scores(model, [e.text for e in test], index), thresholds)
        r = micro_prf(fold_gold, fold_predicted)
        print(f"fold {fold} ({len(test)} sections): micro-F1 {r['f1']:.3f} (P {r['precision']:.3f}, R {r['recall']:.3f})")
        gold += fold_gold
        predicted += fold_predicted
    r = micro_prf(gold, predicted)
    print(f"{args.mode} (k={args.k}), folds {args.folds}: micro-F1 {r['f1']:.3f} "
          f"(P {r['precision']:.3f}, R {r['recall']:.3f}; {len(gold)} sections)")


if __name__ == "__main__":
    main()
