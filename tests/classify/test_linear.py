"""LinearModel's numpy product gives exactly scipy's sparse product (what it replaced)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REPO
from plannlp.classify.linear import LinearModel


def scipy_decision(model: LinearModel, features) -> np.ndarray:
    """The decision values as LinearModel computed them with scipy.sparse before."""
    from scipy.sparse import csr_matrix

    lookup = model.vocabulary.get
    lengths = [len(row) for row in features]
    columns = np.array([lookup(key, -1) for row in features for key in row], dtype=np.int64)
    values = np.array([value for row in features for value in row.values()], dtype=float)
    rows = np.repeat(np.arange(len(features)), lengths)
    known = columns >= 0
    matrix = csr_matrix((values[known], (rows[known], columns[known])),
                        shape=(len(features), model.coef.shape[2]))
    return np.stack([matrix @ fold.T for fold in model.coef]) + model.intercept[:, None, :]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


def test_random_models_and_features_match_scipy_to_the_last_bit():
    rng = np.random.default_rng(0)
    for folds, classes, n_features in ((3, 4, 50), (1, 1, 11), (2, 3, 7)):
        vocabulary = {f"f{i}": i for i in range(n_features)}
        model = LinearModel(vocabulary, list(range(classes)), rng.normal(size=(folds, classes, n_features)),
                            rng.normal(size=(folds, classes)), rng.normal(size=(folds, classes, 2)))
        features = []
        for _ in range(200):
            keys = rng.choice(n_features + 5, size=rng.integers(0, n_features), replace=False)  # some unknown
            values = rng.choice([1.0, 0.0, -0.0, 0.1, -3.7, 1e-12, 123.456], size=len(keys))
            features.append({f"f{k}": float(v) * (1 if rng.random() < 0.5 else rng.random()) for k, v in zip(keys, values, strict=True)})
        features.append({})
        assert same_bits(model._decision(features), scipy_decision(model, features))


@pytest.mark.parametrize("name", ["role", "sdg"])
def test_shipped_models_match_scipy_on_real_features(name):
    from plannlp import load_pipeline
    from plannlp.classify.model_io import load_linear_model
    from plannlp.classify.role_features import role_features
    from plannlp.classify.roles import examples_of
    from plannlp.classify.sdg import LexiconIndex, lexicon_scores, load_lexicon
    from plannlp.classify.sdg_training import _candidates

    model, _ = load_linear_model(REPO / "models" / name)
    doc = load_pipeline().ingest(REPO / "corpora" / "seeds" / "000_ccc5004d4596790b.txt")
    if name == "role":
        features = [role_features(e) for e in examples_of(doc)]
    else:
        index = LexiconIndex(load_lexicon())
        features = [row for s in doc.sentences for _, row in _candidates(s.text, index, lexicon_scores(s.text, index))]
    assert len(features) > 50
    assert same_bits(model._decision(features), scipy_decision(model, features))
