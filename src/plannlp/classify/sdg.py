"""SDG links: which of the 17 goals a sentence serves, with a confidence and the evidence.

Two stages:

* the **lexicon** (``data/sdg/lexicon.tsv``) proposes candidate goals: Japanese terms per
  goal, each with a weight and its source (the goal's or a target's official Japanese text,
  外務省仮訳, or a curated municipal term). A goal's lexicon score is the noisy-OR of the
  weights of the distinct terms found: ``1 - Π(1 - w)``.
* the **model** (``models/sdg``, when present) re-scores each candidate: a logistic
  regression over goal-independent evidence features (score, number and frequency of terms,
  title hits, rank among the candidates…), trained on the plan's own SDG labels (seed 003) —
  see :mod:`plannlp.training.sdg`.

Rule (documented in docs/sdg.md): with a model, a candidate goal is linked when the model's
probability reaches the threshold chosen in training (``meta.json``); without a model, when
the lexicon score reaches ``min_confidence``. The link's confidence is that probability
(or score). Headings, table rows and footnotes are not linked. Evidence lists the matched
terms.

Sections and documents aggregate their sentences' links with :func:`aggregate_links`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import PlanDocument, SdgLink, Sentence
from ..registry import register_stage
from .sdg_lexicon import LexiconIndex, lexicon_scores, load_lexicon


@dataclass(frozen=True)
class SdgSettings:
    model: str = "sdg"
    """Model folder under models/ (or a path); "" uses the lexicon alone."""
    min_confidence: float = 0.5
    """Without a model: link a goal when its lexicon score is at least this."""
    kinds: tuple[str, ...] = ("prose", "bullet")
    """Sentence kinds that get links."""


class SdgLinker:
    """Lexicon + optional model. ``predict`` is pure: text in, links out.

    The lexicon proposes candidate goals (a goal with at least one of its terms in the text).
    With a model (``models/sdg``) one decision per candidate goal over
    :func:`~plannlp.classify.sdg_features.text_features`, each goal with its own threshold
    (``meta.json``: ``thresholds``); without a model, the lexicon's score against
    ``min_confidence``. Evidence is the goal's lexicon terms found in the text.
    """

    def __init__(self, settings: SdgSettings, model=None, meta: dict | None = None) -> None:
        self.settings = settings
        self.lexicon = load_lexicon()
        self.index = LexiconIndex(self.lexicon)
        self.model = model
        self.meta = meta or {}
        if model is not None:
            default = float(self.meta.get("threshold", settings.min_confidence))
            given = self.meta.get("thresholds", {})
            self.goals = [int(g) for g in model.classes_]
            self.thresholds = {g: float(given.get(str(g), default)) for g in self.goals}

    def probabilities(self, texts: Sequence[str], lexical: Sequence[dict]) -> list[dict[int, float]]:
        """Each text's probability of every goal (the model's), one batched product; only the
        texts with a lexicon candidate are scored (the others get no link anyway)."""
        from .sdg_features import text_features

        results: list[dict[int, float]] = [{} for _ in texts]
        scored = [i for i, lex in enumerate(lexical) if lex]
        if not scored:
            return results
        rows = [text_features(texts[i], lexical[i]) for i in scored]
        for i, row in zip(scored, self.model.predict_proba(rows).tolist(), strict=True):
            results[i] = dict(zip(self.goals, row, strict=True))
        return results

    def predict(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> list[tuple[SdgLink, ...]]:
        normalized = normalized or [""] * len(texts)
        lexical = [lexicon_scores(t, self.index, n) for t, n in zip(texts, normalized, strict=True)]
        if self.model is not None:
            scored = self.probabilities(texts, lexical)
            thresholds = self.thresholds
            source = "model"
        else:
            scored = [{goal: score for goal, (score, _) in lex.items()} for lex in lexical]
            thresholds = defaultdict(lambda: self.settings.min_confidence)
            source = "lexicon"
        results = []
        for lex, goals in zip(lexical, scored, strict=True):
            links = []
            for goal in lex:  # only the lexicon's candidates are linked
                confidence = goals.get(goal)
                if confidence is None or confidence < thresholds[goal]:
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
