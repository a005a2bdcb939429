"""Role training on the corpus: sequences, context features, the model families."""

from __future__ import annotations

from pathlib import Path

import pytest

from plannlp.classify.role_features import RoleExample, sequence_features
from plannlp.stages.tokenize import Morphology
from plannlp.training.corpus import read_role_corpus
from plannlp.training.roles import CrfModel, corpus_sequences, fit_family, predict_family

CORPUS = Path(__file__).resolve().parents[2] / "corpora"


@pytest.fixture(scope="module")
def sequences():
    return corpus_sequences(CORPUS)


def test_every_labelled_sentence_of_the_corpus_is_in_a_sequence(sequences):
    corpus = read_role_corpus(CORPUS)
    labelled = {f"{s.excerpt_id}#{s.n}": s.role for s in corpus.sentences}
    items = {i.sentence_id: i.label for s in sequences for i in s.labelled}
    assert items == labelled
    assert all(s.fold in range(5) for s in sequences)


def test_sequences_keep_reading_order_and_the_pipelines_view(sequences):
    by_id = {s.excerpt_id: s for s in sequences}
    r1 = by_id["r1-001"]
    numbers = [int(i.sentence_id.split("#")[1]) for i in r1.items]
    assert numbers == sorted(numbers)
    kinds = {i.example.kind for s in sequences for i in s.items}
    assert {"prose", "heading", "bullet"} <= kinds  # the segmenter's kinds, as at inference
    assert all(i.example.tokens for s in sequences[:50] for i in s.items)
    seed = by_id["seed-003"]
    assert sum(i.label is None for i in seed.items) > 0  # unlabelled seed sentences stay as context


def test_context_features_describe_the_neighbours():
    morphology = Morphology(sudachi=False)
    texts = ["現状と課題", "人口が減少しています。", "移住を支援します。"]
    examples = [RoleExample(t, morphology.tokens(t), k) for t, k in zip(texts, ["heading", "prose", "prose"], strict=True)]
    rows = sequence_features(examples)
    assert rows[0]["prev:none"] == 1.0 and rows[2]["next:none"] == 1.0
    assert rows[1]["prev:kind=heading"] == 1.0
    assert rows[2]["prev:pred=nonpast|progressive"] == 1.0
    plain = sequence_features(examples, context=False)
    assert not any(k.startswith(("prev:", "next:")) for k in plain[1])


@pytest.mark.parametrize("family", ["sentence", "context", "crf"])
def test_families_train_deterministically_and_give_probabilities(sequences, family):
    train = [s for s in sequences if s.fold == 1][:40]
    test = [s for s in sequences if s.fold == 2][:10]
    param = 0.1 if family == "crf" else 1.0
    first = predict_family(fit_family(train, family, param=param, seed=3), test, family, use_hint=False)
    second = predict_family(fit_family(train, family, param=param, seed=3), test, family, use_hint=False)
    assert first == second
    assert len(first) == sum(len([i for i in s.labelled]) for s in test)
    assert all(abs(sum(p) - 1.0) < 1e-6 for _, p in first)


def test_crf_learns_more_than_the_majority_class(sequences):
    train = [s for s in sequences if s.fold != 0]
    test = [s for s in sequences if s.fold == 0][:60]
    model = CrfModel(c2=0.1).fit(train)
    predicted = {label for label, _ in predict_family(model, test, "crf", use_hint=False)}
    assert predicted >= {"achievement", "issue", "measure", "other"}


def test_evaluation_reports_every_sentence_kind_and_document_type(sequences):
    """A small grouped CV (12 excerpts of each fold): the pooled report counts every held-out
    sentence once per sentence kind and once per document type."""
    from plannlp.training.roles import evaluate_roles

    chosen = [s for fold in range(5) for s in [x for x in sequences if x.fold == fold and not x.reviewed][:12]]
    result = evaluate_roles(CORPUS, families=("sentence",), learning_curve=False, sequences=chosen)
    report = result["families"]["sentence"]["no_hint"]
    labelled = [i for s in chosen for i in s.labelled]
    kinds = {i.example.kind for i in labelled}
    assert set(report["per_kind"]) == kinds and {"prose", "bullet"} <= kinds
    assert sum(v["sentences"] for v in report["per_kind"].values()) == len(labelled)
    assert sum(v["sentences"] for v in report["per_doc_type"].values()) == len(labelled)
    assert "per sentence kind" in result["text"]
