"""Batch runs under faults (issue 16): workers that die, a main process killed with SIGKILL,
hostile file names, torn ledgers, leftovers of killed runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import plan_slices, seed_text
from plannlp.batch import collect, run_batch
from plannlp.batch.runner import read_ledger
from plannlp.cli import cli

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


# --- one document per file and per content (item 2) -----------------------------------------


def documents_table(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "tables" / "documents.parquet")


def test_the_same_files_given_relative_absolute_or_through_a_symlink_are_processed_once(tmp_path, monkeypatch):
    write_plans(tmp_path / "plans", plan_slices(3))
    (tmp_path / "link").symlink_to(tmp_path / "plans", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    runs = [run_batch(collect([spelling]), out) for spelling in ("plans", str(tmp_path / "plans"), "link")]
    assert [(r.processed, r.skipped) for r in runs] == [(3, 0), (0, 3), (0, 3)]
    assert len(documents_table(out)) == 3
    assert len((out / "state.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_the_same_content_under_two_names_is_one_document_the_other_name_a_duplicate(tmp_path):
    a, _ = write_plans(tmp_path / "plans", plan_slices(2))
    (tmp_path / "plans" / "copy_of_plan000.txt").write_bytes(a.read_bytes())
    (tmp_path / "plans" / "link_to_plan000.txt").symlink_to(a)  # the same file: not even a duplicate
    out = tmp_path / "out"
    first = run_batch(collect([str(tmp_path / "plans")]), out)
    assert (first.processed, first.failed, len(first.duplicates)) == (2, 0, 1)
    documents = documents_table(out)
    assert len(documents) == 2 and documents["sha256"].is_unique and documents["document"].is_unique
    (duplicate,) = first.duplicates
    pair = {Path(duplicate["file"]).resolve(), Path(duplicate["duplicate_of"]).resolve()}
    assert pair == {a, tmp_path / "plans" / "copy_of_plan000.txt"}
    assert "## Duplicates" in (out / "summary.md").read_text(encoding="utf-8")
    lines = len((out / "state.jsonl").read_text(encoding="utf-8").splitlines())
    again = run_batch(collect([str(tmp_path / "plans")]), out)
    assert (again.processed, again.skipped, len(again.duplicates)) == (0, 2, 1)
    assert len((out / "state.jsonl").read_text(encoding="utf-8").splitlines()) == lines


def test_files_deleted_from_the_input_are_dropped_from_the_tables_and_reported(tmp_path):
    keep, gone = write_plans(tmp_path / "plans", plan_slices(2))
    (tmp_path / "plans" / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert run_batch(collect([str(tmp_path / "plans")]), out).failed == 1
    gone.unlink()
    (tmp_path / "plans" / "empty.txt").unlink()
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "plans"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 file(s) of earlier runs are gone and were dropped from the tables" in result.stderr
    assert len(documents_table(out)) == 1
    assert (out / "errors.jsonl").read_text(encoding="utf-8") == ""
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Removed by this run" in summary and gone.name in summary
    assert [p.name.split("-")[0] for p in (out / "documents").iterdir()] == [keep.stem, keep.stem]
    again = CliRunner().invoke(cli, ["batch", str(tmp_path / "plans"), "-o", str(out)])
    assert "gone" not in again.stderr  # reported once


# --- the ledger, usage and names (item 14) -----------------------------------------------------


def test_a_torn_last_ledger_line_does_not_swallow_the_next_record(tmp_path):
    first, second = write_plans(tmp_path / "plans", plan_slices(2))
    out = tmp_path / "out"
    run_batch(collect([str(first)]), out)
    with (out / "state.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"path": "plans/other.txt", "sha256": "ab')  # a run killed mid-line
    run_batch(collect([str(first), str(second)]), out)
    assert {Path(r["path"]).name for r in read_ledger(out).values()} == {first.name, second.name}
    assert run_batch(collect([str(first), str(second)]), out).skipped == 2


def test_a_missing_input_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "nosuchdir"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "No such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_control_characters_in_file_names_are_shown_escaped(tmp_path):
    folder = tmp_path / "plans"
    write_plans(folder, plan_slices(1), prefix="plan\n\x1b[31m")
    (folder / "empty\n| x |.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "\x1b" not in summary and "empty\\n/ x /.txt" in summary
    rows = [line for line in summary.splitlines() if line.startswith("|")]
    assert rows and all(line.count("|") == 5 for line in rows)
    single = CliRunner().invoke(cli, ["ingest", str(folder / "empty\n| x |.txt"), "-o", str(tmp_path / "x.jsonld")])
    assert "empty\\n| x |.txt" in single.stderr and "\n| x" not in single.stderr


def test_a_named_pipe_is_not_called_a_folder_and_does_not_block_a_batch(tmp_path):
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, ["ingest", str(fifo), "-o", str(tmp_path / "x.jsonld")])
    assert result.exit_code == 1 and "folder" not in result.stderr and "named pipe" in result.stderr
    summary = run_batch(collect([str(fifo)]), tmp_path / "out")
    assert summary.failed == 1 and summary.failures[0]["code"] == "E103"


# --- worker processes end with their main process (item 4) -------------------------------------


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its exit status is left)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _maps(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "maps").read_text()
    except OSError:
        return ""


def poll(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(message)


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "plannlp", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _kill_main_and_expect_workers_gone(main: subprocess.Popen, workers: set[int]) -> None:
    try:
        os.kill(main.pid, signal.SIGKILL)
        main.wait()
        poll(lambda: not any(_running(pid) for pid in workers), 10,
             f"worker processes still running 10 s after their main process was killed: {workers}")
    finally:
        for pid in workers:  # never leave them behind, even when the test fails
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@linux_only
def test_batch_workers_end_when_the_main_process_is_killed(tmp_path):
    folder = tmp_path / "plans"
    write_plans(folder, [seed_text("003") + f"\n追記{i}。\n" for i in range(40)])
    out = tmp_path / "out"
    main = _start(["batch", str(folder), "-o", str(out), "--workers", "2"])
    poll(lambda: (out / "state.jsonl").exists() and (out / "state.jsonl").read_text().count("\n") >= 1, 120,
         "the batch run finished no document")
    workers = _children(main.pid)
    assert len(workers) >= 2
    _kill_main_and_expect_workers_gone(main, workers)


@pytest.mark.slow
@linux_only
def test_ingest_workers_end_when_the_main_process_is_killed(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("\n".join(seed_text("003") for _ in range(20)), encoding="utf-8")
    main = _start(["ingest", str(plan), "--workers", "2", "-o", str(tmp_path / "out.jsonld")])
    worker = poll(lambda: next((pid for pid in _children(main.pid) if "fugashi" in _maps(pid)), None), 120,
                  "the ingest worker never built its stages")
    _kill_main_and_expect_workers_gone(main, _children(main.pid) | {worker})


# --- leftovers of killed runs (item 13) ----------------------------------------------------------

_WRITE_AND_WAIT = """
import sys
from plannlp.export.atomic import atomic_writer
with atomic_writer(sys.argv[1]) as handle:
    handle.write("{" * 1000)
    handle.flush()
    print("writing", flush=True)
    sys.stdin.read()
"""


def test_temporary_files_of_a_killed_writer_are_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    (out / "documents").mkdir(parents=True)
    writer = subprocess.Popen([sys.executable, "-c", _WRITE_AND_WAIT, str(out / "documents" / "plan-0123456789ab.jsonld")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    writer.kill()
    writer.wait()
    assert len(list((out / "documents").glob(".*.part"))) == 1
    (plan,) = write_plans(tmp_path / "plans", plan_slices(1))
    summary = run_batch(collect([str(plan)]), out)
    assert summary.temporary_files_removed == 1
    assert not [p for p in out.rglob("*") if ".part" in p.name]


def test_a_second_run_on_the_same_output_folder_is_refused(tmp_path):
    import fcntl

    from plannlp.batch.folder import LOCK
    from plannlp.errors import UsageError

    (plan,) = write_plans(tmp_path / "plans", plan_slices(1))
    out = tmp_path / "out"
    out.mkdir()
    with (out / LOCK).open("a") as held:  # another run holds the folder
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UsageError, match="Another plannlp batch run is writing"):
            run_batch(collect([str(plan)]), out)
    assert run_batch(collect([str(plan)]), out).processed == 1


# --- the "done when" ------------------------------------------------------------------


def _hostile_files(folder: Path, spare_text: str) -> tuple[set[str], set[str]]:
    """Ten hostile files: (names that must fail, names that must be processed)."""
    from conftest import FIXTURES

    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t\n\xe3\x80\x80\n")
    (folder / "garbage.txt").write_bytes((FIXTURES / "text" / "garbage.bin").read_bytes())
    (folder / "not_a_pdf.pdf").write_text(spare_text, encoding="utf-8")
    for name in ("truncated.pdf", "encrypted.pdf", "image_only.pdf"):
        (folder / name).write_bytes((FIXTURES / "pdf" / name).read_bytes())
    (folder / "killer.txt").write_text(spare_text + KILL_MARKER + "\n", encoding="utf-8")
    (folder / "long_row.txt").write_text(
        "\t".join(["指標名", "現状値", "目標値"] * 15_000) + "\n" + spare_text, encoding="utf-8")  # 120,000 characters
    (folder / "line\nbreak \x1b[31mred.txt").write_text("市の人口は減少しています。\n" + spare_text, encoding="utf-8")
    bad = {"empty.txt", "blank.txt", "garbage.txt", "not_a_pdf.pdf", "truncated.pdf", "encrypted.pdf",
           "image_only.pdf", "killer.txt"}
    return bad, {"long_row.txt", "line\nbreak \x1b[31mred.txt"}


@pytest.mark.slow
@linux_only
def test_two_hundred_files_with_hostile_ones_a_killed_worker_and_a_killed_run(kill_switch, tmp_path, monkeypatch):
    """Issue 16, "done when": 200 files, 10 of them hostile; one document kills its worker; the
    run's main process is killed with SIGKILL mid-way, then the run is resumed (the folder
    given two ways). Every good document is once in the tables, every bad one once in
    errors.jsonl."""
    folder = tmp_path / "plans"
    texts = plan_slices(191)
    good = {p.name for p in write_plans(folder, texts[:190])}
    bad, hostile_good = _hostile_files(folder, texts[190])
    good |= hostile_good
    assert len(good) + len(bad) == 200
    out = tmp_path / "out"
    main = _start(["batch", str(folder), "-o", str(out), "--workers", "2"])
    poll(lambda: (out / "state.jsonl").exists() and (out / "state.jsonl").read_text().count("\n") >= 40, 120,
         "the first run never got 40 documents done")
    _kill_main_and_expect_workers_gone(main, _children(main.pid))
    assert not (out / "summary.json").exists()  # killed before its end
    done_before = sum(r["status"] == "ok" for r in read_ledger(out).values())
    monkeypatch.chdir(tmp_path)
    resumed = run_batch(collect([str(folder), "plans"]), out, workers=2)
    assert resumed.total == 200 and resumed.skipped == done_before >= 30

    ledger = read_ledger(out)
    assert len(ledger) == 200
    documents = documents_table(out)
    assert sorted(documents["file"]) == sorted(good)
    assert documents["sha256"].is_unique and documents["document"].is_unique
    sentences = pd.read_parquet(out / "tables" / "sentences.parquet")
    assert set(sentences["document"]) <= set(documents["document"])
    assert not sentences.duplicated(["document", "id"]).any()
    errors = read_errors(out)
    assert sorted(Path(e["file"]).name for e in errors) == sorted(bad)
    assert {Path(e["file"]).name: e["error_type"] for e in errors}["killer.txt"] == "WorkerDiedError"
    assert len(list((out / "documents").glob("*.jsonld"))) == len(good)
    assert not [p for p in out.rglob("*") if ".part" in p.name]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "\x1b" not in summary and all(line.count("|") == 5 for line in summary.splitlines() if line.startswith("|"))
