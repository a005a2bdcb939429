"""Tokens for those who want them: CoNLL-U (``--format conllu``) and token lists in JSONL
(``--keep-tokens``).

CoNLL-U is written as GiNZA writes it (https://universaldependencies.org/format.html): per
sentence ``# sent_id`` and ``# text`` comments, then one row per token with the ten columns
ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC. plannlp has no dependency parser, so
HEAD and DEPREL (and FEATS, DEPS) are ``_``. UPOS comes from the UniDic POS
(:mod:`plannlp.japanese.upos`), XPOS is the UniDic POS itself. MISC has ``SpaceAfter=No``
where the next token follows at once (``SpacesAfter=`` for other whitespace, as UD says),
and plannlp's sentence id and role (``PlanSentence=…|PlanRole=…``). Whitespace tokens
(UniDic 空白) are not rows: they are the ``SpacesAfter`` of the token before them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..japanese.upos import upos_tags
from ..model import PlanDocument, Sentence, Token
from .tables import document_key

_ESCAPES = {"\\": "\\\\", "|": "\\|", " ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def token_records(sentence: Sentence) -> list[dict[str, str]]:
    """A sentence's tokens for JSONL: surface, lemma (UniDic 語彙素), pos (UniDic, two levels)
    and normalized (SudachiPy's normalized form; the lemma where Sudachi gave none)."""
    return [{"surface": t.surface, "lemma": t.lemma, "pos": t.pos, "normalized": t.normalized}
            for t in sentence.tokens]


def _field(value: str) -> str:
    """A CoNLL-U column value: no tabs or line breaks, ``_`` when empty."""
    cleaned = value.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return cleaned if cleaned.strip() else "_"


def _one_line(text: str) -> str:
    """The ``# text`` comment: the sentence, its line breaks and tabs as spaces."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _spaces_after(gap: str) -> str | None:
    """The MISC entry for the text between a token and the next (None: one plain space)."""
    if gap == "":
        return "SpaceAfter=No"
    if gap == " ":
        return None
    return "SpacesAfter=" + "".join(_ESCAPES.get(c, c) for c in gap)


def _words(sentence: Sentence) -> list[Token]:
    return [t for t in sentence.tokens if t.surface.strip()]


def sentence_rows(doc: PlanDocument, sentence: Sentence) -> list[list[str]]:
    """The ten columns of each token of ``sentence`` (none when it has no tokens)."""
    words = _words(sentence)
    if not words:
        return []
    tags = [t.xpos or t.pos for t in words]
    upos = upos_tags([t.surface for t in words], tags)
    plan = [f"PlanSentence={sentence.id}"]
    if sentence.role is not None:
        plan.append(f"PlanRole={sentence.role.label}")
    rows = []
    for i, token in enumerate(words):
        next_start = words[i + 1].start if i + 1 < len(words) else sentence.end
        spacing = _spaces_after(doc.text[token.end:next_start])
        misc = "|".join(([spacing] if spacing else []) + plan)
        rows.append([str(i + 1), _field(token.surface), _field(token.lemma), upos[i],
                     _field(tags[i]), "_", "_", "_", "_", misc])
    return rows


def conllu_lines(doc: PlanDocument) -> Iterator[str]:
    """The document as CoNLL-U lines (each ends with a line break); sentences without tokens
    are left out, as CoNLL-U has no empty sentences."""
    key = document_key(doc)
    yield f"# newdoc id = {key}\n"
    for sentence in doc.sentences:
        rows = sentence_rows(doc, sentence)
        if not rows:
            continue
        yield f"# sent_id = {key}-{sentence.id}\n"
        yield f"# text = {_one_line(sentence.text)}\n"
        if sentence.role is not None:
            yield f"# role = {sentence.role.label}\n"
        for row in rows:
            yield "\t".join(row) + "\n"
        yield "\n"


def with_tokens(rows: Sequence[dict[str, Any]], doc: PlanDocument) -> list[dict[str, Any]]:
    """JSONL sentence rows (in document order) with each sentence's ``tokens`` added."""
    return [{**row, "tokens": token_records(sentence)}
            for row, sentence in zip(rows, doc.sentences, strict=True)]
