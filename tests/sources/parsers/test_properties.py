"""Java .properties: syntax, escapes, continuation, last value wins, nested tree."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.properties import PropertiesParser, parse_properties, split_property

LIMITS = Limits()


def test_nested_tree_typed_values_and_lines() -> None:
    doc = parse_properties(
        "app/application.properties",
        b"# Spring\n! also a comment\nserver.port=8080\nserver.ssl.enabled = true\n"
        b"server.ssl.enabled-protocols: TLSv1.2,\\\n    TLSv1.3\n"
        b"greeting=caf\\u00e9\\tbar\nkey\\ with\\ space value\nserver.port 9000\n",
        LIMITS,
    )
    assert doc.data == {
        "server": {
            "ssl": {"enabled": True, "enabled-protocols": "TLSv1.2,TLSv1.3"},
            "port": 9000,
        },
        "greeting": "café\tbar",
        "key with space": "value",
    }
    assert doc.locator.line_of(("server", "ssl", "enabled-protocols")) == 5
    assert doc.locator.line_of(("server", "port")) == 9


def test_a_key_that_is_also_a_prefix_keeps_its_value_under_the_empty_key() -> None:
    doc = parse_properties("a.properties", b"logging.level=INFO\nlogging.level.root=WARN\n", LIMITS)
    assert doc.data == {"logging": {"level": {"": "INFO", "root": "WARN"}}}
    assert doc.locator.line_of(("logging", "level", "")) == 1
    assert doc.locator.line_of(("logging", "level", "root")) == 2


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [("a=b", "a", "b"), ("a : b", "a", "b"), ("a   b c", "a", "b c"), ("a\\=b=c", "a\\=b", "c"),
     ("a=", "a", ""), ("a", "a", "")],
)  # fmt: skip
def test_split_property(line: str, key: str, value: str) -> None:
    assert split_property(line) == (key, value)


def test_latin1_fallback_and_bad_unicode_escape() -> None:
    doc = parse_properties("m.properties", "name=Zürich\n".encode("latin-1"), LIMITS)
    assert doc.data == {"name": "Zürich"}
    with pytest.raises(ParseError) as info:
        parse_properties("m.properties", b"a=1\nb=\\u00zz\n", LIMITS)
    assert info.value.line == 2


def test_claims() -> None:
    assert PropertiesParser().claims(PurePosixPath("app/application-prod.properties"))
    assert not PropertiesParser().claims(PurePosixPath("app/application.yml"))
