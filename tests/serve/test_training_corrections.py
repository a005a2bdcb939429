"""The review page's corrections as training data: `plannlp corpus import-corrections` writes
roles and goals in the corpus format, `plannlp train --corrections` trains on them, and the
model card and meta.json say how many were used (trained on a small part of the corpus, into
a temporary folder)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from click.testing import CliRunner  # noqa: E402

from plannlp import load_pipeline  # noqa: E402
from plannlp.cli import cli  # noqa: E402
from plannlp.export import jsonld_text  # noqa: E402
from plannlp.export.jsonld import to_jsonld  # noqa: E402
from plannlp.serve.corrections import import_corrections  # noqa: E402
from plannlp.serve.store import Store  # noqa: E402
from plannlp.training.corpus import corpus_problems, read_folds, read_sdg_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = ROOT / "corpora" / "seeds" / "002_2b25f45b06c7f47b.txt"  # 佐久市 (202177)
EXCERPTS = 8  # of batch r1: enough municipalities for the grouped inner CV, quick to train


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> dict:
    """A review data folder with one ingested seed document and its corrections, imported."""
    data = tmp_path_factory.mktemp("serve-data")
    store = Store(data)
    doc_id = store.add_document(SEED_TEXT.name, ".txt", "text/plain", SEED_TEXT.read_bytes())
    graph = to_jsonld(load_pipeline(workers=1, keep_tokens=False).ingest(store.upload_path(store.document(doc_id))))
    store.result_path(doc_id).write_text(jsonld_text(graph), encoding="utf-8")
    store.set_status(doc_id, "done")
    nodes = {n["id"]: n for n in graph["@graph"]}
    sentences = [n for n in graph["@graph"] if n.get("type") == "Sentence"]
    ids = [n["id"].rsplit("#", 1)[-1] for n in sentences]
    linked = next(n for n in sentences if n.get("sdgLinks"))
    linked_goal = int(nodes[linked["sdgLinks"][0]]["goal"].split(":")[-1])
    for sid, role in zip(ids[:3], ("measure", "issue", "other"), strict=True):
        store.add_correction(doc_id, sid, "role", role, "山田")
    store.add_correction(doc_id, ids[3], "role", "achievement", "山田")
    store.undo(doc_id, store.corrections(doc_id)[-1]["id"], "山田")  # undone: not a label
    store.add_correction(doc_id, ids[4], "add_goal", "14", "佐藤")
    store.add_correction(doc_id, linked["id"].rsplit("#", 1)[-1], "remove_goal", str(linked_goal), "佐藤")
    out = tmp_path_factory.mktemp("review-corpus")
    counts = import_corrections(data, out)
    return {"out": out, "counts": counts, "doc_id": doc_id, "ids": ids, "linked": linked, "goal": linked_goal}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("small-corpus")
    shutil.copy(ROOT / "corpora" / "folds.tsv", corpus / "folds.tsv")
    source, batch = ROOT / "corpora" / "roles" / "batches" / "r1", corpus / "roles" / "batches" / "r1"
    (batch / "excerpts").mkdir(parents=True)
    (batch / "labels").mkdir()
    with (source / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:EXCERPTS]
    with (batch / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        for part, suffix in (("excerpts", ".txt"), ("labels", ".tsv")):
            if (source / part / f"{row['excerpt_id']}{suffix}").exists():
                shutil.copy(source / part / f"{row['excerpt_id']}{suffix}", batch / part)
    for name in ("g1", "g3"):
        (corpus / "sdg" / "batches" / name).mkdir(parents=True)
        shutil.copy(ROOT / "corpora" / "sdg" / "batches" / name / "sections.jsonl", corpus / "sdg" / "batches" / name)
    return corpus


def test_import_writes_roles_and_goals_with_provenance(reviewed):
    out, counts, doc_id, ids = reviewed["out"], reviewed["counts"], reviewed["doc_id"], reviewed["ids"]
    assert counts["labels"] == 3 and counts["goal_sentences"] == 2 and counts["documents"] == 1
    labels = (out / "roles" / "batches" / "review" / "labels" / f"review-{doc_id}.tsv").read_text(encoding="utf-8")
    assert "\tachievement\t" not in labels  # the undone correction is no label
    rows = [json.loads(line) for line in
            (out / "sdg" / "batches" / "review" / "sections.jsonl").read_text(encoding="utf-8").splitlines()]
    by_sentence = {r["sentence"]: r for r in rows}
    added = by_sentence[ids[4]]
    assert 14 in added["goals"] and added["level"] == "sentence" and added["reviewed_by"] == "佐藤"
    assert added["municipality"] == "佐久市" and added["municipality_code"] == "202177"
    assert added["url"] == f"plannlp-serve:{doc_id}" and added["reviewed_at"] and len(added["document"]) == 64
    removed = by_sentence[reviewed["linked"]["id"].rsplit("#", 1)[-1]]
    assert reviewed["goal"] not in removed["goals"] and removed["text"] == reviewed["linked"]["text"]
    provenance = (out / "sdg" / "batches" / "review" / "provenance.tsv").read_text(encoding="utf-8")
    assert "add_goal\t14" in provenance and "remove_goal" in provenance and "佐藤" in provenance
    # the corpus reader takes them, and the corpus check accepts them (a sentence may lose every goal)
    sections = read_sdg_corpus(out, seeds=False)
    assert {s.level for s in sections} == {"sentence"} and len(sections) == 2
    shutil.copy(ROOT / "corpora" / "folds.tsv", out / "folds.tsv")
    assert corpus_problems(out) == []


def test_corrections_keep_their_municipality_and_are_never_tested_on(reviewed, small_corpus):
    from plannlp.training.roles import corpus_sequences
    from plannlp.training.sdg import corpus_examples

    sequences = corpus_sequences(small_corpus, [reviewed["out"]])
    ours = [s for s in sequences if s.reviewed]
    assert len(ours) == 1 and ours[0].municipality_code == "202177"
    assert ours[0].fold == read_folds(small_corpus)["202177"]
    assert len(ours[0].labelled) == 3 and len(ours[0].items) > 3  # the unlabelled sentences are context
    examples = [e for e in corpus_examples(small_corpus, [reviewed["out"]]) if e.reviewed]
    assert len(examples) == 2 and {e.municipality_code for e in examples} == {"202177"}
    assert all(e.level == "sentence" for e in examples)  # evaluation scores level "section" only


def test_train_with_corrections_says_how_many_in_the_model_card(reviewed, small_corpus, tmp_path):
    out = tmp_path / "models"
    result = CliRunner().invoke(cli, ["train", "--corpus", str(small_corpus), "--out", str(out),
                                      "--corrections", str(reviewed["out"])])
    assert result.exit_code == 0, result.output
    role = json.loads((out / "role" / "meta.json").read_text(encoding="utf-8"))
    assert role["corrections"]["sentences"] == 3 and role["corrections"]["documents"] == 1
    card = (out / "role" / "model-card.md").read_text(encoding="utf-8")
    assert "3 sentences whose role a person set, from 1 reviewed documents of 1 municipalities" in card
    sdg = json.loads((out / "sdg" / "meta.json").read_text(encoding="utf-8"))
    assert sdg["corrections"]["sentences"] == 2 and sdg["corrections"]["documents"] == 1
    assert sdg["training_examples"]["sentences"] == 2
    assert "2 sentences whose goals a person corrected, from 1 reviewed documents" in \
        (out / "sdg" / "model-card.md").read_text(encoding="utf-8")
    assert "3 corrected sentences of 1 reviewed documents" in result.output

    # again without them: the card's part is replaced, not added twice
    result = CliRunner().invoke(cli, ["train", "--corpus", str(small_corpus), "--out", str(out), "--only", "sdg"])
    assert result.exit_code == 0, result.output
    card = (out / "sdg" / "model-card.md").read_text(encoding="utf-8")
    assert card.count("Corrections from the review page") == 1 and "none used" in card
    assert json.loads((out / "sdg" / "meta.json").read_text(encoding="utf-8"))["corrections"]["sentences"] == 0


def test_the_review_page_writes_what_the_training_code_reads():
    from plannlp.serve import corrections
    from plannlp.training import corpus

    assert corrections.REVIEWED_URL_PREFIX == corpus.REVIEWED_URL_PREFIX
    assert corrections.SENTENCE_LEVEL == corpus.SENTENCE_LEVEL


def test_a_corrections_folder_without_corrections_is_a_usage_error(small_corpus, tmp_path):
    result = CliRunner().invoke(cli, ["train", "--corpus", str(small_corpus), "--out", str(tmp_path / "m"),
                                      "--corrections", str(tmp_path)])
    assert result.exit_code == 2 and "No corrections in" in result.output
    assert not (tmp_path / "m").exists()
