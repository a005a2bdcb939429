"""The layout fixtures of issue #15 (tests/fixtures/pdf/layout/) and their scorer.

The fixtures are made by scripts/make_layout_fixtures.py with LibreOffice, Chromium and
reportlab; CI only reads the committed files. scripts/score_layout.py scores how plannlp
reads each PDF against its .txt.
"""

from __future__ import annotations

import sys

import pypdfium2
import pytest

from conftest import FIXTURES, REPO
from plannlp.japanese.width import compact_nfkc

sys.path.insert(0, str(REPO))
from scripts.make_layout_fixtures import FIXTURES as LAYOUTS  # noqa: E402
from scripts.make_layout_fixtures import as_read, find_source, reading_text  # noqa: E402
from scripts.score_layout import Read, score_fixture, score_sentences  # noqa: E402

LAYOUT = FIXTURES / "pdf" / "layout"
NAMES = [fixture.name for fixture in LAYOUTS]
MAX_PDF_BYTES = 200_000


def committed_text(name: str) -> str:
    return (LAYOUT / f"{name}.txt").read_text(encoding="utf-8")


def source_of(name: str) -> str:
    fixture = next(f for f in LAYOUTS if f.name == name)
    return find_source(fixture.source).path.read_text(encoding="utf-8")


def source_lines(text: str) -> list[str]:
    """The source's lines without the seeds' list marker ``- `` (the conversion's, not the
    plan's)."""
    return [line.strip().removeprefix("- ") for line in text.splitlines()]


# -- the fixtures are real text, faithfully sliced --------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_text_is_a_contiguous_slice_of_its_source(name):
    source = "".join(compact_nfkc(line) for line in source_lines(source_of(name)))
    assert compact_nfkc(committed_text(name)) in source


@pytest.mark.parametrize("name", NAMES)
def test_table_rows_are_the_source_rows(name):
    rows = [line for line in committed_text(name).splitlines() if "\t" in line]
    source = set(source_lines(source_of(name)))
    assert all(row in source for row in rows)


def test_the_table_fixtures_have_their_indicator_tables():
    for name in ("lo_table", "chromium_table_list"):
        rows = [line for line in committed_text(name).splitlines() if "\t" in line]
        assert rows[0].startswith("指標名\t") and len(rows) >= 2, name


@pytest.mark.parametrize("name", NAMES)
def test_committed_text_is_what_the_script_slices(name):
    fixture = next(f for f in LAYOUTS if f.name == name)
    assert committed_text(name) == reading_text(as_read(fixture, fixture.units()))


@pytest.mark.parametrize("name", NAMES)
def test_pdf_is_small_and_has_one_to_three_pages(name):
    pdf = LAYOUT / f"{name}.pdf"
    assert pdf.stat().st_size < MAX_PDF_BYTES
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        assert 1 <= len(document) <= 3
        assert document[0].get_textpage().get_text_range().strip()  # a text layer
    finally:
        document.close()


def test_source_md_names_every_fixture():
    listing = (LAYOUT / "SOURCE.md").read_text(encoding="utf-8")
    assert all(f"| {name} |" in listing for name in NAMES)


# -- the scorer's contract --------------------------------------------------------------------

SENTENCES = [Read("第1節 市民の力が生きる地域社会の実現", "other"),
             Read("佐久市協働のまちづくり計画を策定しました。", "achievement"),
             Read("市民活動団体の実態を把握する必要があります。", "issue"),
             Read("市民活動を支援します。", "measure")]


def merged(sentences: list[Read], at: int) -> list[Read]:
    """``sentences`` with sentence ``at`` and the next one read as one."""
    joined = Read(sentences[at].text + sentences[at + 1].text, sentences[at].role)
    return [*sentences[:at], joined, *sentences[at + 2:]]


def test_identical_sentences_score_perfectly():
    score = score_sentences(SENTENCES, SENTENCES)
    assert (score.f1, score.lost, score.role_agreement, score.extra_chars) == (1.0, 0, 1.0, 0)


def test_white_space_and_width_do_not_count():
    spaced = [Read(s.text.replace("市民", "市 民").replace("1", "１"), s.role) for s in SENTENCES]
    assert score_sentences(SENTENCES, spaced).f1 == 1.0


def test_a_missing_boundary_lowers_recall_only():
    score = score_sentences(SENTENCES, merged(SENTENCES, 1))
    assert score.f1 < 1.0 and score.recall < 1.0 and score.precision == 1.0
    assert score.lost == 0


def test_a_split_sentence_lowers_precision_only():
    split = [SENTENCES[0], Read("佐久市協働の", "other"), Read("まちづくり計画を策定しました。", "other"),
             *SENTENCES[2:]]
    score = score_sentences(SENTENCES, split)
    assert score.precision < 1.0 and score.recall == 1.0
    assert score.role_agreement == 0.75  # the split sentence's larger part says "other"


def test_a_missing_sentence_is_lost_and_disagrees():
    score = score_sentences(SENTENCES, [SENTENCES[0], *SENTENCES[2:]])
    assert score.lost == 1 and score.role_agreement == 0.75


def test_page_numbers_are_extra_characters_not_boundaries():
    with_page_number = [*SENTENCES[:2], Read("― 4 ―", "other"), *SENTENCES[2:]]
    score = score_sentences(SENTENCES, with_page_number)
    assert score.f1 == 1.0 and score.extra_chars == len("―4―")


@pytest.mark.parametrize("name", NAMES)
def test_each_text_scored_against_itself_is_perfect(default_pipeline, name):
    document = default_pipeline.ingest(LAYOUT / f"{name}.txt")
    read = [Read(s.text, s.role.label) for s in document.sentences]
    score = score_sentences(read, read)
    assert (score.f1, score.lost, score.role_agreement) == (1.0, 0, 1.0)
    assert score_sentences(read, merged(read, len(read) // 2)).f1 < 1.0


@pytest.mark.parametrize("name", NAMES)
def test_each_pdf_is_read_as_its_text(default_pipeline, name):
    """The targets of issue #15, per fixture: sentence-boundary F1 >= 0.98, at most one
    sentence lost, role tags as on the text input for >= 97% of sentences; and no page
    furniture (running headers, page numbers) read as text."""
    score = score_fixture(default_pipeline, LAYOUT, name)
    assert score.f1 >= 0.98, score
    assert score.lost <= 1, score
    assert score.role_agreement >= 0.97, score
    assert score.extra_chars <= 5, score
