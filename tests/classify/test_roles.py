"""The role classifier: metrics, silver rules, determinism, save/load, clear seed sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from plannlp.classify.model_io import load_linear_model, load_model
from plannlp.classify.role_features import RoleExample
from plannlp.classify.roles import load_role_model, predict_roles
from plannlp.classify.silver import silver_role
from plannlp.errors import ModelLoadError
from plannlp.stages.tokenize import Morphology
from plannlp.training.metrics import confusion, macro_f1, micro_prf, per_class
from plannlp.training.model_files import export_calibrated, save_model
from plannlp.training.roles import (
    ExcerptSequence,
    Item,
    build_estimator,
    fit_family,
    predict_family,
)


@pytest.fixture(scope="module")
def morphology() -> Morphology:
    return Morphology()


def test_metrics_on_a_hand_made_case():
    gold = ["issue", "issue", "measure", "other", "measure", "issue"]
    pred = ["issue", "measure", "measure", "other", "other", "issue"]
    report = per_class(gold, pred, ["issue", "measure", "other"])
    # issue: tp 2, fp 0, fn 1 → P 1, R 2/3, F1 0.8
    assert report["issue"]["precision"] == 1.0 and report["issue"]["recall"] == pytest.approx(2 / 3)
    assert report["issue"]["f1"] == pytest.approx(0.8)
    # measure: tp 1, fp 1, fn 1 → 0.5 / 0.5 / 0.5; other: tp 1, fp 1, fn 0 → 0.5 / 1 / 2/3
    assert report["measure"]["f1"] == pytest.approx(0.5)
    assert report["other"]["f1"] == pytest.approx(2 / 3)
    assert macro_f1(report) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert confusion(gold, pred, ["issue", "measure", "other"]) == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    micro = micro_prf([{4, 11}, {16}], [{4}, {16, 17}])
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 1, 1) and micro["f1"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(("text", "kind", "hint", "label"), [
    ("平成24年度に佐久市市民活動サポートセンターを開設しました。", "bullet", "achievement", "achievement"),
    ("多様化する市民活動団体の実態を把握し、登録を促進する必要があります。", "bullet", "issue", "issue"),
    ("要望が年々増加しており、新たな設置場所の確保が課題となっています。", "prose", "measure", "issue"),  # rule 4 beats heading
    ("ガイドラインを策定しました。", "bullet", "issue", "achievement"),  # rule 1: tense beats section
    ("情報公開を推進します。", "bullet", "issue", "measure"),  # rule 1: a commitment under 現状と課題
    ("市民の声が反映されています。", "bullet", "other", "other"),  # rule 6: a vision
    ("* SNS:ソーシャル・ネットワーキング・サービス", "footnote", "issue", "other"),
    ("現状と課題", "heading", None, "other"),
    ("まちづくりを推進します。", "prose", None, None),  # no heading evidence: left out of silver
])
def test_silver_rules(text, kind, hint, label):
    assert silver_role(text, kind, hint) == label


def _sequences(morphology, rows, copies=1):
    """One sequence per (document, copy): the rows in order, as the corpus gives them; each copy
    counts as another municipality (the calibration folds are grouped by municipality)."""
    by_doc: dict[tuple[str, int], list] = {}
    for copy in range(copies):
        for text, kind, hint, label, doc, muni in rows:
            example = RoleExample(text, morphology.tokens(text), kind, hint)
            by_doc.setdefault((doc, copy), []).append((Item(example, label, f"{doc}#{copy}"), muni))
    return [ExcerptSequence(f"{doc}-{copy}", f"{items[0][1]}-{copy}", "comprehensive_plan", copy % 5, tuple(i for i, _ in items))
            for (doc, copy), items in sorted(by_doc.items())]


TINY = [
    ("センターを開設しました。", "bullet", "achievement", "achievement", "000", "佐久市"),
    ("制度を開始しました。", "bullet", "achievement", "achievement", "000", "佐久市"),
    ("計画を策定しました。", "bullet", None, "achievement", "001", "佐久市"),
    ("登録を促進する必要があります。", "bullet", "issue", "issue", "000", "佐久市"),
    ("人口が減少しています。", "prose", "issue", "issue", "004", "安中市"),
    ("対応が求められています。", "prose", None, "issue", "002", "佐久市"),
    ("活動を支援します。", "bullet", "measure", "measure", "000", "佐久市"),
    ("連携の強化を図ります。", "bullet", "measure", "measure", "004", "安中市"),
    ("情報発信に努めます。", "bullet", None, "measure", "004", "安中市"),
    ("現状と課題", "heading", None, "other", "004", "安中市"),
    ("市民の役割", "heading", None, "other", "004", "安中市"),
    ("* SNS：インターネットを利用したサービス", "footnote", None, "other", "000", "佐久市"),
]


def test_training_is_deterministic(morphology):
    sequences = _sequences(morphology, TINY, copies=3)
    first = predict_family(fit_family(sequences, "context", param=1.0, seed=7), sequences, "context", use_hint=True)
    second = predict_family(fit_family(sequences, "context", param=1.0, seed=7), sequences, "context", use_hint=True)
    assert first == second


def test_model_round_trips_through_skops_and_the_linear_export(tmp_path, morphology):
    sequences = _sequences(morphology, TINY, copies=3)
    estimator = fit_family(sequences, "context", param=1.0, seed=0)
    save_model(estimator, tmp_path / "role", {"name": "role", "version": "test", "context": True},
               linear=export_calibrated(estimator))
    loaded, meta = load_model(tmp_path / "role")
    fast, _ = load_linear_model(tmp_path / "role")
    probe = [i.example for i in sequences[0].items]
    assert meta["version"] == "test" and meta["format"] == "skops+npz+json"
    expected = [p.probabilities for p in predict_roles(estimator, probe, context=True)]
    assert [p.probabilities for p in predict_roles(loaded, probe, context=True)] == expected
    assert [p.probabilities for p in predict_roles(fast, probe, context=True)] == expected


def test_linear_export_reproduces_sklearn_probabilities_on_seed_text(morphology):
    import numpy as np

    from conftest import seed_text
    from plannlp.classify.role_features import sequence_features

    rows = [(line.strip("- ・"), "bullet", None, label, "000", "佐久市")
            for line, label in zip(seed_text("000").splitlines()[6:40:3], ["achievement", "issue", "measure", "other"] * 5,
                                   strict=False) if line.strip()]
    estimator = fit_family(_sequences(morphology, TINY + rows, copies=2), "context", param=1.0, seed=1)
    probe = [RoleExample(line, morphology.tokens(line)) for line in seed_text("004").splitlines() if line.strip()][:60]
    features = sequence_features(probe)
    assert np.allclose(export_calibrated(estimator).predict_proba(features), estimator.predict_proba(features), atol=1e-12)
    # rows with no features or only unknown ones, first, between and last (the exported model
    # builds its sparse matrix row by row: an empty row must not shift the others)
    gappy = [{}, *features[:5], {"bow=no such lemma": 1.0}, {}, *features[5:], {}]
    assert np.allclose(export_calibrated(estimator).predict_proba(gappy), estimator.predict_proba(gappy), atol=1e-12)
    assert export_calibrated(estimator).predict_proba([]).shape == (0, len(estimator.classes_))


def test_a_tampered_model_file_is_refused(tmp_path, morphology):
    estimator = fit_family(_sequences(morphology, TINY, copies=3), "sentence", param=1.0, seed=0)
    save_model(estimator, tmp_path / "role", {"name": "role", "version": "test"}, linear=export_calibrated(estimator))
    path = tmp_path / "role" / "weights.npz"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelLoadError, match="checksum"):
        load_linear_model(tmp_path / "role")


def test_the_uncalibrated_estimator_used_for_model_selection_is_plain_logistic_regression():
    assert type(build_estimator(calibrated=False).named_steps["model"]).__name__ == "LogisticRegression"
    assert type(build_estimator().named_steps["model"]).__name__ == "CalibratedClassifierCV"


@pytest.fixture(scope="module")
def shipped():
    return load_role_model(str(REPO / "models" / "role"))


@pytest.mark.parametrize(("text", "kind", "hint", "label"), [
    ("平成24年度に佐久市市民活動サポートセンターを開設しました。", "bullet", "achievement", "achievement"),
    ("多様化する市民活動団体の実態を把握し、そのニーズに的確に対応できるよう、佐久市市民活動サポートセンターへの登録を促進する必要があります。", "bullet", "issue", "issue"),
    ("佐久市まちづくり活動支援金の活用を促進するとともに、市民が主体となった地域づくり活動を積極的に支援します。", "bullet", "measure", "measure"),
    ("* SNS:ソーシャル・ネットワーキング・サービス(Social Networking Service)。", "footnote", None, "other"),
])
@pytest.mark.parametrize("use_hint", [True, False])
def test_shipped_model_on_unambiguous_seed_sentences(shipped, morphology, text, kind, hint, label, use_hint):
    estimator, meta = shipped
    example = RoleExample(text, morphology.tokens(text), kind, hint if use_hint else None)
    prediction = predict_roles(estimator, [example], use_hints=use_hint, context=meta.get("context", False))[0]
    assert prediction.label == label
    assert 0.0 <= prediction.confidence <= 1.0
    assert abs(sum(p for _, p in prediction.probabilities) - 1.0) < 0.01


@pytest.mark.parametrize(("text", "label"), [
    # real sentences of the corpus (corpora/roles), municipalities outside the seeds, no heading
    ("美郷町では、長年にわたり人口減少が進んでいます。", "issue"),  # r5-001 #11, a policy speech
    ("土地利用の規制の緩和をします。", "measure"),  # r6-027 #15, a newsletter
    ("南十勝吟道講座に出席しました。", "achievement"),  # r1-045 #9, a mayor's activity log
    ("令和3年度の予算案並びに諸議案のご審議をお願いするにあたり、ここに、町政運営の基本方針とともに概要を申し上げます。",
     "other"),  # r2-019 #2, a speech's opening formality (rule 9)
])
def test_shipped_model_without_headings(shipped, morphology, text, label):
    estimator, meta = shipped
    example = RoleExample(text, morphology.tokens(text), "prose", None)
    prediction = predict_roles(estimator, [example], use_hints=False, context=meta.get("context", False))[0]
    assert prediction.label == label


def test_shipped_model_card_exists():
    assert (Path(REPO) / "models" / "role" / "meta.json").is_file()
