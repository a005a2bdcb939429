"""Fast, safe inference for the shipped linear classifiers.

Training uses scikit-learn (``DictVectorizer`` → ``LogisticRegression`` →
``CalibratedClassifierCV`` with sigmoid calibration). For inference the fitted pipeline is
exported to plain arrays — feature vocabulary (JSON) and coefficients, intercepts and
calibration parameters (``.npz`` read with ``allow_pickle=False``) — so that:

* loading a model can never execute code (no pickle, no object graph at all);
* ``plannlp ingest`` does not import scikit-learn (about 1.5 s of start-up saved).

:class:`LinearModel` reproduces ``CalibratedClassifierCV.predict_proba`` exactly (same
formula: per fold, ``expit(-(a·d + b))`` per class on the decision function ``d``,
normalised; folds averaged); tests compare both on real sentences.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import chain
from pathlib import Path

import numpy as np

from ..errors import ModelLoadError


class LinearModel:
    """A calibrated linear classifier over dict features, with predict/predict_proba."""

    def __init__(self, vocabulary: Mapping[str, int], classes: Sequence, coef: np.ndarray,
                 intercept: np.ndarray, calibration: np.ndarray, *, multilabel: bool = False) -> None:
        self.vocabulary = dict(vocabulary)
        self.classes_ = np.asarray(classes)
        self.coef = coef  # (folds, classes, features)
        self.intercept = intercept  # (folds, classes)
        self.calibration = calibration  # (folds, classes, 2): a, b
        self.multilabel = multilabel

    def _decision(self, features: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Decision values, shape (folds, samples, classes): one sparse product per fold."""
        from scipy.sparse import csr_matrix

        lookup = self.vocabulary.get
        # the columns: a list comprehension, then one conversion (faster than np.fromiter here);
        # the values: np.fromiter over the rows (faster than a list here)
        columns = np.array([lookup(key, -1) for row in features for key in row], dtype=np.int64)
        values = np.fromiter(chain.from_iterable(row.values() for row in features), dtype=float,
                             count=len(columns))
        known = columns >= 0
        # each row's extent among the known columns: the matrix is built as CSR directly
        known_before = np.concatenate(([0], np.cumsum(known)))
        lengths = np.array([len(row) for row in features], dtype=np.int64)
        indptr = known_before[np.concatenate(([0], np.cumsum(lengths)))]
        matrix = csr_matrix((values[known], columns[known], indptr), shape=(len(features), self.coef.shape[2]))
        matrix.sort_indices()  # the order of the sums, as from (row, column) pairs
        return np.stack([matrix @ fold.T for fold in self.coef]) + self.intercept[:, None, :]

    def predict_proba(self, features: Sequence[Mapping[str, float]]) -> np.ndarray:
        decision = self._decision(features)
        a = self.calibration[:, None, :, 0]
        b = self.calibration[:, None, :, 1]
        proba = 1.0 / (1.0 + np.exp(a * decision + b))  # expit(-(a*d + b))
        if not self.multilabel:
            total = proba.sum(axis=2, keepdims=True)
            uniform = np.full_like(proba, 1.0 / proba.shape[2])
            proba = np.divide(proba, total, out=uniform, where=total != 0)
        proba = proba.mean(axis=0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def predict(self, features: Sequence[Mapping[str, float]]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(features), axis=1)]


def save_linear(model: LinearModel, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    arrays = folder / "weights.npz"
    np.savez_compressed(arrays, coef=model.coef, intercept=model.intercept, calibration=model.calibration)
    vocabulary = folder / "vocabulary.json"
    vocabulary.write_text(json.dumps({
        "classes": [c.item() if hasattr(c, "item") else c for c in model.classes_],
        "multilabel": model.multilabel, "vocabulary": model.vocabulary,
    }, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return [arrays, vocabulary]


def load_linear(folder: Path) -> LinearModel:
    """The exported model in ``folder``; a damaged file is a ModelLoadError naming it."""
    meta = _read_vocabulary(folder / "vocabulary.json")
    coef, intercept, calibration = _read_weights(folder / "weights.npz")
    classes = meta["classes"]
    if coef.ndim != 3 or intercept.shape != coef.shape[:2] or calibration.shape != (*coef.shape[:2], 2) \
            or coef.shape[1] != len(classes) or coef.shape[2] < len(meta["vocabulary"]):
        raise ModelLoadError(f"The arrays in {folder / 'weights.npz'} do not fit together or do not "
                             f"match {folder / 'vocabulary.json'}.")
    return LinearModel(meta["vocabulary"], classes, coef, intercept, calibration,
                       multilabel=meta.get("multilabel", False))


def _read_vocabulary(path: Path) -> dict:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"The model file {path} cannot be read ({e}).") from e
    if not isinstance(meta, dict) or not isinstance(meta.get("vocabulary"), dict) \
            or not isinstance(meta.get("classes"), list):
        raise ModelLoadError(f"The model file {path} has no vocabulary and classes.")
    return meta


def _read_weights(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """coef, intercept, calibration; a truncated archive or a NaN/infinite weight is refused."""
    import zipfile

    try:
        with np.load(path, allow_pickle=False) as arrays:
            weights = arrays["coef"], arrays["intercept"], arrays["calibration"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
        raise ModelLoadError(f"The model file {path} cannot be read ({type(e).__name__}: {e}).") from e
    for name, array in zip(("coef", "intercept", "calibration"), weights, strict=True):
        if not np.issubdtype(array.dtype, np.floating) or not np.isfinite(array).all():
            raise ModelLoadError(f"The model file {path} holds weights that are not finite numbers ({name}).")
    return weights
