"""Fast, safe inference for the shipped linear classifiers.

Training uses scikit-learn (``DictVectorizer`` → ``LogisticRegression`` →
``CalibratedClassifierCV`` with sigmoid calibration). For inference the fitted pipeline is
exported to plain arrays — feature vocabulary (JSON) and coefficients, intercepts and
calibration parameters (``.npz`` read with ``allow_pickle=False``) — so that:

* loading a model can never execute code (no pickle, no object graph at all);
* ``plannlp ingest`` does not import scikit-learn (about 1.5 s of start-up saved) or
  scipy (about 0.2 s): the sparse product is done with numpy (:meth:`LinearModel._decision`).

:class:`LinearModel` reproduces ``CalibratedClassifierCV.predict_proba`` exactly (same
formula: per fold, ``expit(-(a·d + b))`` per class on the decision function ``d``,
normalised; folds averaged); tests compare both on real sentences.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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
        """Decision values, shape (folds, samples, classes).

        A sample's value is its intercept plus its known features' ``value * weight``, added
        one by one in column order starting from 0: the same additions in the same order as
        scipy's sparse product (``csr_matrix @ coef.T``, what this computed before), so the
        results are the same to the last bit — without importing scipy.sparse (~0.2 s of a
        first ingest). Padding adds ``0.0 * weight``, which changes no sum.
        """
        columns, values = self._padded_entries(features)
        folds, classes, n_features = self.coef.shape
        weights = self.coef.transpose(2, 0, 1).reshape(n_features, folds * classes)  # a row per feature
        total = np.zeros((len(features), folds * classes))
        for column, value in zip(columns.T, values.T, strict=True):  # every sample's 1st feature, 2nd…
            total += value[:, None] * weights[column]
        return total.reshape(len(features), folds, classes).transpose(1, 0, 2) + self.intercept[:, None, :]

    def _padded_entries(self, features: Sequence[Mapping[str, float]]) -> tuple[np.ndarray, np.ndarray]:
        """Each sample's known features as column indices and values, in column order, padded
        with (column 0, value 0.0): two arrays of shape (samples, most known features)."""
        lookup = self.vocabulary.get
        # list comprehensions, then one conversion each: faster than np.fromiter over generators
        columns = np.array([lookup(key, -1) for row in features for key in row], dtype=np.int64)
        values = np.array([value for row in features for value in row.values()], dtype=float)
        rows = np.repeat(np.arange(len(features)), [len(row) for row in features])
        known = columns >= 0
        rows, columns, values = rows[known], columns[known], values[known]
        in_order = np.argsort(rows * self.coef.shape[2] + columns, kind="stable")  # by sample, then column
        rows, columns, values = rows[in_order], columns[in_order], values[in_order]
        counts = np.bincount(rows, minlength=len(features))
        place = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)  # 0, 1, … in a sample
        padded_columns = np.zeros((len(features), counts.max(initial=0)), dtype=np.int64)
        padded_values = np.zeros(padded_columns.shape)
        padded_columns[rows, place] = columns
        padded_values[rows, place] = values
        return padded_columns, padded_values

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


def export_calibrated(pipeline) -> LinearModel:
    """Export ``Pipeline([DictVectorizer, CalibratedClassifierCV(LogisticRegression, sigmoid)])``."""
    vectorizer = pipeline.named_steps["features"]
    calibrated = pipeline.named_steps["model"]
    coefs, intercepts, calibrations = [], [], []
    for fold in calibrated.calibrated_classifiers_:
        estimator = fold.estimator
        if list(estimator.classes_) != list(calibrated.classes_):
            raise ModelLoadError("A calibration fold did not see every class; train with more data.")
        coefs.append(estimator.coef_)
        intercepts.append(estimator.intercept_)
        calibrations.append([[c.a_, c.b_] for c in fold.calibrators])
    return LinearModel(vectorizer.vocabulary_, list(calibrated.classes_), np.array(coefs),
                       np.array(intercepts), np.array(calibrations, dtype=float))


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
    try:
        meta = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
            coef, intercept, calibration = arrays["coef"], arrays["intercept"], arrays["calibration"]
    except (OSError, ValueError, KeyError) as e:
        raise ModelLoadError(f"The model in {folder} cannot be read ({e}).") from e
    return LinearModel(meta["vocabulary"], meta["classes"], coef, intercept, calibration,
                       multilabel=meta.get("multilabel", False))
