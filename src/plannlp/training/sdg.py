"""Training and evaluation of the SDG model on the SDG corpus.

**Data** (:func:`plannlp.training.corpus.read_sdg_corpus`): sections (施策, 事業, 取組) of many
municipalities with the goals the municipality itself states for them, the line that names
the goals removed; title-only rows (a title paired with its goals) are used for training,
never for evaluation. Seed 003's 24 施策 are part of it.

**Model**: one logistic regression per goal (multi-label, class-balanced) over
:func:`~plannlp.classify.sdg_features.text_features` of the section's title and text —
character n-grams, the lexicon's scores and terms, and the similarity to the goal's own
texts — exported as a multi-label :class:`~plannlp.classify.linear.LinearModel`. The lexicon
proposes the candidate goals of a text (those with at least one of their terms in it) and the
model decides among them: on the development folds (0 and 1) letting the model link goals
without a lexicon term scored 0.54 against 0.60 with the lexicon's candidates. Each goal
has its own decision threshold, chosen by grouped cross-validation inside the training data
(goals with fewer than :data:`MIN_POSITIVES_FOR_OWN_THRESHOLD` training sections share one
threshold).

**Evaluation at section level**, against the municipality's own goals, two ways: the model
scoring the section's whole text (``mode="text"``), and the model scoring each of the
section's sentences, a goal predicted when any sentence reaches its threshold
(``mode="sentences"``: how the pipeline links sentences and a section shows what its sentences
link). Each way has its own thresholds, chosen inside the training folds. Grouped 5-fold
cross-validation on ``corpora/folds.tsv`` (a municipality is never in training and test). The
lexicon-only baseline (noisy-OR of the section's terms, threshold chosen inside training) is
measured in the same run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..classify.sdg_features import text_features
from ..classify.sdg_lexicon import LexiconIndex, lexicon_scores, load_lexicon
from ..japanese.sentences import split_sentences
from ..model import SDG_GOALS
from .corpus import (
    DEV_FOLDS,
    N_FOLDS,
    SENTENCE_LEVEL,
    SdgSection,
    correction_sources,
    is_reviewed,
    read_folds,
    read_sdg_corpus,
)
from .metrics import micro_prf

MODEL_NAME = "sdg"
MODEL_VERSION = "2.1"
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MIN_POSITIVES_FOR_OWN_THRESHOLD = 10
DEFAULT_C = 3.0


@dataclass(frozen=True)
class SdgExample:
    text: str  # the section's title and text
    goals: frozenset[int]
    municipality_code: str
    fold: int
    level: str  # "section", "title" or "sentence" (a reviewed sentence from the review page)
    section_id: str
    reviewed: bool = False  # from the review page's corrections
    url: str = ""  # the source (for a reviewed sentence: plannlp-serve:<document id>)


def corpus_examples(corpus_dir: Path, corrections: Sequence[Path] = ()) -> list[SdgExample]:
    """The SDG corpus's sections and titles, and the sentences of the ``corrections`` folders
    (:func:`plannlp.training.corpus.correction_sources`; level ``sentence``, trained on only).
    A sentence is its own text: its section's title is not part of what was reviewed."""
    folds = read_folds(corpus_dir)
    extra = correction_sources(corrections)[1] if corrections else ()
    return [SdgExample(s.text if s.level == SENTENCE_LEVEL else f"{s.section}\n{s.text}".strip(), s.goals,
                       s.municipality_code or f"document:{s.url}", folds.get(s.municipality_code, -1), s.level,
                       s.section_id, is_reviewed(s.url), s.url)
            for s in read_sdg_corpus(corpus_dir, extra_files=extra)]


def sentences_of(text: str) -> list[str]:
    """A section's units as the pipeline links them: its lines cut at 。！？."""
    units = []
    for line in text.splitlines():
        units += [line[a:b] for a, b in split_sentences(line) if b - a >= 5]
    return units or [text]


def fit_model(examples: Sequence[SdgExample], index: LexiconIndex, *, c: float = DEFAULT_C, seed: int = 0):
    """Per-goal logistic regressions over text_features, as one multi-label LinearModel."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from ..classify.linear import LinearModel

    ordered = sorted(examples, key=lambda e: e.section_id)
    random.Random(seed).shuffle(ordered)
    rows = [text_features(e.text, lexicon_scores(e.text, index)) for e in ordered]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(rows)
    n_features = matrix.shape[1]
    coef = np.zeros((1, len(SDG_GOALS), n_features))
    intercept = np.full((1, len(SDG_GOALS)), -10.0)  # a goal never seen in training: never linked
    for k, goal in enumerate(SDG_GOALS):
        y = np.array([goal in e.goals for e in ordered])
        if y.sum() == 0:
            continue
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)
        model.fit(matrix, y)
        coef[0, k] = model.coef_[0]
        intercept[0, k] = model.intercept_[0]
    calibration = np.tile(np.array([-1.0, 0.0]), (1, len(SDG_GOALS), 1))  # expit(decision)
    return LinearModel(vectorizer.vocabulary_, list(SDG_GOALS), coef, intercept, calibration, multilabel=True)


def section_scores(model, texts: Sequence[str], index: LexiconIndex, *, mode: str = "sentences"
                   ) -> list[dict[int, float]]:
    """Each section's per-goal score: with ``mode="sentences"`` the highest of its sentences'
    probabilities (a section links what any of its sentences links, as in the pipeline's
    output); with ``mode="text"`` the probability of the section's whole text."""
    units, owner = [], []
    for i, text in enumerate(texts):
        for unit in (sentences_of(text) if mode == "sentences" else [text]):
            units.append(unit)
            owner.append(i)
    lexical = [lexicon_scores(u, index) for u in units]
    rows = [text_features(u, lex) for u, lex in zip(units, lexical, strict=True)]
    scores: list[dict[int, float]] = [dict.fromkeys(SDG_GOALS, 0.0) for _ in texts]
    if rows:
        for i, lex, row in zip(owner, lexical, model.predict_proba(rows).tolist(), strict=True):
            for goal, p in zip(SDG_GOALS, row, strict=True):
                if goal in lex:  # the model decides among the lexicon's candidates
                    scores[i][goal] = max(scores[i][goal], p)
    return scores


def lexicon_section_scores(texts: Sequence[str], index: LexiconIndex) -> list[dict[int, float]]:
    return [{g: s for g, (s, _) in lexicon_scores(t, index).items()} for t in texts]


def _decide(scores: Sequence[dict[int, float]], thresholds: dict[int, float]) -> list[set[int]]:
    return [{g for g, p in s.items() if p >= thresholds[g]} for s in scores]


def choose_thresholds(train: Sequence[SdgExample], index: LexiconIndex, *, seed: int = 0,
                      lexicon_only: bool = False, mode: str = "sentences") -> dict[int, float]:
    """Per-goal thresholds by grouped 3-fold CV inside ``train`` (sections only scored)."""
    codes = sorted({e.municipality_code for e in train})
    random.Random(seed).shuffle(codes)
    inner = {code: k % 3 for k, code in enumerate(codes)}
    scores, gold = [], []
    for k in range(3):
        fit_on = [e for e in train if inner[e.municipality_code] != k]
        test = [e for e in train if inner[e.municipality_code] == k and e.level == "section"]
        if not test:
            continue
        texts = [e.text for e in test]
        if lexicon_only:
            scores += lexicon_section_scores(texts, index)
        else:
            scores += section_scores(fit_model(fit_on, index, seed=seed), texts, index, mode=mode)
        gold += [set(e.goals) for e in test]
    if not gold:
        return dict.fromkeys(SDG_GOALS, 0.5)
    shared = max(THRESHOLDS, key=lambda t: (micro_prf(gold, _decide(scores, dict.fromkeys(SDG_GOALS, t)))["f1"], t))
    thresholds = dict.fromkeys(SDG_GOALS, shared)
    if lexicon_only:
        return thresholds
    for goal in SDG_GOALS:
        if sum(goal in g for g in gold) < MIN_POSITIVES_FOR_OWN_THRESHOLD:
            continue
        gold_g = [{goal} & g for g in gold]
        thresholds[goal] = max(THRESHOLDS, key=lambda t: (
            micro_prf(gold_g, [{goal} if s.get(goal, 0.0) >= t else set() for s in scores])["f1"], t))
    return thresholds


def prf_per_goal(gold: Sequence[set[int]], predicted: Sequence[set[int]]) -> dict[int, dict]:
    out = {}
    for goal in SDG_GOALS:
        g = [{goal} & s for s in gold]
        p = [{goal} & s for s in predicted]
        out[goal] = {"support": sum(goal in s for s in gold), **micro_prf(g, p)}
    return out


def macro_f1_of(per_goal: dict[int, dict]) -> float:
    present = [v["f1"] for v in per_goal.values() if v["support"]]
    return round(sum(present) / len(present), 4) if present else 0.0


def sdg_reading_figures(readings: dict[str, dict[str, frozenset[int]]], sections: Sequence[SdgSection]) -> dict:
    """How far the text alone supports the municipalities' own goals: each blind reader's
    goals (:func:`~plannlp.training.corpus.read_sdg_readings`) scored against them like the
    model's (section level, micro/macro-F1, per goal), all readings pooled, and each pair of
    readers against each other on the sections both read."""
    gold = {s.section_id: s.goals for s in sections}

    def scores(reference: dict, chosen: dict) -> dict:
        ids = sorted(reference)
        reference_sets, chosen_sets = [set(reference[i]) for i in ids], [set(chosen[i]) for i in ids]
        micro = micro_prf(reference_sets, chosen_sets)
        per_goal = prf_per_goal(reference_sets, chosen_sets)
        return {"sections": len(ids), "precision": round(micro["precision"], 4), "recall": round(micro["recall"], 4),
                "micro_f1": round(micro["f1"], 4), "macro_f1": macro_f1_of(per_goal),
                "per_goal": {g: round(v["f1"], 4) for g, v in per_goal.items() if v["support"]}}

    readers = {name: scores({i: gold[i] for i in chosen if i in gold}, chosen) for name, chosen in readings.items()}
    pooled_gold = {(name, i): gold[i] for name, chosen in readings.items() for i in chosen if i in gold}
    pooled = {(name, i): chosen[i] for name, chosen in readings.items() for i in chosen if i in gold}
    between = {}
    names = sorted(readings)
    for k, a in enumerate(names):
        for b in names[k + 1:]:
            both = sorted(set(readings[a]) & set(readings[b]))
            if both:
                s = scores({i: readings[a][i] for i in both}, {i: readings[b][i] for i in both})
                between[f"{a}|{b}"] = {"sections": len(both), "micro_f1": s["micro_f1"],
                                       "same_goals": round(sum(readings[a][i] == readings[b][i] for i in both)
                                                           / len(both), 4)}
    return {"readers": readers, "pooled": scores(pooled_gold, pooled) if pooled else None, "between": between,
            "support": {g: sum(g in goals for goals in gold.values()) for g in SDG_GOALS}}


def evaluate_sdg(corpus_dir: Path, seed: int = 0, *,
                 on_fold: Callable[[int, int], None] | None = None,
                 corrections: Sequence[Path] = ()) -> dict:
    """Grouped cross-validation of the SDG links at section level; ``on_fold(done, total)``
    is called after each fold."""
    index = LexiconIndex(load_lexicon())
    examples = corpus_examples(corpus_dir, corrections)
    gold, model_pred, sentence_pred, lexicon_pred, folds = [], [], [], [], []
    clean: dict[str, list] = {"gold": [], "model": [], "model_sentences": [], "lexicon": []}
    for fold in range(N_FOLDS):
        train = [e for e in examples if e.fold != fold]
        test = [e for e in examples if e.fold == fold and e.level == "section"]
        if not test:
            continue
        t_model = choose_thresholds(train, index, seed=seed, mode="text")
        t_sentences = choose_thresholds(train, index, seed=seed, mode="sentences")
        t_lexicon = choose_thresholds(train, index, seed=seed, lexicon_only=True)
        model = fit_model(train, index, seed=seed)
        texts = [e.text for e in test]
        fold_gold = [set(e.goals) for e in test]
        fold_model = _decide(section_scores(model, texts, index, mode="text"), t_model)
        fold_sentences = _decide(section_scores(model, texts, index, mode="sentences"), t_sentences)
        fold_lexicon = _decide(lexicon_section_scores(texts, index), t_lexicon)
        gold += fold_gold
        if on_fold is not None:
            on_fold(fold + 1, N_FOLDS)
        model_pred += fold_model
        sentence_pred += fold_sentences
        lexicon_pred += fold_lexicon
        if fold not in DEV_FOLDS:
            for key, values in (("gold", fold_gold), ("model", fold_model),
                                ("model_sentences", fold_sentences), ("lexicon", fold_lexicon)):
                clean[key] += values
        folds.append({"fold": fold, "sections": len(test), "model": micro_prf(fold_gold, fold_model),
                      "model_sentences": micro_prf(fold_gold, fold_sentences),
                      "lexicon": micro_prf(fold_gold, fold_lexicon),
                      "shared_threshold_lexicon": t_lexicon[1]})
    per_goal_model = prf_per_goal(gold, model_pred)
    per_goal_sentences = prf_per_goal(gold, sentence_pred)
    per_goal_lexicon = prf_per_goal(gold, lexicon_pred)
    result = {
        "sections": len(gold), "links": sum(len(g) for g in gold),
        "municipalities": len({e.municipality_code for e in examples if e.level == "section"}),
        "training_titles": sum(e.level == "title" for e in examples),
        "model": {**micro_prf(gold, model_pred), "macro_f1": macro_f1_of(per_goal_model)},
        "model_sentences": {**micro_prf(gold, sentence_pred), "macro_f1": macro_f1_of(per_goal_sentences)},
        "lexicon": {**micro_prf(gold, lexicon_pred), "macro_f1": macro_f1_of(per_goal_lexicon)},
        "per_goal": {str(g): {"support": per_goal_model[g]["support"], "model": per_goal_model[g],
                              "lexicon": per_goal_lexicon[g]} for g in SDG_GOALS},
        "folds": folds,
        "clean_folds": {"folds": [f for f in range(N_FOLDS) if f not in DEV_FOLDS], "sections": len(clean["gold"]),
                        **{k: micro_prf(clean["gold"], clean[k]) for k in ("model", "model_sentences", "lexicon")}},
    }
    m, ms, lx = result["model"], result["model_sentences"], result["lexicon"]
    lines = [
        f"SDG links at section level, grouped {N_FOLDS}-fold CV by municipality (corpora/folds.tsv): "
        f"{result['sections']} sections of {result['municipalities']} municipalities, {result['links']} goal "
        f"links (+{result['training_titles']} title-only rows for training only; seed {seed})",
        f"{'':30}{'precision':>10}{'recall':>10}{'micro-F1':>10}{'macro-F1':>10}",
        f"{'model (section text)':30}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['macro_f1']:>10.3f}",
        f"{'model (sentences → section)':30}{ms['precision']:>10.3f}{ms['recall']:>10.3f}{ms['f1']:>10.3f}{ms['macro_f1']:>10.3f}",
        f"{'lexicon only (baseline)':30}{lx['precision']:>10.3f}{lx['recall']:>10.3f}{lx['f1']:>10.3f}{lx['macro_f1']:>10.3f}",
        f"difference in micro-F1 (section text − lexicon): {m['f1'] - lx['f1']:+.3f}",
        "per goal (support: model P/R/F1 | lexicon F1):",
    ]
    for g in SDG_GOALS:
        v = result["per_goal"][str(g)]
        if v["support"]:
            lines.append(f"  {g:>2} ({v['support']:>3}): {v['model']['precision']:.2f}/{v['model']['recall']:.2f}/"
                         f"{v['model']['f1']:.2f} | {v['lexicon']['f1']:.2f}")
    lines.append("per fold (model section text / sentences / lexicon F1): " + ", ".join(
        f"{f['fold']}: {f['model']['f1']:.3f}/{f['model_sentences']['f1']:.3f}/{f['lexicon']['f1']:.3f} "
        f"({f['sections']})" for f in folds))
    c = result["clean_folds"]
    lines.append(f"folds {', '.join(map(str, c['folds']))} only (not used while designing the model; "
                 f"{c['sections']} sections): micro-F1 section text {c['model']['f1']:.3f}, sentences "
                 f"{c['model_sentences']['f1']:.3f}, lexicon {c['lexicon']['f1']:.3f}")
    result["text"] = "\n".join(lines)
    return result


def train_sdg(corpus_dir: Path, out_dir: Path, seed: int = 0, *, corrections: Sequence[Path] = ()) -> dict:
    """Fit the shipped SDG model on the whole corpus and the ``corrections`` folders' reviewed
    sentences; meta.json and the model card say how many were used, of how many documents."""
    from ..classify.linear import save_linear
    from ..classify.model_io import sha256_of
    from .model_files import corrections_paragraph, write_card_corrections

    index = LexiconIndex(load_lexicon())
    examples = corpus_examples(corpus_dir, corrections)
    thresholds = choose_thresholds(examples, index, seed=seed, mode="sentences")
    section_thresholds = choose_thresholds(examples, index, seed=seed, mode="text")
    model = fit_model(examples, index, seed=seed)
    folder = out_dir / MODEL_NAME
    files = save_linear(model, folder)
    sections = [e for e in examples if e.level == "section"]
    titles = [e for e in examples if e.level == "title"]
    reviewed = [e for e in examples if e.reviewed]
    documents = {e.url for e in reviewed}
    meta = {"name": MODEL_NAME, "version": MODEL_VERSION, "seed": seed, "format": "npz+json", "C": DEFAULT_C,
            "thresholds": {str(g): t for g, t in thresholds.items()},
            "section_thresholds": {str(g): t for g, t in section_thresholds.items()},
            "training_examples": {"sections": len(sections), "titles": len(titles),
                                  "sentences": len(examples) - len(sections) - len(titles),
                                  "municipalities": len({e.municipality_code for e in examples})},
            "corrections": {"sentences": len(reviewed), "documents": len(documents),
                            "municipalities": len({e.municipality_code for e in reviewed}),
                            "sources": [str(p) for p in corrections]},
            "data": "corpora/ SDG corpus (batches + seed 003), every fold",
            "features": "plannlp.classify.sdg_features.text_features",
            "files": {f.name: sha256_of(f) for f in files}}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card_corrections(folder, corrections_paragraph(meta["corrections"], "sdg"))
    return {"text": f"SDG model: trained on {len(sections)} sections, {len(titles)} titles and {len(reviewed)} "
                    f"corrected sentences of {len(documents)} reviewed documents, "
                    f"of {meta['training_examples']['municipalities']} municipalities → {folder}", **meta}
