"""The document view's parts rendered in Python (plannlp.serve.fragments): escaped, and the
same links as the template's."""

from __future__ import annotations

from plannlp.serve import review
from plannlp.serve.fragments import Fragments, query, section_links, sentence_item
from plannlp.serve.review import ReviewSentence

STYLE = {"role_names": review.ROLE_NAMES, "goal_names": review.goal_names(), "goal_colours": review.GOAL_COLOURS,
         "low": review.LOW_CONFIDENCE}
FILTERS = {"role": "", "goal": 0, "section": "", "max_confidence": 1.0}


def sentence(**over) -> ReviewSentence:
    fields = {"id": "s12", "text": "<script>alert(1)</script>を推進します。", "order": 12, "kind": "prose",
              "section_id": "sec3", "page": 4, "boxes": [], "role": "measure", "confidence": 0.41,
              "role_source": "model", "goals": [{"goal": 11, "confidence": 0.7, "source": "human"}]}
    return ReviewSentence(**{**fields, **over})


def test_a_sentence_item_is_escaped_and_flagged():
    html = str(sentence_item(sentence(), query(FILTERS), **STYLE))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;を推進します。" in html
    assert 'href="?role=&amp;goal=0&amp;section=&amp;max_confidence=1.0&amp;s=s12#s12"' in html
    assert "⚠ low" in html and 'class="low"' in html and "施策" in html and "p.4" in html
    assert f'chip human" style="background: {review.GOAL_COLOURS[11]}"' in html
    assert review.goal_names()[11] in html
    reviewed = str(sentence_item(sentence(role_source="human", confidence=1.0), query(FILTERS), **STYLE))
    assert "⚠ low" not in reviewed and "human-mark" in reviewed


def test_links_quote_what_the_user_typed():
    assert query({**FILTERS, "role": 'a"&b'}, {"s": "s1"}) == "?role=a%22%26b&goal=0&section=&max_confidence=1.0&s=s1"
    nav = str(section_links([{"id": "sec1", "title": "<b>第1章</b>", "level": 2}], {**FILTERS, "section": "sec1"}))
    assert "<b>" not in nav and "&lt;b&gt;第1章" in nav
    assert 'href="?role=&amp;goal=0&amp;section=sec1&amp;max_confidence=1.0" style="padding-left: 0.8em" ' \
           'aria-current="true"' in nav
    assert 'href="?role=&amp;goal=0&amp;section=&amp;max_confidence=1.0">(all sections)' in nav


def test_fragments_are_kept_per_set_of_filters():
    sentences = [sentence(id=f"s{n}", text=f"文{n}です。") for n in range(5)]
    parts = Fragments(sentences, [], keep=2, **STYLE)
    parts.warm(FILTERS)
    first = parts.items(sentences[:2], FILTERS)
    assert set(first) == {x.id for x in sentences} and first["s1"] is parts.items(sentences, FILTERS)["s1"]
    measures = parts.items(sentences[:1], {**FILTERS, "role": "measure"})
    assert "role=measure" in str(measures["s0"]) and "role=measure" not in str(first["s0"])
    parts.items(sentences[:1], {**FILTERS, "goal": 3})  # a third set: the oldest is dropped
    assert "s4" not in parts.items(sentences[:1], FILTERS)
