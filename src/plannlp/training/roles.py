"""Training and evaluation of the role classifier on the labelled corpus.

**Data**: every labelled sentence of the role corpus (:mod:`plannlp.training.corpus`): the
batches of excerpts of many municipalities and the seeds' gold set. Each excerpt (or seed
document) is run through plannlp's own ``clean → structure → segment`` stages, as
``plannlp ingest`` would read it, so that a sentence's kind and its section's role hint are
what inference sees; a corpus sentence that the stages cut differently keeps its own text
(its kind from its marker, its hint from the sentence before it). Unlabelled sentences of a
seed document stay in the sequence as context. No silver labels.

**Model families** compared under the same grouped 5-fold cross-validation (the folds of
``corpora/folds.tsv``; a municipality is never in training and test):

* ``sentence``: calibrated logistic regression over :func:`role_features` alone;
* ``context``: the same with the neighbouring sentences' features (:func:`sequence_features`);
* ``crf``: a linear-chain CRF (python-crfsuite) over each excerpt's sentences with the
  ``context`` features, which also learns which roles follow which.

Every training sentence is used twice, with and without its section's role hint, so the
model works on drafts without tell-tale headings. The regularisation is chosen inside the
training folds (grouped 3-fold CV there), never on the test fold.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..classify.role_features import RoleExample, sequence_features
from ..japanese.markers import BULLET, FOOTNOTE
from ..japanese.width import compact_nfkc
from ..model import ROLES
from .corpus import (
    DEV_FOLDS,
    N_FOLDS,
    correction_sources,
    is_reviewed,
    read_folds,
    read_role_corpus,
)
from .metrics import accuracy, confusion, format_report, macro_f1, per_class

MODEL_NAME = "role"
MODEL_VERSION = "3.0"
FAMILIES = ("sentence", "context", "crf")
C_GRID = (0.3, 1.0, 3.0)
CRF_C2_GRID = (0.03, 0.1, 0.3)
MAIN_ROLES = ("achievement", "issue", "measure")


@dataclass(frozen=True)
class Item:
    """One sentence in its document's sequence; ``label`` is None for context-only sentences."""

    example: RoleExample
    label: str | None
    sentence_id: str  # excerpt id + number


@dataclass(frozen=True)
class ExcerptSequence:
    """The sentences of one excerpt (or seed document) in reading order."""

    excerpt_id: str
    municipality_code: str
    doc_type: str
    fold: int
    items: tuple[Item, ...]
    reviewed: bool = False  # from the review page's corrections: trained on, never tested on

    @property
    def labelled(self) -> list[Item]:
        return [i for i in self.items if i.label is not None]


def _kind_of(text: str) -> str:
    footnote = FOOTNOTE.match(text)
    if footnote and footnote.end() < len(text):
        return "footnote"
    if BULLET.match(text):
        return "bullet"
    return "prose"


def corpus_sequences(corpus_dir: Path, corrections: Sequence[Path] = ()) -> list[ExcerptSequence]:
    """Every excerpt of the role corpus (and of the ``corrections`` folders,
    :func:`plannlp.training.corpus.correction_sources`) as a sequence of examples with their
    labels. A reviewed document keeps its unlabelled sentences as context, as the seeds do;
    one without a municipality code is its own group."""
    from ..classify.roles import examples_of
    from ..extract import extract
    from ..pipeline import Pipeline
    from ..stages.tokenize import Morphology

    roles = read_role_corpus(corpus_dir, extra_batches=correction_sources(corrections)[0] if corrections else ())
    folds = read_folds(corpus_dir)
    pipeline = Pipeline(["clean", "structure", "segment"])
    morphology = Morphology(sudachi=False)
    by_excerpt: dict[str, list] = defaultdict(list)
    for sentence in roles.sentences:
        by_excerpt[sentence.excerpt_id].append(sentence)
    sequences = []
    for excerpt_id in sorted(by_excerpt):
        excerpt = roles.excerpts[excerpt_id]
        labelled = sorted(by_excerpt[excerpt_id], key=lambda s: s.n)
        if excerpt_id.startswith("seed-"):
            path = next((corpus_dir / "seeds").glob(f"{excerpt_id[5:]}_*.txt"))
            doc = pipeline.run(extract(path))
        else:
            doc = pipeline.run(extract(excerpt.text.encode("utf-8"), name=f"{excerpt_id}.txt"))
        pipeline_examples = examples_of(doc)
        reviewed = is_reviewed(excerpt.url)
        items = _align(labelled, pipeline_examples, keep_unlabelled=excerpt_id.startswith("seed-") or reviewed)
        texts = [i.example.text for i in items]
        tokens = morphology.tokens_of(texts, [0] * len(texts))
        items = [replace(i, example=replace(i.example, tokens=t)) for i, t in zip(items, tokens, strict=True)]
        group = excerpt.municipality_code or f"document:{excerpt_id}"
        sequences.append(ExcerptSequence(excerpt_id, group, excerpt.doc_type,
                                         folds.get(excerpt.municipality_code, -1), tuple(items), reviewed))
    return sequences


def _align(labelled, pipeline_examples: Sequence[RoleExample], *, keep_unlabelled: bool) -> list[Item]:
    """The corpus sentences, each with the kind and hint of the pipeline sentence of the same
    text. Seeds keep their unlabelled sentences too (as context), in document order."""
    position = {}
    for index, example in enumerate(pipeline_examples):
        position.setdefault(compact_nfkc(example.text), index)
    items: list[tuple[float, Item]] = []
    matched: set[int] = set()
    last_index = -1
    for sentence in labelled:
        key = compact_nfkc(sentence.text)
        index = position.get(key)
        if index is None:  # a bullet marker the segmenter took off
            index = position.get(compact_nfkc(_without_marker(sentence.text)))
        sentence_id = f"{sentence.excerpt_id}#{sentence.n}"
        if index is not None and index not in matched:
            matched.add(index)
            last_index = index
            base = pipeline_examples[index]
            example = replace(base, text=sentence.text)
            items.append((index, Item(example, sentence.role, sentence_id)))
        else:
            hint = pipeline_examples[last_index].hint if last_index >= 0 else None
            heading = pipeline_examples[last_index].heading if last_index >= 0 else ""
            example = RoleExample(sentence.text, (), _kind_of(sentence.text), hint, heading)
            items.append((last_index + 0.5, Item(example, sentence.role, sentence_id)))
    if keep_unlabelled:
        items += [(i, Item(e, None, "")) for i, e in enumerate(pipeline_examples) if i not in matched]
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def _without_marker(text: str) -> str:
    marker = BULLET.match(text) or FOOTNOTE.match(text)
    return text[marker.end():] if marker else text


# -- the model families --------------------------------------------------------------------


def _rows(sequences: Sequence[ExcerptSequence], family: str, use_hint: bool) -> list[list[dict[str, float]]]:
    context = family != "sentence"
    return [sequence_features([i.example for i in s.items], use_hint=use_hint, context=context)
            for s in sequences]


def _training_data(sequences: Sequence[ExcerptSequence], family: str):
    """Feature rows, labels and each row's municipality (every sentence twice: with and
    without its hint)."""
    features, labels, groups = [], [], []
    for use_hint in (True, False):
        for sequence, rows in zip(sequences, _rows(sequences, family, use_hint), strict=True):
            for item, row in zip(sequence.items, rows, strict=True):
                if item.label in ROLES:
                    features.append(row)
                    labels.append(item.label)
                    groups.append(sequence.municipality_code)
    return features, labels, groups


def build_estimator(*, c: float = 1.0, seed: int = 0, calibrated: bool = True):
    """A fresh logistic regression over feature dicts, calibrated (sigmoid, on 3 folds'
    out-of-fold predictions; one regression fitted on all the data, ``ensemble=False``, so
    inference computes one product, not three) unless ``calibrated=False`` (used only to
    choose the regularisation: 3x faster).

    :func:`fit_family` gives the calibration folds by municipality: with random folds, the
    same sentence (with and without its hint) and the same municipality's phrasing sit on
    both sides, and the calibrated probabilities come out far too confident."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([
        ("features", DictVectorizer(sort=True)),
        ("model", CalibratedClassifierCV(model, method="sigmoid", cv=3, ensemble=False) if calibrated else model),
    ])


class CrfModel:
    """A linear-chain CRF over each sequence's sentences (python-crfsuite), with predict_proba
    giving each sentence's marginal probabilities."""

    def __init__(self, c2: float = 0.1, seed: int = 0) -> None:
        self.c2 = c2
        self.seed = seed
        self.classes_ = list(ROLES)

    def fit(self, sequences: Sequence[ExcerptSequence]) -> CrfModel:
        import tempfile

        import pycrfsuite

        trainer = pycrfsuite.Trainer(verbose=False)
        for use_hint in (True, False):
            for sequence, rows in zip(sequences, _rows(sequences, "crf", use_hint), strict=True):
                for run_items, run_rows in _labelled_runs(sequence.items, rows):
                    trainer.append([_crf_row(r) for r in run_rows], [i.label for i in run_items])
        trainer.set_params({"c1": 0.0, "c2": self.c2, "max_iterations": 200,
                            "feature.possible_transitions": True})
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "model.crfsuite")
            trainer.train(path)
            self.tagger_ = pycrfsuite.Tagger()
            self.tagger_.open(path)  # CRFsuite reads the whole model in
        return self

    def marginals(self, rows: Sequence[dict[str, float]]) -> list[list[float]]:
        if not rows:
            return []
        self.tagger_.set([_crf_row(r) for r in rows])
        labels = set(self.tagger_.labels())
        return [[self.tagger_.marginal(label, i) if label in labels else 0.0 for label in self.classes_]
                for i in range(len(rows))]


def _crf_row(row: dict[str, float]) -> dict[str, float]:
    return {key.replace(":", "_"): value for key, value in row.items()}


def _labelled_runs(items, rows):
    """Runs of consecutive labelled items (a CRF needs a label for every item of a sequence)."""
    run_items, run_rows = [], []
    for item, row in zip(items, rows, strict=True):
        if item.label in ROLES:
            run_items.append(item)
            run_rows.append(row)
        elif run_items:
            yield run_items, run_rows
            run_items, run_rows = [], []
    if run_items:
        yield run_items, run_rows


def fit_family(sequences: Sequence[ExcerptSequence], family: str, *, param: float, seed: int = 0,
               calibrated: bool = True):
    if family == "crf":
        return CrfModel(c2=param, seed=seed).fit(sequences)
    ordered = list(sequences)
    random.Random(seed).shuffle(ordered)
    features, labels, groups = _training_data(ordered, family)
    estimator = build_estimator(c=param, seed=seed, calibrated=calibrated)
    if calibrated and len(set(groups)) >= 2:
        from sklearn.model_selection import GroupKFold

        folds = GroupKFold(n_splits=min(3, len(set(groups))))
        estimator.set_params(model__cv=list(folds.split(features, labels, groups)))
    estimator.fit(features, labels)
    return estimator


def predict_family(model, sequences: Sequence[ExcerptSequence], family: str, *, use_hint: bool
                   ) -> list[tuple[str, list[float]]]:
    """(label, probabilities in ROLES order) for every labelled item of every sequence."""
    out = []
    for sequence, rows in zip(sequences, _rows(sequences, family, use_hint), strict=True):
        if family == "crf":
            probabilities = model.marginals(rows)
        else:
            proba = model.predict_proba(rows)
            order = [list(model.classes_).index(r) for r in ROLES]
            probabilities = [[p[k] for k in order] for p in proba.tolist()]
        for item, p in zip(sequence.items, probabilities, strict=True):
            if item.label in ROLES:
                out.append((ROLES[max(range(len(ROLES)), key=lambda k: p[k])], p))
    return out


def choose_param(sequences: Sequence[ExcerptSequence], family: str, *, seed: int = 0) -> float:
    """The regularisation by grouped 3-fold CV *inside* the training data (by municipality),
    macro-F1 over achievement/issue/measure without hints (the harder case)."""
    grid = CRF_C2_GRID if family == "crf" else C_GRID
    municipalities = sorted({s.municipality_code for s in sequences})
    random.Random(seed).shuffle(municipalities)
    inner = {code: k % 3 for k, code in enumerate(municipalities)}
    scores = {}
    for param in grid:
        gold, predicted = [], []
        for k in range(3):
            train = [s for s in sequences if inner[s.municipality_code] != k]
            test = [s for s in sequences if inner[s.municipality_code] == k]
            model = fit_family(train, family, param=param, seed=seed, calibrated=False)
            gold += [i.label for s in test for i in s.labelled if i.label in ROLES]
            predicted += [label for label, _ in predict_family(model, test, family, use_hint=False)]
        scores[param] = main_macro_f1(per_class(gold, predicted, list(ROLES)))
    return max(grid, key=lambda p: (scores[p], -p))


def main_macro_f1(report: dict) -> float:
    """Macro-F1 over achievement, issue and measure (the issue's target)."""
    return round(sum(report[r]["f1"] for r in MAIN_ROLES) / len(MAIN_ROLES), 4)


# -- evaluation ----------------------------------------------------------------------------


def evaluate_roles(corpus_dir: Path, seed: int = 0, *, families: Sequence[str] = FAMILIES,
                   learning_curve: bool = True, sequences: list[ExcerptSequence] | None = None,
                   on_fold: Callable[[int, int], None] | None = None,
                   corrections: Sequence[Path] = ()) -> dict:
    """Grouped 5-fold cross-validation of each model family on the corpus's folds.
    ``on_fold(done, total)`` is called after each fold of each family (and each point of
    the learning curve, one more step). Reviewed documents (``corrections``) are trained on
    when their municipality's fold is not the one held out, and never tested on (the
    sentences staff corrected are not a fair sample)."""
    sequences = sequences if sequences is not None else corpus_sequences(corpus_dir, corrections)
    total_steps = len(families) * N_FOLDS + (1 if learning_curve else 0)
    done_steps = 0
    labels = list(ROLES)
    result: dict = {"families": {}, "labels": labels, "folds": N_FOLDS,
                    "sentences": sum(len(s.labelled) for s in sequences)}
    text = [f"Role classifier: grouped {N_FOLDS}-fold cross-validation by municipality "
            f"(corpora/folds.tsv), {result['sentences']:,} labelled sentences, seed {seed}"]
    for family in families:
        pooled = {"hint": ([], [], [], []), "no_hint": ([], [], [], [])}  # gold, predictions, sequence, kind
        clean: tuple[list, list] = ([], [])  # no hints, folds outside DEV_FOLDS
        folds = []
        for fold in range(N_FOLDS):
            train = [s for s in sequences if s.fold != fold]
            test = [s for s in sequences if s.fold == fold and not s.reviewed]
            param = choose_param(train, family, seed=seed)
            model = fit_family(train, family, param=param, seed=seed)
            held_out = [(s, i) for s in test for i in s.labelled if i.label in ROLES]
            gold = [i.label for _, i in held_out]
            meta = [s for s, _ in held_out]
            kinds = [i.example.kind for _, i in held_out]
            fold_result = {"fold": fold, "param": param, "test_sentences": len(gold)}
            for mode, use_hint in (("hint", True), ("no_hint", False)):
                predictions = predict_family(model, test, family, use_hint=use_hint)
                predicted = [label for label, _ in predictions]
                pooled[mode][0].extend(gold)
                pooled[mode][1].extend(predictions)
                pooled[mode][2].extend(meta)
                pooled[mode][3].extend(kinds)
                fold_result[mode] = main_macro_f1(per_class(gold, predicted, labels))
                if mode == "no_hint" and fold not in DEV_FOLDS:
                    clean[0].extend(gold)
                    clean[1].extend(predicted)
            folds.append(fold_result)
            done_steps += 1
            if on_fold is not None:
                on_fold(done_steps, total_steps)
        family_result = {"folds": folds}
        for mode, (gold, predictions, meta, kinds) in pooled.items():
            predicted = [label for label, _ in predictions]
            report = per_class(gold, predicted, labels)
            family_result[mode] = {
                "per_class": report, "macro_f1": main_macro_f1(report),
                "macro_f1_4": macro_f1(report), "accuracy": accuracy(gold, predicted),
                "confusion": confusion(gold, predicted, labels),
                "per_doc_type": _per_group(gold, predicted, [s.doc_type for s in meta]),
                "per_kind": _per_group(gold, predicted, kinds),  # prose, bullet, table row, heading…
                "reliability": reliability(gold, predictions),
            }
        clean_report = per_class(clean[0], clean[1], labels)
        family_result["clean_folds"] = {"folds": [f for f in range(N_FOLDS) if f not in DEV_FOLDS],
                                        "sentences": len(clean[0]), "per_class": clean_report,
                                        "macro_f1": main_macro_f1(clean_report)}
        result["families"][family] = family_result
        text.append(f"\n== {family}: macro-F1 (achievement/issue/measure) with hints "
                    f"{family_result['hint']['macro_f1']:.3f}, without hints "
                    f"{family_result['no_hint']['macro_f1']:.3f}; per fold "
                    + ", ".join(f"{f['no_hint']:.3f}" for f in folds) + " (without hints); folds "
                    + ", ".join(map(str, family_result["clean_folds"]["folds"]))
                    + f" only (not used while designing): {family_result['clean_folds']['macro_f1']:.3f}")
        for mode in ("hint", "no_hint"):
            r = family_result[mode]
            text.append(format_report(f"{family}, {'with' if mode == 'hint' else 'without'} section hints:",
                                      r["per_class"], r["confusion"], labels))
            text.append("  per document type (macro-F1 a/i/m, sentences): " + ", ".join(
                f"{k} {v['macro_f1']:.3f} ({v['sentences']})" for k, v in r["per_doc_type"].items()))
            text.append("  per sentence kind (macro-F1 a/i/m, sentences): " + ", ".join(
                f"{k} {v['macro_f1']:.3f} ({v['sentences']})" for k, v in r["per_kind"].items()))
    best = max(families, key=lambda f: result["families"][f]["no_hint"]["macro_f1"])
    result["best"] = best
    text.append(f"\nbest family (macro-F1 without hints): {best}")
    if learning_curve:
        result["learning_curve"] = learning_curve_of(sequences, best, seed=seed)
        if on_fold is not None:
            on_fold(total_steps, total_steps)
        text.append("learning curve (" + best + ", without hints; training municipalities → macro-F1): "
                    + ", ".join(f"{p['municipalities']} → {p['macro_f1']:.3f}"
                                for p in result["learning_curve"]))
    result["text"] = "\n".join(text)
    return result


def _per_group(gold: Sequence[str], predicted: Sequence[str], groups: Sequence[str]) -> dict:
    out = {}
    for group in sorted(set(groups)):
        idx = [k for k, g in enumerate(groups) if g == group]
        report = per_class([gold[k] for k in idx], [predicted[k] for k in idx], list(ROLES))
        out[group] = {"macro_f1": main_macro_f1(report), "sentences": len(idx),
                      "per_class": {r: report[r]["f1"] for r in ROLES}}
    return out


def reliability(gold: Sequence[str], predictions, bins: int = 10) -> list[dict]:
    """Confidence of the predicted label against how often it is right, in equal-width bins."""
    table = [[0, 0, 0.0] for _ in range(bins)]
    for label, (predicted, p) in zip(gold, predictions, strict=True):
        confidence = max(p)
        b = min(int(confidence * bins), bins - 1)
        table[b][0] += 1
        table[b][1] += predicted == label
        table[b][2] += confidence
    return [{"bin": f"{k / bins:.1f}-{(k + 1) / bins:.1f}", "count": n,
             "accuracy": round(right / n, 4) if n else None, "confidence": round(c / n, 4) if n else None}
            for k, (n, right, c) in enumerate(table)]


def learning_curve_of(sequences: Sequence[ExcerptSequence], family: str, *, seed: int = 0,
                      sizes: Sequence[int] = (5, 10, 20, 40, 80)) -> list[dict]:
    """Macro-F1 (without hints) on each held-out fold when training on only N municipalities
    of the other folds (drawn at random, the same draw for every fold), pooled over folds."""
    points = []
    all_sizes = sorted({*sizes, len({s.municipality_code for s in sequences if s.fold != 0})})
    for size in all_sizes:
        gold, predicted, used = [], [], []
        for fold in range(N_FOLDS):
            train_all = [s for s in sequences if s.fold != fold]
            codes = sorted({s.municipality_code for s in train_all})
            if size > len(codes):
                continue
            random.Random(seed + size).shuffle(codes)
            keep = set(codes[:size])
            train = [s for s in train_all if s.municipality_code in keep]
            if len({i.label for s in train for i in s.labelled}) < len(ROLES):
                continue
            test = [s for s in sequences if s.fold == fold and not s.reviewed]
            param = 1.0 if family != "crf" else 0.1
            model = fit_family(train, family, param=param, seed=seed, calibrated=False)
            gold += [i.label for s in test for i in s.labelled if i.label in ROLES]
            predicted += [label for label, _ in predict_family(model, test, family, use_hint=False)]
            used.append(size)
        if gold:
            points.append({"municipalities": size, "macro_f1": main_macro_f1(per_class(gold, predicted, list(ROLES))),
                           "folds": len(used)})
    return points


# -- training the shipped model ------------------------------------------------------------


def train_roles(corpus_dir: Path, out_dir: Path, seed: int = 0, *, family: str = "sentence",
                sklearn_copy: bool = False, corrections: Sequence[Path] = ()) -> dict:
    """Fit the shipped role model on the whole corpus and the ``corrections`` folders
    (regularisation chosen by grouped CV); meta.json and the model card say how many
    corrected sentences of how many reviewed documents were used."""
    from .model_files import (
        corrections_paragraph,
        export_calibrated,
        save_model,
        write_card_corrections,
    )

    if family == "crf":
        raise ValueError("the shipped model is a linear one; see docs/classifiers.md")
    sequences = corpus_sequences(corpus_dir, corrections)
    param = choose_param(sequences, family, seed=seed)
    estimator = fit_family(sequences, family, param=param, seed=seed)
    labelled = [i for s in sequences for i in s.labelled if i.label in ROLES]
    counts = Counter(i.label for i in labelled)
    reviewed = [s for s in sequences if s.reviewed and any(i.label in ROLES for i in s.labelled)]
    meta = {
        "name": MODEL_NAME, "version": MODEL_VERSION, "seed": seed, "C": param, "family": family,
        "context": family != "sentence",
        "training_examples": {"sentences": len(labelled), "municipalities": len({s.municipality_code for s in sequences}),
                              "per_role": dict(sorted(counts.items()))},
        "data": "corpora/ role corpus (batches + seeds' gold), every fold",
        "labels": list(estimator.classes_),
        "features": "plannlp.classify.role_features.sequence_features (with and without hint)",
        "corrections": {
            "sentences": sum(1 for s in reviewed for i in s.labelled if i.label in ROLES),
            "documents": len(reviewed), "municipalities": len({s.municipality_code for s in reviewed}),
            "sources": [str(p) for p in corrections]},
    }
    meta = save_model(estimator, out_dir / MODEL_NAME, meta, linear=export_calibrated(estimator),
                      sklearn_copy=sklearn_copy)
    write_card_corrections(out_dir / MODEL_NAME, corrections_paragraph(meta["corrections"], "role"))
    used = meta["corrections"]
    return {"text": f"role model ({family}): trained on {len(labelled):,} labelled sentences of "
                    f"{meta['training_examples']['municipalities']} municipalities ({used['sentences']} corrected "
                    f"sentences of {used['documents']} reviewed documents among them), C={param} → "
                    f"{out_dir / MODEL_NAME}", **meta}


__all__ = ["train_roles", "evaluate_roles", "corpus_sequences", "fit_family", "predict_family"]
