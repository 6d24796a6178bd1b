"""Hostile inputs: deep nesting, alias bombs, too many aliases. Refused before they hurt.

PyYAML's C composer recurses once per nesting level and kills the interpreter (SIGSEGV)
around 30,000 levels; every test here runs in-process, so a guard that lets one through
crashes the test run instead of failing a test.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dsaudit.core.errors import LimitError
from dsaudit.core.limits import MAX_SAFE_DEPTH, Limits
from dsaudit.documents.structured import parse_structured
from dsaudit.documents.textguard import json_depth_bound, yaml_depth_bound

DEEP = 100_000

HOSTILE_DEEP = {
    "flow-seq.yaml": b"a: " + b"[" * DEEP + b"]" * DEEP,
    "flow-map.yaml": b"{a: " * DEEP + b"1" + b"}" * DEEP,
    "block-seq.yaml": b"- " * DEEP + b"x\n",
    "block-explicit-keys.yaml": b"? " * DEEP + b"x\n",
    # closers hidden in quoted scalars must not cancel real openers
    "quoted-closers.yaml": b"a: [" + b'"]]", [' * DEEP + b"]" * DEEP,
    "comment-closers.yaml": b"a: [\n" + b"[ # ]]\n" * DEEP + b"]" * DEEP,
    # lines broken by CR only (YAML line breaks that '^' in a regex would not see)
    "cr-breaks.yaml": b"a:\r" + b"\r".join(b" " * i + b"- " for i in range(1, 2000, 2)) + b"x",
    "deep.json": b"[" * DEEP + b"]" * DEEP,
    "deep-objects.json": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "string-closers.json": b'["]]]", ' + b'["\\"]", ' * DEEP + b"1" + b"]" * (DEEP + 1),
    "deep.toml": b"a = " + b"[" * DEEP + b"]" * DEEP,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_DEEP))
def test_deep_nesting_is_refused_before_parsing(name: str) -> None:
    content = HOSTILE_DEEP[name]
    fmt = name.rsplit(".", 1)[-1]
    # No wall-clock bound here (speed lives in bench/, and a loaded CI machine made a 5 s bound
    # flaky): the depth check must refuse the document, naming the limit and the file.
    with pytest.raises(LimitError) as info:
        parse_structured(name, content, fmt, Limits())
    assert info.value.limit == "max_depth"
    assert info.value.file == name


@pytest.mark.parametrize(
    ("name", "build", "depth"),
    [
        ("flow.yaml", lambda n: "[" * n + "]" * n, lambda n: n),
        ("block.yaml", lambda n: "- " * n + "x", lambda n: n),
        ("mixed.yaml", lambda n: "a:\n  b: " + "{c: " * n + "1" + "}" * n, lambda n: n + 2),
        ("deep.json", lambda n: "[" * n + "]" * n, lambda n: n),
    ],
)
@pytest.mark.parametrize("limit", [5, 40, 300])
def test_depth_limit_is_exact(name: str, build, depth, limit: int) -> None:  # type: ignore[no-untyped-def]
    fmt = name.rsplit(".", 1)[-1]
    n = limit
    while depth(n) > limit:
        n -= 1
    parse_structured(name, build(n).encode(), fmt, Limits(max_depth=limit))
    with pytest.raises(LimitError) as info:
        parse_structured(name, build(n + 1).encode(), fmt, Limits(max_depth=limit))
    assert info.value.limit == "max_depth"
    assert info.value.line is not None


def test_depth_error_points_at_the_line() -> None:
    text = "ok: 1\nitems:\n" + "".join("  " * i + "- \n" for i in range(1, 12))
    with pytest.raises(LimitError) as info:
        parse_structured("lines.yaml", text.encode(), "yaml", Limits(max_depth=8))
    # mapping (1), the sequence on line 3 (2), ... the sequence on line 10 (9)
    assert info.value.line == 10


def test_many_flow_collections_with_quotes_are_not_refused() -> None:
    # More openers than max_depth, none provably paired (quotes inside): the cheap bound
    # fails and the exact libyaml check must accept the file.
    text = "".join(f'r{i}: ["a]", "{i}", {{k: "v}}"}}]\n' for i in range(2000))
    (doc,) = parse_structured("many.yaml", text.encode(), "yaml", Limits())
    assert doc.data["r1999"] == ["a]", "1999", {"k": "v}"}]


BOMB = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_fast() -> None:
    assert len(BOMB) < 400
    started = time.perf_counter()
    with pytest.raises(LimitError) as info:
        parse_structured("bomb.yaml", BOMB, "yaml", Limits())
    assert time.perf_counter() - started < 1
    assert info.value.limit == "max_yaml_nodes"
    assert info.value.line is not None and 1 <= info.value.line <= 9


def test_node_budget_counts_expansion() -> None:
    text = b"base: &b [1, 2, 3]\nuse: [*b, *b, *b, *b]\n"
    # expanded: root(1) + 2 keys + base seq(4) + use seq(1 + 4*4) = 24
    parse_structured("ok.yaml", text, "yaml", Limits(max_yaml_nodes=24))
    with pytest.raises(LimitError) as info:
        parse_structured("ok.yaml", text, "yaml", Limits(max_yaml_nodes=23))
    assert info.value.limit == "max_yaml_nodes"


def test_alias_count_limit() -> None:
    text = ("x: &x 1\nl:\n" + "".join("  - *x\n" for _ in range(11))).encode()
    (doc,) = parse_structured("al.yaml", text, "yaml", Limits(max_aliases=11))
    assert doc.data["l"] == [1] * 11
    with pytest.raises(LimitError) as info:
        parse_structured("al.yaml", text, "yaml", Limits(max_aliases=10))
    assert info.value.limit == "max_aliases"
    assert info.value.line == 3  # the sequence holding the aliases


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(LimitError) as info:
        parse_structured("rec.yaml", b"a: &a\n  b: *a\n", "yaml", Limits())
    assert info.value.limit == "max_yaml_nodes"
    assert "contains it" in info.value.message
    assert info.value.line == 2


def test_asterisks_that_are_not_aliases_cost_nothing_wrong() -> None:
    text = b"glob: '*.log'\nnote: \"*bold*\"\n# *comment\n"
    (doc,) = parse_structured("g.yaml", text, "yaml", Limits(max_aliases=1))
    assert doc.data == {"glob": "*.log", "note": "*bold*"}


# --- the cheap depth bound never under-estimates ---------------------------------------

_scalars = st.one_of(
    st.integers(),
    st.booleans(),
    st.text(alphabet="ab]}[{'\"# :,-!\n\\", max_size=8),
)
_trees = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(alphabet="k]'\"#[ ", min_size=1, max_size=4), children, max_size=4),
    ),
    max_leaves=30,
)


def _events_depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


@settings(max_examples=300, deadline=None)
@given(tree=_trees, flow=st.sampled_from([True, False, None]), width=st.sampled_from([20, 80]))
def test_yaml_depth_bound_is_an_upper_bound(tree: object, flow: bool | None, width: int) -> None:
    text = yaml.safe_dump(tree, default_flow_style=flow, width=width, allow_unicode=True)
    real = _events_depth(text)
    content = text.encode()
    for limit in (1, 3, 8, 500):
        bound = yaml_depth_bound(content, limit)
        assert bound >= min(real, limit + 1), (text, real, bound, limit)


@settings(max_examples=300, deadline=None)
@given(tree=_trees)
def test_json_depth_bound_is_exact_enough(tree: object) -> None:
    text = json.dumps(tree)
    real = _json_depth(tree)
    for limit in (1, 3, 8, 500):
        bound = json_depth_bound(text.encode(), limit)
        assert bound >= min(real, limit + 1)
        if bound > limit:
            assert real > limit  # no false refusal: the JSON bound is exact past the limit


def _json_depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_json_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_json_depth(v) for v in value), default=0)
    return 0


def _events_depth_until_error(content: bytes) -> int:
    """Deepest nesting libyaml reaches, counting events up to a syntax error if any."""
    depth = deepest = 0
    loader = yaml.CSafeLoader(content)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return deepest


@settings(max_examples=1500, deadline=None)
@given(text=st.text(alphabet="[]{}\"'#!-?:, \n\t\r\\ab&*|>", max_size=80))
def test_yaml_depth_bound_holds_for_token_soup(text: str) -> None:
    # Adversarial YAML-ish text: the composer recurses for every level libyaml opens before
    # it reports an error, so the bound must cover errors too.
    content = text.encode()
    real = _events_depth_until_error(content)
    for limit in (1, 2, 4, 500):
        assert yaml_depth_bound(content, limit) >= min(real, limit + 1), (text, real, limit)


@pytest.mark.parametrize(
    "build",
    [
        lambda n: b"[" * n + b"]" * n,
        lambda n: b"{a: " * n + b"1" + b"}" * n,
        lambda n: b"- " * n + b"x\n",
        lambda n: b"".join(b" " * i + b"a:\n" for i in range(n - 1)) + b" " * (n - 1) + b"b: 1\n",
    ],
    ids=["flow-seq", "flow-map", "block-seq", "block-map"],
)
def test_the_highest_configurable_depth_parses_and_one_more_is_our_limit(build: Any) -> None:
    """At ``MAX_SAFE_DEPTH`` every supported libyaml parses the file; one level deeper is
    refused by dsaudit's guard (DSAUDIT-LIMIT), never by libyaml's own nesting error."""
    limits = Limits(max_depth=MAX_SAFE_DEPTH)
    documents = parse_structured("edge.yaml", build(MAX_SAFE_DEPTH), "yaml", limits)
    assert len(documents) == 1
    with pytest.raises(LimitError) as info:
        parse_structured("over.yaml", build(MAX_SAFE_DEPTH + 1), "yaml", limits)
    assert info.value.limit == "max_depth"


@pytest.mark.parametrize("depth", [1_000, 1_001, 5_000])
def test_nesting_past_libyamls_own_limit_is_refused_by_our_guard(depth: int) -> None:
    """libyaml 0.2.6 gives up at 1,000 levels while scanning ahead; the guard's count must
    decide first, with the line where the limit is crossed."""
    content = b"a:\n  b: " + b"[" * depth + b"]" * depth + b"\n"
    with pytest.raises(LimitError) as info:
        parse_structured("deep.yaml", content, "yaml", Limits())
    assert info.value.limit == "max_depth"
    assert info.value.line == 2
