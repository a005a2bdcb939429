"""Writing under faults (issue #16, items 9 and 10): a full disk as standard output
(/dev/full), as the output file, a write failure injected in the writer, a read-only folder.
Each is one line naming what failed, exit status 1, and no partial or temporary file."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import seed_path
from plannlp.cli import cli
from plannlp.errors import OutputError

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")


def _plannlp(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plannlp", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=180)


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("plannlp: [E")]
    assert len(lines) == 1, stderr
    return lines[0]


@needs_dev_full
@pytest.mark.parametrize("args", [
    ["ingest", str(seed_path("004")), "--format", "jsonl", "--workers", "1"],  # large: fails mid-write
    ["kb", "ask", "--list"],                                                   # small: fails at the last flush
])
def test_standard_output_on_a_full_disk_is_an_error_not_a_silent_truncation(args):
    with open("/dev/full", "w") as full:
        proc = _plannlp(*args, stdout=full)
    assert proc.returncode == 1
    line = _one_line(proc.stderr)
    assert "[E301] standard output: Cannot write the output: the disk is full." in line


@needs_dev_full
def test_an_output_file_on_a_full_disk_is_one_line_and_the_device_stays():
    proc = _plannlp("ingest", str(seed_path("004")), "-o", "/dev/full", "--workers", "1")
    assert proc.returncode == 1
    assert "[E301] /dev/full: Cannot write the output: the disk is full." in _one_line(proc.stderr)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # written to, never replaced by a rename
    assert not [name for name in os.listdir("/dev") if name.startswith(".full.")]


def _fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "the disk is full"), (errno.EIO, "input/output error")])
def test_a_write_failure_in_the_writer_leaves_the_old_file_and_no_part(default_pipeline, tmp_path, monkeypatch,
                                                                        code, reason):
    from plannlp.export import write_document

    doc = default_pipeline.ingest(seed_path("004"))
    out = tmp_path / "plan.jsonld"
    out.write_text("the previous version", encoding="utf-8")
    monkeypatch.setattr("plannlp.export.atomic.os.fsync", _fail_with(code))
    with pytest.raises(OutputError, match=f"Cannot write the output: {reason}"):
        write_document(doc, out)
    assert out.read_text(encoding="utf-8") == "the previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.jsonld"]


def test_a_full_disk_while_writing_is_one_line_from_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr("plannlp.export.atomic.os.fsync", _fail_with(errno.ENOSPC))
    out = tmp_path / "plan.csv"
    result = CliRunner().invoke(cli, ["ingest", str(seed_path("004")), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 1
    assert f"[E301] {out}: Cannot write the output: the disk is full." in result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_a_read_only_output_folder_is_one_line(tmp_path, monkeypatch):
    # root ignores file modes, so the read-only file system is injected where the file is made
    monkeypatch.setattr("plannlp.export.atomic.tempfile.mkstemp", _fail_with(errno.EROFS))
    result = CliRunner().invoke(cli, ["ingest", str(seed_path("004")), "-o", str(tmp_path / "x.jsonld"),
                                      "--workers", "1"])
    assert result.exit_code == 1
    assert "Cannot write the output: the disk or folder is read-only." in result.output


def test_a_full_disk_when_a_batch_finishes_is_one_line(tmp_path, monkeypatch):
    """The batch's last step (tables, summary) on a full disk: the disk error, on one line."""
    import shutil

    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(seed_path("004"), plans / "annaka.txt")
    import plannlp.batch.tables as tables

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tables, "write_tables", full_disk)
    result = CliRunner().invoke(cli, ["batch", str(plans), "-o", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "the disk is full" in result.output
