"""Tokens out: ``plannlp ingest --format conllu`` parsed back, and ``--keep-tokens`` JSONL rows."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, seed_path
from plannlp.cli import cli

UNESCAPE = {"\\s": " ", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\|": "|", "\\\\": "\\"}


def parse_conllu(text: str) -> list[dict]:
    """Sentences of a CoNLL-U text: their comments and token rows (split on tabs)."""
    sentences, current = [], None
    for line in text.split("\n"):
        if not line:
            if current is not None:
                sentences.append(current)
            current = None
            continue
        current = current or {"comments": {}, "rows": []}
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(" = ")
            current["comments"][key] = value
        else:
            current["rows"].append(line.split("\t"))
    assert current is None, "the last sentence must end with a blank line"
    return sentences


def spaces_after(misc: str) -> str:
    entries = dict(e.split("=", 1) for e in misc.split("|") if "=" in e)
    if entries.get("SpaceAfter") == "No":
        return ""
    value = entries.get("SpacesAfter")
    if value is None:
        return " "
    out, i = "", 0
    while i < len(value):
        if value[i] == "\\" and value[i:i + 2] in UNESCAPE:
            out += UNESCAPE[value[i:i + 2]]
            i += 2
        else:
            out += value[i]
            i += 1
    return out


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module", params=["000", "002", "pdf"])
def ingested(request, runner, tmp_path_factory):
    """(CoNLL-U text, JSONL rows without tokens) of a seed text or the layout PDF fixture."""
    path = FIXTURES / "pdf" / "seed002_layout.pdf" if request.param == "pdf" else seed_path(request.param)
    folder = tmp_path_factory.mktemp("tokens")
    conllu = folder / "plan.conllu"
    result = runner.invoke(cli, ["ingest", str(path), "-o", str(conllu)])
    assert result.exit_code == 0, result.output
    rows = runner.invoke(cli, ["ingest", str(path), "--format", "jsonl"])
    return conllu.read_text(encoding="utf-8"), [json.loads(line) for line in rows.stdout.splitlines()]


def test_conllu_has_ten_columns_and_consecutive_ids(ingested):
    text, _ = ingested
    sentences = parse_conllu(text)
    assert len(sentences) > 20
    for sentence in sentences:
        rows = sentence["rows"]
        assert all(len(row) == 10 for row in rows)
        assert [row[0] for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
        assert all(row[6] == "_" and row[7] == "_" for row in rows)  # no parser: HEAD, DEPREL
        assert all(row[1] != "_" and row[3] != "_" for row in rows)


def test_conllu_text_comment_is_the_sentence_and_the_tokens_rebuild_it(ingested):
    text, rows = ingested
    by_id = {row["id"]: row for row in rows}
    sentences = parse_conllu(text)
    for sentence in sentences:
        comments = sentence["comments"]
        key, _, sentence_id = comments["sent_id"].partition("-")
        original = by_id[sentence_id]
        assert key == original["document"]
        assert comments["text"] == original["text"].replace("\n", " ").replace("\t", " ")
        rebuilt = "".join(row[1] + spaces_after(row[9]) for row in sentence["rows"])
        assert rebuilt.strip() == original["text"].strip()
        assert comments["role"] == original["role"]
        assert all(f"PlanSentence={sentence_id}" in row[9] and f"PlanRole={original['role']}" in row[9]
                   for row in sentence["rows"])
    assert len(sentences) == len(rows)  # every sentence has tokens


def test_conllu_upos_and_xpos_are_unidic_mapped(ingested):
    text, _ = ingested
    tokens = [row for s in parse_conllu(text) for row in s["rows"]]
    by_form = {}
    for row in tokens:
        by_form.setdefault(row[1], set()).add((row[3], row[4]))
    assert ("PUNCT", "補助記号-句点") in by_form.get("。", set()) or ("PUNCT", "補助記号-読点") in by_form.get("、", set())
    assert all(row[4].count("-") <= 3 for row in tokens)
    assert any(row[4].count("-") == 2 for row in tokens)  # three-level UniDic POS: the full XPOS


def test_keep_tokens_gives_each_jsonl_row_its_tokens(runner):
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), "--format", "jsonl", "--keep-tokens"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(row["tokens"] for row in rows)
    for row in rows:
        assert "".join(t["surface"] for t in row["tokens"]) == "".join(row["text"].split())
        assert all(set(t) == {"surface", "lemma", "pos", "normalized"} for t in row["tokens"])
    normalized = {(t["surface"], t["normalized"]) for row in rows for t in row["tokens"]}
    assert any(surface != form for surface, form in normalized)  # SudachiPy's forms are there
    plain = runner.invoke(cli, ["ingest", str(seed_path("004")), "--format", "jsonl"])
    assert [{k: v for k, v in row.items() if k != "tokens"} for row in rows] == \
        [json.loads(line) for line in plain.stdout.splitlines()]  # nothing else changes


def test_keep_tokens_with_another_format_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), "--keep-tokens", "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 2 and "--format jsonl" in result.stderr
    assert not (tmp_path / "a.csv").exists()


def test_tokens_do_not_change_the_roles(ingested):
    """The CoNLL-U pipeline (tokens kept, full POS) predicts what the default one does."""
    text, rows = ingested
    roles = {s["comments"]["sent_id"].partition("-")[2]: s["comments"]["role"] for s in parse_conllu(text)}
    assert roles == {row["id"]: row["role"] for row in rows}
