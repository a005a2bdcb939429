"""Training and honest evaluation of the role classifier.

Data (``corpora/``):

* **silver**: every sentence of every corpus document, labelled by
  :func:`~plannlp.classify.silver.silver_role` from its headings and the guidelines' rules;
* **gold** (``corpora/gold/roles.tsv``): sentences labelled by reading them against the
  annotation guidelines. Gold rows replace the silver label of the same sentence.

Every example is used twice in training — with and without the section's role hint — so the
model also works on drafts without tell-tale headings.

Evaluation holds out whole municipalities: for each municipality, train on the others'
silver + gold, test on the held-out municipality's **gold** sentences only (with and without
hints). A rule baseline (the silver rules applied to the test sentences) is measured in the
same run.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..classify.role_features import RoleExample, role_features
from ..classify.silver import silver_role
from ..model import ROLES, Role
from .metrics import accuracy, confusion, format_report, macro_f1, per_class

MODEL_NAME = "role"
MODEL_VERSION = "2.0"
DEFAULT_C = 1.0


@dataclass(frozen=True)
class LabelledExample:
    example: RoleExample
    label: Role
    doc_id: str
    municipality: str
    source: str  # "silver" or "gold"


def read_manifest(corpus_dir: Path) -> list[dict[str, str]]:
    with (corpus_dir / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _normal(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def read_gold(corpus_dir: Path) -> list[dict[str, str]]:
    path = corpus_dir / "gold" / "roles.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row.get("role") in ROLES]


def corpus_examples(corpus_dir: Path) -> list[LabelledExample]:
    """Silver examples of every manifest document, with gold labels where gold exists,
    plus gold rows the segmenter did not produce as such (added from their text)."""
    from ..classify.roles import examples_of
    from ..extract import extract
    from ..japanese.headings import section_role_title
    from ..pipeline import Pipeline
    from ..stages.tokenize import Morphology

    pipeline = Pipeline(["clean", "structure", "segment", "tokenize"])
    gold = read_gold(corpus_dir)
    gold_by_id = {row["id"]: row for row in gold}
    gold_by_key = {(row["doc_id"], _normal(row["text"])): row for row in gold}
    used: set[str] = set()  # gold row ids already matched to a sentence
    labelled: list[LabelledExample] = []
    for entry in read_manifest(corpus_dir):
        doc = pipeline.run(extract(corpus_dir / entry["file"]))
        for sentence, example in zip(doc.sentences, examples_of(doc), strict=True):
            normal = _normal(sentence.text)
            row = gold_by_id.get(f"{entry['doc_id']}-{sentence.id}")
            if row is None or _normal(row["text"]) != normal:  # segmentation changed: match by text
                row = gold_by_key.get((entry["doc_id"], normal))
            if row is not None and row["id"] not in used:
                used.add(row["id"])
                labelled.append(LabelledExample(example, row["role"], entry["doc_id"], entry["municipality"], "gold"))
                continue
            label = silver_role(example.text, example.kind, example.hint)
            if label is not None:
                labelled.append(LabelledExample(example, label, entry["doc_id"], entry["municipality"], "silver"))
    # gold sentences cut differently by our segmenter: tokenize their text directly
    morphology = Morphology()
    for row in gold:
        if row["id"] in used:
            continue
        example = RoleExample(
            text=row["text"], tokens=morphology.tokens(row["text"]), kind=row.get("kind") or "prose",
            hint=section_role_title(row.get("heading", "")), heading=row.get("heading", ""),
        )
        labelled.append(LabelledExample(example, row["role"], row["doc_id"], row["municipality"], "gold"))
    return labelled


def _training_matrix(examples: Iterable[LabelledExample]) -> tuple[list[dict], list[str]]:
    features, labels = [], []
    for item in examples:
        for use_hint in (True, False):
            features.append(role_features(item.example, use_hint=use_hint))
            labels.append(item.label)
    return features, labels


C_GRID = (0.3, 1.0, 3.0, 10.0)


def choose_c(examples: list[LabelledExample], *, seed: int = 0) -> float:
    """Regularisation chosen by leave-one-document-out CV *inside* the training data:
    train on the other documents, score macro-F1 on the held-out document's gold sentences
    (without hints, the harder case). The test municipality is never seen here."""
    docs = sorted({e.doc_id for e in examples if e.source == "gold"})
    if len(docs) < 2:
        return DEFAULT_C
    scores = {}
    for c in C_GRID:
        gold_all, predicted_all = [], []
        for doc in docs:
            train = [e for e in examples if e.doc_id != doc]
            test = [e for e in examples if e.doc_id == doc and e.source == "gold"]
            estimator = _fit_with(train, seed=seed, c=c)
            gold_all += [e.label for e in test]
            predicted_all += _predict_labels(estimator, [e.example for e in test], False)
        scores[c] = macro_f1(per_class(gold_all, predicted_all, list(ROLES)))
    return max(C_GRID, key=lambda c: (scores[c], -c))


def _fit_with(examples: list[LabelledExample], *, seed: int, c: float):
    from ..classify.roles import build_estimator

    ordered = sorted(examples, key=lambda e: (e.doc_id, e.example.text, e.source))
    random.Random(seed).shuffle(ordered)
    features, labels = _training_matrix(ordered)
    estimator = build_estimator(c=c, seed=seed)
    estimator.fit(features, labels)
    return estimator


def fit(examples: list[LabelledExample], *, seed: int = 0, c: float | None = DEFAULT_C):
    """Fit the role classifier; ``c=None`` chooses C by CV inside ``examples``."""
    chosen = choose_c(examples, seed=seed) if c is None else c
    estimator = _fit_with(examples, seed=seed, c=chosen)
    estimator.chosen_c_ = chosen
    return estimator


def train_roles(corpus_dir: Path, out_dir: Path, seed: int = 0, *, sklearn_copy: bool = False) -> dict:
    from .model_files import export_calibrated, save_model

    examples = corpus_examples(corpus_dir)
    estimator = fit(examples, seed=seed, c=None)
    counts = {source: sum(e.source == source for e in examples) for source in ("gold", "silver")}
    meta = {
        "name": MODEL_NAME, "version": MODEL_VERSION, "seed": seed, "C": estimator.chosen_c_,
        "training_examples": counts, "labels": list(estimator.classes_),
        "features": "plannlp.classify.role_features.role_features (with and without hint)",
    }
    meta = save_model(estimator, out_dir / MODEL_NAME, meta, linear=export_calibrated(estimator),
                      sklearn_copy=sklearn_copy)
    return {"text": f"role model: trained on {counts['gold']} gold + {counts['silver']} silver sentences "
                    f"→ {out_dir / MODEL_NAME}", **meta}


def _predict_labels(estimator, examples: list[RoleExample], use_hint: bool) -> list[str]:
    if not examples:
        return []
    return list(estimator.predict([role_features(e, use_hint=use_hint) for e in examples]))


def evaluate_roles(corpus_dir: Path, seed: int = 0) -> dict:
    """Held-out-municipality evaluation on gold sentences (silver if no gold exists, said so)."""
    examples = corpus_examples(corpus_dir)
    municipalities = sorted({e.municipality for e in examples})
    has_gold = any(e.source == "gold" for e in examples)
    test_source = "gold" if has_gold else "silver"
    labels = list(ROLES)
    folds, pooled = [], {"hint": ([], []), "no_hint": ([], []), "rules": ([], [])}
    text = [f"Role classifier, held-out municipality evaluation on {test_source} sentences "
            f"(train: other municipalities' silver + gold; seed {seed})"]
    if not has_gold:
        text.append("WARNING: no gold set found (corpora/gold/roles.tsv); figures are on silver labels.")
    for held_out in municipalities:
        train = [e for e in examples if e.municipality != held_out]
        test = [e for e in examples if e.municipality == held_out and e.source == test_source]
        if not test:
            continue
        estimator = fit(train, seed=seed, c=None)
        gold = [e.label for e in test]
        fold = {"municipality": held_out, "test_sentences": len(test), "train_sentences": len(train),
                "C": estimator.chosen_c_}
        for mode, use_hint in (("hint", True), ("no_hint", False)):
            predicted = _predict_labels(estimator, [e.example for e in test], use_hint)
            pooled[mode][0].extend(gold)
            pooled[mode][1].extend(predicted)
            report = per_class(gold, predicted, labels)
            fold[mode] = {"per_class": report, "macro_f1": macro_f1(report), "accuracy": accuracy(gold, predicted),
                          "confusion": confusion(gold, predicted, labels)}
        rules = [silver_role(e.example.text, e.example.kind, e.example.hint) or "other" for e in test]
        pooled["rules"][0].extend(gold)
        pooled["rules"][1].extend(rules)
        fold["rules_macro_f1"] = macro_f1(per_class(gold, rules, labels))
        folds.append(fold)
        text.append(f"  held out {held_out}: {len(test)} sentences (C={estimator.chosen_c_} chosen inside training); macro-F1 with hints "
                    f"{fold['hint']['macro_f1']:.3f}, without hints {fold['no_hint']['macro_f1']:.3f}, "
                    f"rule baseline {fold['rules_macro_f1']:.3f}")
    result = {"test_source": test_source, "folds": folds, "labels": labels}
    for mode, (gold, predicted) in pooled.items():
        if not gold:
            continue
        report = per_class(gold, predicted, labels)
        matrix = confusion(gold, predicted, labels)
        result[f"pooled_{mode}"] = {"per_class": report, "macro_f1": macro_f1(report),
                                    "accuracy": accuracy(gold, predicted), "confusion": matrix}
        name = {"hint": "model, with section hints", "no_hint": "model, without section hints",
                "rules": "baseline: heading hints + guideline rules"}[mode]
        text.append("")
        text.append(format_report(f"Pooled over held-out municipalities — {name}:", report, matrix, labels))
    result["text"] = "\n".join(text)
    return result


__all__ = ["train_roles", "evaluate_roles", "corpus_examples", "fit"]
