"""nginx: tokens, nested blocks, includes, effective per-server TLS and logging."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from dsaudit.core.errors import LimitError, ParseError
from dsaudit.core.limits import Limits
from dsaudit.sources.parsers.nginx import NginxParser, parse_nginx, tokenize

LIMITS = Limits()


def parse(text: str, path: str = "etc/nginx/nginx.conf", root: Path | None = None):  # type: ignore[no-untyped-def]
    return parse_nginx(path, textwrap.dedent(text).lstrip("\n").encode(), LIMITS, root)


def test_tokens_keep_quotes_variables_and_lines() -> None:
    tokens = tokenize('set $a "x ; {y}"; # note\nreturn 200 ${a}b;\n', "f")
    assert [(t.lstrip("\x00"), line) for t, line in tokens] == [
        ("set", 1), ("$a", 1), ("x ; {y}", 1), (";", 1),
        ("return", 2), ("200", 2), ("${a}b", 2), (";", 2),
    ]  # fmt: skip


def test_blocks_directives_and_server_inheritance() -> None:
    doc = parse(
        """
        user nginx;
        http {
            ssl_protocols TLSv1.2 TLSv1.3;
            ssl_ciphers "HIGH:!aNULL:!MD5";
            access_log /var/log/nginx/access.log main;
            server {
                listen 443 ssl;
                server_name a.example b.example;
                location / { access_log off; }
            }
            server {
                listen 8443 ssl;
                ssl_protocols TLSv1 TLSv1.2;
                ssl_ciphers RC4-SHA:AES128-SHA:!MD5;
                access_log off;
            }
            server { listen 80; }
        }
        stream { server { listen 5432; } }
        """
    )
    data = doc.data
    assert data["directives"] == {"user": [["nginx"]]}
    assert [b["name"] for b in data["blocks"]] == ["http", "stream"]
    first, second, plain = data["servers"]
    assert first["ssl_protocols"] == ["TLSv1.2", "TLSv1.3"]
    assert first["ssl_protocols_from"] == "http"
    assert first["server_name"] == ["a.example", "b.example"]
    assert first["locations"] == ["/"]
    assert first["access_log_off"] is False
    assert second["ssl_protocols"] == ["TLSv1", "TLSv1.2"]
    assert second["weak_ciphers"] == ["RC4-SHA"]
    assert second["access_log_off"] is True
    assert plain["ssl"] is False
    assert doc.locator.line_of(("servers", 0, "ssl_protocols")) == 3
    assert doc.locator.line_of(("servers", 1, "ssl_protocols")) == 13
    assert doc.locator.line_of(("servers", 1, "weak_ciphers")) == 14
    assert doc.locator.line_of(("servers", 2)) == 17


@pytest.mark.parametrize(
    ("ciphers", "weak"),
    [
        ("ECDHE-RSA-AES128-GCM-SHA256:!MD5:!RC4", []),
        ("RC4:HIGH:DES-CBC3-SHA:!aNULL", ["RC4", "DES-CBC3-SHA"]),
        ("HIGH:aNULL:!aNULL", []),
        ("EXP-RC4-MD5 NULL-SHA", ["EXP-RC4-MD5", "NULL-SHA"]),
    ],
)
def test_weak_cipher_entries(ciphers: str, weak: list[str]) -> None:
    doc = parse(f"http {{ server {{ listen 443 ssl; ssl_ciphers '{ciphers}'; }} }}\n")
    assert doc.data["servers"][0]["weak_ciphers"] == weak


def test_snippets_are_merged_and_unit_files_inherit(
    make_tree: Callable[[dict[str, str]], Path],
) -> None:
    root = make_tree(
        {
            "h/etc/nginx/nginx.conf": """
                http {
                    ssl_protocols TLSv1.1 TLSv1.2;
                    include /etc/nginx/conf.d/*.conf;
                    server {
                        listen 443 ssl;
                        include snippets/tls.conf;
                    }
                }
                """,
            "h/etc/nginx/snippets/tls.conf": "ssl_protocols TLSv1.3;\n",
            "h/etc/nginx/conf.d/shop.conf": "server {\n    listen 443 ssl;\n}\n",
        }
    )
    main = parse((root / "h/etc/nginx/nginx.conf").read_text(), "h/etc/nginx/nginx.conf", root)
    assert main.data["servers"][0]["ssl_protocols"] == ["TLSv1.3"]
    assert main.locator.line_of(("servers", 0, "ssl_protocols")) == 6, "the include line"
    assert main.data["origins"] == {
        "blocks.0.blocks.0.directives.ssl_protocols.0": "h/etc/nginx/snippets/tls.conf:1"
    }
    assert len(main.data["servers"]) == 1, "unit files are not merged into nginx.conf"
    assert main.data["includes"][0]["files"] == ["h/etc/nginx/conf.d/shop.conf"]
    shop_path = "h/etc/nginx/conf.d/shop.conf"
    shop = parse((root / shop_path).read_text(), shop_path, root)
    assert shop.data["context"] == "http"
    assert shop.data["inherited_from"] == "h/etc/nginx/nginx.conf"
    assert shop.data["servers"][0]["ssl_protocols"] == ["TLSv1.1", "TLSv1.2"]
    assert shop.data["servers"][0]["ssl_protocols_from"] == "h/etc/nginx/nginx.conf"
    assert shop.locator.line_of(("servers", 0, "ssl_protocols")) == 1
    alone = parse((root / shop_path).read_text(), shop_path)
    assert alone.data["servers"][0]["ssl_protocols"] is None


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("http {\n  server {\n    listen 80;\n  }\n", 1, "not closed"),
        ("user nginx\nhttp { }\n", 1, "missing ';'"),
        ("}\n", 1, "unexpected '}'"),
        ("http {\n  ;\n}\n", 2, "unexpected ';'"),
        ('user "nginx;\n', 1, "unterminated"),
        ("http {\n  listen 80\n}\n", 2, "missing ';'"),
    ],
    ids=["unclosed", "no-semicolon-before-block", "stray-brace", "stray-semicolon", "quote",
         "no-semicolon-before-brace"],
)  # fmt: skip
def test_malformed_configs(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.line == line
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("path", "claimed"),
    [("etc/nginx/nginx.conf", True), ("etc/nginx/conf.d/shop.conf", True),
     ("etc/nginx/sites-enabled/default", True), ("etc/nginx/sites-available/old", False),
     ("etc/nginx/snippets/tls.conf", False),
     ("etc/nginx/mime.types", False), ("srv/app/conf.d/x.conf", False)],
)  # fmt: skip
def test_claims(path: str, claimed: bool) -> None:
    assert NginxParser().claims(PurePosixPath(path)) is claimed


def test_nesting_beyond_max_depth_is_a_limit_error() -> None:
    text = "http {\n" * 60 + "}\n" * 60
    with pytest.raises(LimitError) as info:
        parse_nginx("etc/nginx/nginx.conf", text.encode(), Limits(max_depth=50))
    assert (info.value.limit, info.value.line) == ("max_depth", 51)
    deep = parse_nginx("etc/nginx/nginx.conf", text.encode(), Limits(max_depth=100))
    assert deep.data["blocks"][0]["name"] == "http"
