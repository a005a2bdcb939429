"""Line splitting of the clean stage, against a plain reference on arbitrary text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from plannlp.stages.clean import Line, split_lines


def reference_lines(raw: str) -> list[Line]:
    """One regex match per line, each ending at a line feed, a form feed or the end."""
    lines: list[Line] = []
    page_break = blank = False
    for match in re.finditer(r"[^\n\f]*(?:\n|\f|$)", raw):
        chunk = match.group()
        body = chunk.rstrip("\n\f")
        stripped = body.strip()
        if stripped:
            lines.append(Line(match.start() + len(body) - len(body.lstrip()), stripped, page_break, blank))
            page_break = blank = False
        elif match.end() > match.start():
            blank = True
        if chunk.endswith("\f"):
            page_break = True
        if match.end() == len(raw):
            break
    return lines


layer_text = st.text(alphabet=st.sampled_from(["\n", "\f", "\r", " ", "\u3000", "\t", "\x0b", "\x85", "\u2028",
                                               "a", "計", "ｱ", "1"]), max_size=40)


@settings(max_examples=2000)
@given(layer_text)
def test_split_lines_matches_the_reference(raw):
    assert split_lines(raw) == reference_lines(raw)


def test_split_lines_marks_page_breaks_and_blank_lines():
    lines = split_lines("  一行目\n\n二行目\f三行目\n")
    assert [(line.start, line.text, line.page_break_before, line.blank_before) for line in lines] == [
        (2, "一行目", False, False), (7, "二行目", False, True), (11, "三行目", True, False),
    ]
