"""Structured config parsers: data, lines of nested values, errors with file and line."""

from __future__ import annotations

import codecs
import datetime
from pathlib import Path, PurePosixPath

import pytest
import yaml

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.documents.base import Parser
from dsaudit.documents.structured import (
    BUILTIN_PARSERS,
    ENV_PARSER,
    INI_PARSER,
    TOML_PARSER,
    YAML_PARSER,
    check_size,
    parse_structured,
)

LIMITS = Limits()

# One realistic document per format, the same facts in each; the second element lists
# (path, expected line) pairs for nested keys and list items.
YAML_DOC = """\
# storage of personal information
service: billing
storage:
  encrypted: true
  retention_days: 30
  regions:
    - cn-north-1
    - name: cn-east-2
      backup: false
"""
JSON_DOC = """\
{
  "service": "billing",
  "storage": {
    "encrypted": true,
    "retention_days": 30,
    "regions": [
      "cn-north-1",
      {"name": "cn-east-2",
       "backup": false}
    ]
  }
}
"""
TOML_DOC = """\
# storage of personal information
service = "billing"

[storage]
encrypted = true
retention_days = 30
regions = ["cn-north-1", "cn-east-2"]

[[storage.replicas]]
name = "cn-east-2"
backup = false
"""
INI_DOC = """\
; storage of personal information
[DEFAULT]
service = billing

[storage]
encrypted = true
retention_days = 30
"""
ENV_DOC = """\
# storage of personal information
SERVICE=billing
export STORAGE_ENCRYPTED=true
RETENTION_DAYS=30  # days
"""

FORMATS = {
    "yaml": (
        "a.yaml",
        YAML_DOC,
        {
            "service": "billing",
            "storage": {
                "encrypted": True,
                "retention_days": 30,
                "regions": ["cn-north-1", {"name": "cn-east-2", "backup": False}],
            },
        },
        [
            (["service"], 2),
            (["storage"], 3),
            (["storage", "retention_days"], 5),
            (["storage", "regions", 0], 7),
            (["storage", "regions", 1], 8),
            (["storage", "regions", 1, "backup"], 9),
            (["storage", "missing", "deeper"], 3),
            ([], 2),
        ],
    ),
    "json": (
        "a.json",
        JSON_DOC,
        {
            "service": "billing",
            "storage": {
                "encrypted": True,
                "retention_days": 30,
                "regions": ["cn-north-1", {"name": "cn-east-2", "backup": False}],
            },
        },
        [
            (["service"], 2),
            (["storage", "retention_days"], 5),
            (["storage", "regions", 0], 7),
            (["storage", "regions", 1], 8),
            (["storage", "regions", 1, "backup"], 9),
            (["storage", "regions", 7], 6),
            ([], 1),
        ],
    ),
    "toml": (
        "a.toml",
        TOML_DOC,
        {
            "service": "billing",
            "storage": {
                "encrypted": True,
                "retention_days": 30,
                "regions": ["cn-north-1", "cn-east-2"],
                "replicas": [{"name": "cn-east-2", "backup": False}],
            },
        },
        [
            (["service"], 2),
            (["storage"], 4),
            (["storage", "retention_days"], 6),
            (["storage", "regions", 1], 7),
            (["storage", "replicas", 0, "backup"], 11),
            (["storage", "nothing"], 4),
        ],
    ),
    "ini": (
        "a.ini",
        INI_DOC,
        {
            "DEFAULT": {"service": "billing"},
            "storage": {"service": "billing", "encrypted": "true", "retention_days": "30"},
        },
        [
            (["storage"], 5),
            (["storage", "retention_days"], 7),
            (["storage", "service"], 3),
            (["storage", "nothing"], 5),
        ],
    ),
    "env": (
        ".env",
        ENV_DOC,
        {"SERVICE": "billing", "STORAGE_ENCRYPTED": "true", "RETENTION_DAYS": "30"},
        [(["SERVICE"], 2), (["STORAGE_ENCRYPTED"], 3), (["RETENTION_DAYS"], 4)],
    ),
}


def _parse(name: str, text: str | bytes, fmt: str | None = None) -> list:
    content = text.encode() if isinstance(text, str) else text
    return parse_structured(name, content, fmt or name.rsplit(".", 1)[-1], LIMITS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_parses_document(fmt: str) -> None:
    name, text, expected, _ = FORMATS[fmt]
    docs = _parse(name, text, fmt)
    assert [d.data for d in docs] == [expected]


@pytest.mark.parametrize(
    ("fmt", "path", "line"),
    [
        (fmt, path, line)
        for fmt, (_, _, _, cases) in sorted(FORMATS.items())
        for path, line in cases
    ],
    ids=lambda v: "/".join(map(str, v)) if isinstance(v, list) else str(v),
)
def test_line_of_nested_values(fmt: str, path: list, line: int) -> None:
    name, text, _, _ = FORMATS[fmt]
    (doc,) = _parse(name, text, fmt)
    assert doc.locator is not None
    assert doc.locator.line_of(path) == line


def test_builtin_parsers_follow_the_protocol() -> None:
    names = [p.name for p in BUILTIN_PARSERS]
    assert names == ["yaml", "json", "toml", "ini", "env"]
    for parser in BUILTIN_PARSERS:
        assert isinstance(parser.name, str)
        _: Parser = parser  # structural check for type checkers


@pytest.mark.parametrize(
    ("path", "parser_name"),
    [
        ("k8s/deploy.yaml", "yaml"),
        ("a.YML", "yaml"),
        ("package.json", "json"),
        ("pyproject.toml", "toml"),
        ("php.ini", "ini"),
        ("setup.cfg", "ini"),
        (".env", "env"),
        ("prod.env", "env"),
        ("deploy/.env.production", "env"),
        ("nginx.conf", None),
        ("my.cnf", None),
        ("environment.txt", None),
        ("README.md", None),
    ],
)
def test_claims_by_name(path: str, parser_name: str | None) -> None:
    claimed = [p.name for p in BUILTIN_PARSERS if p.claims(PurePosixPath(path))]
    assert claimed == ([parser_name] if parser_name else [])


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"),
    [
        ("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n", 3, "invalid YAML"),
        ("bad.yaml", "a: 1\n  b: 2\n", 2, "mapping values are not allowed"),
        ("bad.json", '{\n  "a": 1,\n  "b": \n}\n', 4, "invalid JSON: Expecting value"),
        ("bad.json", '{"a": 1}\n{"b": 2}\n', 2, "Extra data"),
        ("bad.toml", 'a = 1\nb = "unterminated\n', 2, "invalid TOML"),
        ("bad.toml", "[t]\na = 1\n[t]\n", 3, "invalid TOML"),
        ("bad.ini", "[s]\na = 1\n[s]\n", 3, "duplicate section [s]"),
        ("bad.ini", "[s]\na = 1\nb = 2\na = 3\n", 4, "duplicate key 'a' in section [s]"),
        ("bad.env", "A=1\nnot an assignment\n", 2, "expected KEY=VALUE"),
        ("bad.env", 'A=1\nB="open\nC=3\n', 2, 'unterminated " quote'),
    ],
)
def test_malformed_input_names_file_and_line(
    name: str, text: str, line: int, fragment: str
) -> None:
    with pytest.raises(ParseError) as info:
        _parse(name, text)
    assert info.value.file == name
    assert info.value.line == line
    assert fragment in info.value.message
    assert str(info.value).startswith(f"{name}:{line}: ")


@pytest.mark.parametrize(
    ("name", "text", "line", "first"),
    [
        ("dup.yaml", "a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n", 5, 3),
        ("dup.yaml", "top: {k: 1, k: 2}\n", 1, 1),
        ("dup.yaml", "base: &b {k: 1}\nuse:\n  <<: *b\n  k: 2\n  j: 3\n  j: 4\n", 6, 5),
        ("dup.json", '{\n  "a": {"x": 1,\n        "x": 2}\n}\n', 3, 2),
        ("dup.json", '[{"k": 1}, {"k": 2, "z": 0,\n "k": 3}]', 2, 1),
    ],
)
def test_duplicate_keys_are_errors(name: str, text: str, line: int, first: int) -> None:
    with pytest.raises(ParseError) as info:
        _parse(name, text)
    assert info.value.line == line
    assert f"(first at line {first})" in info.value.message
    assert "duplicate key" in info.value.message


def test_merge_key_override_is_not_a_duplicate() -> None:
    (doc,) = _parse("m.yaml", "base: &b {k: 1, j: 2}\nuse:\n  <<: *b\n  k: 5\n")
    assert doc.data["use"] == {"k": 5, "j": 2}
    assert doc.locator is not None
    assert doc.locator.line_of(["use", "k"]) == 4
    assert doc.locator.line_of(["use", "j"]) == 1  # inherited from the anchored mapping


def test_yaml_multi_document_skips_empty_documents() -> None:
    text = "---\na: 1\n---\n# only a comment\n---\nb:\n  - x\n  - y\n"
    docs = _parse("multi.yaml", text)
    assert [(d.index, d.data) for d in docs] == [(0, {"a": 1}), (2, {"b": ["x", "y"]})]
    assert docs[0].locator is not None and docs[1].locator is not None
    assert docs[0].locator.line_of(["a"]) == 2
    assert docs[1].locator.line_of(["b", 1]) == 8


@pytest.mark.parametrize("name", ["e.yaml", "e.json", "e.toml", "e.ini", ".env"])
@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file_gives_no_documents(name: str, text: str) -> None:
    fmt = "env" if name == ".env" else name.rsplit(".", 1)[-1]
    assert _parse(name, text, fmt) == []


def test_yaml_comments_only_file_gives_no_documents() -> None:
    assert _parse("c.yaml", "# nothing here\n") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v: yes", True),
        ("v: No", False),
        ("v: on", True),
        ("v: OFF", False),
        ("v: y", "y"),
        ("v: 'yes'", "yes"),
        ("v: 010", 8),
        ("v: 1_000", 1000),
        ("v: 2024-03-01", datetime.date(2024, 3, 1)),
        ("v: ~", None),
    ],
)
def test_yaml_scalars_resolve_as_pyyaml_does(text: str, expected: object) -> None:
    (doc,) = _parse("s.yaml", text)
    assert doc.data["v"] == expected
    assert doc.data == yaml.safe_load(text)


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo pwned']\n",
        "a: !!python/object:collections.OrderedDict {}\n",
        "a: !!python/name:os.system\n",
    ],
)
def test_unsafe_tags_are_refused(text: str, tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        _parse("evil.yaml", text)
    assert "could not determine a constructor" in info.value.message
    assert info.value.line == 1


@pytest.mark.parametrize("name", ["blob.yaml", "blob.json", "blob.toml", "blob.ini", ".env"])
def test_binary_file_is_refused(name: str) -> None:
    content = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
    fmt = "env" if name == ".env" else name.rsplit(".", 1)[-1]
    with pytest.raises(ParseError, match="binary file"):
        parse_structured(name, content, fmt, LIMITS)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8-sig"])
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml", "ini", "env"])
def test_bom_encoded_files_are_decoded(codec: str, fmt: str) -> None:
    name, text, expected, _ = FORMATS[fmt]
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    content = bom + text.encode(codec)
    (doc,) = parse_structured(name, content, fmt, LIMITS)
    assert doc.data == expected
    assert doc.locator is not None
    path, line = FORMATS[fmt][3][0]
    assert doc.locator.line_of(path) == line


def test_utf16_without_bom_gets_a_hint() -> None:
    with pytest.raises(ParseError, match="UTF-16 without a byte-order mark"):
        _parse("u.yaml", "key: value\n".encode("utf-16-le"))


def test_invalid_utf8_names_byte_offset_and_line() -> None:
    content = b"a: 1\nb: caf\xe9\n"
    with pytest.raises(ParseError) as info:
        _parse("latin1.yaml", content)
    assert info.value.line == 2
    assert "not valid UTF-8 (byte 0xe9 at offset 11, line 2)" in info.value.message


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml", "ini", "env"])
def test_content_over_the_size_limit_is_refused(fmt: str) -> None:
    name, text, _, _ = FORMATS[fmt]
    small = Limits(max_file_bytes=len(text.encode()) - 1)
    with pytest.raises(LimitError) as info:
        parse_structured(name, text.encode(), fmt, small)
    assert info.value.limit == "max_file_bytes"
    assert info.value.file == name


def test_check_size_refuses_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)  # sparse: nothing to read
    check_size(big, Limits(max_file_bytes=5 * 1024 * 1024))
    with pytest.raises(LimitError) as info:
        check_size(big, Limits(max_file_bytes=1024 * 1024), display_path="big.yaml")
    assert info.value.limit == "max_file_bytes"
    assert str(info.value).startswith("big.yaml: file is 5,242,880 bytes")


@pytest.mark.parametrize(
    ("parser", "name", "text"),
    [
        (YAML_PARSER, "a.yaml", "a: 1\nb: 2  # dsaudit:ignore PIPL-51 reviewed\n"),
        (TOML_PARSER, "a.toml", "a = 1 # dsaudit:ignore PIPL-51 reviewed\n"),
        (INI_PARSER, "a.ini", "[s]\n; dsaudit:ignore PIPL-51 reviewed\na = 1\n"),
        (ENV_PARSER, ".env", "A=1\n# dsaudit:ignore PIPL-51 reviewed\nB=2\n"),
    ],
    ids=["yaml", "toml", "ini", "env"],
)
def test_parsers_no_longer_collect_comments(parser, name: str, text: str) -> None:
    """Suppressions read the file itself; ``ParsedDocument.comments`` is deprecated (issue 14)."""
    (doc,) = parser.parse(name, text.encode(), LIMITS)
    assert doc.comments == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=plain value # comment", {"A": "plain value"}),
        ("A=no#comment", {"A": "no#comment"}),
        ("A='single $HOME # kept'", {"A": "single $HOME # kept"}),
        ('A="tab\\tquote\\" end" # c', {"A": 'tab\tquote" end'}),
        ('A="multi\nline"', {"A": "multi\nline"}),
        ("export  A = spaced ", {"A": "spaced"}),
        ("A=\nA=second", {"A": "second"}),
    ],
)
def test_env_values(text: str, expected: dict) -> None:
    (doc,) = _parse(".env", text, "env")
    assert doc.data == expected


def test_ini_keys_keep_case_and_interpolation_is_off() -> None:
    text = "top = 1\n[Server]\nMaxConn = 10\npath = %(home)s/x ; comment\nskip-networking\n"
    (doc,) = _parse("my.ini", text)
    assert doc.data == {
        "top": "1",
        "Server": {"MaxConn": "10", "path": "%(home)s/x", "skip-networking": None},
    }
    assert doc.locator is not None
    assert doc.locator.line_of(["Server", "skip-networking"]) == 5
    assert doc.locator.line_of(["top"]) == 1


def test_ini_error_line_accounts_for_top_level_keys() -> None:
    with pytest.raises(ParseError) as info:
        _parse("t.ini", "a = 1\n[s]\nb = 1\nb = 2\n")
    assert info.value.line == 4


def test_toml_nested_arrays_of_tables_lines() -> None:
    text = (
        '[[users]]\nname = "a"\n[[users]]\nname = "b"\n'
        "[[users.keys]]\nid = 1\n[[users.keys]]\nid = 2\n"
    )
    (doc,) = _parse("u.toml", text)
    assert doc.data["users"][1]["keys"][1]["id"] == 2
    assert doc.locator is not None
    assert doc.locator.line_of(["users", 1, "name"]) == 4
    assert doc.locator.line_of(["users", 1, "keys", 1, "id"]) == 8
    assert doc.locator.line_of(["users", 0]) == 1


def test_toml_multiline_string_does_not_create_keys() -> None:
    text = 'a = """\nfake = 1\n"""\nb = 2\n'
    (doc,) = _parse("m.toml", text)
    assert doc.data == {"a": "fake = 1\n", "b": 2}
    assert doc.locator is not None
    assert doc.locator.line_of(["fake"]) == 1  # not found: the document root
    assert doc.locator.line_of(["b"]) == 4


def test_json_locator_resolves_escaped_keys() -> None:
    text = '{"a\\"b": {"k\\u00e9": [10,\n 20]}}'
    (doc,) = _parse("e.json", text)
    assert doc.data == {'a"b': {"ké": [10, 20]}}
    assert doc.locator is not None
    assert doc.locator.line_of(['a"b', "ké", 1]) == 2


def test_yaml_locator_int_and_bool_keys() -> None:
    (doc,) = _parse("k.yaml", "ports:\n  80: http\n  443: https\nflags:\n  yes: 1\n")
    assert doc.data == {"ports": {80: "http", 443: "https"}, "flags": {True: 1}}
    assert doc.locator is not None
    assert doc.locator.line_of(["ports", 443]) == 3
    assert doc.locator.line_of(["flags", True]) == 5


def test_locator_is_lazy_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    from dsaudit.documents import yamllines as locators

    indexed: list[int] = []
    real = locators.index_yaml

    def counting_index(content: bytes):  # type: ignore[no-untyped-def]
        indexed.append(len(content))
        return real(content)

    monkeypatch.setattr(locators, "index_yaml", counting_index)
    docs = _parse("l.yaml", "---\na: 1\n---\nb: 2\n")
    assert indexed == []  # parsing did not index lines
    assert docs[0].locator is not None and docs[1].locator is not None
    assert docs[0].locator.line_of(["a"]) == 2
    assert docs[1].locator.line_of(["b"]) == 4
    assert docs[1].locator.line_of(["b"]) == 4
    assert indexed == [len("---\na: 1\n---\nb: 2\n")]  # once for the whole file


@pytest.mark.parametrize(
    ("text", "line", "tag"),
    [
        ("a: 1\nb: [!!timestamp '2146-10-03 00:18:03{0']\n", 2, "!!timestamp"),
        ("x: !!int abc\n", 1, "!!int"),
        ("x: 1\ny: 2\nz: !!bool maybe\n", 3, "!!bool"),
        ("x: !!float y\n", 1, "!!float"),
    ],
)
def test_explicit_tag_with_a_bad_value_is_a_parse_error(text: str, line: int, tag: str) -> None:
    with pytest.raises(ParseError) as info:
        _parse("tags.yaml", text)
    assert info.value.line == line
    assert f"does not fit its tag {tag}" in info.value.message


@pytest.mark.parametrize("enabled_before", [True, False])
def test_yaml_load_restores_the_garbage_collector(enabled_before: bool) -> None:
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if enabled_before else gc.disable)()
        _parse("g.yaml", "a: [1, 2]\n")
        with pytest.raises(ParseError):
            _parse("g.yaml", "a: [1, 2\n")
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()


def test_missing_libyaml_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    from dsaudit.documents import yamlsafe

    monkeypatch.delattr(yaml, "CSafeLoader")
    monkeypatch.setattr(yamlsafe, "_warned_no_libyaml", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert yamlsafe._base_loader() is yaml.SafeLoader
        assert yamlsafe._base_loader() is yaml.SafeLoader
    assert [str(w.message).split(";")[0] for w in caught] == ["PyYAML was built without libyaml"]


def test_pure_python_fallback_loader_keeps_the_guarantees(monkeypatch: pytest.MonkeyPatch) -> None:
    from dsaudit.documents import fastyaml, yamlsafe

    monkeypatch.delattr(yaml, "CSafeLoader")
    monkeypatch.setattr(yamlsafe, "_warned_no_libyaml", True)
    monkeypatch.setattr(yamlsafe, "StrictLoader", yamlsafe._make_loader())
    monkeypatch.setattr(fastyaml, "CParser", None)
    (doc,) = _parse("p.yaml", "a:\n  - b: yes\n")
    assert doc.data == {"a": [{"b": True}]}
    assert doc.locator is not None and doc.locator.line_of(["a", 0, "b"]) == 2
    with pytest.raises(ParseError, match=r"duplicate key 'k' \(first at line 1\)"):
        _parse("p.yaml", "k: 1\nk: 2\n")
    with pytest.raises(LimitError):
        parse_structured("p.yaml", b"- " * 2000 + b"x", "yaml", LIMITS)
