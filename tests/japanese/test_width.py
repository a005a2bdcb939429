"""visual_width counts 2 for East Asian Wide/Full-width characters and 1 for the rest."""

from __future__ import annotations

import unicodedata

import pytest

from plannlp.japanese import width
from plannlp.japanese.width import visual_width

PLANE = 0x10000


def expected_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


@pytest.mark.parametrize("plane", range(17))
def test_every_code_point_has_the_width_unicodedata_gives(plane):
    chars = [chr(cp) for cp in range(plane * PLANE, (plane + 1) * PLANE)]
    expected = [expected_width(c) for c in chars]
    try:
        assert [visual_width(c) for c in chars] == expected  # first sight: looked up
        assert [visual_width(c) for c in chars] == expected  # then: remembered
        assert visual_width("".join(chars)) == sum(expected)
    finally:
        width._CHAR_WIDTHS.clear()  # do not keep a whole plane in memory


@pytest.mark.parametrize(("text", "columns"), [
    ("", 0), ("abc", 3), ("計画", 4), ("ｱﾝｹｰﾄ", 5), ("１２", 4), ("平成 17 年", 10), ("\U00020000", 2),
])
def test_widths_of_mixed_text(text, columns):
    assert visual_width(text) == columns
