"""Reading a PDF from its geometry (plannlp.extract.layout) on the committed fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from plannlp.cli import cli
from plannlp.extract import extract
from plannlp.extract import layout as L
from plannlp.pipeline import Pipeline

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


@pytest.fixture(scope="module")
def seed002():
    return extract(PDF / "seed002_layout.pdf")


def test_page_numbers_of_every_shape_are_page_furniture():
    for text in ("12", "- 12 -", "－ 12 －", "― 4 ―", "(3)", "P.12", "12/40", "・12・"):
        assert L.PAGE_NUMBER.match(text), text
    for text in ("12月", "第4節", "― 基本構想 ―"):
        assert not L.PAGE_NUMBER.match(text), text


def test_a_paragraph_running_over_a_page_break_is_one_sentence(seed002):
    doc = Pipeline(["clean", "structure", "segment"]).run(seed002)
    texts = [s.text for s in doc.sentences]
    assert ("基本計画に定められた施策に基づき、事業を計画的かつ効果的に推進するため、"
            "翌年度から始まる3年間の実施計画を、毎年度作成します。") in texts
    # and the wrapped lines of a paragraph are joined, the one-character remnant kept
    assert any(t.startswith("平成17年4月1日、佐久市・臼田町・浅科村・望月町の1市2町1村が合併して誕生した")
               for t in texts)


def test_every_line_has_its_box_and_sentences_get_theirs(seed002):
    boxes = seed002.line_boxes
    assert boxes and all(b.x0 < b.x1 and b.y0 < b.y1 for b in boxes)
    assert all(0 <= b.x0 and b.x1 <= 596 and 0 <= b.y0 and b.y1 <= 842 for b in boxes)
    for box in boxes:  # every box's span is a line of the text on its page, or on the next
        holder = seed002.page_at(box.start)  # page when a footnote or label waited for the
        assert holder in (box.page, box.page + 1)  # paragraph it interrupts to end there
        assert seed002.page_at(box.end - 1) == holder
        assert "\n" not in seed002.raw_text[box.start:box.end]
    label = next(b for b in boxes if seed002.raw_text[b.start:b.end] == "基本構想" and b.x0 > 500)
    assert label.page == 3 and seed002.page_at(label.start) == 4 and label.x0 > 500
    doc = Pipeline(["clean", "structure", "segment"]).run(seed002)
    first = doc.sentences[0]
    assert first.text.startswith("1 計画策定の趣旨")
    ((page, x0, y0, x1, y1),) = doc.boxes_of(first.start, first.end)
    assert page == 1 and y1 > 780 and x0 == pytest.approx(56, abs=1)
    across = next(s for s in doc.sentences if s.text.startswith("基本計画に定められた施策に基づき"))
    assert {box[0] for box in doc.boxes_of(across.start, across.end)} == {1, 2}


def test_sentences_carry_their_boxes_in_jsonld_and_tables(tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["ingest", str(PDF / "seed002_layout.pdf"), "-o", str(out),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    import json

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(row["boxes"] for row in rows)
    page, *coords = rows[0]["boxes"].split(";")[0].split()
    assert int(page) == rows[0]["page"] and len(coords) == 4


def test_extract_command_prints_pages_and_draws_them(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(PDF / "seed002_layout.pdf"), "--pages", "2-3",
                                 "--clean", "--debug-image", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "=== page 1 ===" not in result.output and "=== page 2 ===" in result.output
    assert "市民アンケートを実施し" in result.output  # cleaned: widths folded
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == ["seed002_layout-p2.png", "seed002_layout-p3.png"]
    from PIL import Image

    with Image.open(tmp_path / pngs[0]) as image:
        assert image.size[0] > 800  # rendered at 1.5x
    bad = runner.invoke(cli, ["extract", str(PDF / "seed002_layout.pdf"), "--pages", "9-x"])
    assert bad.exit_code == 2 and "give page numbers such as 3, 3-5" in bad.output


def test_two_columns_are_read_column_by_column():
    """Blocks of two columns whose paragraph gaps line up are still read left column first."""
    def line(text, x, y):
        return L.TextLine(text, x, y, x + 200, y + 10, 10.0)

    left = [line(f"左{i}", 50, 700 - 14 * i) for i in range(6)]
    right = [line(f"右{i}", 300, 700 - 14 * i) for i in range(6)]
    # a paragraph gap at the same height in both columns
    left[3:] = [L.TextLine(x.text, x.x0, x.y0 - 20, x.x1, x.y1 - 20, 10.0) for x in left[3:]]
    right[3:] = [L.TextLine(x.text, x.x0, x.y0 - 20, x.x1, x.y1 - 20, 10.0) for x in right[3:]]
    heading = L.TextLine("見出し", 50, 740, 150, 755, 15.0)
    blocks = L.group_blocks(right + left + [heading], L.BodyText(10.0))  # right column stored first
    order = [b.lines[0].text for b in L.reading_order(blocks, 10.0)]
    assert order == ["見出し", "左0", "左3", "右0", "右3"]
