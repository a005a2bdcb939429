"""Text files: every encoding plans arrive in, on the real seed texts, and the decoding rules."""

from __future__ import annotations

import codecs

import pytest

from conftest import FIXTURES, SEED_FILES, seed_path, seed_text
from plannlp.errors import UnknownEncodingError, UnsupportedFormatError
from plannlp.extract import extract
from plannlp.extract.text import decode, japanese_score, looks_japanese

TEXT = FIXTURES / "text"
SEED_001_OPENING = "人口減少と少子・超高齢化に加え、令和元年東日本台風による被害"


@pytest.mark.parametrize(("name", "encoding"), [
    ("sjis.txt", "cp932"), ("eucjp.txt", "euc_jp"), ("utf8_bom.txt", "utf-8-sig"),
])
def test_committed_fixtures_decode(name, encoding):
    doc = extract(TEXT / name)
    assert doc.source.encoding == encoding
    assert SEED_001_OPENING in doc.raw_text
    assert not doc.raw_text.startswith("\ufeff")  # the BOM is not text


@pytest.mark.parametrize("key", sorted(SEED_FILES))
@pytest.mark.parametrize(("codec", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
    ("cp932", "cp932"), ("euc_jp", "euc_jp"),
])
def test_every_seed_in_every_encoding(key, codec, expected):
    # Characters a legacy code page lacks (‣ in 002, ▶ in 004, ～ in EUC-JP) are dropped
    # from the input, as a user's editor would have had to.
    original = seed_text(key)
    data = original.encode(codec, errors="ignore")
    doc = extract(data, name=f"{key}.txt")
    assert doc.source.encoding == expected
    assert doc.raw_text == data.decode(codec).replace("\r\n", "\n")


# Short real lines from the seeds that decode under more than one legacy encoding or have
# no kana: the Japanese-likeness score must still pick the right one.
SHORT_LINES = [
    "行財政経営",  # 004, a kanji-only heading
    "●委員長：副市長",  # 002
    "（１）基本構想",  # 002
    "◆方針（目的）",  # 003
    "市民ｱﾝｹｰﾄを実施し、これまでの市の取組や今後の取組などに対する意向を",  # 002, half-width kana
    "令和２年 10 月",  # 002
]


@pytest.mark.parametrize("line", SHORT_LINES)
@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_short_seed_lines_pick_the_right_legacy_encoding(line, codec):
    text, encoding = decode(line.encode(codec), "line.txt")
    assert text == line
    assert encoding == codec


def test_crlf_and_cr_become_lf_and_nothing_else_changes():
    original = seed_text("001")
    doc = extract(original.replace("\n", "\r\n").encode("cp932", errors="ignore"), name="crlf.txt")
    assert "\r" not in doc.raw_text
    assert doc.raw_text == original.encode("cp932", errors="ignore").decode("cp932")
    assert extract("一行目\r二行目\r".encode(), name="cr.txt").raw_text == "一行目\n二行目\n"


def test_utf16_big_endian_with_bom():
    data = codecs.BOM_UTF16_BE + "第１章 総論\n計画の趣旨".encode("utf-16-be")
    doc = extract(data, name="be.txt")
    assert doc.raw_text == "第１章 総論\n計画の趣旨" and doc.source.encoding == "utf-16"


def test_source_of_a_text_file():
    path = seed_path("004")
    doc = extract(path)
    assert doc.source.media_type == "text/plain" and doc.source.encoding == "utf-8"
    assert doc.source.size == path.stat().st_size and len(doc.source.sha256) == 64
    assert doc.source.path == str(path) and doc.source.name == path.name
    assert [(p.number, p.start, p.end) for p in doc.pages] == [(1, 0, len(doc.raw_text))]
    assert extract(b"# \xe8\xa8\x88\xe7\x94\xbb", name="plan.md").source.media_type == "text/markdown"


def test_form_feeds_split_pages():
    doc = extract("一ページ目です。\f二ページ目です。\f".encode(), name="x.txt")
    assert [doc.raw_text[p.start:p.end] for p in doc.pages] == ["一ページ目です。", "二ページ目です。", ""]
    assert [p.number for p in doc.pages] == [1, 2, 3]


@pytest.mark.parametrize(("data", "words"), [
    ("Größe Übermaß Äpfel naïve façade".encode("latin-1"), "not in UTF-8"),
    ("Café crème brûlée, à la française".encode("latin-1"), "not in UTF-8"),
    ("Привет, это проверка кодировки".encode("cp1251"), "not in UTF-8"),
])
def test_text_that_is_not_japanese_in_a_known_encoding(data, words):
    with pytest.raises(UnknownEncodingError) as caught:
        extract(data, name="report.txt")
    assert "report.txt" in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize(("data", "words"), [
    (b"PK\x03\x04" + bytes(60), "ZIP archive (Word .docx"),
    (b"\x89PNG\r\n\x1a\n" + bytes(60), "PNG image"),
    (bytes(range(32)) * 8, "binary file"),
])
def test_binary_formats_are_named(data, words):
    with pytest.raises(UnsupportedFormatError) as caught:
        extract(data, name="計画.docx")
    assert "計画.docx" in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("市民と行政の協働によるまちづくりを推進します。", True),
    ("行財政経営", True),
    ("Gr祊e ﾜbermaﾟ ﾄpfel na闓e fa軋de", False),  # Latin-1 bytes read as Shift_JIS-2004
    ("ｻﾔﾌｱﾁ枻ｯ", False),  # "市民総働" in EUC-JP read as CP932
    ("市民総働".encode("euc_jp").decode("cp932"), False),
])
def test_japanese_likeness(text, expected):
    assert looks_japanese(text) is expected


def test_score_is_highest_for_the_right_decode():
    data = "人権教育講演会への参加率".encode("euc_jp")
    right = data.decode("euc_jp")
    wrong = data.decode("cp932", errors="replace")
    assert japanese_score(right) > japanese_score(wrong)


def test_no_seed_line_alone_is_ever_mis_decoded():
    # Every seed line of 4+ characters as a one-line file in CP932 and EUC-JP: decoded right,
    # or (three kana-less, mostly half-width lines of seed 002) rejected; never wrong.
    rejected = []
    for key in sorted(SEED_FILES):
        for line in seed_text(key).splitlines():
            if len(line) < 4:
                continue
            for codec in ("cp932", "euc_jp"):
                data = line.encode(codec, errors="ignore")
                try:
                    text, _ = decode(data, "line.txt")
                except UnknownEncodingError:
                    rejected.append(data.decode(codec))
                    continue
                assert text == data.decode(codec), (key, codec, line)
    assert set(rejected) == {"ｱﾝｹｰﾄ結果報告", "ｱﾝｹｰﾄ項目案検討", "後期ﾌﾚｰﾑ案"}
