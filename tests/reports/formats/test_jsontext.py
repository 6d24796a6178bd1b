"""dumps_layered writes the same JSON value as json.dumps, laid out for reading."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from dsaudit.reports.jsontext import dumps_layered

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


@given(JSON_VALUES, st.integers(min_value=0, max_value=4))
def test_same_value_as_json_dumps(value: object, depth: int) -> None:
    text = dumps_layered(value, depth, one_line_items=("a", ""))
    assert json.loads(text) == value
    assert text.endswith("\n")


def test_layout() -> None:
    document = {"results": [{"b": 1, "a": [1, 2]}], "meta": {"x": {"y": 1}}}
    assert dumps_layered(document, 2, one_line_items=("results",)) == (
        "{\n"
        '  "meta": {\n'
        '    "x": {"y": 1}\n'
        "  },\n"
        '  "results": [\n'
        '    {"a": [1, 2], "b": 1}\n'
        "  ]\n"
        "}\n"
    )
