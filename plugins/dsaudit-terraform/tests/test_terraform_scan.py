"""The HCL line scanner: brace depth outside strings, interpolations, comments and heredocs."""

from __future__ import annotations

import textwrap

import pytest

from dsaudit_terraform.hclscan import HclLines

SOURCE = textwrap.dedent(
    """\
    # a comment with { braces }
    resource "aws_s3_bucket" "a" {
      bucket = "name-with-{brace"
      policy = <<EOF
    { "Statement": [ {
    EOF
      tags = { team = "web" }
      rule {
        name = "${lookup(var.m, "k", "}")}"
      }
      /* block { comment */
      rule {
        name = "second"
      }
    }

    provider "aws" {
      region = "cn-north-1" // trailing { comment
    }
    """
)


def test_blocks_and_their_line_ranges() -> None:
    lines = HclLines(SOURCE)
    assert [(b.kind, b.labels, b.start, b.end) for b in lines.blocks] == [
        ("resource", ("aws_s3_bucket", "a"), 2, 15),
        ("provider", ("aws",), 17, 19),
    ]


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (["bucket"], 3),
        (["policy"], 4),
        (["tags"], 7),
        (["tags", "team"], 7),
        (["rule", 0, "name"], 9),
        (["rule", 1, "name"], 13),
        (["rule", 1], 12),
        (["missing"], 2),
        (["rule", 5, "name"], 13),
    ],
    ids=[
        "attr",
        "heredoc-attr",
        "inline-map",
        "inside-inline-map",
        "first-nested",
        "second-nested",
        "nested-block",
        "missing-is-header",
        "index-past-end",
    ],
)
def test_line_of_keys_in_a_block(path: list, line: int) -> None:
    lines = HclLines(SOURCE)
    block = lines.find_block("resource", "aws_s3_bucket", "a")
    assert block is not None
    assert lines.line_in_block(block, path) == line


def test_an_unterminated_string_does_not_hide_later_blocks() -> None:
    text = 'resource "a" "b" {\n  x = "oops\n}\n\nresource "c" "d" {\n  y = 1\n}\n'
    assert [b.labels for b in HclLines(text).blocks] == [("a", "b"), ("c", "d")]
