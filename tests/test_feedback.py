"""What the CLI says while it works: --quiet/--verbose, progress bars only on a terminal,
hints for a folder given to ingest and a plan file given to kb load, missing extras."""

from __future__ import annotations

import io
import logging

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SEEDS, seed_path
from plannlp.cli import cli, feedback

BAR_MARKS = ("\r", "step/s", "it/s", "|█", "%|")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def default_level():
    yield
    feedback.configure()  # each test's --quiet/--verbose does not leak into the next


def test_no_progress_bar_when_stderr_is_not_a_terminal(runner, tmp_path):
    out = tmp_path / "two.jsonl"
    result = runner.invoke(cli, ["ingest", str(seed_path("000")), str(seed_path("004")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert not any(mark in result.stderr for mark in BAR_MARKS)
    assert result.stderr.startswith("plannlp: wrote 2 document(s)")
    assert result.stdout == ""


def test_jsonl_on_stdout_is_data_only(runner):
    result = runner.invoke(cli, ["ingest", str(seed_path("004")), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    import json

    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all("text" in row for row in rows)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_and_not_when_quiet(monkeypatch):
    from tqdm import tqdm

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    feedback.configure()
    bar = feedback.progress(3, unit="file", desc="kb load")
    assert isinstance(bar, tqdm)
    bar.update(3)
    bar.close()
    assert "kb load:" in terminal.getvalue() and "0/3" in terminal.getvalue()
    feedback.configure(quiet=True)
    assert isinstance(feedback.progress(3, unit="file"), feedback.NoBar)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    feedback.configure()
    assert isinstance(feedback.progress(3, unit="file"), feedback.NoBar)


def test_quiet_prints_only_errors(runner, tmp_path):
    out = tmp_path / "plans.csv"
    # seed 002's raw text layer makes no warning; a missing file is an error
    args = ["ingest", str(seed_path("000")), str(tmp_path / "missing.txt"), "-o", str(out)]
    loud = runner.invoke(cli, args)
    quiet = runner.invoke(cli, ["--quiet", *args])
    assert loud.exit_code == quiet.exit_code == 1
    assert "wrote 1 document(s)" in loud.stderr and "wrote" not in quiet.stderr
    assert "[E101]" in quiet.stderr and "1 of 2 file(s) failed" in quiet.stderr
    assert out.exists()


def test_verbose_prints_stage_timings(runner, tmp_path):
    result = runner.invoke(cli, ["--verbose", "ingest", str(seed_path("004")), "-o", str(tmp_path / "a.jsonld")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    for stage in ("extract", "clean", "structure", "segment", "indicators"):
        assert any(line.startswith(f"plannlp: stage {stage}: ") and line.endswith(" s") for line in lines), stage
    assert any("tokenize+classify_roles+link_sdgs" in line for line in lines)
    default = runner.invoke(cli, ["ingest", str(seed_path("004")), "-o", str(tmp_path / "b.jsonld")])
    assert "plannlp: stage" not in default.stderr


def test_quiet_and_verbose_together_is_a_usage_error(runner):
    result = runner.invoke(cli, ["--quiet", "--verbose", "info"])
    assert result.exit_code == 2 and "cannot be used together" in result.output


def test_ingest_of_a_folder_points_to_batch(runner):
    result = runner.invoke(cli, ["ingest", str(SEEDS)])
    assert result.exit_code == 2
    assert f"plannlp batch {SEEDS} -o OUT/" in result.stderr
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_kb_load_of_a_plan_file_says_to_ingest_it_first(runner, tmp_path):
    store = tmp_path / "kb"
    for plan in (seed_path("000"), FIXTURES / "pdf" / "seed004_table.pdf"):
        result = runner.invoke(cli, ["kb", "load", str(plan), "--store", str(store)])
        assert result.exit_code == 2, result.output
        assert f"plannlp ingest {plan} -o {plan.stem}.jsonld" in result.stderr
        assert not store.exists()  # refused before the store was made


def test_kb_load_quiet_prints_nothing(runner, tmp_path):
    pytest.importorskip("pyoxigraph")
    plan = tmp_path / "004.jsonld"
    assert runner.invoke(cli, ["ingest", str(seed_path("004")), "-o", str(plan)]).exit_code == 0
    loud = runner.invoke(cli, ["kb", "load", str(plan), "--store", str(tmp_path / "kb1")])
    quiet = runner.invoke(cli, ["--quiet", "kb", "load", str(plan), "--store", str(tmp_path / "kb2")])
    assert loud.exit_code == quiet.exit_code == 0
    assert "triples" in loud.stdout and quiet.output == ""


def test_a_missing_extra_is_named_in_one_line(runner, monkeypatch):
    import plannlp.cli.info_cmd as info_cmd

    def needs_pandas():
        raise ModuleNotFoundError("No module named 'pandas'", name="pandas")

    monkeypatch.setattr(info_cmd, "model_lines", needs_pandas)
    result = runner.invoke(cli, ["info"])
    assert result.exit_code == 1
    assert "[E205]" in result.stderr and "pip install 'plannlp[batch]'" in result.stderr


def test_logging_goes_through_one_handler():
    feedback.configure()
    feedback.configure(verbose=True)
    logger = logging.getLogger("plannlp")
    assert sum(isinstance(h, feedback.EchoHandler) for h in logger.handlers) == 1
    assert logger.level == logging.DEBUG
