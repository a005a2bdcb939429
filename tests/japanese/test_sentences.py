"""split_sentences against a plain character-by-character reference on arbitrary lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plannlp.japanese.markers import CLOSING, SENTENCE_END
from plannlp.japanese.sentences import OPENING, split_sentences


def reference_spans(line: str) -> list[tuple[int, int]]:
    """Walk every character: brackets nest, an end mark outside them ends a sentence (with
    the end marks and closing brackets right after it)."""
    spans, depth, start, i = [], 0, 0, 0
    while i < len(line):
        c = line[i]
        if c in OPENING:
            depth += 1
        elif c in CLOSING and depth > 0:
            depth -= 1
        elif c in SENTENCE_END and depth == 0:
            j = i + 1
            while j < len(line) and (line[j] in SENTENCE_END or line[j] in CLOSING):
                j += 1
            spans.append((start, j))
            start = i = j
            continue
        i += 1
    if start < len(line):
        spans.append((start, len(line)))
    trimmed = []
    for a, b in spans:
        if line[a:b].strip():
            text = line[a:b]
            trimmed.append((a + len(text) - len(text.lstrip()), b - len(text) + len(text.rstrip())))
    return trimmed


lines = st.text(alphabet=st.sampled_from(list(OPENING + CLOSING + SENTENCE_END) + [" ", "\u3000", "\t", "市", "a"]),
                max_size=30)


@settings(max_examples=3000)
@given(lines)
def test_split_sentences_matches_the_reference(line):
    assert split_sentences(line) == reference_spans(line)
