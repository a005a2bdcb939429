"""Tokenize: fugashi/UniDic morphemes (surface, lemma, POS, conjugation) for the classifiers,
with SudachiPy's normalized form on each token for matching (取組/取り組み/取組み → 取り組み).

Both analysers are created once, in the stage factory. SudachiPy runs on the same sentence
(split mode A, whose units are close to UniDic's short units); its normalized form is
attached to the fugashi token with the same character span, and the token's lemma is used
where the two analyses cut differently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..errors import MissingDependencyError
from ..model import PlanDocument, Sentence, Token
from ..pipeline import register_stage


@dataclass(frozen=True)
class TokenizeSettings:
    sudachi: bool = True
    """Add SudachiPy normalized forms (turn off for speed when nothing matches on them)."""
    kinds: tuple[str, ...] = ("prose", "bullet", "footnote", "table_row", "heading")
    """Sentence kinds to tokenize."""


class Morphology:
    """fugashi (UniDic) and SudachiPy analysers, loaded once."""

    def __init__(self, *, sudachi: bool = True) -> None:
        try:
            from fugashi import Tagger
        except ImportError as e:  # pragma: no cover - core dependency
            raise MissingDependencyError("fugashi", "all", "Japanese tokenization") from e
        self._tagger = Tagger()
        self._sudachi = None
        if sudachi:
            from sudachipy import Dictionary, SplitMode

            self._sudachi = Dictionary().tokenizer(mode=SplitMode.A)

    def normalized_forms(self, text: str) -> dict[tuple[int, int], str]:
        if self._sudachi is None or not text:
            return {}
        return {(m.begin(), m.end()): m.normalized_form() for m in self._sudachi.tokenize(text)}

    def tokens(self, text: str, offset: int = 0) -> tuple[Token, ...]:
        """Tokens of ``text``; offsets are shifted by ``offset`` (the text's start in the document)."""
        normalized = self.normalized_forms(text)
        tokens = []
        position = 0
        for word in self._tagger(text):
            surface = word.surface
            found = text.find(surface, position)
            start = found if found >= 0 else position
            end = start + len(surface)
            position = end
            feature = word.feature
            lemma = (getattr(feature, "lemma", None) or surface).split("-")[0]
            pos = "-".join(p for p in (feature.pos1, feature.pos2) if p and p != "*")
            tokens.append(Token(
                surface=surface, lemma=lemma, pos=pos,
                normalized=normalized.get((start, end), lemma),
                start=offset + start, end=offset + end,
                inflection=feature.cForm if feature.cForm not in (None, "*") else "",
            ))
        return tuple(tokens)


@register_stage("tokenize", needs=("sentences",), adds=("tokens",), settings=TokenizeSettings)
def make_tokenize(settings: TokenizeSettings) -> Callable[[PlanDocument], PlanDocument]:
    morphology = Morphology(sudachi=settings.sudachi)
    kinds = set(settings.kinds)

    def tokenize(doc: PlanDocument) -> PlanDocument:
        sentences: list[Sentence] = []
        for sentence in doc.sentences:
            if sentence.kind in kinds:
                sentence = replace(sentence, tokens=morphology.tokens(sentence.text, sentence.start))
            sentences.append(sentence)
        return replace(doc, sentences=tuple(sentences))

    return tokenize
