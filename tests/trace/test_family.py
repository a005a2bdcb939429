"""Trace honesty: a warning when the two plans are not of one family, none on a real pair."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from conftest import seed_path
from plannlp.cli import cli
from plannlp.model import DocumentMetadata
from plannlp.trace.family import family_warnings, title_stem


@pytest.fixture(scope="module")
def metadata(default_pipeline):
    return {key: default_pipeline.ingest(seed_path(key)).metadata for key in ("000", "001", "002", "003")}


@pytest.mark.parametrize(("title", "stem"), [
    ("第二次佐久市総合計画 後期基本計画", "佐久市総合計画基本計画"),  # seed 002
    ("第二次佐久市総合計画 前期基本計画（平成29年度～令和3年度）", "佐久市総合計画基本計画"),
    ("小諸市総合計画 小諸市第11次基本計画(素案)", "小諸市総合計画小諸市基本計画"),  # seed 003
    ("小諸市第10次基本計画 令和2年度～令和5年度", "小諸市基本計画"),
    ("第2次佐久市協働のまちづくり計画（骨子案）について", "佐久市協働のまちづくり計画"),  # seed 001
    ("第1節市民の力が生きる地域社会の実現", None),  # a section heading, not a plan's title
])
def test_title_stems(title, stem):
    assert title_stem(title) == stem


def test_no_warning_on_the_real_first_and_second_half_pair(metadata):
    # seed 000: 第二次総合計画 (its 前期 measures); seed 002: the 後期基本計画 of the same plan
    assert family_warnings(metadata["000"], metadata["002"]) == ()


def test_a_warning_for_another_municipality(metadata):
    (warning,) = family_warnings(metadata["000"], metadata["003"])
    assert "municipalities differ (佐久市 / 小諸市)" in warning


def test_a_warning_for_another_plan_of_the_same_city(metadata):
    # seed 001: 協働のまちづくり計画 (a sector plan); seed 002: the 総合計画's 後期基本計画
    (warning,) = family_warnings(metadata["001"], metadata["002"])
    assert "titles differ" in warning and "municipalities" not in warning


def test_a_warning_for_another_plan_type():
    old = DocumentMetadata(title="佐久市総合計画 基本計画", plan_type="総合計画")
    new = DocumentMetadata(title="佐久市 まち・ひと・しごと創生総合戦略", plan_type="総合戦略")
    assert "plan types differ (総合計画 / 総合戦略)" in family_warnings(old, new)[0]


def test_the_cli_warns_on_stderr_and_in_every_report(tmp_path):
    runner = CliRunner()
    old, new = str(seed_path("000")), str(seed_path("003"))
    html = tmp_path / "t.html"
    result = runner.invoke(cli, ["trace", old, new, "-o", str(html)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "not of one plan family" in result.stderr
    assert 'class="warning"' in html.read_text(encoding="utf-8")
    for fmt in ("csv", "jsonld"):
        out = tmp_path / f"t.{fmt}"
        assert runner.invoke(cli, ["trace", old, new, "-o", str(out)]).exit_code == 0
        if fmt == "csv":
            rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
            assert rows and all("municipalities differ" in row["warning"] for row in rows)
        else:
            (node,) = [n for n in json.loads(out.read_text(encoding="utf-8"))["@graph"]
                       if n.get("type") == "RevisionTrace"]
            assert "municipalities differ" in node["warnings"][0]


def test_the_cli_says_nothing_on_one_family(tmp_path):
    out = tmp_path / "t.html"
    result = CliRunner().invoke(cli, ["trace", str(seed_path("000")), str(seed_path("002")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and 'class="warning"' not in out.read_text(encoding="utf-8")
