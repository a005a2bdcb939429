"""scripts/make_fixtures.py is deterministic and the committed fixtures are what it makes."""

from __future__ import annotations

import sys

import pytest

from conftest import FIXTURES, REPO
from plannlp.extract import extract

sys.path.insert(0, str(REPO))
from scripts.make_fixtures import make_all  # noqa: E402


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    return make_all(first), make_all(second), first


def test_two_runs_are_byte_identical(made):
    first, second, _ = made
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_every_committed_fixture_is_made_by_the_script(made):
    first, _, root = made
    # files only: pdf/layout/ holds the layout fixtures of scripts/make_layout_fixtures.py
    committed = sorted(p.relative_to(FIXTURES) for p in FIXTURES.glob("*/*")
                       if p.is_file() and p.parent.name in {"pdf", "text"})
    assert [p.relative_to(root) for p in first] == committed


@pytest.mark.parametrize("name", ["seed002_layout.pdf", "seed004_table.pdf", "seed004_indicators.pdf"])
def test_committed_pdfs_read_like_freshly_made_ones(made, name):
    # bytes may differ between reportlab versions; what PDFium reads must not
    root = made[2]
    fresh, committed = extract(root / "pdf" / name), extract(FIXTURES / "pdf" / name)
    assert fresh.raw_text == committed.raw_text and fresh.tables == committed.tables


@pytest.mark.parametrize("name", ["sjis.txt", "eucjp.txt", "utf8_bom.txt", "empty.txt", "garbage.bin"])
def test_committed_text_fixtures_are_identical(made, name):
    assert (made[2] / "text" / name).read_bytes() == (FIXTURES / "text" / name).read_bytes()
