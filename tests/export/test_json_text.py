"""The JSON-LD text: the data it was given, the context indented, one node per line."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import seed_path
from plannlp.export import jsonld_of, jsonld_text

#: What a plan's data holds: 64-bit integers, finite numbers (JSON has no infinity), and text
#: that can be written as UTF-8 (no lone surrogates; PDFium and the text decoders never
#: produce them).
text = st.text(st.characters(blacklist_categories=("Cs",)))
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(context=st.dictionaries(text, values, max_size=3),
       graph=st.lists(st.dictionaries(text, values, max_size=4), max_size=5),
       rest=st.dictionaries(text.filter(lambda k: not k.startswith("@")), values, max_size=2))
def test_the_text_reads_back_as_the_same_data(context, graph, rest):
    for data in ({"@context": context, **rest, "@graph": graph}, {**rest, "@graph": graph}, rest):
        assert json.loads(jsonld_text(data)) == data


def test_a_plan_is_written_one_node_a_line(default_pipeline):
    data = jsonld_of([default_pipeline.ingest(seed_path("004"))])
    text = jsonld_text(data)
    assert json.loads(text) == data
    lines = text.splitlines()
    graph_at = lines.index('  "@graph": [')
    assert lines[:2] == ["{", '  "@context": {'] and lines[-2:] == ["  ]", "}"]
    nodes = lines[graph_at + 1:-2]
    assert len(nodes) == len(data["@graph"]) > 500
    assert [json.loads(line.strip().rstrip(",")) for line in nodes] == data["@graph"]
