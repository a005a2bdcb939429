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


#: the model card's part that ``plannlp train`` writes (the rest of the card is written by hand)
CARD_START = "<!-- corrections: written by plannlp train; do not edit -->"
CARD_END = "<!-- /corrections -->"


def corrections_paragraph(used: dict[str, Any], model: str) -> str:
    """What the model card says of the review page's corrections a model was trained on
    (``used``: the ``corrections`` entry of meta.json)."""
    unit = "sentences whose role a person set" if model == "role" else "sentences whose goals a person corrected"
    if not used["sentences"]:
        return ("- **Corrections from the review page**: none used (`plannlp train --corrections`; "
                "docs/serve.md).")
    return (f"- **Corrections from the review page**: {used['sentences']:,} {unit}, from "
            f"{used['documents']:,} reviewed documents of {used['municipalities']:,} municipalities "
            "(`plannlp corpus import-corrections`, read by `plannlp train`; docs/serve.md). They are "
            "training data only: evaluation never tests on them, and a municipality's corrections "
            "stay out of training while its fold is held out.")


def write_card_corrections(folder: Path, paragraph: str) -> Path:
    """Put ``paragraph`` in ``folder/model-card.md`` between :data:`CARD_START` and
    :data:`CARD_END` (replacing what was there; appended to a card without it; a card made
    with a title when there is none)."""
    card = folder / "model-card.md"
    text = card.read_text(encoding="utf-8") if card.is_file() else f"# Model card: `{folder.name}`\n"
    block = f"{CARD_START}\n{paragraph}\n{CARD_END}"
    if CARD_START in text and CARD_END in text:
        head, rest = text.split(CARD_START, 1)
        text = head + block + rest.split(CARD_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    card.write_text(text, encoding="utf-8")
    return card
