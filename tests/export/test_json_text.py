"""The JSON-LD writer's indented JSON is exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import seed_path
from plannlp.export import indented_json, jsonld_of


def reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code points, control characters and lone surrogates included
)
keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.lists(children, max_size=3).map(tuple)
    | st.dictionaries(keys, children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=500)
@given(values)
def test_matches_json_dumps(value):
    assert indented_json(value) == reference(value)


@pytest.mark.parametrize("value", [
    {}, [], (), "", {"a": {}}, {"a": []}, [[], {}], {"a": [1, [2, {"b": None}]]}, math.nan, -math.inf,
    {1.5: 1, True: 2, None: 3, 7: 4}, True, 10**30, -0.0, 1e-300, "\u2028\x00\"\\",
])
def test_matches_json_dumps_at_the_edges(value):
    assert indented_json(value) == reference(value)


@pytest.mark.parametrize("value", [{"a": object()}, [b"bytes"], {("tuple", "key"): 1}, {1j}])
def test_refuses_what_json_refuses(value):
    with pytest.raises(TypeError):
        reference(value)
    with pytest.raises(TypeError):
        indented_json(value)


def test_matches_json_dumps_on_a_seed(default_pipeline):
    data = jsonld_of([default_pipeline.ingest(seed_path("004"))])
    assert indented_json(data) == reference(data)
