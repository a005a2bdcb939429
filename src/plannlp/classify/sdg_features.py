"""Features of the SDG re-ranker and its scores at inference.

The re-ranker scores each goal the lexicon proposes for a text from goal-independent
evidence features of the (text, goal) pair (:func:`pair_features`); trained by
:mod:`plannlp.training.sdg`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from .sdg_lexicon import LexiconIndex, lexicon_scores, load_lexicon


def pair_features(text: str, goal: int, scores: dict[int, tuple[float, list]]) -> dict[str, float]:
    """Goal-independent features of one (text, goal) candidate from the lexicon's evidence.

    Because they do not name the goal, the model transfers to goals it has few or no
    training examples of (a held-out 政策 often has goals no other 政策 has).
    """
    return _goal_features(_TextEvidence.of(text, scores), goal, scores)


@cache
def _log1p(n: int) -> float:
    """``float(np.log1p(n))``, cached: the counts and lengths are small integers that repeat.

    (Not ``math.log1p``: numpy's may differ from it in the last bit, and the model was
    trained with numpy's.)
    """
    return float(np.log1p(n))


@dataclass(frozen=True)
class _TextEvidence:
    """What the features of every candidate goal of one text share (computed once per text)."""

    first_line: str
    occurrences: dict[int, int]  # goal → occurrences in the text of its matched terms
    all_occurrences: int  # of every candidate's terms (at least 1)
    top_goals: list[int]  # the two goals with the highest lexicon scores
    log_length: float

    @classmethod
    def of(cls, text: str, scores: dict[int, tuple[float, list]]) -> _TextEvidence:
        folded = unicodedata.normalize("NFKC", text)
        occurrences = {goal: sum(folded.count(e.term) for e in entries) for goal, (_, entries) in scores.items()}
        return cls(
            first_line=folded.strip().split("\n", 1)[0],
            occurrences=occurrences,
            all_occurrences=sum(occurrences.values()) or 1,
            top_goals=sorted(scores, key=lambda g: -scores[g][0])[:2],
            log_length=_log1p(len(folded)),
        )


def _goal_features(evidence: _TextEvidence, goal: int, scores: dict[int, tuple[float, list]]) -> dict[str, float]:
    """:func:`pair_features` of one candidate goal, from its text's shared evidence."""
    score, entries = scores[goal]
    occurrences = evidence.occurrences[goal]
    return {
        "bias": 1.0,
        "score": score,
        "terms": float(len(entries)),
        "log_occurrences": _log1p(occurrences),
        "share": occurrences / evidence.all_occurrences,
        "max_weight": max(e.weight for e in entries),
        "in_title": float(any(e.term in evidence.first_line for e in entries)),
        "official": float(any(e.source.startswith("外務省") for e in entries)),
        "rank1": float(evidence.top_goals[0] == goal),
        "rank2": float(len(evidence.top_goals) > 1 and evidence.top_goals[1] == goal),
        "log_length": evidence.log_length,
    }


def _candidates(text: str, index: LexiconIndex, scores: dict | None = None) -> list[tuple[int, dict[str, float]]]:
    scores = lexicon_scores(text, index) if scores is None else scores
    if not scores:
        return []
    evidence = _TextEvidence.of(text, scores)
    return [(goal, _goal_features(evidence, goal, scores)) for goal in sorted(scores)]


def model_goal_scores(model, texts, index: LexiconIndex | None = None,
                      lexical: list[dict] | None = None) -> list[dict[int, float]]:
    """Per-text probability that each lexicon-supported goal is linked (one batched product)."""
    index = index or LexiconIndex(load_lexicon())
    lexical = lexical if lexical is not None else [lexicon_scores(t, index) for t in texts]
    owners, rows = [], []
    for i, (text, scores) in enumerate(zip(texts, lexical, strict=True)):
        for goal, row in _candidates(text, index, scores):
            owners.append((i, goal))
            rows.append(row)
    results: list[dict[int, float]] = [{} for _ in texts]
    if rows:
        for (i, goal), p in zip(owners, model.predict_proba(rows)[:, 0], strict=True):
            results[i][goal] = float(p)
    return results
