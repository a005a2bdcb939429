"""Writing trained models: the linear export of a calibrated scikit-learn pipeline, and the
model folder (linear export, optional skops copy, ``meta.json`` with checksums) that
:mod:`plannlp.classify.model_io` reads back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..classify.linear import LinearModel, save_linear
from ..classify.model_io import TRUSTED_TYPES, sha256_of
from ..errors import ModelLoadError


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



def save_model(model: Any, folder: Path, meta: dict[str, Any], linear: Any = None,
               *, sklearn_copy: bool = True) -> dict[str, Any]:
    """Save a fitted model: its linear export (if given) and/or the scikit-learn pipeline (skops).

    The shipped models keep only the linear export (``sklearn_copy=False``): the skops file
    of the calibrated pipeline is ~12 MB and can be rebuilt with ``plannlp train --sklearn-copy``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    stale = folder / "model.skops"
    if sklearn_copy:
        import skops.io as sio

        sio.dump(model, stale)
        untrusted = set(sio.get_untrusted_types(file=stale)) - TRUSTED_TYPES
        if untrusted:
            raise ModelLoadError(f"The model holds types that are not on the allow-list: {sorted(untrusted)}")
        files.append(stale)
    elif stale.exists():
        stale.unlink()  # an old copy would no longer match the linear export
    if linear is not None:
        files += save_linear(linear, folder)
    meta = {**meta, "format": "+".join(f.suffix.lstrip(".") for f in files),
            "files": {f.name: sha256_of(f) for f in files}}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta
