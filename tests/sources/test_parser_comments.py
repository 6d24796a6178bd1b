"""The dead comments pipeline is gone (issue 14 §4): parsers' comments are no longer copied.

``ParsedDocument.comments`` stays, deprecated, so a plugin parser that fills it keeps working;
inline suppressions read the file's own text for every parser alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dsaudit
from dsaudit import DEFAULT_LIMITS, Limits, ParsedDocument, testing
from dsaudit.core.models import Resource


class CommentingParser:
    """A 0.1-style plugin parser that still hands over its comments."""

    name = "kv"

    def claims(self, path: Path) -> bool:
        return path.suffix == ".kv"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        lines = content.decode().splitlines()
        data = dict(line.split("=", 1) for line in lines if "=" in line)
        notes = {n: line[1:].strip() for n, line in enumerate(lines, 1) if line.startswith("#")}
        return [ParsedDocument(data, comments=notes)]

    @dsaudit.hookimpl
    def dsaudit_register_parsers(self, register: Any) -> None:
        register(self)


def config_resources(root: Path) -> list[Resource]:
    from dsaudit.sources.configs import parse_file

    resources, errors, _ = parse_file(root, "app.kv", CommentingParser(), DEFAULT_LIMITS)
    assert errors == []
    return resources


def test_a_parser_that_fills_comments_still_works(tmp_path: Path) -> None:
    (tmp_path / "app.kv").write_text("# owner: ops\ndebug=true\n", "utf-8")
    audit = testing.audit_folder(tmp_path, testing.plugin_host(("kv", CommentingParser())))
    assert audit.errors == []
    assert audit.metadata["counts"]["resources"] >= 1


def test_comments_are_not_copied_into_the_resource(tmp_path: Path) -> None:
    (tmp_path / "app.kv").write_text("# owner: ops\ndebug=true\n", "utf-8")
    [resource] = config_resources(tmp_path)
    assert resource.attributes == {"debug": "true"}
    assert "comments" not in resource.meta
