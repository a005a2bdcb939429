"""Batch runs: a folder mixing good and bad files, resume after SIGKILL, the Dask engine."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SEED_FILES, seed_path
from plannlp.batch import collect, run_batch
from plannlp.batch.runner import read_ledger
from plannlp.cli import cli


@pytest.fixture
def mixed(tmp_path) -> Path:
    folder = tmp_path / "plans"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seed_path("004"), folder / "annaka.txt")
    shutil.copy(FIXTURES / "pdf" / "seed002_layout.pdf", folder / "sub" / "saku_housin.pdf")
    shutil.copy(FIXTURES / "text" / "sjis.txt", folder / "saku_kyodo_sjis.txt")
    shutil.copy(FIXTURES / "text" / "empty.txt", folder / "empty.txt")
    shutil.copy(FIXTURES / "pdf" / "truncated.pdf", folder / "sub" / "corrupt.pdf")
    shutil.copy(FIXTURES / "pdf" / "encrypted.pdf", folder / "encrypted.pdf")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not a plan")  # not collected: not a plan suffix
    return folder


def test_a_mixed_folder_runs_to_the_end_and_records_the_bad_files(mixed, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(mixed), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "3 document(s) failed" in result.stderr
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    by_file = {Path(e["file"]).name: e for e in errors}
    assert set(by_file) == {"empty.txt", "corrupt.pdf", "encrypted.pdf"}
    assert by_file["empty.txt"]["error_type"] == "EmptyFileError" and by_file["empty.txt"]["stage"] == "extract"
    assert by_file["encrypted.pdf"]["error_type"] == "EncryptedPDFError"
    assert by_file["corrupt.pdf"]["error_type"] == "CorruptPDFError"
    outputs = sorted(p.name for p in (out / "documents").glob("*.jsonld"))
    assert len(outputs) == 3 and any(name.startswith("saku_kyodo_sjis-") for name in outputs)  # Shift_JIS read
    documents = pd.read_parquet(out / "tables" / "documents.parquet")
    sentences = pd.read_parquet(out / "tables" / "sentences.parquet")
    assert len(documents) == 3 and set(documents["municipality"]) >= {"安中市", "佐久市"}
    assert {"document", "id", "text", "role", "sdgs", "page", "start", "end", "section"} <= set(sentences.columns)
    assert len(pd.read_csv(out / "tables" / "sentences.csv", encoding="utf-8-sig")) == len(sentences)
    assert (out / "sdg_coverage.png").stat().st_size > 10_000
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["this_run"]["processed"] == 3 and summary["this_run"]["failed"] == 3


def test_a_rerun_skips_what_is_done_and_retries_failures(mixed, tmp_path):
    out = tmp_path / "out"
    items = collect([str(mixed)])
    first = run_batch(items, out, workers=1)
    second = run_batch(items, out, workers=1)
    assert (first.processed, first.failed) == (3, 3)
    assert (second.processed, second.skipped, second.failed) == (0, 3, 3)
    (mixed / "annaka.txt").write_text(seed_path("004").read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    third = run_batch(items, out, workers=1)
    assert (third.processed, third.skipped) == (1, 2)  # changed content is processed again


def test_a_manifest_fills_document_metadata(tmp_path):
    shutil.copy(seed_path("004"), tmp_path / "plan.txt")
    manifest = tmp_path / "plans.csv"
    manifest.write_text("path,municipality,municipality_code,title,plan_type,period,previous_revision\n"
                        "plan.txt,安中市,102113,安中市総合計画,総合計画,2018-2027,\n", encoding="utf-8")
    summary = run_batch(collect([], manifest), tmp_path / "out", workers=1)
    assert summary.processed == 1
    row = pd.read_parquet(tmp_path / "out" / "tables" / "documents.parquet").iloc[0]
    assert (row["title"], row["period_start"], row["period_end"], row["plan_type"]) == (
        "安中市総合計画", 2018, 2027, "総合計画")


@pytest.mark.slow
def test_a_run_killed_mid_way_resumes_with_every_document_once(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for key in SEED_FILES:
        shutil.copy(seed_path(key), folder / f"seed{key}.txt")
    shutil.copy(FIXTURES / "text" / "sjis.txt", folder / "sjis.txt")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "plannlp", "batch", str(folder), "-o", str(out), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    state = out / "state.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if state.exists() and len(state.read_text(encoding="utf-8").splitlines()) >= 2:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(read_ledger(out))
    assert 2 <= done_before < 6, "the run should have been killed mid-way"
    resumed = run_batch(collect([str(folder)]), out, workers=1)
    assert resumed.skipped >= done_before - 1 and resumed.processed + resumed.skipped == 6
    ledger = read_ledger(out)
    assert len(ledger) == 6 and all(r["status"] == "ok" for r in ledger.values())
    outputs = list((out / "documents").glob("*.jsonld"))
    assert len(outputs) == 6 and not list((out / "documents").glob("*.part"))
    documents = pd.read_parquet(out / "tables" / "documents.parquet")
    assert len(documents) == 6 and documents["sha256"].is_unique


@pytest.mark.slow
def test_the_dask_engine_on_a_local_cluster_gives_the_same_tables(mixed, tmp_path):
    pytest.importorskip("distributed")
    local = run_batch(collect([str(mixed)]), tmp_path / "local", workers=1)
    dask = run_batch(collect([str(mixed)]), tmp_path / "dask", workers=2, engine="dask")
    assert (dask.processed, dask.failed) == (local.processed, local.failed) == (3, 3)
    frames = [pd.read_parquet(tmp_path / name / "tables" / "sentences.parquet").sort_values(["document", "id"])
              for name in ("local", "dask")]
    assert frames[0]["role"].tolist() == frames[1]["role"].tolist()
