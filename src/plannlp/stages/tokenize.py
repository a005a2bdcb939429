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
            import unidic_lite
            from fugashi import Tagger
        except ImportError as e:  # pragma: no cover - core dependency
            raise MissingDependencyError("fugashi", "all", "Japanese tokenization") from e
        # unidic-lite explicitly: its output format is what tokens() reads
        self._tagger = Tagger(f'-d "{unidic_lite.DICDIR}"')
        self._sudachi = None
        if sudachi:
            from sudachipy import Dictionary, SplitMode

            self._sudachi = Dictionary().tokenizer(mode=SplitMode.A)

    def normalized_forms(self, text: str) -> dict[tuple[int, int], str]:
        if self._sudachi is None or not text:
            return {}
        return {(m.begin(), m.end()): m.normalized_form() for m in self._sudachi.tokenize(text)}

    def tokens(self, text: str, offset: int = 0) -> tuple[Token, ...]:
        """Tokens of ``text``; offsets are shifted by ``offset`` (the text's start in the document).

        MeCab formats the whole analysis in C (unidic-lite's output format: surface, pron,
        lForm, lemma, POS joined with '-', cType, cForm, accent); Python only splits lines,
        which is several times faster than visiting fugashi node objects.
        """
        normalized = self.normalized_forms(text)
        tokens = []
        position = 0
        for line in self._tagger.parse(text).split("\n"):
            if not line or line == "EOS":
                continue
            fields = line.split("\t")
            surface = fields[0]
            found = text.find(surface, position)
            start = position if found < 0 else found
            end = start + len(surface)
            position = end
            lemma = fields[3].split("-")[0] if len(fields) > 3 and fields[3] else surface
            pos = "-".join(fields[4].split("-")[:2]) if len(fields) > 4 else ""
            c_form = fields[6] if len(fields) > 6 else ""
            tokens.append(Token(surface, lemma, pos, normalized.get((start, end), lemma),
                                offset + start, offset + end, c_form))
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
