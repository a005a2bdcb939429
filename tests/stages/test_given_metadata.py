"""Metadata a person gives (issue #19, item 2): checked values, `ingest --title/--municipality/
--plan-type/--period`, a batch manifest's columns, the sample's manifest, and a title that is
not a heading when a better one is known."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import seed_path
from plannlp.batch.inputs import read_manifest
from plannlp.cli import cli
from plannlp.errors import MetadataError, MunicipalityCodeError, UsageError
from plannlp.stages.given_metadata import given_metadata, municipality_of, period_of
from plannlp.stages.structure import title_of_file_name

PERIODS = [
    ("2023-2027", (2023, 2027)),
    ("2023～2027", (2023, 2027)),
    ("２０２３－２０２７", (2023, 2027)),
    ("2023年度～2027年度", (2023, 2027)),
    ("2017年度から2021年度まで", (2017, 2021)),
    ("令和5年度～令和9年度", (2023, 2027)),
    ("令和５年度〜令和９年度", (2023, 2027)),
    ("令和5～9年度", (2023, 2027)),
    ("平成29年度～令和3年度", (2017, 2021)),
    ("2023", (2023, 2023)),
]


@pytest.mark.parametrize(("text", "years"), PERIODS)
def test_periods_as_people_write_them(text, years):
    assert period_of(text) == years


@pytest.mark.parametrize("text", ["2027-2023", "来年から", "令和5年度～令和9年度の計画", "23-27", "2023-", "1500-1600"])
def test_a_period_that_cannot_be_read_is_a_clear_error(text):
    with pytest.raises(MetadataError) as error:
        period_of(text)
    assert error.value.code == "E402" and repr(text) in error.value.message
    assert "令和5年度～令和9年度" in str(error.value)  # the hint shows what to write


@pytest.mark.parametrize(("text", "expected"), [
    ("佐久市", ("佐久市", "202177")),
    ("長野県佐久市", ("佐久市", "202177")),
    ("東京都府中市", ("府中市", "132063")),  # the prefecture settles a shared name
    ("府中市", ("府中市", None)),  # two 府中市: no code rather than a wrong one
    ("長野県", ("長野県", None)),
])
def test_municipalities_are_looked_up(text, expected):
    assert municipality_of(text) == expected


def test_an_unknown_municipality_and_bad_titles_are_refused():
    with pytest.raises(MetadataError, match="'Saku' is not a municipality plannlp knows"):
        municipality_of("Saku")
    with pytest.raises(MetadataError, match="--title: The title '第1次\\\\n計画' holds a line break"):
        given_metadata(title="第1次\n計画", where="--title")
    with pytest.raises(MetadataError, match="at most 40"):
        given_metadata(plan_type="計画" * 30)
    with pytest.raises(MunicipalityCodeError):
        given_metadata(municipality="佐久市", municipality_code="202178")
    assert given_metadata(title="  ", period="") is None


def _ingest(tmp_path, *args: str) -> tuple[dict, object]:
    out = tmp_path / "out.jsonld"
    result = CliRunner().invoke(cli, ["ingest", *args, "-o", str(out), "--workers", "1"])
    if result.exit_code != 0:
        return {}, result
    graph = json.loads(out.read_text(encoding="utf-8"))["@graph"]
    return next(n for n in graph if n.get("type") == "PlanDocument"), result


def test_the_sample_s_metadata_comes_from_its_manifest(tmp_path):
    document, _ = _ingest(tmp_path, "--sample")
    from plannlp.resources import sample_manifest

    (row,) = csv.DictReader(sample_manifest().open(encoding="utf-8"))
    assert document["title"] == row["title"] and not document["title"].startswith("第1節")
    assert document["planType"] == row["plan_type"] == "総合計画（基本計画）"
    assert (document["periodStart"], document["periodEnd"]) == ("2017", "2021")
    assert document["municipality"].endswith("/202177")


def test_ingest_options_override_what_is_found(tmp_path):
    plan = tmp_path / "plan.txt"
    shutil.copy(seed_path("003"), plan)  # its cover says 小諸市 … 令和2年度～令和5年度
    found, _ = _ingest(tmp_path, str(plan))
    assert (found["periodStart"], found["periodEnd"]) == ("2020", "2023")
    given, _ = _ingest(tmp_path, str(plan), "--title", "小諸市第11次基本計画", "--plan-type", "基本計画",
                       "--period", "令和3年度～令和7年度", "--municipality", "長野県小諸市")
    assert (given["title"], given["planType"]) == ("小諸市第11次基本計画", "基本計画")
    assert (given["periodStart"], given["periodEnd"]) == ("2021", "2025")
    assert given["municipality"].endswith("/202088")
    with_sample, _ = _ingest(tmp_path, "--sample", "--period", "2017-2026")
    assert (with_sample["periodStart"], with_sample["periodEnd"]) == ("2017", "2026")  # option over manifest
    assert with_sample["planType"] == "総合計画（基本計画）"  # the manifest's other values stay


def test_a_bad_option_stops_before_any_work(tmp_path):
    _, result = _ingest(tmp_path, "--sample", "--period", "令和9年度～令和5年度")
    assert result.exit_code == 2 and "[E402] The period '令和9年度～令和5年度' runs from 2027 to 2023" in result.output
    _, result = _ingest(tmp_path, "--sample", "--municipality", "さくし")
    assert result.exit_code == 2 and "not a municipality plannlp knows" in result.output
    assert not (tmp_path / "out.jsonld").exists()


def test_a_manifest_may_name_its_files_in_a_file_column_with_japanese_periods(tmp_path):
    shutil.copy(seed_path("004"), tmp_path / "annaka.txt")
    manifest = tmp_path / "plans.csv"
    manifest.write_text("file,title,municipality,plan_type,period\n"
                        "annaka.txt,安中市総合計画,群馬県安中市,総合計画,平成30年度～令和9年度\n", encoding="utf-8")
    (item,) = read_manifest(manifest)
    assert item.path == str(tmp_path / "annaka.txt")
    meta = item.metadata
    assert (meta.title, meta.municipality, meta.municipality_code, meta.plan_type) == (
        "安中市総合計画", "安中市", "102113", "総合計画")
    assert (meta.period_start, meta.period_end) == (2018, 2027)
    manifest.write_text("file,period\nannaka.txt,来年度\n", encoding="utf-8")
    with pytest.raises(MetadataError, match=r"plans\.csv, row 1: The period '来年度'"):
        read_manifest(manifest)
    manifest.write_text("name,period\nannaka.txt,2020\n", encoding="utf-8")
    with pytest.raises(UsageError, match="needs a 'path' \\(or 'file'\\) column"):
        read_manifest(manifest)


def test_a_heading_is_not_the_title_when_the_file_name_names_the_plan(tmp_path, default_pipeline):
    plan = tmp_path / "第二次佐久市総合計画_基本計画.txt"
    shutil.copy(seed_path("000"), plan)  # starts with the heading 第1節 …, no cover
    assert default_pipeline.ingest(plan).metadata.title == "第二次佐久市総合計画 基本計画"
    unnamed = default_pipeline.ingest(seed_path("000")).metadata.title  # 000_ccc….txt names no plan
    assert unnamed.startswith("第1節")  # nothing better is known: the first heading
    assert title_of_file_name("000_ccc5004d4596790b.txt") is None
    assert title_of_file_name("小諸市第11次基本計画（素案）.pdf") == "小諸市第11次基本計画(素案)"


def test_a_numbered_heading_on_the_first_lines_is_not_the_cover_title(default_pipeline):
    text = ("安中市総合計画\n\n第1章 計画の概要\n\n1 計画策定の趣旨\n\n"
            + seed_path("004").read_text(encoding="utf-8"))
    doc = default_pipeline.ingest(text.encode("utf-8"), name="plan.txt")
    assert doc.metadata.title == "安中市総合計画"
