"""The SDG lexicon: Japanese terms per goal (``data/sdg/lexicon.tsv``), each with a weight and
its source, and the noisy-OR score of the goals whose terms a text contains (see
:mod:`plannlp.classify.sdg`)."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..resources import data_path


@dataclass(frozen=True)
class LexiconEntry:
    goal: int
    term: str
    weight: float
    target: str | None
    source: str


@cache
def load_lexicon(path: Path | None = None) -> tuple[LexiconEntry, ...]:
    path = path or data_path("sdg/lexicon.tsv")
    with path.open(encoding="utf-8") as handle:
        return tuple(
            LexiconEntry(int(row["goal"]), unicodedata.normalize("NFKC", row["term"]), float(row["weight"]),
                         row["target"] or None, row["source"])
            for row in csv.DictReader(handle, delimiter="\t")
        )


@cache
def _goal_rows() -> tuple[dict[str, str], ...]:
    with data_path("sdg/goals.tsv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle, delimiter="\t"))


@cache
def goal_names() -> dict[int, str]:
    return {int(row["goal"]): row["short_name_ja"] for row in _goal_rows()}


class LexiconIndex:
    """The lexicon's distinct terms, the entries behind each term, and a matcher (built once).

    ``terms_in`` finds every term that occurs in a text — also terms inside or overlapping
    other terms (農業 in 持続可能な農業) — with one regex search instead of one substring
    test per term. The regex is a lookahead, so it is tried at every position of the text; a
    quick test of the position's first two characters (:func:`_start_of_a_term`) rejects most
    positions before the alternatives are tried. The alternatives form a trie
    (:func:`_trie_pattern`: terms sharing a beginning share its test), each term's
    continuations tried before the term ends, so at each position the regex finds the longest
    term starting there; the other terms starting there are exactly the terms that are
    prefixes of that one.
    """

    def __init__(self, lexicon: Sequence[LexiconEntry]) -> None:
        self.by_term: dict[str, list[LexiconEntry]] = defaultdict(list)
        for entry in lexicon:
            self.by_term[entry.term].append(entry)
        self.terms = tuple(self.by_term)
        self._rank = {term: i for i, term in enumerate(self.terms)}
        self._longest_term_at = re.compile(f"(?={_start_of_a_term(self.terms)})(?=({_trie_pattern(self.terms)}))")
        self._prefix_terms = {term: [t for t in self.terms if term.startswith(t)] for term in self.terms}

    def terms_in(self, *texts: str) -> list[str]:
        """The distinct terms found in any of ``texts``, in lexicon order."""
        found: set[str] = set()
        for text in texts:
            for longest in set(self._longest_term_at.findall(text)):
                found.update(self._prefix_terms[longest])
        return sorted(found, key=self._rank.__getitem__)


def _trie_pattern(terms: Sequence[str]) -> str:
    """A regex matching the longest of ``terms`` at a position: the terms as a trie
    (``農業|農地`` → ``農(?:地|業)``), a term that goes on in longer terms written as its
    continuations made optional, which the regex tries first (``SDGs|SDGs未来都市`` →
    ``SDGs(?:未来都市)?``)."""
    trie: dict[str, dict] = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}  # a term ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if "" in node:  # a term ends here: its continuations are optional
            return "(?:" + "|".join(branches) + ")?"
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return pattern(trie) if terms else "(?!)"


def _start_of_a_term(terms: Sequence[str]) -> str:
    """A regex for how a term starts: one of the terms' first characters, then one of their
    second characters (only the first when a term has one character; nothing matches when
    there are no terms)."""
    if not terms:
        return "(?!)"
    first = re.escape("".join(sorted({t[0] for t in terms})))
    if any(len(t) == 1 for t in terms):
        return f"[{first}]"
    second = re.escape("".join(sorted({t[1] for t in terms})))
    return f"[{first}][{second}]"


def lexicon_scores(text: str, index: LexiconIndex, normalized: str = "") -> dict[int, tuple[float, list[LexiconEntry]]]:
    """Goal → (noisy-OR score, matched entries) for one text (and its normalized form, if given)."""
    folded = unicodedata.normalize("NFKC", text)
    matched: dict[int, list[LexiconEntry]] = defaultdict(list)
    for term in index.terms_in(folded, normalized):
        for entry in index.by_term[term]:
            matched[entry.goal].append(entry)
    scores = {}
    for goal, entries in matched.items():
        # a term contained in a longer matched term of the same goal adds nothing
        goal_terms = {e.term for e in entries}
        kept = sorted((e for e in entries if not any(e.term != t and e.term in t for t in goal_terms)),
                      key=lambda e: (-e.weight, e.term))
        miss = 1.0
        for entry in kept:
            miss *= 1.0 - entry.weight
        scores[goal] = (1.0 - miss, kept)
    return scores


@cache
def goal_texts() -> dict[int, str]:
    """Each goal's official Japanese text and short name (外務省仮訳, ``data/sdg/goals.tsv``)."""
    return {int(row["goal"]): f"{row['short_name_ja']} {row['goal_text_ja']}" for row in _goal_rows()}
