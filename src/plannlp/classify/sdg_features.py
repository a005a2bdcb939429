"""Features of the SDG model: what in a text tells which goals it serves.

One feature dict per text, shared by the 17 per-goal decisions (trained by
:mod:`plannlp.training.sdg`):

* ``g2=``: the text's character bigrams (NFKC, no white space), each ``1/sqrt(n)`` for a
  text of ``n`` distinct bigrams, so a sentence and a whole section weigh alike;
* ``lex=N``: the lexicon's noisy-OR score of goal N (:mod:`plannlp.classify.sdg_lexicon`),
  and ``term=…`` for every lexicon term found;
* ``sim=N``: for each candidate goal N (one with a lexicon term in the text), the
  character-bigram cosine between the text and goal N's own texts (its official Japanese goal
  text and short name, and the lexicon's terms for it, which include its targets' key terms).

Only the lexicon's candidate goals are ever linked (:class:`~plannlp.classify.sdg.SdgLinker`),
so the similarity is computed for them alone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cache

from ..japanese.width import compact_nfkc
from .sdg_lexicon import LexiconEntry, load_lexicon


def _bigram_keys(folded: str) -> set[str]:
    """The text's character bigrams as feature names (``g2=``…): one pass, and the same
    strings serve as the features and for the similarity to the goals' bigrams."""
    return {"g2=" + folded[i:i + 2] for i in range(len(folded) - 1)}


@cache
def goal_bigrams() -> dict[int, frozenset[str]]:
    """Each goal's character bigrams (as ``g2=`` feature names), from its goal text, short
    name and lexicon terms."""
    from .sdg_lexicon import goal_texts

    texts: dict[int, list[str]] = defaultdict(list)
    for goal, text in goal_texts().items():
        texts[goal].append(text)
    for entry in load_lexicon():
        texts[entry.goal].append(entry.term)
    return {goal: frozenset().union(*(_bigram_keys(compact_nfkc(t)) for t in parts)) for goal, parts in texts.items()}


def text_features(text: str, lexical: dict[int, tuple[float, list[LexiconEntry]]]) -> dict[str, float]:
    """The feature dict of one text (see the module docstring)."""
    bigrams = _bigram_keys(compact_nfkc(text))
    features: dict[str, float] = {}
    if bigrams:
        weight = 1.0 / math.sqrt(len(bigrams))
        features = dict.fromkeys(bigrams, weight)
        goals = goal_bigrams()
        for goal in lexical:
            grams = goals[goal]
            shared = len(bigrams & grams)
            if shared:
                features[f"sim={goal}"] = shared / (weight ** -1 * math.sqrt(len(grams)))
    for goal, (score, entries) in lexical.items():
        features[f"lex={goal}"] = score
        for entry in entries:
            features["term=" + entry.term] = 1.0
    return features
