"""CSV injection (issue #16, item 6): no CSV plannlp writes hands a spreadsheet a formula.

Every writer (ingest, batch tables, trace, kb query/ask) goes through one function,
:func:`plannlp.export.csv_cells.safe_cell`; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from plannlp.cli import cli

HOSTILE_PLAN = (
    "第1章 まちづくり\n"
    '=HYPERLINK("http://evil.example/","詳しく")を参照してください。\n'
    "＝１＋１として計算します。\n"
    "@SUM(1+1)の結果を示します。\n"
    "+81-3-1234-5678へ連絡します。\n"
    "-5%の削減を目指します。\n"
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_cells(rows) -> list[str]:
    return [cell for row in rows for cell in row if isinstance(cell, str) and cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+A1", "'+A1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("＝１＋１", "'＝１＋１"), ("＋cmd", "'＋cmd"), ("－x", "'－x"), ("＠x", "'＠x"),  # full width, NFKC
    ("-5", "-5"), ("+1", "+1"), ("+3.25", "+3.25"), ("-1e3", "-1e3"), ("-.5", "-.5"),          # plain numbers
    ("佐久市", "佐久市"), ("", ""), ("a=b", "a=b"),
    (-5, -5), (0.5, 0.5), (None, None),
])
def test_safe_cell(value, expected):
    from plannlp.export.csv_cells import safe_cell

    assert safe_cell(value) == expected


def test_ingest_csv_neutralises_formula_cells_and_keeps_numbers(tmp_path):
    plan = tmp_path / "hostile.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["ingest", str(plan), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    texts = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example/\",\"詳しく\")を参照してください。" in texts
    assert {"'=1+1として計算します。", "'@SUM(1+1)の結果を示します。", "'+81-3-1234-5678へ連絡します。",
            "'-5%の削減を目指します。"} <= set(texts)
    assert _formula_cells(rows) == []
    assert all(row[8].isdigit() and row[9].isdigit() for row in rows[1:])  # offsets stay numbers


def test_batch_tables_csv_neutralises_text_and_keeps_numeric_columns(tmp_path):
    from plannlp.batch.tables import write_tables

    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps({
        "sentences": [{"document": "d", "text": "=cmd|' /C calc'!A0", "start": 0, "municipality": "@x"}],
        "indicators": [{"document": "d", "name": "-削減率", "baseline_value": -5.0, "final_target_value": -12}],
    }), encoding="utf-8")
    frames = write_tables([rows], tmp_path / "tables")
    sentences = list(csv.reader((tmp_path / "tables" / "sentences.csv").open(encoding="utf-8-sig")))
    indicators = pd.read_csv(tmp_path / "tables" / "indicators.csv", encoding="utf-8-sig")
    assert sentences[1] == ["d", "'=cmd|' /C calc'!A0", "0", "'@x"]
    assert indicators["name"][0] == "'-削減率"
    assert indicators["baseline_value"][0] == -5.0 and indicators["final_target_value"][0] == -12
    assert frames["sentences"]["text"][0] == "=cmd|' /C calc'!A0"  # Parquet keeps the text as it is
    assert pd.read_parquet(tmp_path / "tables" / "sentences.parquet")["text"][0] == "=cmd|' /C calc'!A0"


def test_trace_csv_has_a_bom_and_neutralised_cells(tmp_path):
    from plannlp.trace.align import Pair, Unit
    from plannlp.trace.report import Trace, to_csv

    old = Unit("a", "sent-1", "=1+1を進めます。", "@第1節", "measure")
    new = Unit("b", "sent-2", "+2を進めます。", "-第1節", "measure")
    text = to_csv(Trace("a.txt", "b.txt", "iri:a", "iri:b", [Pair("revised", old, new, 0.5, ("=x",))]))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["revised", "0.500", "one-to-one", "'@第1節", "'=1+1を進めます。", "'-第1節",
                       "'+2を進めます。", "'=x", "a", "a.txt", "sent-1", "b", "b.txt", "sent-2",
                       ""]  # warning: empty, one plan family


def test_the_trace_csv_file_starts_with_a_bom(default_pipeline, tmp_path):
    from conftest import seed_path
    from plannlp.export import write_document

    plans = []
    for key in ("000", "001"):
        plans.append(tmp_path / f"{key}.jsonld")
        write_document(default_pipeline.ingest(seed_path(key)), plans[-1])
    out = tmp_path / "trace.csv"
    result = CliRunner().invoke(cli, ["trace", *map(str, plans), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfstatus,score")


def test_kb_query_csv_neutralises_cells(tmp_path):
    plan = tmp_path / "hostile.txt"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(plan), "-o", str(tmp_path / "h.jsonld"), "--workers", "1"]).exit_code == 0
    assert runner.invoke(cli, ["kb", "load", str(tmp_path / "h.jsonld"), "--store", str(tmp_path / "kb")]).exit_code == 0
    query = "PREFIX schema: <https://schema.org/> SELECT ?text WHERE { ?s schema:text ?text }"
    result = runner.invoke(cli, ["kb", "query", query, "--store", str(tmp_path / "kb"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert ["'=1+1として計算します。"] in rows and _formula_cells(rows) == []
