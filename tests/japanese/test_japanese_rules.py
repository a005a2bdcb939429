"""Tables of Japanese cases for width folding, dates, markers, sentence splitting, headings."""

from __future__ import annotations

import pytest

from plannlp.japanese.dates import parse_period, parse_year
from plannlp.japanese.headings import match_heading, plan_rank, section_role_title
from plannlp.japanese.markers import (
    ends_sentence,
    starts_with_strong_marker,
    starts_with_weak_marker,
)
from plannlp.japanese.sentences import split_sentences
from plannlp.japanese.width import fold


@pytest.mark.parametrize(("raw", "folded"), [
    ("ｱﾝｹｰﾄ", "アンケート"), ("ｶﾞｲﾄﾞﾗｲﾝ", "ガイドライン"), ("ﾊﾟﾌﾞﾘｯｸｺﾒﾝﾄ", "パブリックコメント"),
    ("令和２年１０月", "令和2年10月"), ("ＮＰＯ法人", "NPO法人"), ("２６．３％", "26．3%"),
    ("（１）人口", "（1）人口"), ("「協働」：", "「協働」："), ("①②", "①②"), ("平成\u300017年", "平成 17年"),
])
def test_width_folding(raw, folded):
    text, offsets = fold(raw, 100)
    assert text == folded
    assert len(offsets) == len(text) and offsets[0] == 100 and offsets == sorted(offsets)


def test_folding_maps_a_voiced_pair_to_its_first_character():
    text, offsets = fold("ｶﾞｽ", 0)
    assert text == "ガス" and offsets == [0, 2]


@pytest.mark.parametrize(("text", "year"), [
    ("令和2年度", 2020), ("令和２年度", 2020), ("令和元年東日本台風", 2019), ("平成29年3月末", 2017),
    ("H29年3月末", 2017), ("(H34年度)", 2022), ("昭和64年", 1989), ("2022年度", 2022), ("計画期間", None),
])
def test_wareki_years(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize(("text", "period"), [
    ("令和2年度～令和5年度", (2020, 2023)), ("令和４年度から令和８年度まで", (2022, 2026)),
    ("平成 29 年度から令和８年度まで", (2017, 2026)), ("令和2年度～5年度", (2020, 2023)),
    ("2022年度～2026年度", (2022, 2026)), ("令和5年度～令和2年度", None),
])
def test_plan_periods(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(("line", "strong", "weak"), [
    ("- ・佐久市協働基本指針と…", True, False), ("・「市民の実感から始まり」", True, False),
    ("◇「健康長寿」や", True, False), ("◎子どもたちの「生きる力」", True, False), ("①市民活動の促進", True, False),
    ("* サイマルラジオ：日本各地の", True, False), ("※1 グーグルアナリティクス", True, False),
    ("（１）人口", True, False), ("(1) 計画の位置付け", True, False), ("ア 人口減少、少子・超高齢社会", True, False),
    ("１ 計画策定の趣旨", False, True), ("10 年先の将来に向けて", False, True),
    ("生した新「佐久市」では", False, False), ("度から令和８年度まで", False, False),
])
def test_line_markers(line, strong, weak):
    assert starts_with_strong_marker(line) is strong
    assert starts_with_weak_marker(line) is weak


@pytest.mark.parametrize(("line", "ends"), [
    ("…を開設しました。", True), ("「…目指します。」", True), ("…対応を図っていく必要", False), ("現状と課題", False),
])
def test_sentence_ends(line, ends):
    assert ends_sentence(line) is ends


@pytest.mark.parametrize(("line", "sentences"), [
    ("センターを開設しました。ネットワーク化を進めています。", ["センターを開設しました。", "ネットワーク化を進めています。"]),
    ("「市民が主役。」を目指します。", ["「市民が主役。」を目指します。"]),
    ("（詳細は別紙を参照。）今後も継続します。", ["（詳細は別紙を参照。）今後も継続します。"]),
    ("本当ですか？はい！", ["本当ですか？", "はい！"]),
    ("句点のない見出し", ["句点のない見出し"]),
])
def test_sentence_splitting(line, sentences):
    assert [line[a:b] for a, b in split_sentences(line)] == sentences


@pytest.mark.parametrize(("line", "rank"), [
    ("第1節 市民の力が生きる地域社会の実現", 1), ("【政策 1】子育て・教育", 0), ("政策大綱 6 行財政・市民総働", 0),
    ("【施策 1－1】 教育環境の充実", 1), ("6-1 市民総働の推進", 1), ("1 はじめに", 2), ("◆現状と課題", 3),
    ("現状と課題", 3), ("（1）人口", 4), ("ア 協働の定義", 5),
    ("10 年間", None), ("市内には101の行政区があります。", None), ("指標名\t把握方法", None),
])
def test_heading_ranks(line, rank):
    found = match_heading(line)
    assert (found.rank if found else None) == rank


@pytest.mark.parametrize(("title", "role"), [
    ("現状と課題", "issue"), ("◆現状と課題", "issue"), ("施策展開の方向", "measure"), ("5年間の取組の方針", "measure"),
    ("10年後の目指す姿", "other"), ("市民の役割", "other"), ("◆SDGsの取り組み", "other"),
    ("第二次総合計画前期基本計画の主な取組", "measure"), ("市民協働・参加", None),
])
def test_section_role_titles(title, role):
    assert section_role_title(title) == role


def test_earlier_plans_rank_lower():
    assert plan_rank("第一次総合計画後期基本計画の主な取組") < plan_rank("第二次総合計画前期基本計画の主な取組")
