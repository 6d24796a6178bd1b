"""Shared helpers of the line-oriented parsers: line map, decoding, words, includes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.lines import (
    MAX_INCLUDE_DEPTH,
    Includes,
    LineMap,
    decode,
    host_root,
    join_continuations,
    physical_lines,
    split_words,
    strip_comment,
)

LIMITS = Limits()


def test_line_map_falls_back_to_the_longest_recorded_prefix() -> None:
    lines = LineMap()
    lines.set(("settings", "ciphers"), 7)
    lines.set(("settings",), 2)
    assert lines.line_of(("settings", "ciphers", 3)) == 7
    assert lines.line_of(("settings", "port")) == 2
    assert lines.line_of(("other",)) is None


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"a 1\nb \xff\n", 2, "not valid UTF-8"),
        (b"a 1\n\nb\x00c\n", 3, "binary content"),
    ],
    ids=["latin1-byte", "nul-byte"],
)
def test_decode_names_the_line_of_bad_bytes(content: bytes, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        decode("etc/x.conf", content, LIMITS)
    assert info.value.line == line
    assert info.value.file == "etc/x.conf"
    assert fragment in str(info.value)


def test_decode_strips_a_bom_and_enforces_the_size_limit() -> None:
    assert decode("x", b"\xef\xbb\xbfPort 22\n", LIMITS) == "Port 22\n"
    with pytest.raises(LimitError) as info:
        decode("x", b"a" * 11, Limits(max_file_bytes=10))
    assert info.value.limit == "max_file_bytes"


def test_continuations_join_and_keep_the_first_line_number() -> None:
    text = "one \\\n  two \\\n  three\nfour\n# c\\\n"
    joined = list(join_continuations(physical_lines(text)))
    assert [(line.number, " ".join(line.text.split())) for line in joined[:2]] == [
        (1, "one two three"),
        (4, "four"),
    ]


def test_crlf_line_endings_are_removed() -> None:
    assert [line.text for line in physical_lines("a\r\nb\r\n")] == ["a", "b", ""]


@pytest.mark.parametrize(
    ("text", "code", "comment"),
    [
        ("Port 22 # ssh", "Port 22", "ssh"),
        ('Banner "a # b"', 'Banner "a # b"', None),
        ("value a#b", "value a#b", None),
        ("# whole line", "", "whole line"),
    ],
)
def test_strip_comment_respects_quotes_and_words(text: str, code: str, comment: str | None) -> None:
    assert strip_comment(text) == (code, comment)


def test_split_words_keeps_quoted_spaces_and_reports_unterminated_quotes() -> None:
    assert split_words('a "b c" \'d\' "e\\"f"', "f", 1) == ["a", "b c", "d", 'e"f']
    with pytest.raises(ParseError) as info:
        split_words('a "b', "f", 9)
    assert info.value.line == 9


@pytest.mark.parametrize(
    ("path", "root"),
    [
        ("servers/web-01/etc/ssh/sshd_config", "servers/web-01"),
        ("etc/nginx/nginx.conf", "."),
        ("postgres/pg_hba.conf", "postgres"),
    ],
)
def test_host_root(path: str, root: str) -> None:
    assert str(host_root(path)) == root


def test_includes_resolve_inside_the_root_and_note_the_rest(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "h/etc/app/main.conf": "x\n",
            "h/etc/app/conf.d/b.conf": "b\n",
            "h/etc/app/conf.d/a.conf": "a\n",
        }
    )
    inc = Includes(root, "h/etc/app/main.conf", LIMITS)
    found = inc.resolve("/etc/app/conf.d/*.conf", 3)
    assert [f.path for f in found] == ["h/etc/app/conf.d/a.conf", "h/etc/app/conf.d/b.conf"]
    assert inc.resolve("conf.d/none.conf", 4) == []
    assert inc.resolve("../../../../outside.conf", 5) == []
    assert [r.status for r in inc.records] == ["read", "missing", "outside_root"]
    assert inc.records[0].line == 3


def test_includes_without_a_root_are_noted_not_read() -> None:
    inc = Includes(None, "etc/ssh/sshd_config", LIMITS)
    assert inc.resolve("/etc/ssh/sshd_config.d/*.conf", 1) == []
    assert inc.as_list() == [
        {"line": 1, "pattern": "/etc/ssh/sshd_config.d/*.conf", "status": "not_read",
         "files": []}
    ]  # fmt: skip


def test_includes_refuse_cycles_and_deep_nesting(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree({"etc/a.conf": "a\n", "etc/b.conf": "b\n"})
    inc = Includes(root, "etc/a.conf", LIMITS)
    assert inc.resolve("a.conf", 1) == []
    assert inc.records[-1].status == "cycle"
    for _ in range(MAX_INCLUDE_DEPTH):
        inc.enter("etc/x.conf")
    assert inc.resolve("b.conf", 2) == []
    assert inc.records[-1].status == "too_deep"


def test_includes_do_not_follow_symlinks_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "secret.conf"
    outside.write_text("password x\n")
    root = tmp_path / "target"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "link.conf").symlink_to(outside)
    inc = Includes(root, "etc/main.conf", LIMITS)
    assert inc.resolve("link.conf", 1) == []
    assert inc.records[0].status == "outside_root"
