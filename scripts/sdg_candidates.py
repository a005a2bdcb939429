"""Experiment (not shipped): which goals the SDG model may link — the lexicon's candidates
(as shipped), every goal, or the lexicon's candidates plus the goals whose own texts are most
like the text's (docs/experiments/sdg-candidates.md).

    python scripts/sdg_candidates.py MODE [--folds 01] [--k 1]

MODE: ``lexicon`` (shipped), ``all`` (every goal), ``similar`` (the lexicon's candidates and
the ``k`` goals most similar by character bigrams to the text: the cosine of
``plannlp.classify.sdg_features.goal_bigrams``), ``similar-if-any`` (the same, only for texts
with a lexicon candidate, so that the model scores no more texts than it does now). The
model, its features and the threshold choice are the shipped ones
(:mod:`plannlp.training.sdg`); scored on the section's text at section level against the
municipalities' goals, for the held-out folds given (``01``: the design folds; ``234``: the
folds not looked at while designing).
"""

from __future__ import annotations

import argparse
import math
import sys
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


def candidates_of(mode: str, k: int) -> callable:
    def candidates(text: str, lexical: dict) -> set[int]:
        if mode == "all":
            return set(SDG_GOALS)
        if mode == "lexicon" or (mode == "similar-if-any" and not lexical):
            return set(lexical)
        similar = similarities(text)
        return set(lexical) | {g for g in sorted(similar, key=lambda g: -similar[g])[:k] if similar[g] > 0}
    return candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["lexicon", "all", "similar", "similar-if-any"])
    parser.add_argument("--folds", default="01", help="held-out folds, e.g. 01 or 234")
    parser.add_argument("--k", type=int, default=1)
    args = parser.parse_args()
    candidates = candidates_of(args.mode, args.k)

    def section_scores(model, texts, index, *, mode="text"):
        """training.section_scores (mode "text") with the candidates of ``args.mode``."""
        lexical = [lexicon_scores(t, index) for t in texts]
        rows = [text_features(t, lex) for t, lex in zip(texts, lexical, strict=True)]
        scores = [dict.fromkeys(SDG_GOALS, 0.0) for _ in texts]
        if rows:
            for i, row in enumerate(model.predict_proba(rows).tolist()):
                allowed = candidates(texts[i], lexical[i])
                for goal, p in zip(SDG_GOALS, row, strict=True):
                    if goal in allowed:
                        scores[i][goal] = p
        return scores

    training.section_scores = section_scores  # the thresholds are chosen with the same candidates
    index = LexiconIndex(load_lexicon())
    examples = training.corpus_examples(REPO / "corpora")
    gold, predicted = [], []
    for fold in map(int, args.folds):
        train = [e for e in examples if e.fold != fold]
        test = [e for e in examples if e.fold == fold and e.level == "section"]
        thresholds = training.choose_thresholds(train, index, seed=0, mode="text")
        model = training.fit_model(train, index, seed=0)
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
