"""The fast YAML path gives exactly what PyYAML's safe loader gives, or falls back."""

from __future__ import annotations

import pytest
import yaml

from dsaudit.documents import fastyaml

SAME = {
    "scalars": "a: 1\nb: -2\nc: 0x1F\nd: 017\ne: 1_000\nf: 190:20:30\ng: 1.5\nh: .inf\ni: -.Inf\n",
    "booleans": "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: False\ng: y\n",
    "nulls": "a: ~\nb: null\nc:\nd: Null\n",
    "dates": (
        "a: 2024-03-22\nb: 2024-03-22T10:00:00Z\nc: '2024-03-22'\nd: 2001-12-14 21:59:43.10 -5\n"
    ),
    "quoted": "a: '010'\nb: \"yes\"\nc: 'no'\nd: \"1.5\"\ne: ! plain\n",
    "blocks": "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n",
    "flows": "a: [1, two, {x: 3}]\nb: {}\nc: []\n",
    "nested": "a:\n  - b:\n      - c: [1, 2]\n        d: {e: f}\n",
    "unicode": '名称: 数据\nemoji: "\\u00e9"\n',
    "multi": "---\na: 1\n---\n---\nb: 2\n...\n",
    "top list": "- 1\n- x\n- {a: b}\n",
    "top scalar": "just text\n",
    "empty": "",
    "comment only": "# nothing\n",
    "keys": "1: int key\nfalse: bool key\n2024-01-01: date key\nnull: null key\n",
    "nan": "a: .nan\n",
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_same_data_as_the_safe_loader(text: str) -> None:
    expected = [
        (i, d) for i, d in enumerate(yaml.load_all(text, Loader=yaml.SafeLoader)) if d is not None
    ]
    got = fastyaml.load_all(text.encode("utf-8"), 500)
    if "nan" in text:
        assert repr(got) == repr(expected)
    else:
        assert got == expected
        assert [type(d) for _, d in got] == [type(d) for _, d in expected]


FALLBACK = {
    "anchor": "a: &x 1\nb: *x\n",
    "merge": "base: &b {x: 1}\nc:\n  <<: *b\n",
    "merge without anchor": "c:\n  <<: {x: 1}\n  y: 2\n",
    "tag": "a: !!python/object/apply:os.system ['true']\n",
    "str tag": "a: !!str 123\n",
    "custom tag": "a: !custom x\n",
    "duplicate": "a: 1\na: 2\n",
    "complex key": "? [1, 2]\n: x\n",
    "syntax error": "a: [1, 2\n",
    "too deep": "a:\n" + "".join("  " * i + "- \n" for i in range(1, 8)),
}


@pytest.mark.parametrize("text", FALLBACK.values(), ids=FALLBACK.keys())
def test_unusual_documents_fall_back_to_the_strict_loader(text: str) -> None:
    with pytest.raises(fastyaml.Fallback):
        fastyaml.load_all(text.encode("utf-8"), 3)
