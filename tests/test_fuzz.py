"""Property-based fuzzing (Hypothesis) of the config parsers, the rule compiler and the inventory.

Every property has the same shape: whatever the input, dsaudit either succeeds or raises one of
its own documented errors (the ones the CLI turns into error results or exit 2), never anything
else. Budgets: ``HYPOTHESIS_PROFILE=ci`` (default, a few hundred examples per test) or
``nightly`` (a few thousand); see tests/hypothesis_profiles.py.

The YAML differential test checks the fast path (libyaml events -> data) and the strict loader
against PyYAML's reference ``yaml.safe_load_all``: same data, or a refusal the strict loader is
documented to make (duplicate keys, limits).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ

from dsaudit.core.errors import (
    InventoryError,
    LimitError,
    ParseError,
    RuleCompileError,
    SourceError,
)
from dsaudit.core.limits import Limits
from dsaudit.core.models import EvalContext, Resource
from dsaudit.core.taxonomy import load_taxonomy
from dsaudit.documents.structured import parse_structured
from dsaudit.engine.evaluation import Facts
from dsaudit.language.conditions import (
    AGGREGATES,
    QUANTIFIERS,
    CompileEnv,
    ConditionError,
    compile_condition,
)
from dsaudit.language.operators import COMPARISONS, OPERATORS
from dsaudit.plugin.host import get_plugin_host
from dsaudit.plugin.registry import collect_registry
from dsaudit.sources.inventory import load_inventory

ROOT = Path(__file__).resolve().parent.parent
LIMITS = Limits()
SMALL_LIMITS = Limits(max_depth=20, max_yaml_nodes=500, max_aliases=20, max_file_bytes=50_000)


@cache
def _registry() -> Any:
    return collect_registry(get_plugin_host())


# --- strategies: documents ---------------------------------------------------------------

_TRICKY_SCALARS = [
    # YAML 1.1 surprises and near misses
    "yes", "no", "on", "off", "y", "n", "NO", "Off", "010", "0o10", "0x1F", "0b101", "1:30",
    "-1:30", "1_000", "190:20:30", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00",
    "2024-01-01T10:00:00Z", "2024-01-01t10:00:00.5+08:00", "2001-12-14 21:59:43.10 -5",
    "~", "null", "Null", "NULL", "true", "True", "TRUE", ".inf", "-.Inf", ".nan", ".NaN",
    "1e3", "1.0e+3", "+1", "-0", "0.", ".5", "+.5", "1.10", "6.8523015e+5", "685.230_15e+03",
    "=", "<<", "-", "0", "00", "08", "09", "0x", "1e", "+", "._", "a b", "café", "中文",
    "'single'", '"double \\u00e9 \\n"', "'it''s'", '"\\x41"', "!!str 5", "!!int '7'",
    "!!float 1", "!!bool yes", "!!null ''", "!!binary aGVsbG8=", "!!timestamp 2024-01-01",
    "[]", "{}", "[1, 2]", "{a: 1}", "{a: 1, a: 2}", "[a, [b, [c]]]", "|\n  text",
    ">-\n  folded\n  text", "&a 1", "*a", "&b {k: v}", "*b", "? complex", "!local x",
    "!!python/object/apply:os.system ['true']", "!!set {a, b}", "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1, a: 2]", "%TAG", "@x", "`x", "# comment", "a #c", "a#b",
]  # fmt: skip
_KEYS = ["a", "b", "c", "a", "<<", "1", "01", "true", "no", "x y", "'q'", '"a"', "2024-01-01",
         "~", "? k", "[1]", "{a: 1}", "&k a", "*k", "-", "中"]  # fmt: skip


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """Block-style YAML text from tricky keys and scalars, valid or not."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 10))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 2, 2, 4, 1]))
        shape = draw(st.sampled_from(["map", "map", "seq", "doc", "comment", "empty", "key"]))
        value = draw(st.sampled_from(_TRICKY_SCALARS))
        key = draw(st.sampled_from(_KEYS))
        if shape == "map":
            lines.append(f"{indent}{key}: {value}")
        elif shape == "key":
            lines.append(f"{indent}{key}:")
        elif shape == "seq":
            lines.append(f"{indent}- {value}")
        elif shape == "doc":
            lines.append(draw(st.sampled_from(["---", "...", "--- !!map", "--- |"])))
        elif shape == "comment":
            lines.append(f"{indent}# {value}")
        else:
            lines.append("")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(_TRICKY_SCALARS),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.binary(max_size=8),
)
_keys = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.sampled_from(_TRICKY_SCALARS))
yaml_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=16,
)


@st.composite
def dumped_yaml(draw: st.DrawFn) -> str:
    """Documents dumped by PyYAML in random styles (valid by construction)."""
    docs = draw(st.lists(yaml_data, min_size=1, max_size=3))
    return yaml.safe_dump_all(
        docs,
        default_flow_style=draw(st.sampled_from([False, True, None])),
        allow_unicode=draw(st.booleans()),
        sort_keys=draw(st.booleans()),
        width=draw(st.sampled_from([20, 80, 1000])),
        indent=draw(st.sampled_from([2, 4])),
        explicit_start=draw(st.booleans()),
        explicit_end=draw(st.booleans()),
        default_style=draw(st.sampled_from([None, None, None, "'", '"'])),
    )


@st.composite
def mutated(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> bytes:
    """A document with a few bytes inserted, deleted, replaced or lines duplicated."""
    data = bytearray(draw(texts).encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "dupline", "truncate"]))
        chunk = draw(
            st.sampled_from([b":", b"-", b"[", b"]", b"{", b"}", b"&", b"*", b"!", b"\t", b"\n",
                             b"\x00", b"\xff", b"'", b'"', b"#", b"<<: ", b"  ", b"\xe4\xb8"])
        )  # fmt: skip
        if kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 5))]
        elif kind == "replace" and at < len(data):
            data[at : at + 1] = chunk
        elif kind == "dupline":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


_SAMPLES: dict[str, bytes] = {
    "yaml": b"server:\n  tls: {min: '1.2', ciphers: [a, b]}\n  ports: [80, 443]\nlog:\n"
    b"  - path: /var/log/x\n    days: 180\n",
    "json": b'{"server": {"tls": {"min": "1.2"}, "ports": [80, 443]}, "log": [{"days": 180}]}',
    "toml": b'title = "x"\n[server]\nports = [80, 443]\n[server.tls]\nmin = "1.2"\n'
    b"[[log]]\ndays = 180\nwhen = 2024-01-01\n",
    "ini": b"[server]\nport = 443\ntls = on\n; comment\n[log]\ndays = 180\n",
    "env": b'export DB_HOST=db\nDB_PASS="s3cr\\"et"\nEMPTY=\n# c\nURL=\'x#y\'\n',
}
_FORMATS = sorted(_SAMPLES)


def _assert_locators_answer(docs: list[Any]) -> None:
    """A parsed document's locator answers for every top-level key without raising."""
    for doc in docs:
        if doc.locator is None:
            continue
        doc.locator.line_of(())
        if isinstance(doc.data, dict):
            for key in list(doc.data)[:5]:
                line = doc.locator.line_of((key,))
                assert line is None or line >= 1


# --- parsers: random and mutated documents -----------------------------------------------


@FUZZ
@given(fmt=st.sampled_from(_FORMATS), content=st.binary(max_size=400))
@example(fmt="yaml", content=b"a: " + b"9" * 5000 + b"\n")
@example(fmt="json", content=b'{"a": ' + b"9" * 5000 + b"}")
@example(fmt="toml", content=b"a = " + b"9" * 5000 + b"\n")
@example(fmt="ini", content=b"[server]\npor\n = 443\n")
@example(fmt="yaml", content=b"x: !!int ''\n")
@example(fmt="yaml", content=b"b: [!!timestamp '2000-01-01 00:00:00:']\n")
def test_structured_parsers_survive_random_bytes(fmt: str, content: bytes) -> None:
    try:
        docs = parse_structured("f", content, fmt, LIMITS)
    except SourceError as exc:
        assert exc.file == "f"
        return
    _assert_locators_answer(docs)


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(_FORMATS))
def test_structured_parsers_survive_mutated_documents(data: st.DataObject, fmt: str) -> None:
    content = data.draw(mutated(st.just(_SAMPLES[fmt].decode("utf-8"))))
    try:
        docs = parse_structured("f", content, fmt, SMALL_LIMITS)
    except SourceError as exc:
        assert str(exc).startswith("f")
        return
    _assert_locators_answer(docs)


@FUZZ
@given(content=st.one_of(st.binary(max_size=300), mutated(yaml_texts()), mutated(dumped_yaml())))
def test_every_registered_parser_survives_hostile_bytes(content: bytes) -> None:
    """Built-in parsers (structured and server configs) raise only ParseError/LimitError."""
    for parser in _registry().parsers:
        try:
            docs = parser.parse("etc/x.conf", content, SMALL_LIMITS)
        except (ParseError, LimitError):
            continue
        _assert_locators_answer(docs)


@pytest.mark.parametrize("fmt", _FORMATS)
def test_mutation_samples_parse_before_mutation(fmt: str) -> None:
    """The seeds of the mutation tests are valid, so mutations start from real documents."""
    assert parse_structured("f", _SAMPLES[fmt], fmt, LIMITS)


# --- YAML: differential test against PyYAML's safe_load_all ------------------------------


def same(a: Any, b: Any) -> bool:
    """Equal data, type for type (True is not 1), NaN equal to NaN, key order included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dt.datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return bool(a == b)


def _reference(text: bytes) -> list[Any] | None:
    """PyYAML's pure-Python safe loader: the documents (None ones dropped), or None."""
    try:
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        return None
    except Exception:
        return None  # PyYAML's constructors crash on some values ("!!timestamp x", 5,000 digits)


def _libyaml_reference(text: bytes) -> list[Any] | None:
    """The same with libyaml (``CSafeLoader``), which dsaudit's strict loader is built on."""
    try:
        return [d for d in yaml.load_all(text, Loader=yaml.CSafeLoader) if d is not None]
    except Exception:
        return None


def _libyaml_refuses(text: bytes) -> bool:
    try:
        list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except Exception:
        return True
    return False


def _differential(text: bytes) -> None:
    expected = _reference(text)
    try:
        docs = parse_structured("d.yaml", text, "yaml", LIMITS)
    except LimitError:
        return  # a documented limit; never a crash
    except ParseError as exc:
        if expected is None:
            return
        # The strict loader refuses what PyYAML silently accepts: duplicate keys. Where libyaml
        # (which dsaudit uses) and the pure-Python loader disagree, libyaml's verdict stands.
        assert "duplicate key" in exc.message or _libyaml_refuses(text), (
            f"dsaudit refused a document safe_load_all accepts: {exc}\n{text!r}"
        )
        return
    if expected is None:
        assert not _libyaml_refuses(text), f"dsaudit accepted a document PyYAML refuses:\n{text!r}"
        return
    got = [doc.data for doc in docs]
    if not same(got, expected):
        # libyaml and the pure-Python loader disagree on a few corners (an empty scalar with
        # the non-specific tag "!" is '' for libyaml, None for PyYAML); libyaml's answer stands.
        c_expected = _libyaml_reference(text)
        assert c_expected is not None and not same(c_expected, expected), (
            f"{text!r}\n dsaudit: {got!r}\n PyYAML:  {expected!r}"
        )
        assert same(got, c_expected), f"{text!r}\n dsaudit: {got!r}\n libyaml: {c_expected!r}"


@FUZZ
@given(text=dumped_yaml())
def test_yaml_matches_safe_load_all_on_dumped_documents(text: str) -> None:
    _differential(text.encode("utf-8"))


@FUZZ
@given(text=yaml_texts())
@example(text="a: 1\na: 2\n")
@example(text="base: &b {x: 1}\nuse:\n  <<: *b\n  x: 2\n")
@example(text="a: no\nb: on\nc: 010\nd: 2024-01-01\ne: 1:30\n")
@example(text="--- 1\n--- ~\n--- [a]\n")
@example(text=" a: no\n\n---\n--- !")
def test_yaml_matches_safe_load_all_on_tricky_documents(text: str) -> None:
    _differential(text.encode("utf-8"))


@FUZZ
@given(content=mutated(st.one_of(dumped_yaml(), yaml_texts())))
def test_yaml_matches_safe_load_all_on_mutated_documents(content: bytes) -> None:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        assume(False)
    assume(b"\x00" not in content)
    _differential(content)


# --- rule compiler: random condition trees -----------------------------------------------

_PATHS = st.one_of(
    st.sampled_from(
        ["a", "a.b", "items[*].x", "**.port", "@org.name", "@resource.a", "@meta.file", "a[0]",
         'a."b.c"', "*", "[*]", "", "a..b", "[", "@nope.x", "**", "a[-1]", "items[*]",
         "a['k']", "a.*.b", "fields[*].category", "retention_days", "@org", "a]"]
    ),
    st.text(max_size=8),
    st.integers(),
    st.none(),
)  # fmt: skip
_REGEXES = st.sampled_from(
    ["^a", "(a+)+$", "(a|aa)*", "[", "a{1,3}", "x" * 1001, "(?i)tls", "", "(?P<n>a)", "\\"]
)
_operand_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 10**6), st.floats(allow_nan=True),
    st.text(max_size=6), st.sampled_from(["1.2", "TLSv1.3", "2024-01-01", "personal", "health"]),
    st.dates(), _REGEXES,
)  # fmt: skip
_operands = st.one_of(
    st.recursive(
        _operand_scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                     max_size=2),
        max_leaves=6,
    ),
    st.builds(lambda n: {"param": n}, st.sampled_from(["limit", "name", "missing"])),
)  # fmt: skip
_OPERATOR_NAMES = [*sorted(OPERATORS), "match", "equal", "bogus", "where"]


def _leaf(path: Any, ops: dict[str, Any]) -> dict[str, Any]:
    return {"path": path, **ops}


_leaves = st.builds(
    _leaf, _PATHS, st.dictionaries(st.sampled_from(_OPERATOR_NAMES), _operands, max_size=3)
)


def _trees(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    cmp = st.sampled_from([*COMPARISONS, "gt", "regex"])
    return st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
        st.builds(lambda q, p, w: {q: p, "where": w}, st.sampled_from(QUANTIFIERS), _PATHS, inner),
        st.builds(lambda p, w, c, n: {"count": p, "where": w, c: n}, _PATHS, inner, cmp,
                  _operands),
        st.builds(lambda p, c, n: {"count": p, c: n}, _PATHS, cmp, _operands),
        st.builds(
            lambda f, k, of, w, c, n: {"aggregate": f, "over": k, "of": of, "where": w, c: n},
            st.sampled_from([*AGGREGATES, "avg"]), st.sampled_from(["transfer", "", 3]), _PATHS,
            inner, cmp, _operands,
        ),
        st.builds(lambda name, args, p: {"check": name, "with": args, "path": p},
                  st.sampled_from(["no_plaintext_secrets", "no_personal_information",
                                   "elapsed_within", "nope"]),
                  st.one_of(st.dictionaries(st.text(max_size=5), _operands, max_size=2),
                            _operands), _PATHS),
        st.builds(lambda k, v: {k: v}, st.text(max_size=5), _operands),
        _operands,
    )  # fmt: skip


condition_trees = st.recursive(_leaves, _trees, max_leaves=8)

_documents = st.recursive(
    st.one_of(_operand_scalars, st.datetimes()),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b", "x", "port", "items", "category", "fields",
                                       "retention_days", "name", "k"]), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@cache
def _env() -> CompileEnv:
    return CompileEnv(
        params={"limit": 30, "name": "x"},
        checks=_registry().checks,
        taxonomy=load_taxonomy(),
        as_of=dt.date(2026, 6, 1),
    )


def _context(item: Any, org: Any, others: list[Any], trace: bool) -> EvalContext:
    res = Resource(kind="config", id="r", attributes=item if isinstance(item, dict) else {})
    transfers = [
        Resource(kind="transfer", id=f"t{i}", attributes=o if isinstance(o, dict) else {})
        for i, o in enumerate(others)
    ]
    facts = Facts(
        as_of=dt.date(2026, 6, 1),
        taxonomy=_env().taxonomy,
        by_kind={"transfer": transfers, "config": [res]},
        org=org if isinstance(org, dict) else {},
    )
    return EvalContext(res, facts.org, {"limit": 30}, facts, [] if trace else None)


@FUZZ
@given(
    tree=condition_trees,
    items=st.lists(_documents, min_size=1, max_size=3),
    org=_documents,
    others=st.lists(_documents, max_size=3),
)
@example(tree={"path": "a", "regex": "(a+)+$"}, items=[{}], org={}, others=[])
@example(tree={"path": "a", "gt": {"param": "missing"}}, items=[{}], org={}, others=[])
@example(tree={"check": "no_plaintext_secrets", "with": {"": 1}}, items=[{}], org={}, others=[])
@example(tree={"path": "a", "type": []}, items=[{}], org={}, others=[])
@example(tree={"path": "a", "contains": [1]}, items=[{"a": {"x": 1}}], org={}, others=[])
def test_conditions_compile_or_raise_condition_error_and_never_raise_when_run(
    tree: Any, items: list[Any], org: Any, others: list[Any]
) -> None:
    try:
        condition = compile_condition(tree, _env())
    except (ConditionError, RuleCompileError):
        return
    assert callable(condition)
    for item in items:
        for trace in (False, True):
            ctx = _context(item, org, others, trace)
            held = condition(item, ctx)
            assert isinstance(held, bool), f"{tree!r} returned {held!r}"


# --- inventory loader: random and mutated inventories ------------------------------------

_INVENTORY = ROOT / "sample_configs" / "consumer-app" / "inventory"


@cache
def _seed_inventory() -> dict[str, Any]:
    """The consumer-app sample inventory as data, file name -> document."""
    out: dict[str, Any] = {}
    for path in sorted(_INVENTORY.iterdir()):
        if path.suffix in (".yaml", ".yml"):
            out[path.name] = yaml.safe_load(path.read_bytes())
        elif path.suffix == ".json":
            out[path.name] = json.loads(path.read_bytes())
    return out


def _all_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            paths.extend(_all_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths.extend(_all_paths(child, (*prefix, index)))
    return paths


def _copy(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value))


def _mutate(doc: Any, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Any:
    doc = _copy(doc)
    paths = _all_paths(doc)
    path = draw(st.sampled_from(paths))
    junk = draw(st.one_of(_documents, st.sampled_from(["", "ds-1", "sys-1", 10**12, -1, []])))
    kind = draw(st.sampled_from(["replace", "delete", "add", "duplicate", "wrap"]))
    if not path:
        return junk if kind == "replace" else doc
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "replace":
        parent[last] = junk
    elif kind == "delete":
        del parent[last]
    elif kind == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["id", "bogus", "version", "category", "system"]))] = junk
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(_copy(parent[last]))
    elif kind == "wrap":
        parent[last] = [parent[last]]
    return doc


def _load(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = []
        for name, content in sorted(files.items()):
            (root / "inventory").mkdir(exist_ok=True)
            path = root / "inventory" / name
            path.write_bytes(content)
            paths.append(path)
        try:
            inventory = load_inventory(paths, root, SMALL_LIMITS, _env().taxonomy)
        except InventoryError as exc:
            assert str(exc)
            for problem in getattr(exc, "errors", []):
                assert problem.file is None or not PurePosixPath(problem.file).is_absolute()
            return
        for res in inventory.resources:
            res.location(())


def _dump(name: str, doc: Any) -> bytes:
    if name.endswith(".json"):
        return json.dumps(doc, default=str).encode("utf-8")
    return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")


def test_seed_inventory_loads() -> None:
    files = {name: _dump(name, doc) for name, doc in _seed_inventory().items()}
    _load(files)  # no error expected from the seed; _load returns either way, so check:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "inventory").mkdir()
        for name, content in files.items():
            (root / "inventory" / name).write_bytes(content)
        inventory = load_inventory(
            sorted((root / "inventory").iterdir()), root, LIMITS, _env().taxonomy
        )
        assert len(inventory.resources) > 10


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_inventory_loader_survives_mutated_inventories(data: st.DataObject) -> None:
    seed = _seed_inventory()
    name = data.draw(st.sampled_from(sorted(seed)))
    files = {n: _dump(n, doc) for n, doc in seed.items()}
    for _ in range(data.draw(st.integers(1, 3))):
        files[name] = _dump(name, _mutate(seed[name], data.draw))
    _load(files)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_inventory_loader_survives_byte_level_damage(data: st.DataObject) -> None:
    seed = _seed_inventory()
    name = data.draw(st.sampled_from(sorted(seed)))
    files = {n: _dump(n, doc) for n, doc in seed.items()}
    files[name] = data.draw(mutated(st.just(files[name].decode("utf-8"))))
    _load(files)


@FUZZ
@given(doc=yaml_data, suffix=st.sampled_from(["yaml", "json"]))
def test_inventory_loader_survives_random_documents(doc: Any, suffix: str) -> None:
    _load({f"random.{suffix}": _dump(f"random.{suffix}", doc)})
