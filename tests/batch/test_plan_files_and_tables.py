"""Batch inputs (issue #19, items 1 and 3): which files of a folder are taken, --include and
--exclude, and tables people join (file and path in every row, years as integers)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO, seed_path
from plannlp.batch.inputs import collect_inputs
from plannlp.batch.selection import HEAD_BYTES, MIN_PLAN_CHARS, why_not_a_plan
from plannlp.cli import cli

NOTE = ("# 作業メモ\n\nこのフォルダの文書は各市のウェブサイトから取得した。PDFは再取得すること。"
        "表の読み取りは後で確認する。出典の一覧はSOURCE.mdにまとめてある。担当者と日付も残しておく。"
        "取得した日付は各ファイルの名前に書いておくこと。重複したファイルは削除してよい。\n")


@pytest.fixture
def folder(tmp_path) -> Path:
    """Two plans with indicator tables (小諸市 with some years missing, 安中市), a PDF, and the
    files a real folder of plans also holds."""
    plans = tmp_path / "plans"
    (plans / "old").mkdir(parents=True)
    shutil.copy(seed_path("003"), plans / "komoro.txt")
    shutil.copy(seed_path("004"), plans / "annaka.txt")
    shutil.copy(FIXTURES / "pdf" / "seed004_indicators.pdf", plans / "annaka_indicators.pdf")
    shutil.copy(seed_path("000"), plans / "old" / "saku.txt")
    shutil.copy(REPO / "corpora" / "seeds" / "SOURCE.md", plans / "SOURCE.md")
    shutil.copy(REPO / "README.md", plans / "README.md")
    (plans / "LICENSE").write_text("CC BY 4.0\n", encoding="utf-8")
    (plans / "LICENSE.txt").write_text("Creative Commons Attribution 4.0 International\n" * 20, encoding="utf-8")
    (plans / "notes.md").write_text(NOTE, encoding="utf-8")
    (plans / "stub.txt").write_text("第1章 総論\n（作成中）\n", encoding="utf-8")
    (plans / "english.txt").write_text((REPO / "docs" / "batch.md").read_text(encoding="utf-8"), encoding="utf-8")
    return plans


def test_a_folder_gives_only_its_plans_and_says_why_of_the_others(folder):
    inputs = collect_inputs([str(folder)])
    taken = sorted(Path(item.path).relative_to(folder).as_posix() for item in inputs.items)
    assert taken == ["annaka.txt", "annaka_indicators.pdf", "komoro.txt", "old/saku.txt"]
    reasons = {Path(f.path).name: f.reason for f in inputs.set_aside}
    assert set(reasons) == {"SOURCE.md", "README.md", "LICENSE.txt", "notes.md", "stub.txt", "english.txt"}
    assert "note about the folder" in reasons["SOURCE.md"] and "note about the folder" in reasons["README.md"]
    assert reasons["notes.md"].startswith("a Markdown note")
    assert reasons["stub.txt"].startswith("too short to be a plan")
    assert reasons["english.txt"].startswith("not Japanese text")
    # LICENSE has no plan suffix: not even looked at


def test_include_and_exclude_globs_pick_files_by_path_or_name(folder):
    only_pdfs = collect_inputs([str(folder)], include=("*.pdf",))
    assert [Path(i.path).name for i in only_pdfs.items] == ["annaka_indicators.pdf"]
    assert {f.reason for f in only_pdfs.set_aside if Path(f.path).name == "komoro.txt"} == {
        "matches no --include (*.pdf)"}
    no_old = collect_inputs([str(folder)], exclude=("old/*", "komoro*"))
    assert sorted(Path(i.path).name for i in no_old.items) == ["annaka.txt", "annaka_indicators.pdf"]
    reasons = {Path(f.path).name: f.reason for f in no_old.set_aside}
    assert reasons["saku.txt"] == "matches --exclude old/*" and reasons["komoro.txt"] == "matches --exclude komoro*"


def test_a_file_named_on_the_command_line_is_always_taken(folder):
    inputs = collect_inputs([str(folder / "notes.md"), str(folder / "stub.txt")])
    assert len(inputs.items) == 2 and inputs.set_aside == []


def test_the_look_at_a_text_file_reads_only_its_first_kilobytes(tmp_path):
    plan = tmp_path / "long.txt"
    # a Japanese plan's first lines, then English: judged by the start only
    plan.write_text(seed_path("004").read_text(encoding="utf-8")[:3000] + "English appendix. " * 5000, encoding="utf-8")
    assert plan.stat().st_size > 10 * HEAD_BYTES and why_not_a_plan(plan) is None
    shifted = tmp_path / "late.txt"
    shifted.write_text("English preface. " * 1000 + seed_path("004").read_text(encoding="utf-8"), encoding="utf-8")
    assert why_not_a_plan(shifted).startswith("not Japanese text")
    short = tmp_path / "short.txt"
    short.write_text(seed_path("004").read_text(encoding="utf-8")[:MIN_PLAN_CHARS - 10], encoding="utf-8")
    assert why_not_a_plan(short).startswith("too short")
    sjis = tmp_path / "sjis.txt"
    shutil.copy(FIXTURES / "text" / "sjis.txt", sjis)
    assert why_not_a_plan(sjis) is None  # decoded as Shift_JIS like ingest does


def test_a_batch_run_lists_what_it_left_out_and_writes_joinable_integer_tables(folder, tmp_path):
    out = tmp_path / "out"
    manifest = tmp_path / "plans.csv"
    manifest.write_text("file,title,municipality,plan_type,period\n"
                        f"{folder / 'annaka.txt'},安中市総合計画 政策大綱6,安中市,総合計画,平成30年度～令和9年度\n",
                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--workers", "1",
                                      "--exclude", "*.pdf", "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    assert "7 file(s) of the folders were not taken" in result.stderr
    summary_md = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Not taken" in summary_md and "| " + str(folder / "notes.md") + " | a Markdown note" in summary_md
    assert "matches --exclude *.pdf" in summary_md
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["this_run"]["set_aside"]) == 7

    tables = out / "tables"
    documents = pd.read_parquet(tables / "documents.parquet")
    assert sorted(documents["file"]) == ["annaka.txt", "komoro.txt", "saku.txt"]
    annaka = documents.set_index("file").loc["annaka.txt"]
    assert (annaka["title"], annaka["period_start"], annaka["period_end"]) == ("安中市総合計画 政策大綱6", 2018, 2027)
    for name in ("documents", "sentences", "sdg_links", "indicators"):
        frame = pd.read_parquet(tables / f"{name}.parquet")
        assert {"document", "file", "path"} <= set(frame.columns), name
        assert frame["file"].notna().all() and set(frame["path"]) <= {str(folder / f) for f in
                                                                     ("komoro.txt", "annaka.txt", "old/saku.txt")}
    indicators = pd.read_parquet(tables / "indicators.parquet")
    assert indicators["baseline_year"].isna().any() and indicators["baseline_year"].notna().any()  # a mixed column
    for column in ("baseline_year", "final_target_year"):
        assert str(indicators[column].dtype) == "Int64"
    assert str(documents["period_start"].dtype) == "Int64" and documents["period_start"].isna().any()
    assert str(pd.read_parquet(tables / "sentences.parquet")["page"].dtype) == "Int64"
    # the CSVs: no "2019.0" in any year column, and pandas reads them back as integers
    for name, columns in (("indicators", ("baseline_year", "final_target_year")),
                          ("documents", ("period_start", "period_end"))):
        with (tables / f"{name}.csv").open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        for column in columns:
            assert all(re.fullmatch(r"\d{4}|", row[column]) for row in rows), (name, column)
        read = pd.read_csv(tables / f"{name}.csv", encoding="utf-8-sig", dtype={c: "Int64" for c in columns})
        assert read[columns[0]].dropna().between(1990, 2100).all()
    sentences = pd.read_csv(tables / "sentences.csv", encoding="utf-8-sig")
    assert str(sentences["start"].dtype) == "int64" and sentences["file"].nunique() == 3
    joined = sentences.merge(documents[["document", "title"]], on="document")
    assert len(joined) == len(sentences)
