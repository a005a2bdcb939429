"""The batch run's Excel workbook (tables/tables.xlsx): the combined tables, one sheet each."""

from __future__ import annotations

import shutil

import pandas as pd
from openpyxl import load_workbook

from conftest import FIXTURES, seed_path
from plannlp.batch import collect, run_batch
from plannlp.batch import tables as tables_module


def sheet_rows(sheet) -> list[dict]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_workbook_holds_the_combined_tables(tmp_path, monkeypatch):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(seed_path("004"), plans / "annaka.txt")
    shutil.copy(FIXTURES / "text" / "sjis.txt", plans / "saku_kyodo_sjis.txt")
    shutil.copy(FIXTURES / "text" / "empty.txt", plans / "empty.txt")  # fails: no rows
    out = tmp_path / "out"
    summary = run_batch(collect([str(plans)]), out)
    assert (summary.processed, summary.failed) == (2, 1)

    book = load_workbook(out / "tables" / "tables.xlsx")
    assert book.sheetnames == ["sentences", "sdg_links", "indicators", "documents"]
    for name in book.sheetnames:
        parquet = pd.read_parquet(out / "tables" / f"{name}.parquet")
        sheet = book[name]
        assert sheet.max_row == len(parquet) + 1, name
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.endswith(str(len(parquet) + 1))
    documents = sheet_rows(book["documents"])
    assert sorted(r["file"] for r in documents) == ["annaka.txt", "saku_kyodo_sjis.txt"]
    files = {r["document"]: r["file"] for r in documents}

    sentences = pd.read_parquet(out / "tables" / "sentences.parquet")
    rows = sheet_rows(book["sentences"])
    assert [(r["document"], r["id"], r["text"]) for r in rows] == \
        list(zip(sentences["document"], sentences["id"], sentences["text"], strict=True))
    assert {files[r["document"]] for r in rows} == {"annaka.txt", "saku_kyodo_sjis.txt"}
    assert all(r["file"] == files[r["document"]] for r in rows)
    linked = next(r for r in rows if r["sdgs"])
    assert linked["sdg_names"].split("; ")[0].startswith(linked["sdgs"].split(";")[0] + " ")
    links = sheet_rows(book["sdg_links"])
    assert len({r["document"] for r in links}) == 2
    assert all(r["goal_name"].startswith(f"{r['goal']} ") for r in links)
    assert "tables.xlsx: all four tables" in (out / "summary.md").read_text(encoding="utf-8")

    # a rerun without the workbook (plannlp batch --no-xlsx) removes the older one, and says so
    rerun = run_batch(collect([str(plans)]), out, workbook=False)
    assert rerun.skipped == 2 and not (out / "tables" / "tables.xlsx").exists()
    assert "tables.xlsx: not written (--no-xlsx)" in (out / "summary.md").read_text(encoding="utf-8")
    assert len(pd.read_parquet(out / "tables" / "sentences.parquet")) == len(sentences)

    # a table longer than an Excel sheet: no workbook (the old one removed), the summary says so
    monkeypatch.setattr("plannlp.export.xlsx.EXCEL_MAX_ROWS", len(sentences))
    (out / "tables" / "tables.xlsx").write_bytes(b"an older workbook")
    tables_module.write_workbook_of({"sentences": sentences}, out / "tables" / "tables.xlsx")
    assert not (out / "tables" / "tables.xlsx").exists()
