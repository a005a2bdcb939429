"""Hand a PlanDocument to spaCy: a ``spacy.tokens.Doc`` with sentences, sections and roles.

plannlp's own stages use fugashi and SudachiPy directly (see docs/design.md for why); this
bridge is for researchers who want spaCy's tooling on top — ``Span`` groups, ``DocBin``
serialisation, displaCy's span visualiser for reviewing roles::

    from plannlp.integrations.spacy_doc import to_spacy
    sdoc = to_spacy(doc)
    sdoc.spans["roles"]        # one Span per sentence, label = role
    sdoc.spans["sections"]     # one Span per section, label = section title

Tokens are the tokenize stage's fugashi/UniDic tokens (``lemma_``, ``tag_`` = UniDic POS,
``norm_`` = SudachiPy normalized form); only sentence text is covered, so text between
sentences (blank lines, dropped debris) is not part of the spaCy Doc.
"""

from __future__ import annotations

from ..errors import MissingDependencyError, PlanNLPError
from ..model import PlanDocument


def to_spacy(doc: PlanDocument, vocab=None):
    """Build a spaCy ``Doc`` from a tokenized PlanDocument (needs the tokenize stage)."""
    try:
        from spacy.tokens import Doc, Span
        from spacy.vocab import Vocab
    except ImportError as e:
        raise MissingDependencyError("spacy", "spacy", "Converting to spaCy") from e
    if doc.sentences and not any(s.tokens for s in doc.sentences):
        raise PlanNLPError("The document has no tokens; run a pipeline with the 'tokenize' stage.")
    for name in ("role_confidence", "sdgs", "sentence_id"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)

    words: list[str] = []
    spaces: list[bool] = []
    lemmas: list[str] = []
    tags: list[str] = []
    norms: list[str] = []
    sent_starts: list[bool] = []
    sentence_token_ranges: list[tuple[int, int]] = []
    for sentence in doc.sentences:
        first = len(words)
        tokens = [t for t in sentence.tokens if t.surface.strip()]
        for i, token in enumerate(tokens):
            words.append(token.surface)
            following = tokens[i + 1].start if i + 1 < len(tokens) else None
            spaces.append(following is not None and following > token.end)
            lemmas.append(token.lemma)
            tags.append(token.pos)
            norms.append(token.normalized)
            sent_starts.append(i == 0)
        sentence_token_ranges.append((first, len(words)))

    sdoc = Doc(vocab or Vocab(), words=words, spaces=spaces, lemmas=lemmas, tags=tags,
               sent_starts=sent_starts)
    for token, norm in zip(sdoc, norms, strict=True):
        token.norm_ = norm

    role_spans = []
    section_tokens: dict[str, list[int]] = {}
    for sentence, (first, last) in zip(doc.sentences, sentence_token_ranges, strict=True):
        if first == last:
            continue
        span = Span(sdoc, first, last, label=sentence.role.label if sentence.role else "unknown")
        span._.role_confidence = sentence.role.confidence if sentence.role else None
        span._.sdgs = [link.goal for link in sentence.sdgs]
        span._.sentence_id = sentence.id
        role_spans.append(span)
        if sentence.section_id:
            section_tokens.setdefault(sentence.section_id, []).extend((first, last))
    sdoc.spans["roles"] = role_spans
    sdoc.spans["sections"] = [
        Span(sdoc, min(bounds), max(bounds), label=doc.section(section_id).title)
        for section_id, bounds in section_tokens.items()
        if doc.section(section_id) is not None
    ]
    return sdoc
