"""Saving and loading classifier models without pickle risks.

A model folder holds:

* ``weights.npz`` + ``vocabulary.json``: the exported linear model that the pipeline uses
  (:mod:`plannlp.classify.linear`; numpy arrays read with ``allow_pickle=False`` and JSON);
* ``model.skops``: the fitted scikit-learn pipeline, for use with scikit-learn tools
  (loaded with an explicit allow-list of types, never ``trusted=True``);
* ``meta.json``: name, version, sha256 of every file, training configuration, figures.

Loading checks the checksums: a tampered or foreign file is refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import ModelLoadError, ModelNotFoundError

#: The only types a plannlp model file may contain besides what skops trusts by default.
TRUSTED_TYPES = frozenset({
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.frozen._frozen.FrozenEstimator",
    "numpy.dtype",
    "builtins.float",
    "builtins.int",
    "builtins.str",
    "builtins.bool",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.slice",
    "builtins.type",
    "numpy.float64",
    "numpy.int64",
})


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_meta(folder: Path) -> dict[str, Any]:
    """The model's meta.json; a missing one is ModelNotFoundError, a damaged one ModelLoadError."""
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise ModelNotFoundError(f"No model in {folder} (meta.json is missing).")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelLoadError(f"The model file {meta_path} is not readable JSON ({e}).") from e
    except OSError as e:
        raise ModelLoadError(f"The model file {meta_path} cannot be read ({e.strerror or e}).") from e
    if not isinstance(meta, dict) or not isinstance(meta.get("files", {}), dict):
        raise ModelLoadError(f"The model file {meta_path} does not describe a plannlp model.")
    return meta


def load_linear_model(folder: Path) -> tuple[Any, dict[str, Any]]:
    """The exported linear model (fast, numpy only), after checking its files' checksums."""
    from .linear import load_linear

    meta = read_meta(folder)
    for name in ("weights.npz", "vocabulary.json"):
        expected = meta.get("files", {}).get(name)
        path = folder / name
        if expected is None or not path.is_file():
            raise ModelNotFoundError(f"The model in {folder} has no {name}; retrain it with `plannlp train`.")
        if sha256_of(path) != expected:
            raise ModelLoadError(f"The model file {path} does not match its recorded checksum.")
    return load_linear(folder), meta


def load_model(folder: Path) -> tuple[Any, dict[str, Any]]:
    """The fitted scikit-learn model (skops, allow-listed types), after checking its checksum."""
    import skops.io as sio

    path = folder / "model.skops"
    meta = read_meta(folder)
    if not path.is_file():
        raise ModelNotFoundError(f"No model.skops in {folder}; create it with `plannlp train --sklearn-copy`.")
    if meta.get("files", {}).get("model.skops") != sha256_of(path):
        raise ModelLoadError(f"The model file in {folder} does not match its recorded checksum.")
    untrusted = sio.get_untrusted_types(file=path)
    unexpected = set(untrusted) - TRUSTED_TYPES
    if unexpected:
        raise ModelLoadError(f"The model file in {folder} contains types that are not allowed: {sorted(unexpected)}")
    try:
        model = sio.load(path, trusted=list(untrusted))
    except Exception as e:  # skops raises several error types for damaged files
        raise ModelLoadError(f"The model file in {folder} cannot be read ({e}).") from e
    return model, meta
