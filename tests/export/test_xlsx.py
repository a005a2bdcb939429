"""The Excel workbook (``-o plan.xlsx``) of the bundled sample plan, opened with openpyxl."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from plannlp.cli import cli
from plannlp.errors import MissingDependencyError, OutputError
from plannlp.export import format_for, write_documents
from plannlp.export import xlsx as xlsx_module
from plannlp.export.tables import SECTION_SEPARATOR
from plannlp.japanese.width import visual_width
from plannlp.resources import data_path, sample_plan


def official_goal_names() -> dict[int, str]:
    with data_path("sdg/goals.tsv").open(encoding="utf-8") as handle:
        return {int(row["goal"]): row["short_name_ja"] for row in csv.DictReader(handle, delimiter="\t")}


@pytest.fixture(scope="module")
def sample(default_pipeline):
    return default_pipeline.ingest(sample_plan())


@pytest.fixture(scope="module")
def workbook(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    assert write_documents([sample], path) == "xlsx"
    return load_workbook(path)


def rows_of(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_suffix_picks_the_format():
    assert format_for("計画.xlsx") == "xlsx" and format_for("計画.XLSX") == "xlsx"
    assert format_for("plan.html") == "html" and format_for("plan.htm") == "html"


def test_sheets_headers_frozen_and_filtered(workbook, sample):
    assert workbook.sheetnames == ["sentences", "sdg_links", "indicators", "documents"]
    for sheet in workbook:
        header = [cell.value for cell in sheet[1]]
        assert header and all(isinstance(h, str) for h in header)
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        last = sheet.cell(row=1, column=len(header)).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    sentences = workbook["sentences"]
    assert sentences.max_row == len(sample.sentences) + 1
    assert workbook["sdg_links"].max_row == sum(len(s.sdgs) for s in sample.sentences) + 1


def test_a_real_sentence_row_with_japanese_goal_names(workbook, sample):
    sentence = next(s for s in sample.sentences if len(s.sdgs) >= 2 and s.section_id)
    row = next(r for r in rows_of(workbook["sentences"]) if r["id"] == sentence.id)
    names = official_goal_names()
    assert row["text"] == sentence.text
    assert row["file"] == sample.source.name == "saku_2017_sougoukeikaku_excerpt.txt"
    assert row["section"] == SECTION_SEPARATOR.join(sample.section_path(sentence.section_id))
    assert row["page"] == 1 and row["role"] == sentence.role.label
    assert row["role_name"] in {"実績", "現状と課題", "施策", "その他"}
    assert row["role_confidence"] == pytest.approx(sentence.role.confidence, abs=1e-4)
    assert isinstance(row["role_confidence"], float)  # a number, not text
    assert row["sdg_names"] == "; ".join(f"{link.goal} {names[link.goal]}" for link in sentence.sdgs)
    links = [r for r in rows_of(workbook["sdg_links"]) if r["sentence_id"] == sentence.id]
    assert {r["goal"]: r["goal_name"] for r in links} == {
        link.goal: f"{link.goal} {names[link.goal]}" for link in sentence.sdgs}


def test_column_widths_count_east_asian_width_and_long_text_wraps(workbook):
    sheet = workbook["sentences"]
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    rows = rows_of(sheet)
    widest_section = max(visual_width(r["section"] or "") for r in rows)
    assert widest_section > xlsx_module.TEXT_WIDTH  # the sample's long section paths: capped
    assert sheet.column_dimensions[header["section"]].width == xlsx_module.TEXT_WIDTH
    assert sheet.column_dimensions[header["text"]].width == xlsx_module.TEXT_WIDTH
    widest_name = max(visual_width(r["role_name"] or "") for r in rows)  # 現状と課題: 10
    assert sheet.column_dimensions[header["role_name"]].width >= widest_name
    assert sheet.column_dimensions[header["page"]].width < 12
    text_cell = sheet[f"{header['text']}2"]
    assert text_cell.alignment.wrap_text and text_cell.data_type == "s"


def test_formula_text_and_control_characters_are_made_safe(sample, tmp_path):
    first, second = sample.sentences[3], sample.sentences[4]
    formula = "=HYPERLINK(\"http://example.invalid\",\"" + first.text + "\")"
    full_width = "＝" + second.text  # NFKC makes it '='
    sentences = list(sample.sentences)
    sentences[3] = replace(first, text=formula)
    sentences[4] = replace(second, text=full_width + "\x07")
    path = tmp_path / "unsafe.xlsx"
    write_documents([replace(sample, sentences=tuple(sentences))], path)
    sheet = load_workbook(path)["sentences"]
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    by_id = {sheet[f"{header['id']}{r}"].value: sheet[f"{header['text']}{r}"] for r in range(2, sheet.max_row + 1)}
    cell = by_id[first.id]
    assert cell.data_type == "s" and cell.value == "'" + formula  # text, as in the CSV; never a formula
    assert by_id[second.id].value == "'" + full_width + "\ufffd"


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(sample, tmp_path, monkeypatch):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"the old workbook")

    def broken(sheets, handle):
        handle.write(b"PK\x03\x04 half a workbook")
        raise RuntimeError("stopped mid-way")

    monkeypatch.setattr(xlsx_module, "save_workbook", broken)
    with pytest.raises(RuntimeError):
        write_documents([sample], path)
    assert path.read_bytes() == b"the old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_missing_openpyxl_is_a_typed_error(sample, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingDependencyError) as caught:
        write_documents([sample], tmp_path / "plan.xlsx")
    assert "openpyxl" in str(caught.value) and "pip install openpyxl" in str(caught.value)
    assert not (tmp_path / "plan.xlsx").exists()


def test_more_rows_than_excel_holds_is_an_output_error(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_module, "EXCEL_MAX_ROWS", len(sample.sentences))
    with pytest.raises(OutputError, match="Excel opens at most"):
        write_documents([sample], tmp_path / "plan.xlsx")
    assert not (tmp_path / "plan.xlsx").exists()


def test_ingest_writes_a_workbook_to_a_file_and_to_a_redirected_stdout(tmp_path):
    path = tmp_path / "佐久市.xlsx"
    result = CliRunner().invoke(cli, ["ingest", "--sample", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "(xlsx)" in result.stderr
    piped = CliRunner().invoke(cli, ["ingest", "--sample", "--format", "xlsx", "-q"])
    assert piped.exit_code == 0, piped.output
    from_stdout = load_workbook(io.BytesIO(piped.stdout_bytes))
    assert [r[5] for r in from_stdout["sentences"].iter_rows(values_only=True)] == \
        [r[5] for r in load_workbook(path)["sentences"].iter_rows(values_only=True)]
