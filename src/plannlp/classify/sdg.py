"""SDG links: which of the 17 goals a sentence serves, with a confidence and the evidence.

Two stages:

* the **lexicon** (``data/sdg/lexicon.tsv``) proposes candidate goals: Japanese terms per
  goal, each with a weight and its source (the goal's or a target's official Japanese text,
  外務省仮訳, or a curated municipal term). A goal's lexicon score is the noisy-OR of the
  weights of the distinct terms found: ``1 - Π(1 - w)``.
* the **model** (``models/sdg``, when present) re-scores each candidate: a logistic
  regression over goal-independent evidence features (score, number and frequency of terms,
  title hits, rank among the candidates…), trained on the plan's own SDG labels (seed 003) —
  see :mod:`plannlp.classify.sdg_training`.

Rule (documented in docs/sdg.md): with a model, a candidate goal is linked when the model's
probability reaches the threshold chosen in training (``meta.json``); without a model, when
the lexicon score reaches ``min_confidence``. The link's confidence is that probability
(or score). Headings, table rows and footnotes are not linked. Evidence lists the matched
terms.

Sections and documents aggregate their sentences' links with :func:`aggregate_links`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..model import PlanDocument, SdgLink, Sentence
from ..pipeline import register_stage
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
def goal_names() -> dict[int, str]:
    with data_path("sdg/goals.tsv").open(encoding="utf-8") as handle:
        return {int(row["goal"]): row["short_name_ja"] for row in csv.DictReader(handle, delimiter="\t")}


class LexiconIndex:
    """The lexicon's distinct terms, the entries behind each term, and a matcher (built once).

    ``terms_in`` finds every term that occurs in a text — also terms inside or overlapping
    other terms (農業 in 持続可能な農業) — with one regex search instead of one substring
    test per term. The regex is a lookahead, so it is tried at every position of the text; a
    quick test of the position's first two characters (:func:`_start_of_a_term`) rejects most
    positions before the alternatives are tried. The alternatives are ordered longest first,
    so at each position the regex finds the longest term starting there; the other terms
    starting there are exactly the terms that are prefixes of that one.
    """

    def __init__(self, lexicon: Sequence[LexiconEntry]) -> None:
        self.by_term: dict[str, list[LexiconEntry]] = defaultdict(list)
        for entry in lexicon:
            self.by_term[entry.term].append(entry)
        self.terms = tuple(self.by_term)
        self._rank = {term: i for i, term in enumerate(self.terms)}
        longest_first = "|".join(map(re.escape, sorted(self.terms, key=len, reverse=True)))
        self._longest_term_at = re.compile(f"(?={_start_of_a_term(self.terms)})(?=({longest_first}))")
        self._prefix_terms = {term: [t for t in self.terms if term.startswith(t)] for term in self.terms}

    def terms_in(self, *texts: str) -> list[str]:
        """The distinct terms found in any of ``texts``, in lexicon order."""
        found: set[str] = set()
        for text in texts:
            for longest in set(self._longest_term_at.findall(text)):
                found.update(self._prefix_terms[longest])
        return sorted(found, key=self._rank.__getitem__)


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


@dataclass(frozen=True)
class SdgSettings:
    model: str = "sdg"
    """Model folder under models/ (or a path); "" uses the lexicon alone."""
    min_confidence: float = 0.5
    """Without a model: link a goal when its lexicon score is at least this."""
    kinds: tuple[str, ...] = ("prose", "bullet")
    """Sentence kinds that get links."""


class SdgLinker:
    """Lexicon + optional model. ``predict`` is pure: text in, links out."""

    def __init__(self, settings: SdgSettings, model=None, meta: dict | None = None) -> None:
        self.settings = settings
        self.lexicon = load_lexicon()
        self.index = LexiconIndex(self.lexicon)
        self.model = model
        self.meta = meta or {}

    def predict(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> list[tuple[SdgLink, ...]]:
        normalized = normalized or [""] * len(texts)
        lexical = [lexicon_scores(t, self.index, n) for t, n in zip(texts, normalized, strict=True)]
        if self.model is not None:
            from .sdg_training import model_goal_scores

            confidences = model_goal_scores(self.model, texts, self.index, lexical)
            threshold = float(self.meta.get("threshold", self.settings.min_confidence))
            source = "model"
        else:
            confidences = [{goal: score for goal, (score, _) in lex.items()} for lex in lexical]
            threshold = self.settings.min_confidence
            source = "lexicon"
        results = []
        for lex, scored in zip(lexical, confidences, strict=True):
            links = []
            for goal, confidence in scored.items():
                if confidence < threshold:
                    continue
                entries = lex[goal][1]
                targets = Counter(e.target for e in entries if e.target)
                links.append(SdgLink(
                    goal=goal, confidence=round(confidence, 4), evidence=tuple(e.term for e in entries),
                    target=targets.most_common(1)[0][0] if targets else None, source=source,
                ))
            results.append(tuple(sorted(links, key=lambda link: (-link.confidence, link.goal))))
        return results


def aggregate_links(sentence_links: Iterable[Sequence[SdgLink]], *, min_support: int = 1,
                    min_confidence: float = 0.5) -> tuple[SdgLink, ...]:
    """Links of a section or document from its sentences' links.

    Rule: a goal's aggregate confidence is the noisy-OR of its sentence confidences
    (``1 - Π(1 - c)``); it is kept when at least ``min_support`` sentences link it and the
    aggregate reaches ``min_confidence``. Evidence is the union of the sentences' evidence
    terms, most frequent first.
    """
    by_goal: dict[int, list[SdgLink]] = defaultdict(list)
    for links in sentence_links:
        for link in links:
            by_goal[link.goal].append(link)
    aggregated = []
    for goal, links in by_goal.items():
        if len(links) < min_support:
            continue
        miss = 1.0
        for link in links:
            miss *= 1.0 - link.confidence
        confidence = 1.0 - miss
        if confidence < min_confidence:
            continue
        evidence = Counter(term for link in links for term in link.evidence if not term.startswith("model:"))
        aggregated.append(SdgLink(goal, round(confidence, 4), tuple(t for t, _ in evidence.most_common(8)),
                                  source="aggregate"))
    return tuple(sorted(aggregated, key=lambda link: (-link.confidence, link.goal)))


def _normalized_text(sentence: Sentence) -> str:
    """The sentence as its tokens' normalized forms (取組 → 取り組み), for the lexicon."""
    return "".join([t.normalized for t in sentence.tokens])


def apply_links(doc: PlanDocument, links: Sequence[tuple[SdgLink, ...]], indexes: Sequence[int]) -> PlanDocument:
    sentences = list(doc.sentences)
    for i, sentence_links in zip(indexes, links, strict=True):
        if sentences[i].sdgs != sentence_links:  # a sentence whose links stay the same is kept
            sentences[i] = sentences[i].copy_with(sdgs=sentence_links)
    return replace(doc, sentences=tuple(sentences))


def load_linker(settings: SdgSettings) -> SdgLinker:
    if not settings.model:
        return SdgLinker(settings)
    from ..errors import ModelNotFoundError
    from ..resources import model_path
    from .model_io import load_linear_model

    try:
        folder = Path(settings.model) if Path(settings.model).is_dir() else model_path(settings.model)
    except ModelNotFoundError:
        return SdgLinker(settings, meta={"name": "sdg-lexicon", "version": "1"})
    model, meta = load_linear_model(folder)
    return SdgLinker(settings, model, meta)


@register_stage("link_sdgs", needs=("tokens",), adds=("sdgs",), settings=SdgSettings,
                per_sentence=True)
def make_link_sdgs(settings: SdgSettings) -> Callable[[PlanDocument], PlanDocument]:
    linker = load_linker(settings)
    kinds = set(settings.kinds)

    def link_sdgs(doc: PlanDocument) -> PlanDocument:
        indexes = [i for i, s in enumerate(doc.sentences) if s.kind in kinds]
        texts = [doc.sentences[i].text for i in indexes]
        normalized = [_normalized_text(doc.sentences[i]) for i in indexes]
        return apply_links(doc, linker.predict(texts, normalized), indexes)

    link_sdgs.model_info = (linker.meta.get("name", "sdg-lexicon"), str(linker.meta.get("version", "1")))
    return link_sdgs
