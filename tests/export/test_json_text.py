"""The JSON-LD text: the same data as json.dumps, the context indented, one node per line."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import seed_path
from plannlp.export import jsonld_of, jsonld_text

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(context=st.dictionaries(st.text(), values, max_size=3),
       graph=st.lists(st.dictionaries(st.text(), values, max_size=4), max_size=5),
       rest=st.dictionaries(st.text().filter(lambda k: not k.startswith("@")), values, max_size=2))
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
