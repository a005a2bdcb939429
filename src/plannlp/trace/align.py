"""Align the measures of two plan revisions: continued, revised, new, dropped (with splits/merges).

Units are sentences with a given role. Similarity survives rewording by combining

* the Jaccard overlap of **content lemmas** (SudachiPy normalized forms of nouns, verbs and
  adjectives, generic plan verbs such as 推進・図る・努める set aside), and
* the cosine of **character 2/3-gram** counts,

``score = 0.5 · lemma_jaccard + 0.5 · char_cosine``. Pairs are chosen by a **global**
assignment (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``), not greedily; then
an unmatched unit whose best partner is already taken but scores at least ``split_threshold``
joins it (one old → several new: a split; several old → one new: a merge).

Statuses: ``continued`` (score ≥ ``continue_threshold`` and the same numbers), ``revised``
(score ≥ ``revise_threshold``, or continued wording with changed numbers/targets), ``new``
(unmatched new unit), ``dropped`` (unmatched old unit). Thresholds are chosen on the gold
alignment (docs/trace.md: 0.20 and 0.40, the best on all gold pairs); the reported figures
come from leave-one-topic-out threshold choice, never from thresholds tuned on the test pairs.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ..model import PlanDocument

#: Words every plan uses for any measure: they say nothing about *which* measure it is.
GENERIC = frozenset("""推進 図る 努める 支援 充実 実施 取り組み 取組 促進 検討 強化 確保 向上 整備 活用
行う 為る 成る 有る 居る 進める 目指す 計画 事業 施策 市 本市 市民 地域 等 こと もの ため よう 的 化 性
""".split())
_CONTENT_POS = ("名詞", "動詞", "形容詞")
_NUMBER = re.compile(r"\d[\d,.]*")
_HIRAGANA_ONLY = re.compile(r"^[\u3040-\u309f]+$")


@dataclass(frozen=True)
class TraceSettings:
    continue_threshold: float = 0.40
    """At or above: the same measure continued (unless its numbers changed)."""
    revise_threshold: float = 0.20
    """At or above (and below continue): the same aim, changed content — revised."""
    split_threshold: float = 0.40
    """An unmatched unit joins an already matched partner at or above this (split/merge)."""
    lemma_weight: float = 0.5
    """Weight of the lemma overlap in the score (the rest is the character-n-gram cosine)."""


@dataclass(frozen=True)
class Unit:
    """A sentence being traced: text, where it stands, and what it is about."""

    doc: str  # document key
    id: str  # sentence id
    text: str
    section: str
    role: str
    lemmas: frozenset[str] = field(default=frozenset(), compare=False)


@cache
def _morphology():
    from ..stages.tokenize import Morphology

    return Morphology()


def content_lemmas(text: str, tokens=()) -> frozenset[str]:
    tokens = tokens or _morphology().tokens(text)
    return frozenset(t.normalized for t in tokens
                     if t.pos.startswith(_CONTENT_POS) and t.normalized not in GENERIC and len(t.normalized) > 1)


def evidence_terms(a: Unit, b: Unit) -> tuple[str, ...]:
    """Shared content lemmas worth showing (kana-only function words left out)."""
    return tuple(sorted(t for t in a.lemmas & b.lemmas if not _HIRAGANA_ONLY.match(t)))


def units_of(doc: PlanDocument, role: str, key: str | None = None) -> list[Unit]:
    key = key or doc.source.sha256[:16]
    units = []
    for sentence in doc.sentences:
        if sentence.role is None or sentence.role.label != role:
            continue
        path = doc.section_path(sentence.section_id)
        units.append(Unit(key, sentence.id, sentence.text, " > ".join(path[-2:]), role,
                          content_lemmas(sentence.text, sentence.tokens)))
    return units


def _ngrams(text: str) -> Counter:
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"[\s、。・「」（）()]", "", folded)
    return Counter(folded[i:i + n] for n in (2, 3) for i in range(len(folded) - n + 1))


def char_cosine(a: str, b: str) -> float:
    x, y = _ngrams(a), _ngrams(b)
    dot = sum(v * y[k] for k, v in x.items() if k in y)
    norm = math.sqrt(sum(v * v for v in x.values())) * math.sqrt(sum(v * v for v in y.values()))
    return dot / norm if norm else 0.0


def lemma_jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def similarity(a: Unit, b: Unit, settings: TraceSettings | None = None) -> float:
    w = (settings or TraceSettings()).lemma_weight
    return w * lemma_jaccard(a.lemmas, b.lemmas) + (1 - w) * char_cosine(a.text, b.text)


@dataclass(frozen=True)
class Pair:
    status: str  # continued / revised / new / dropped
    old: Unit | None
    new: Unit | None
    score: float
    shared: tuple[str, ...] = ()
    group: str = "one-to-one"  # or split / merge

    @property
    def section(self) -> str:
        return (self.new or self.old).section


def numbers_changed(a: str, b: str) -> bool:
    return sorted(_NUMBER.findall(unicodedata.normalize("NFKC", a))) != sorted(
        _NUMBER.findall(unicodedata.normalize("NFKC", b)))


def _status(old: Unit, new: Unit, score: float, settings: TraceSettings) -> str:
    if score >= settings.continue_threshold and not numbers_changed(old.text, new.text):
        return "continued"
    return "revised"


def score_matrix(old: Sequence[Unit], new: Sequence[Unit], settings: TraceSettings):
    import numpy as np

    return np.array([[similarity(o, n, settings) for n in new] for o in old]).reshape(len(old), len(new))


def align(old: Sequence[Unit], new: Sequence[Unit], settings: TraceSettings | None = None,
          matrix=None) -> list[Pair]:
    """Every old and new unit appears in the result: paired, split/merged, new or dropped.

    ``matrix`` (old × new similarity scores) may be passed when aligning the same units with
    several settings (threshold selection).
    """
    from scipy.optimize import linear_sum_assignment

    settings = settings or TraceSettings()
    matrix = score_matrix(old, new, settings) if matrix is None else matrix
    pairs: list[Pair] = []
    matched_old: set[int] = set()
    matched_new: set[int] = set()
    if len(old) and len(new):
        rows, cols = linear_sum_assignment(-matrix)
        for i, j in zip(rows, cols, strict=True):
            score = float(matrix[i, j])
            if score >= settings.revise_threshold:
                matched_old.add(i)
                matched_new.add(j)
                pairs.append(Pair(_status(old[i], new[j], score, settings), old[i], new[j], score,
                                  evidence_terms(old[i], new[j])))
    # splits: an unmatched new unit close to an old unit that is already matched
    for j, unit in enumerate(new):
        if j in matched_new or not len(old):
            continue
        i = int(matrix[:, j].argmax())
        if i in matched_old and matrix[i, j] >= settings.split_threshold:
            matched_new.add(j)
            pairs.append(Pair("revised", old[i], unit, float(matrix[i, j]),
                              evidence_terms(old[i], unit), group="split"))
    # merges: an unmatched old unit close to a new unit that is already matched
    for i, unit in enumerate(old):
        if i in matched_old or not len(new):
            continue
        j = int(matrix[i, :].argmax())
        if j in matched_new and matrix[i, j] >= settings.split_threshold:
            matched_old.add(i)
            pairs.append(Pair("revised", unit, new[j], float(matrix[i, j]),
                              evidence_terms(unit, new[j]), group="merge"))
    pairs += [Pair("dropped", unit, None, 0.0) for i, unit in enumerate(old) if i not in matched_old]
    pairs += [Pair("new", None, unit, 0.0) for j, unit in enumerate(new) if j not in matched_new]
    order = {u.id: k for k, u in enumerate(new)}
    order_old = {u.id: k for k, u in enumerate(old)}
    return sorted(pairs, key=lambda p: (order.get(p.new.id, len(new)) if p.new else len(new),
                                        order_old.get(p.old.id, len(old)) if p.old else -1))


def highlight(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Character diff: (old parts, new parts), each a list of (kind, text), kind same/del/ins."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    left: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(("same", old[a1:a2]))
            right.append(("same", new[b1:b2]))
        else:
            if a2 > a1:
                left.append(("del", old[a1:a2]))
            if b2 > b1:
                right.append(("ins", new[b1:b2]))
    return left, right
