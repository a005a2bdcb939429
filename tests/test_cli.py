"""The CLI, in-process (click's CliRunner) and once as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import seed_path
from plannlp.cli import cli


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_every_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "batch", "train", "evaluate", "validate", "kb", "trace"):
        assert command in result.output


def test_ingest_sample_writes_jsonld(runner, tmp_path):
    out = tmp_path / "sample.jsonld"
    result = runner.invoke(cli, ["ingest", "--sample", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "@context" in data
    text = out.read_text(encoding="utf-8")
    assert "佐久市市民活動サポートセンターを開設しました" in text
    assert "http://metadata.un.org/sdg/" in text


def test_ingest_csv_has_one_row_per_sentence_with_provenance(runner, tmp_path):
    out = tmp_path / "plan.csv"
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) > 50
    for column in ("document", "id", "text", "role", "role_confidence", "sdgs", "page", "start", "end", "section"):
        assert column in rows[0]
    raw = seed_path("004").read_text(encoding="utf-8")
    # provenance: the raw span of each sentence holds its first characters
    for row in rows[:30]:
        span = raw[int(row["start"]):int(row["end"])]
        assert row["text"][:3] in span.replace("\n", "").replace(" ", "") or row["text"][:3] in span
    assert {r["role"] for r in rows} >= {"issue", "measure", "other"}


def test_ingest_reads_stdin_and_writes_jsonl_to_stdout(runner):
    text = seed_path("000").read_text(encoding="utf-8")[:600]
    result = runner.invoke(cli, ["ingest", "-", "--format", "jsonl"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert lines and all(line["role"] in {"achievement", "issue", "measure", "other"} for line in lines)


def test_a_bad_file_fails_in_one_line_and_leaves_no_output(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out.jsonld"
    result = runner.invoke(cli, ["ingest", str(empty), "-o", str(out)])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [empty]


def test_when_every_input_fails_it_says_that_nothing_was_written(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "x.jsonld"
    result = runner.invoke(cli, ["ingest", str(empty), str(tmp_path / "missing.txt"), "-o", str(out)])
    assert result.exit_code == 1
    assert "wrote" not in result.stderr
    assert f"nothing was written to {out}: every input failed (2 file(s), see above)" in result.stderr
    assert not out.exists()


def test_one_bad_file_among_good_ones_is_reported_and_the_rest_written(runner, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "broken.pdf" in result.stderr and "1 of 2 file(s) failed" in result.stderr
    assert out.read_text(encoding="utf-8").count("\n") > 50


def test_unknown_output_extension_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    assert ".docx" in result.stderr and ".xlsx" in result.stderr  # the message lists the known ones


def test_python_dash_m_runs_as_a_real_process(tmp_path):
    out = tmp_path / "o.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "plannlp", "ingest", str(seed_path("004")), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and "wrote 1 document(s)" in proc.stderr
    missing = subprocess.run([sys.executable, "-m", "plannlp", "ingest", str(tmp_path / "nope.pdf")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "nope.pdf" in missing.stderr
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) <= 2


def test_workers_give_the_same_output_from_a_real_process(tmp_path):
    """All five seeds as one long plan (1,700+ sentences): --workers 2 shards the sentence
    stages over two processes and writes the same bytes as one process."""
    plan = tmp_path / "seeds.txt"
    plan.write_text("\n\n".join(seed_path(k).read_text(encoding="utf-8")
                                  for k in ("000", "001", "002", "003", "004")), encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        proc = subprocess.run([sys.executable, "-m", "plannlp", "ingest", str(plan), "--workers",
                               workers, "-o", str(out)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert ("1 of them in 2 processes" in proc.stderr) == (workers == "2")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 1500


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_workers_is_a_whole_number_or_auto(runner, value):
    result = runner.invoke(cli, ["ingest", "--sample", "--workers", value])
    assert result.exit_code == 2 and "neither a whole number of at least 1 nor 'auto'" in result.output


def test_workers_auto_is_the_cpus_available_up_to_the_limit():
    from plannlp.cli import WorkerCount, available_cpus

    assert WorkerCount().convert("auto", None, None) == available_cpus()
    assert WorkerCount(auto_limit=1).convert("AUTO", None, None) == 1
    assert WorkerCount(auto_limit=4).convert("3", None, None) == 3


def test_info_prints_versions_models_and_their_figures():
    from click.testing import CliRunner

    from plannlp.cli import cli

    result = CliRunner().invoke(cli, ["info"])
    assert result.exit_code == 0, result.output
    import json
    from pathlib import Path

    role = json.loads((Path(__file__).resolve().parents[1] / "models" / "role" / "meta.json").read_text())
    assert f"role {role['version']}" in result.output
    assert "macro-F1 over achievement/issue/measure 0." in result.output
    assert "fugashi " in result.output and "unidic-lite " in result.output


@pytest.mark.parametrize("command", [["train", "--only", "sdg"], ["evaluate", "--only", "sdg"]])
def test_train_and_evaluate_outside_the_repository_say_where_the_corpus_is(runner, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, command)
    assert result.exit_code == 2
    assert "No labelled corpus in 'corpora'" in result.output and "--corpus" in result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []
