"""Line lookups in large YAML files: one record's lines instead of the whole file's.

The record shortcut must give exactly the line the whole-file index gives, for every path,
whatever the layout of the records; these tests compare the two on generated files.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from dsaudit.core.limits import Limits
from dsaudit.documents import yamllines
from dsaudit.documents.fastyaml import RecordLines, load_all
from dsaudit.documents.structured import parse_structured
from dsaudit.documents.yamllines import RECORD_LINES_MIN_BYTES, YamlLocator, YamlSource

LIMITS = Limits()


def _record(rng: random.Random, i: int, indent: str) -> str:
    """One dataset-like record as a block sequence item, in one of several layouts."""
    pad = indent + "  "
    body = [
        f"id: ds-{i}",
        f'name: "dataset {i}"',
        f"records: {rng.randint(0, 10**6)}",
    ]
    if rng.random() < 0.5:
        body.append("categories: [phone_number, email]")
    else:
        body += ["categories:", "  - phone_number", "  - id_card_number"]
    if rng.random() < 0.3:
        body += ["notes: |", "  - not an item, a line of text", "  key: also text"]
    if rng.random() < 0.3:
        body += ["fields:", "- name: a", "  category: email", "- name: b", "  encrypted: yes"]
    if rng.random() < 0.2:
        body += ['"quoted key": 1', "80: http"]
    rng.shuffle(body[3:])
    lines = [f"{indent}- {body[0]}"] + [pad + line for line in body[1:]]
    if rng.random() < 0.1:
        lines.append(f"{indent}# a comment between records")
    if rng.random() < 0.05:
        lines.append("")
    return "\n".join(lines) + "\n"


def _inventory(seed: int, records: int, indent: str) -> str:
    rng = random.Random(seed)
    head = "version: 1\norganization:\n  name: Example\ndatasets:\n"
    items = "".join(_record(rng, i, indent) for i in range(records))
    return head + items + "systems:\n  - id: s1\n    name: one\n"


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _assert_same_lines(text: bytes) -> int:
    """Every path (and a missing key under each) resolves as the whole-file index resolves
    it: first the paths into records, which must not need the whole-file index, then the rest."""
    (doc,) = parse_structured("big.yaml", text, "yaml", LIMITS)
    assert isinstance(doc.locator, YamlLocator)
    whole = YamlLocator(YamlSource(text), 0)
    paths = list(_paths(doc.data))
    in_records = [p for p in paths if len(p) >= 2 and p[0] == "datasets"]
    others = [p for p in paths if not (len(p) >= 2 and p[0] == "datasets")]
    checked = 0
    for group in (in_records, others):
        for path in group:
            for probe in (path, (*path, "missing")):
                assert doc.locator.line_of(probe) == whole.line_of(probe), probe
                checked += 1
        if group is in_records:
            assert not doc.locator.source.indexed_whole  # each took the record shortcut
    return checked


@pytest.mark.parametrize("indent", ["", "  ", "    "])
@pytest.mark.parametrize("seed", [1, 2])
def test_record_lines_agree_with_the_whole_file_index(indent: str, seed: int) -> None:
    text = _inventory(seed, 2500, indent).encode()
    assert len(text) >= RECORD_LINES_MIN_BYTES
    assert _assert_same_lines(text) > 40_000


def test_lookups_do_not_index_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _inventory(3, 2500, "  ").encode()
    sizes: list[int] = []
    real = yamllines.index_yaml

    def counting(content: bytes) -> list[tuple[int, Any]]:
        sizes.append(len(content))
        return real(content)

    monkeypatch.setattr(yamllines, "index_yaml", counting)
    (doc,) = parse_structured("big.yaml", text, "yaml", LIMITS)
    for i in (0, 1234, 2499):
        line = doc.locator.line_of(("datasets", i, "id"))
        assert text.decode().splitlines()[line - 1].strip() == f"- id: ds-{i}"
    assert doc.locator.line_of(("datasets", 7, "name")) is not None
    assert len(sizes) == 4 and max(sizes) < 1000  # four records, never the whole file


def _records_of(text: str) -> RecordLines:
    records: RecordLines = {}
    load_all(text.encode(), 100, records)
    return records


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a:\n  - x: 1\n  - y: 2\nb: 3\n", {(0, "a"): [2, 3, 4]}),
        ("a:\n- x: 1\n- y: 2\n", {(0, "a"): [2, 3, 4]}),
        ("---\nq: 1\n---\na:\n  - x: 1\n", {(1, "a"): [5, 6]}),
        ("a: [{x: 1}, {y: 2}]\n", {}),  # flow style: items share a line
        ("a:\n  - x: 1\n  - plain\n", {}),  # a scalar item
        ("a:\n  - {x: 1}\n  - {y: 2}\n", {(0, "a"): [2, 3, 4]}),
        ("- a:\n    - x: 1\n", {}),  # only sequences under a top-level mapping key
        ("a:\n  b:\n    - x: 1\n", {}),  # not top-level
    ],
)
def test_record_start_lines(text: str, expected: RecordLines) -> None:
    assert _records_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  -\n    x: 1\n  -\n    y: 2\nb: 1\n",  # dash on a line of its own
        "a:\n  - x: 1\n    z: |\n      - q\n  - y: 2\n",  # block scalar that looks like items
        "a:\n  - x: 1\n\n# c\n  - y: 2\n",
        "a:\n  - x:\n    - 1\n    - 2\n  - y: {p: [1, 2]}\n",
    ],
)
def test_small_layouts_agree(text: str) -> None:
    """The same check on tiny files: force the record path by passing records directly."""
    content = text.encode()
    records = _records_of(text)
    (doc,) = [d for _, d in load_all(content, 100)]
    sliced = YamlLocator(YamlSource(content, records), 0)
    whole = YamlLocator(YamlSource(content), 0)
    for path in _paths(doc):
        assert sliced.line_of(path) == whole.line_of(path), path


@pytest.mark.parametrize("brk", ["\r\n", "\u2028"])
def test_other_line_breaks_use_the_whole_file(brk: str) -> None:
    text = f"a:\n  - x: 1{brk}  - y: 2\n"
    content = text.encode()
    source = YamlSource(content, _records_of(text))
    assert source.record(0, "a", 1) is None
