"""Saving and loading classifier models without pickle risks (skops).

A model folder holds ``model.skops`` and ``meta.json`` (name, version, sha256 of the model
file, training configuration, figures). Loading checks the sha256 and refuses any type that
is not in the explicit allow-list below: a tampered or foreign file cannot run code.
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


def save_model(model: Any, folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    import skops.io as sio

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.skops"
    sio.dump(model, path)
    untrusted = set(sio.get_untrusted_types(file=path)) - TRUSTED_TYPES
    if untrusted:
        raise ModelLoadError(f"The model holds types that are not on the allow-list: {sorted(untrusted)}")
    meta = {**meta, "sha256": sha256_of(path), "format": "skops"}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def load_model(folder: Path) -> tuple[Any, dict[str, Any]]:
    import skops.io as sio

    path, meta_path = folder / "model.skops", folder / "meta.json"
    if not path.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(f"No model in {folder} (expected model.skops and meta.json).")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("sha256") != sha256_of(path):
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
