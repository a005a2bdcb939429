"""Rows of several inputs written together (issue #19, item 1): every JSONL/CSV row names its
file and path, and reads back with pandas with integer columns."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from conftest import FIXTURES, seed_path
from plannlp.cli import cli
from plannlp.export.tables import INTEGER_COLUMNS, SENTENCE_COLUMNS


def test_several_inputs_in_one_jsonl_and_csv_keep_their_files_apart(tmp_path):
    inputs = [str(seed_path("004")), str(FIXTURES / "text" / "sjis.txt"), str(FIXTURES / "pdf" / "seed004_table.pdf")]
    runner = CliRunner()
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"all.{fmt}"
        result = runner.invoke(cli, ["ingest", *inputs, "-o", str(out), "--workers", "1"])
        assert result.exit_code == 0, result.output
    csv_rows = pd.read_csv(tmp_path / "all.csv", encoding="utf-8-sig")
    jsonl_rows = pd.read_json(tmp_path / "all.jsonl", lines=True)
    assert list(csv_rows.columns) == list(SENTENCE_COLUMNS)
    for rows in (csv_rows, jsonl_rows):
        assert rows["file"].tolist() == sorted(rows["file"], key=[p.rsplit("/", 1)[-1] for p in inputs].index)
        assert set(rows["path"]) == set(inputs)
        assert rows.groupby("file")["document"].nunique().eq(1).all()  # one content key per file
        assert rows["document"].nunique() == 3
        for column in ("page", "start", "end"):
            assert str(rows[column].dtype) == "int64", column  # never 1.0
    assert (csv_rows[["document", "id", "file"]].values == jsonl_rows[["document", "id", "file"]].values).all()
    text = (tmp_path / "all.csv").read_text(encoding="utf-8-sig")
    assert ",1.0," not in text


def test_integer_columns_are_the_whole_number_ones():
    assert {"period_start", "period_end", "baseline_year", "final_target_year", "page", "start", "end"} <= INTEGER_COLUMNS
    assert not {"role_confidence", "baseline_value", "confidence"} & INTEGER_COLUMNS
