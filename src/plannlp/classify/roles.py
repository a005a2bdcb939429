"""The sentence-role classifier (achievement / issue / measure / other) and its stage.

The model is a calibrated logistic regression (trained by :mod:`plannlp.training.roles`,
shipped as a :class:`~plannlp.classify.linear.LinearModel`) over
:func:`~plannlp.classify.role_features.sequence_features`: each sentence's own features and,
for a model trained with context (``meta.json``: ``"context": true``), what the sentences
before and after it look like. ``predict_proba`` gives calibrated confidences.
Prediction (:func:`predict_roles`, pure) is separate from applying the predictions to a
document (:func:`apply_roles`), so a reviewer can look at predictions before accepting them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import ROLES, PlanDocument, RolePrediction
from ..registry import register_stage
from .role_features import RoleExample, sequence_features


def examples_of(doc: PlanDocument) -> list[RoleExample]:
    """The classifier's view of every sentence of a tokenized document."""
    examples = []
    for sentence in doc.sentences:
        section = doc.section(sentence.section_id)
        examples.append(RoleExample(
            text=sentence.text, tokens=sentence.tokens, kind=sentence.kind,
            hint=section.role_hint if section else None,
            heading=section.title if section else "",
        ))
    return examples


def predict_roles(estimator, examples: Sequence[RoleExample], *, use_hints: bool = True,
                  model_name: str = "", context: bool = False) -> list[RolePrediction]:
    """Pure prediction: one RolePrediction per example (``examples`` in reading order)."""
    if not examples:
        return []
    features = sequence_features(examples, use_hint=use_hints, context=context)
    probabilities = estimator.predict_proba(features)
    classes = list(estimator.classes_)
    best = probabilities.argmax(axis=1).tolist()  # the most probable class (the first one on ties)
    return [
        RolePrediction(
            label=classes[b], confidence=row[b],
            probabilities=tuple(zip(classes, [round(p, 4) for p in row], strict=True)),
            model=model_name,
        )
        for row, b in zip(probabilities.tolist(), best, strict=True)
    ]


def apply_roles(doc: PlanDocument, predictions: Sequence[RolePrediction]) -> PlanDocument:
    sentences = tuple(s.copy_with(role=p) for s, p in zip(doc.sentences, predictions, strict=True))
    return replace(doc, sentences=sentences)


@dataclass(frozen=True)
class RoleSettings:
    model: str = "role"
    """Name of the model folder under models/ (or a path to one)."""
    use_hints: bool = True
    """Give the classifier the section's role hint (from headings) as a feature."""


def load_role_model(name: str):
    """The shipped role model as a fast linear model (numpy only) and its metadata."""
    from ..resources import model_path
    from .model_io import load_linear_model

    folder = Path(name) if Path(name).is_dir() else model_path(name)
    return load_linear_model(folder)


@register_stage("classify_roles", needs=("tokens", "sections"), adds=("roles",), settings=RoleSettings,
                per_sentence=True, neighbours=1)
def make_classify_roles(settings: RoleSettings) -> Callable[[PlanDocument], PlanDocument]:
    estimator, meta = load_role_model(settings.model)
    model_name = f"{meta.get('name', 'role')}@{meta.get('version', '?')}"
    assert set(estimator.classes_) <= set(ROLES)
    context = bool(meta.get("context", False))

    def classify_roles(doc: PlanDocument) -> PlanDocument:
        predictions = predict_roles(estimator, examples_of(doc), use_hints=settings.use_hints,
                                    model_name=model_name, context=context)
        return apply_roles(doc, predictions)

    classify_roles.model_info = (meta.get("name", "role"), str(meta.get("version", "?")))
    return classify_roles
