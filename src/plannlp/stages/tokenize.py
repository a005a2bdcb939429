"""Tokenize: fugashi/UniDic morphemes (surface, lemma, POS, conjugation) for the classifiers,
with SudachiPy's normalized form on each token for matching (取組/取り組み/取組み → 取り組み).

Both analysers are created once, in the stage factory. SudachiPy runs on the same sentence
(split mode A, whose units are close to UniDic's short units); its normalized form is
attached to the fugashi token with the same character span, and the token's lemma is used
where the two analyses cut differently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, chain, repeat
from operator import add, sub

from ..errors import MissingDependencyError
from ..japanese.sentences import cut_long
from ..model import PlanDocument, Token
from ..registry import register_stage


@dataclass(frozen=True)
class TokenizeSettings:
    sudachi: bool = True
    """Add SudachiPy normalized forms (turn off for speed when nothing matches on them)."""
    kinds: tuple[str, ...] = ("prose", "bullet", "footnote", "table_row", "heading")
    """Sentence kinds to tokenize."""
    xpos: bool = False
    """Also keep each token's full UniDic POS (``Token.xpos``, up to four levels, e.g.
    名詞-普通名詞-サ変可能), for CoNLL-U output (``plannlp ingest --format conllu``)."""


#: MeCab output, one token after another, fields separated by tabs: leading whitespace
#: (``%pS``), surface, lemma (UniDic 語彙素), POS (the first two levels, ``*`` left out) and
#: conjugation form. Unknown words get their surface as lemma. ``EOS`` ends the output, so
#: fugashi's trimming of trailing whitespace cannot eat an empty last field.
_NODE_FORMAT = r"%pS\\t%m\\t%f[7]\\t%F-[0,1]\\t%f[5]\\t"
_UNKNOWN_FORMAT = r"%pS\\t%m\\t%m\\t%F-[0,1]\\t%f[5]\\t"
_FIELDS = 5
#: The same with the full POS (four levels, ``*`` left out) as a sixth field (``xpos``).
_XPOS_NODE_FORMAT = _NODE_FORMAT + r"%F-[0,1,2,3]\\t"
_XPOS_UNKNOWN_FORMAT = _UNKNOWN_FORMAT + r"%F-[0,1,2,3]\\t"
#: The longest text given to MeCab or Sudachi in one call; a longer one is analysed in pieces
#: (:meth:`Morphology.tokens_of`). Segmentation already cuts every sentence to 400
#: characters; this guards the analysers themselves: Sudachi refuses more than 49,149 bytes
#: ("Input is too long"; a character is up to 4 bytes in UTF-8) and MeCab crashes the
#: process (a segmentation fault) on a tab-separated line of about 800,000 characters.
MAX_ANALYSED_CHARS = 4096


class Morphology:
    """fugashi (UniDic) and SudachiPy analysers, loaded once."""

    def __init__(self, *, sudachi: bool = True, xpos: bool = False) -> None:
        try:
            import unidic_lite
            from fugashi import Tagger
        except ImportError as e:  # pragma: no cover - core dependency
            raise MissingDependencyError("fugashi", "all", "Japanese tokenization") from e
        # unidic-lite explicitly, with plannlp's own output format (read by tokens())
        node, unknown = (_XPOS_NODE_FORMAT, _XPOS_UNKNOWN_FORMAT) if xpos else (_NODE_FORMAT, _UNKNOWN_FORMAT)
        self._xpos = xpos
        self._fields = _FIELDS + xpos
        self._tagger = Tagger(f'-d "{unidic_lite.DICDIR}" -O "" -F{node} -U{unknown} -E EOS')
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
        return self.tokens_of([text], [offset])[0]

    def tokens_of(self, texts: Sequence[str], offsets: Sequence[int]) -> list[tuple[Token, ...]]:
        """Tokens of many texts (see :meth:`tokens`).

        Each analyser runs over all the texts in turn — MeCab, then Sudachi — rather than both
        on one text after the other: each keeps its dictionary in the CPU caches, which makes
        the two analyses of a long document about 1.4 times as fast.
        """
        if any(len(text) > MAX_ANALYSED_CHARS for text in texts):
            return self._tokens_of_pieces(texts, offsets)
        parsed = [self._tagger.parse(text) for text in texts]
        normalized = [self.normalized_forms(text) for text in texts]
        return [self._read(*args) for args in zip(texts, offsets, parsed, normalized, strict=True)]

    def _tokens_of_pieces(self, texts: Sequence[str], offsets: Sequence[int]
                          ) -> list[tuple[Token, ...]]:
        """:meth:`tokens_of` with every text longer than :data:`MAX_ANALYSED_CHARS` analysed
        in pieces of at most that length (cut like long sentences), their tokens joined."""
        pieces = [cut_long(text, 0, len(text), MAX_ANALYSED_CHARS) for text in texts]
        flat = [(text[a:b], offset + a)
                for text, offset, spans in zip(texts, offsets, pieces, strict=True)
                for a, b in spans]
        tokens = iter(self.tokens_of([t for t, _ in flat], [o for _, o in flat]))
        return [tuple(chain.from_iterable(next(tokens) for _ in spans)) for spans in pieces]

    def _read(self, text: str, offset: int, parsed: str, normalized: dict[tuple[int, int], str]
              ) -> tuple[Token, ...]:
        """Tokens from MeCab's output for ``text`` and Sudachi's normalized forms.

        MeCab formats the whole analysis in C (see :data:`_NODE_FORMAT`); Python splits it
        once and reads the fields column by column. A token's span follows from the lengths
        of the whitespace before it and of its surface. Text with tabs or other characters
        that break the column layout is read token by token instead (:meth:`_tokens_by_search`).
        """
        *fields, after_last = parsed[:-3].split("\t")  # [:-3]: the "EOS"
        width = self._fields
        if len(fields) % width or after_last:
            return self._tokens_by_search(text, offset, normalized)
        spaces, surfaces = fields[0::width], fields[1::width]
        if not text.startswith("".join(chain.from_iterable(zip(spaces, surfaces, strict=True)))):
            return self._tokens_by_search(text, offset, normalized)
        # column by column with map() where it can: this runs over every token of a document
        ends = list(accumulate(map(add, map(len, spaces), map(len, surfaces))))
        starts = list(map(sub, ends, map(len, surfaces)))
        # a UniDic lemma of foreign origin carries its source after a hyphen (ドル-dollar)
        lemmas = [(lemma if "-" not in lemma else lemma.split("-")[0]) if lemma else surface
                  for lemma, surface in zip(fields[2::width], surfaces, strict=True)]
        rows = zip(surfaces, lemmas, fields[3::width],
                   list(map(normalized.get, zip(starts, ends, strict=True), lemmas)),  # Sudachi's form, or the lemma
                   list(map(offset.__add__, starts)), list(map(offset.__add__, ends)), fields[4::width],
                   fields[5::width] if self._xpos else repeat("", len(surfaces)), strict=True)
        return tuple(map(tuple.__new__, repeat(Token), rows))  # Token(*row), in C

    def _tokens_by_search(self, text: str, offset: int, normalized: dict[tuple[int, int], str]
                          ) -> tuple[Token, ...]:
        """The same tokens, placing each surface by searching the text (slower, always right)."""
        tokens = []
        position = 0
        for node in self._tagger(text):
            surface = node.surface
            found = text.find(surface, position)
            start = position if found < 0 else found
            end = start + len(surface)
            position = end
            lemma, pos, c_form = _node_fields(node)
            xpos = _full_pos(node) if self._xpos else ""
            tokens.append(Token(surface, lemma, pos, normalized.get((start, end), lemma),
                                offset + start, offset + end, c_form, xpos))
        return tuple(tokens)


def _node_fields(node) -> tuple[str, str, str]:
    """(lemma, POS of two levels, conjugation form) of a fugashi node, as :data:`_NODE_FORMAT`
    and :data:`_UNKNOWN_FORMAT` give them."""
    feature = node.feature
    written = node.surface if node.is_unk else (getattr(feature, "lemma", None) or "")
    lemma = written.split("-")[0] if written else node.surface
    pos = "-".join(p for p in (feature.pos1, feature.pos2) if p and p != "*")
    c_form = getattr(feature, "cForm", None) or ""
    return lemma, pos, "" if c_form == "*" else c_form


def _full_pos(node) -> str:
    """The four UniDic POS levels of a fugashi node, joined with '-' (``*`` left out)."""
    feature = node.feature
    return "-".join(p for p in (feature.pos1, feature.pos2, feature.pos3, feature.pos4)
                    if p and p != "*")


@register_stage("tokenize", needs=("sentences",), adds=("tokens",), settings=TokenizeSettings,
                per_sentence=True)
def make_tokenize(settings: TokenizeSettings) -> Callable[[PlanDocument], PlanDocument]:
    morphology = Morphology(sudachi=settings.sudachi, xpos=settings.xpos)
    kinds = set(settings.kinds)

    def tokenize(doc: PlanDocument) -> PlanDocument:
        chosen = [i for i, sentence in enumerate(doc.sentences) if sentence.kind in kinds]
        tokens = morphology.tokens_of([doc.sentences[i].text for i in chosen],
                                      [doc.sentences[i].start for i in chosen])
        sentences = list(doc.sentences)
        for i, sentence_tokens in zip(chosen, tokens, strict=True):
            sentences[i] = sentences[i].copy_with(tokens=sentence_tokens)
        return replace(doc, sentences=tuple(sentences))

    return tokenize
