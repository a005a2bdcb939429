"""The labelled corpus (corpora/): its rules, its counts and the figures about it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from plannlp.cli import cli
from plannlp.training.corpus import (
    DOC_TYPES,
    LABELS,
    AgreementRow,
    agreement_figures,
    assign_folds,
    cohen_kappa,
    corpus_problems,
    corpus_stats,
    read_folds,
    read_role_corpus,
    read_sdg_corpus,
    read_sdg_readings,
)
from plannlp.training.sdg import sdg_reading_figures

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpora"


@pytest.fixture(scope="module")
def stats():
    return corpus_stats(CORPUS)


def test_the_corpus_breaks_none_of_its_rules():
    # every manifest row complete, with a code that matches its municipality and a web source;
    # every label valid; every sentence inside its excerpt's text; no text twice; every
    # municipality in a fold; SDG sections without the line that names their goals
    assert corpus_problems(CORPUS) == []


def test_every_excerpt_has_its_provenance():
    roles = read_role_corpus(CORPUS, seeds=False)
    assert roles.excerpts
    for excerpt in roles.excerpts.values():
        assert excerpt.url.startswith("http") and excerpt.retrieved and excerpt.title
        assert excerpt.doc_type in DOC_TYPES
        assert len(excerpt.municipality_code) == 6 and excerpt.municipality_code.isdigit()


def test_the_role_corpus_has_the_size_the_issue_asks(stats):
    roles = stats["roles"]
    assert roles["sentences"] >= 5000
    assert roles["excerpts"] >= 150
    assert roles["municipalities"] >= 60
    assert roles["prefectures"] >= 25
    for label in ("achievement", "issue", "measure"):
        assert roles["per_role"][label] >= 700, label
    assert set(roles["per_municipality_kind"]) >= {"city", "town", "village"}
    assert len([t for t, counts in roles["per_doc_type"].items() if sum(counts.values()) >= 50]) >= 6


def test_the_sdg_corpus_keeps_its_size(stats):
    # the issue asks 300 sections of 25 municipalities; the sections fall short (corpora/README.md,
    # Limits): this guards what there is against loss
    sdg = stats["sdg"]
    assert sdg["sections"] >= 100
    assert sdg["municipalities"] >= 25
    assert sdg["titles"]["rows"] >= 50


def test_agreement_covers_400_sentences_of_20_municipalities(stats):
    agreement = stats["agreement"]
    assert agreement["sentences"] >= 400
    assert agreement["municipalities"] >= 20
    assert 0 <= agreement["raw"] <= 1 and -1 <= agreement["kappa"] <= 1


def test_folds_hold_every_municipality_once_and_each_fold_has_every_role(stats):
    folds = read_folds(CORPUS)
    assert set(folds.values()) == {0, 1, 2, 3, 4}
    for fold, counts in stats["roles"]["per_fold"].items():
        assert fold != "None"
        assert all(counts.get(label, 0) >= 50 for label in ("achievement", "issue", "measure")), fold


def test_seed_003_keeps_its_own_sdg_labels():
    seed = [s for s in read_sdg_corpus(CORPUS) if s.section_id.startswith("seed-003-")]
    assert len(seed) == 24
    assert sum(len(s.goals) for s in seed) == 44
    assert all("SDGs" not in s.text.split("\n", 1)[0] for s in seed)


def test_cohen_kappa_of_a_worked_example():
    # 10 items: 8 agree; first says a 5×, b 5×; second a 5×, b 5× → p_e 0.5, kappa 0.6
    first = list("aaaaabbbbb")
    second = list("aaaabbbbba")
    assert math.isclose(cohen_kappa(first, second), 0.6)
    assert cohen_kappa(first, first) == 1.0


def test_agreement_f1_between_annotators_of_a_worked_example():
    # first: a a i m o; second: a o i i o → achievement 2·1/(2·1+0+1) = 2/3, issue 2/3,
    # measure 0 (its one sentence read as issue), other 2/3; macro over a/i/m (2/3+2/3+0)/3
    labels = [("achievement", "achievement"), ("achievement", "other"), ("issue", "issue"),
              ("measure", "issue"), ("other", "other")]
    rows = [AgreementRow("x-1", n, "", first, second, first, "") for n, (first, second) in enumerate(labels, 1)]
    figures = agreement_figures(rows, read_role_corpus(CORPUS, seeds=False))
    assert figures["f1_between"] == pytest.approx({"achievement": 2 / 3, "issue": 2 / 3, "measure": 0.0, "other": 2 / 3})
    assert figures["macro_f1_between"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_sdg_readings_are_scored_against_the_municipalities_goals():
    # two real sections; reader x: one right goal and one extra on the first, nothing on the
    # second → tp 1, fp 1, fn 1 (the second's goal); reader y reads only the first, as x does
    sections = [s for s in read_sdg_corpus(CORPUS, level="section") if len(s.goals) == 1][:2]
    first, second = sections
    (goal,) = first.goals
    extra = 17 if goal != 17 else 1
    readings = {"x": {first.section_id: frozenset({goal, extra}), second.section_id: frozenset()},
                "y": {first.section_id: frozenset({goal, extra})}}
    figures = sdg_reading_figures(readings, sections)
    x = figures["readers"]["x"]
    assert (x["precision"], x["recall"]) == (0.5, 0.5)
    assert x["micro_f1"] == 0.5
    assert figures["between"]["x|y"] == {"sections": 1, "micro_f1": 1.0, "same_goals": 1.0}
    assert figures["pooled"]["sections"] == 3


def test_the_sdg_readings_cover_every_section_with_text():
    sections = {s.section_id for s in read_sdg_corpus(CORPUS, level="section")}
    readings = read_sdg_readings(CORPUS)
    assert readings, "corpora/sdg/agreement/ holds the blind readings"
    for chosen in readings.values():
        assert set(chosen) == sections


def test_corpus_agreement_prints_the_role_f1_and_the_sdg_readings():
    result = CliRunner().invoke(cli, ["corpus", "agreement", "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "macro-F1 over achievement/issue/measure" in result.output
    n_sections = len(read_sdg_corpus(CORPUS, level="section"))
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()  # reader, sections, P, R, F1s
            if len(line.split()) == 6 and line.split()[0] in read_sdg_readings(CORPUS)}
    assert rows and all(int(row[1]) == n_sections for row in rows.values())
    assert all(0 < float(row[4]) < 1 for row in rows.values())  # micro-F1 against the municipalities


def test_assign_folds_keeps_existing_assignments_and_balances_the_rest():
    fixed = {"100": 3}
    folds = assign_folds({"100": 50, "200": 40, "300": 30, "400": 20, "500": 10, "600": 5}, fixed)
    assert folds["100"] == 3
    assert len(set(folds.values())) == 5
    assert folds["600"] == folds["500"]  # the lightest fold takes the last one


def test_corpus_stats_json_has_the_documented_fields():
    result = CliRunner().invoke(cli, ["corpus", "stats", "--json", "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert {"sentences", "excerpts", "municipalities", "prefectures", "per_role"} <= set(figures["roles"])
    assert {"sections", "municipalities", "per_goal"} <= set(figures["sdg"])
    assert {"sentences", "municipalities", "raw", "kappa"} <= set(figures["agreement"])
    assert set(figures["roles"]["per_role"]) == set(LABELS)


def test_corpus_check_reports_a_broken_label(tmp_path):
    batch = tmp_path / "roles" / "batches" / "t1"
    (batch / "excerpts").mkdir(parents=True)
    (batch / "labels").mkdir()
    src = read_role_corpus(CORPUS, seeds=False)
    excerpt = next(iter(src.excerpts.values()))
    header = "excerpt_id,municipality,prefecture,municipality_code,municipality_kind,doc_type,title,year,url,retrieved,annotator\n"
    (batch / "manifest.csv").write_text(
        header + f"t1-001,{excerpt.municipality},{excerpt.prefecture},{excerpt.municipality_code},"
        f"{excerpt.municipality_kind},{excerpt.doc_type},t,{excerpt.year},{excerpt.url},2026-12-02,t1\n",
        encoding="utf-8")
    (batch / "excerpts" / "t1-001.txt").write_text(excerpt.text, encoding="utf-8")
    first = next(s for s in src.sentences if s.excerpt_id == excerpt.excerpt_id)
    (batch / "labels" / "t1-001.tsv").write_text(
        f"excerpt_id\tn\trole\ttext\nt1-001\t1\tplan\t{first.text}\nt1-001\t2\tissue\t作られた文です。\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["corpus", "check", "--corpus", str(tmp_path)])
    assert result.exit_code == 1
    assert "t1-001#1: unknown label 'plan'" in result.output
    assert "t1-001#2: the sentence is not in its excerpt's text" in result.output
    assert "has no fold" in result.output
