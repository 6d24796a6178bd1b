"""redis.conf: last wins, accumulating directives, include, exposure and auth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.redis import RedisParser, parse_redis

LIMITS = Limits()


def test_last_value_wins_and_lists_accumulate() -> None:
    doc = parse_redis(
        "etc/redis/redis.conf",
        b'# cache\nport 6379\nPORT 6380\nsave 900 1\nsave 300 10\nrename-command CONFIG ""\n'
        b'bind 10.0.0.1 -::1\nbind 127.0.0.1\nrequirepass "p w"\n',
        LIMITS,
    )
    settings = doc.data["settings"]
    assert settings["port"] == 6380
    assert settings["save"] == ["900 1", "300 10"]
    assert settings["rename-command"] == ["CONFIG "]
    assert settings["bind"] == ["127.0.0.1"]
    assert settings["requirepass"] == "p w"
    assert doc.locator.line_of(("settings", "port")) == 3
    assert doc.locator.line_of(("settings", "save", 1)) == 5


@pytest.mark.parametrize(
    ("body", "everywhere", "auth"),
    [
        ("port 6379\n", True, False),
        ("bind 0.0.0.0\nrequirepass secret\n", True, True),
        ("bind 127.0.0.1 -::1\n", False, False),
        ("bind * -::*\nuser default on nopass ~* +@all\n", True, False),
        ("bind ::\nuser default off\n", True, True),
        ("user default on >s3cret ~* +@all\n", True, True),
        ('requirepass ""\n', True, False),
    ],
    ids=["no-bind", "all-with-pass", "loopback", "acl-nopass", "acl-off", "acl-pass", "empty"],
)
def test_exposure_and_auth(body: str, everywhere: bool, auth: bool) -> None:
    data = parse_redis("redis.conf", body.encode(), LIMITS).data
    assert (data["listens_on_all_interfaces"], data["auth_required"]) == (everywhere, auth)


def test_include_is_merged_where_it_stands(make_tree: Callable[[dict[str, str]], Path]) -> None:
    root = make_tree(
        {
            "etc/redis/redis.conf": "include /etc/redis/local.conf\nport 6379\n",
            "etc/redis/local.conf": "port 7000\nrequirepass x\n",
        }
    )
    path = "etc/redis/redis.conf"
    doc = parse_redis(path, (root / path).read_bytes(), LIMITS, root)
    assert doc.data["settings"]["port"] == 6379, "a later line in the main file wins"
    assert doc.data["auth_required"] is True
    assert doc.data["origins"] == {"settings.requirepass": "etc/redis/local.conf:2"}
    assert doc.locator.line_of(("settings", "requirepass")) == 1


@pytest.mark.parametrize(
    ("body", "line"), [(b"port 6379\nmaxmemory\n", 2), (b'logfile "x\n', 1), (b"9lives 1\n", 1)]
)
def test_errors(body: bytes, line: int) -> None:
    with pytest.raises(ParseError) as info:
        parse_redis("redis.conf", body, LIMITS)
    assert info.value.line == line


@pytest.mark.parametrize(
    ("path", "claimed"),
    [("etc/redis/redis.conf", True), ("etc/redis-6380.conf", True),
     ("etc/redis/sentinel.conf", True), ("etc/redis/local.conf", False)],
)  # fmt: skip
def test_claims(path: str, claimed: bool) -> None:
    assert RedisParser().claims(PurePosixPath(path)) is claimed
