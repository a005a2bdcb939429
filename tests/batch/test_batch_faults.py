"""Batch runs under faults (issue 16): workers that die, a main process killed with SIGKILL,
hostile file names, torn ledgers, leftovers of killed runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import plan_slices
from plannlp.batch import collect, run_batch

FAULTS = Path(__file__).parent / "faults"
#: A file holding this line kills the worker process that reads it (see faults/sitecustomize.py).
KILL_MARKER = "FAULT-INJECTION: this file kills the process that reads it"


@pytest.fixture
def kill_switch(monkeypatch):
    """Processes started from now on die (SIGKILL) when they read a file holding KILL_MARKER."""
    paths = [str(FAULTS), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("PLANNLP_TEST_KILL_MARKER", KILL_MARKER)


def write_plans(folder: Path, texts: list[str], prefix: str = "plan") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"{prefix}{i:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def read_errors(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_document_that_kills_its_worker_fails_alone_and_the_run_goes_on(kill_switch, tmp_path):
    texts = plan_slices(7)
    write_plans(tmp_path / "plans", texts[:6])
    (tmp_path / "plans" / "killer.txt").write_text(texts[6] + KILL_MARKER + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(collect([str(tmp_path / "plans")]), out, workers=2)
    assert (summary.processed, summary.failed) == (6, 1)
    (error,) = read_errors(out)
    assert Path(error["file"]).name == "killer.txt"
    assert (error["error_type"], error["code"], error["stage"]) == ("WorkerDiedError", "E501", "worker")
    assert len(pd.read_parquet(out / "tables" / "documents.parquet")) == 6
    assert "killer.txt" in (out / "summary.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_on_dask_a_document_that_kills_its_worker_takes_no_innocent_one_with_it(kill_switch, tmp_path):
    pytest.importorskip("distributed")
    texts = plan_slices(9)
    write_plans(tmp_path / "plans", texts[:8])
    (tmp_path / "plans" / "killer.txt").write_text(texts[8] + KILL_MARKER + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(collect([str(tmp_path / "plans")]), out, workers=2, engine="dask")
    assert (summary.processed, summary.failed) == (8, 1)
    (error,) = read_errors(out)
    assert (Path(error["file"]).name, error["error_type"]) == ("killer.txt", "WorkerDiedError")
